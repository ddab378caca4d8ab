"""The command menus Telegram shows: per scope (groups, private chats) and per language.

Dutch is the default menu (no `language_code`), with the Dutch command names; English is
shown to users whose Telegram is in English. Both names work everywhere.
`deploy/telegram-commands.txt` is the same group-and-private list for BotFather's
/setcommands; a test keeps the two in step.
"""

from __future__ import annotations

from telegram import Bot, BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeAllPrivateChats

GROUP: dict[str, tuple[tuple[str, str], ...]] = {
    "nl": (
        ("status", "Wie heeft geantwoord (nooit wat)"),
        ("ronde", "Start een belangenronde (coördinator)"),
        ("herinner", "Herinner wie nog niet klaar is (coördinator)"),
        ("deel", "Leg alle antwoorden op tafel; 'toch' als niet iedereen klaar is"),
        ("inrichten", "Maak van deze groep het gedeelde kanaal van een samenwerking"),
        ("annuleer", "Annuleer de open ronde (coördinator)"),
        ("checkin", "Check-ins: elke 4 weken maandag 09:00 | nu | uit (coördinator)"),
        ("tijdzone", "De klok van de check-ins, bv. Europe/Amsterdam (coördinator)"),
        ("coordinator", "Voeg een coördinator toe: antwoord op een bericht van die persoon"),
        ("anoniem", "aan of uit: alles op tafel zonder namen (coördinator)"),
        ("taal", "nl of en: de taal van de bot in deze groep (coördinator)"),
        ("exporteer", "Wat het laatst op tafel kwam, privé; 'alles': alles als bestanden"),
        ("afspraak", "Stel een afspraak voor: @naam en wat die brengt"),
        ("bevestig", "Bevestig een afspraak die jij brengt: het nummer"),
        ("afspraken", "Alle afspraken; coördinator: wijzig of sluit een nummer"),
        ("hulp", "Alle opdrachten"),
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
        ("export", "The last reveal, privately to you; 'all': everything as files"),
        ("agree", "Propose an agreement: @name and what they bring"),
        ("confirm", "Confirm an agreement you bring: its number"),
        ("agreements", "All agreements; coordinator: edit or close one"),
        ("help", "All commands"),
    ),
}

PRIVATE: dict[str, tuple[tuple[str, str], ...]] = {
    "nl": (
        ("status", "Waar je bent in je gesprek"),
        ("wijzig", "Je antwoorden nalezen en aanpassen tot ze op tafel komen"),
        ("vergeet", "Je antwoorden wissen die nog niet op tafel liggen"),
        ("exporteer", "Al je eigen antwoorden als bestanden"),
        ("hulp", "Hoe dit werkt"),
    ),
    "en": (
        ("status", "Where you are in your interview"),
        ("edit", "Review and change your answers until the reveal"),
        ("forget", "Erase your answers that are not revealed yet"),
        ("export", "All your own answers, as files"),
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
