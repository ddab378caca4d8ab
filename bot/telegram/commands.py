"""The command menus Telegram shows: per scope (groups, private chats) and per language.

Dutch is the default menu (no `language_code`), English is shown to users whose Telegram
is in English. `deploy/telegram-commands.txt` is the same group-and-private list for
BotFather's /setcommands; a test keeps the two in step.
"""

from __future__ import annotations

from telegram import Bot, BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeAllPrivateChats

GROUP: dict[str, tuple[tuple[str, str], ...]] = {
    "nl": (
        ("status", "Wie heeft geantwoord (nooit wat)"),
        ("round", "Start een belangenronde (coördinator)"),
        ("remind", "Herinner wie nog niet klaar is (coördinator)"),
        ("reveal", "Leg alle antwoorden op tafel; 'force' als niet iedereen klaar is"),
        ("setup", "Maak van deze groep het gedeelde kanaal van een samenwerking"),
        ("cancel", "Annuleer de open ronde (coördinator)"),
        ("checkin", "Check-ins: every 4 weeks maandag 09:00 | now | off (coördinator)"),
        ("timezone", "De tijdzone van deze samenwerking, bv. Europe/Amsterdam (coördinator)"),
        ("coordinator", "Voeg een coördinator toe: antwoord op een bericht van die persoon"),
        ("anonymous", "on of off: onthullen zonder namen (coördinator)"),
        ("language", "nl of en: de taal van de bot in deze groep (coördinator)"),
        ("export", "De laatste onthulling, privé naar jou (coördinator)"),
        ("help", "Alle opdrachten"),
    ),
    "en": (
        ("status", "Who has answered (never what)"),
        ("round", "Start an interest round (coordinator)"),
        ("remind", "Remind those who have not finished (coordinator)"),
        ("reveal", "Put all answers on the table; 'force' if not everyone is done"),
        ("setup", "Make this group the shared channel of a collaboration"),
        ("cancel", "Cancel the open round (coordinator)"),
        ("checkin", "Check-ins: every 4 weeks monday 09:00 | now | off (coordinator)"),
        ("timezone", "The collaboration's time zone, e.g. Europe/Amsterdam (coordinator)"),
        ("coordinator", "Add a coordinator: reply to a message of that person"),
        ("anonymous", "on or off: reveal without names (coordinator)"),
        ("language", "nl or en: the bot's language in this group (coordinator)"),
        ("export", "The last reveal, privately to you (coordinator)"),
        ("help", "All commands"),
    ),
}

PRIVATE: dict[str, tuple[tuple[str, str], ...]] = {
    "nl": (
        ("status", "Waar je bent in je gesprek"),
        ("edit", "Je antwoorden nalezen en aanpassen tot de onthulling"),
        ("forget", "Je nog niet onthulde antwoorden wissen"),
        ("help", "Hoe dit werkt"),
    ),
    "en": (
        ("status", "Where you are in your interview"),
        ("edit", "Review and change your answers until the reveal"),
        ("forget", "Erase your answers that are not revealed yet"),
        ("help", "How this works"),
    ),
}

DEFAULT_LANGUAGE = "nl"


def _commands(pairs: tuple[tuple[str, str], ...]) -> list[BotCommand]:
    return [BotCommand(name, description) for name, description in pairs]


async def register(bot: Bot) -> None:
    """setMyCommands for groups and private chats, Dutch by default and in English."""
    for language in GROUP:
        code = None if language == DEFAULT_LANGUAGE else language
        await bot.set_my_commands(_commands(GROUP[language]),
                                  scope=BotCommandScopeAllGroupChats(), language_code=code)
        await bot.set_my_commands(_commands(PRIVATE[language]),
                                  scope=BotCommandScopeAllPrivateChats(), language_code=code)


def botfather_lines(language: str = DEFAULT_LANGUAGE) -> list[str]:
    """`command - description` lines for BotFather: group commands, then private ones."""
    seen: dict[str, str] = {}
    for name, description in (*GROUP[language], *PRIVATE[language]):
        seen.setdefault(name, description)
    return [f"{name} - {description}" for name, description in seen.items()]
