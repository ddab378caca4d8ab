"""The terminal: one person plays coordinator and partners against the real database."""

from __future__ import annotations

import asyncio
import sys
import threading
from collections.abc import Callable

from bot.local.adapter import LocalButton, LocalMessage
from bot.local.session import LocalSession, NotYourButton

CONSOLE_HELP = {
    "en": """\
You are in the channel "#{channel}" and in private chats with the bot, as whoever you like.
  /as NAME        act as NAME (now: {who}); everyone who acted counts as a channel member
  /dm, /channel   switch between your private chat with the bot and the shared channel
  /COMMAND ...    a command where you are: in the channel e.g. /setup, /partners @anna @bram,
                  /round, /status, /reveal; in private: /help, /status, /edit, /forget
  #N              press button number N
  any other text  in the private chat: your answer; in the channel it is not for the bot
  /quit           leave (everything is saved: run again to continue)
""",
    "nl": """\
Je bent in het kanaal "#{channel}" en in privégesprekken met de bot, als wie je maar wilt.
  /as NAAM        doe alsof je NAAM bent (nu: {who}); wie iets deed, is lid van het kanaal
  /dm, /channel   wissel tussen je privégesprek met de bot en het gedeelde kanaal
  /OPDRACHT ...   een opdracht waar je bent: in het kanaal bijv. /inrichten, /partners @anna
                  @bram, /ronde, /status, /deel; privé: /hulp, /status, /wijzig, /vergeet
  #N              druk op knop nummer N
  andere tekst    in het privégesprek: je antwoord; in het kanaal is het niet voor de bot
  /quit           stoppen (alles is bewaard: start opnieuw om verder te gaan)
""",
}
NOT_YOURS = {
    "en": "(Button #{number} is in {owner}'s private chat. Type /as {owner} to press it.)",
    "nl": "(Knop #{number} staat in het privégesprek van {owner}. Typ /as {owner} om erop "
          "te drukken.)",
}
GOODBYE = {
    "en": "Goodbye. Everything is saved: run again to continue.",
    "nl": "Tot ziens. Alles is bewaard: start opnieuw om verder te gaan.",
}
NOT_FOR_THE_BOT = {
    "en": "(In the channel the bot only listens to commands. Type /dm to answer.)",
    "nl": "(In het kanaal luistert de bot alleen naar opdrachten. Typ /dm om te antwoorden.)",
}


# How a message is framed in the terminal and the demo, per language.
FRAMES = {
    "en": {"dm": "private to {name}", "notice": "only {name} sees this",
           "updated": " (updated)", "same": "as above"},
    "nl": {"dm": "privé aan {name}", "notice": "alleen {name} ziet dit",
           "updated": " (bijgewerkt)", "same": "zoals hierboven"},
}


def _title(message: LocalMessage, session: LocalSession, frames: dict[str, str]) -> str:
    kind, _, who = message.place.partition(":")
    if message.place.startswith("#"):
        return f"#{session.channel_name}"
    name = session.people[who].name if who in session.people else who
    return frames["dm" if kind == "dm" else "notice"].format(name=name)


class Printer:
    """An echo callback for the local adapter: each message as a person reads it.

    `compact` (the demo) leaves out button numbers and updated messages (the line saying
    who pressed what tells it), and shows a message already shown to someone else by its
    first line only.
    """

    def __init__(self, session_ref: Callable[[], LocalSession], out: Callable[[str], None] = print,
                 language: str = "nl", compact: bool = False) -> None:
        self._session_ref = session_ref
        self._out = out
        self._frames = FRAMES.get(language, FRAMES["nl"])
        self._compact = compact
        self._shown: set[tuple[str, tuple[str, ...]]] = set()
        self._after_action = False

    def action(self, line: str) -> None:
        """A line saying what someone does; consecutive actions are not spaced apart."""
        self._out(line if self._after_action else f"\n{line}")
        self._after_action = True

    def __call__(self, message: LocalMessage, edited: bool) -> None:
        if edited and self._compact:
            return
        title = _title(message, self._session_ref(), self._frames)
        self._after_action = False
        shown = (message.text, tuple(b.label for b in message.buttons))
        if self._compact and shown in self._shown:
            first = message.text.partition("\n")[0]
            self._out(f"── {title}: {first} ({self._frames['same']})")
            self._after_action = True  # one line: the next action follows without a gap
            return
        self._shown.add(shown)
        updated = self._frames["updated"] if edited else ""
        self._out(f"\n── {title}{updated} " + "─" * max(0, 50 - len(title) - len(updated)))
        self._out(message.text)
        if message.buttons:
            self._out("   " + "   ".join(self._button(b) for b in message.buttons))

    def _button(self, button: LocalButton) -> str:
        number = "" if self._compact else f"#{button.number} "
        return f"[{'✓ ' if button.selected else ''}{number}{button.label}]"


async def _read_line(read: Callable[[str], str], prompt: str) -> str:
    """`read(prompt)` in a daemon thread: Ctrl-C must not wait for a blocked input()."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[str] = loop.create_future()

    def settle(outcome: str | BaseException) -> None:
        if future.done():  # cancelled by Ctrl-C meanwhile
            return
        if isinstance(outcome, BaseException):
            future.set_exception(outcome)
        else:
            future.set_result(outcome)

    def target() -> None:
        try:
            outcome: str | BaseException = read(prompt)
        except BaseException as error:  # EOFError (Ctrl-D) among them
            outcome = error
        loop.call_soon_threadsafe(settle, outcome)

    threading.Thread(target=target, name="optafel-input", daemon=True).start()
    return await future


async def run_console(session: LocalSession, read: Callable[[str], str] = input,
                      language: str = "nl", resume: bool = False) -> bool:
    """The terminal session until /quit, Ctrl-D or Ctrl-C; True when ended by Ctrl-C.

    `resume` (a fresh process on a database in use): first show everyone who is
    mid-interview where they are.

    After Ctrl-C the thread reading the terminal is still blocked in `read`: the caller
    should end the process without waiting for it (`bot.cli` does).
    """
    try:
        await _session(session, read, language, resume)
    except (asyncio.CancelledError, KeyboardInterrupt):
        # asyncio.run turns Ctrl-C into cancelling this task; a finished task ends cleanly.
        print(f"\n{GOODBYE.get(language, GOODBYE['nl'])}")
        return True
    return False


async def _session(session: LocalSession, read: Callable[[str], str], language: str,
                   resume: bool) -> None:
    who = "coordinator"
    place = "channel"
    usage = CONSOLE_HELP.get(language, CONSOLE_HELP["nl"])
    print(usage.format(channel=session.channel_name, who=who))
    if resume:
        await session.resume()
    while True:
        try:
            line = (await _read_line(read, f"\n{who} @ {place}> ")).strip()
        except EOFError:
            print()
            return
        if not line:
            continue
        try:
            if line in ("/quit", "/exit"):
                return
            if line == "/help":  # the terminal's own help, then the bot's
                print(usage.format(channel=session.channel_name, who=who))
            if line.startswith("/as "):
                who = line[4:].strip() or who
                session.person(who)
            elif line in ("/dm", "/channel"):
                place = line[1:]
            elif line.startswith("#") and line[1:].isdigit():
                await session.press(who, int(line[1:]))
            elif line.startswith("/") and place == "channel":
                await session.command(who, line)
            elif line.startswith("/"):
                await session.private_command(who, line)
            elif place == "dm":
                await session.say(who, line)
            else:
                print(NOT_FOR_THE_BOT.get(language, NOT_FOR_THE_BOT["nl"]))
        except NotYourButton as error:
            text = NOT_YOURS.get(language, NOT_YOURS["nl"])
            print(text.format(number=error.number, owner=error.owner), file=sys.stderr)
