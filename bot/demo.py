"""`optafel demo`: a complete round with three partners, printed as people would read it."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from bot.demo_script import AGREEMENT, AMBITION, CHANNEL, CHECKIN, COORDINATOR, PARTNERS
from bot.local.adapter import LocalAdapter
from bot.local.console import Printer
from bot.local.session import LocalSession
from bot.runtime import Runtime
from conversations.command_names import name_in
from conversations.texts import Texts
from storage.database import create_engine_for, migrate

# One line per thing someone does (a pressed button is not followed by the whole message again).
NARRATION = {
    "en": {"command": "▶ {who} types in #{channel}: {text}", "say": "▶ {who} answers: {text}",
           "press": "▶ {who} chooses: {label}",
           "press_in": "▶ {who} chooses in #{channel}: {label}"},
    "nl": {"command": "▶ {who} typt in #{channel}: {text}", "say": "▶ {who} antwoordt: {text}",
           "press": "▶ {who} kiest: {label}",
           "press_in": "▶ {who} kiest in #{channel}: {label}"},
}


class _Narrator:
    """Says what each person does, then lets the session do it."""

    def __init__(self, session: LocalSession, printer: Printer, language: str) -> None:
        self.session = session
        self.printer = printer
        self.language = language
        self.lines = NARRATION[language]

    async def command(self, who: str, name: str, *args: str) -> None:
        """`name` in English; typed with the demo language's command name."""
        text = " ".join((f"/{name_in(self.language, name)}", *args))
        channel = self.session.channel_name
        self.printer.action(self.lines["command"].format(who=who, channel=channel, text=text))
        await self.session.command(who, text)

    async def say(self, who: str, text: str) -> None:
        self.printer.action(self.lines["say"].format(who=who, text=text))
        await self.session.say(who, text)

    async def press(self, who: str, label: str) -> None:
        message = self.session.last_with_buttons(who)
        button = message.button(label)
        self.printer.action(self.lines["press"].format(who=who, label=button.label))
        await self.session.press(who, button.number)

    async def press_in_channel(self, who: str, label: str) -> None:
        channel = self.session.adapter.channel(self.session.channel_id)
        message = next(m for m in reversed(channel) if any(label.lower() in b.label.lower()
                                                           for b in m.buttons))
        button = message.button(label)
        line = self.lines["press_in"].format(who=who, channel=self.session.channel_name,
                                             label=button.label)
        self.printer.action(line)
        await self.session.press(who, button.number)


async def _interview(n: _Narrator, who: str, a: dict, t: Texts) -> None:
    await n.press(who, t.label("button_start"))
    await n.say(who, a["organisation"])
    await n.say(who, a["org_interest"])
    if a["own_interest"]:
        await n.say(who, a["own_interest"])
    else:
        await n.press(who, t.label("button_skip"))
    for label in a["gets"]:
        await n.press(who, label)
    if a["get_note"]:
        await n.say(who, a["get_note"])
    await n.press(who, t.label("button_next"))
    for label in a["gives"]:
        await n.press(who, label)
    await n.press(who, t.label("button_next"))
    await n.press(who, a["balance"])
    await n.press(who, a["ambition"])
    if a["ambition_note"]:
        await n.say(who, a["ambition_note"])
    await n.press(who, t.label("button_next"))
    await n.say(who, a["expectations"])
    await n.say(who, a["stakeholders"])


async def run_demo(language: str = "nl", out: Callable[[str], None] = print) -> LocalAdapter:
    """Play the whole round on a throw-away SQLite database; returns what was delivered."""
    t = Texts(language)
    with tempfile.TemporaryDirectory() as folder:
        engine = create_engine_for(f"sqlite:///{Path(folder) / 'demo.db'}")
        migrate(engine)
        runtime = Runtime(engine, default_language=language)
        session_box: list[LocalSession] = []
        printer = Printer(lambda: session_box[0], out, language, compact=True)
        adapter = LocalAdapter(echo=printer, picture_dir=Path(folder))
        runtime.add_adapter(adapter)
        session = LocalSession(runtime, adapter, channel_id="tafel", channel_name=CHANNEL)
        session_box.append(session)
        n = _Narrator(session, printer, language)
        await runtime.start()
        try:
            partners = PARTNERS[language]
            for name in (COORDINATOR, *partners):
                session.person(name)
            await n.command(COORDINATOR, "setup")
            await n.command(COORDINATOR, "partners", *(f"@{p}" for p in partners))
            await n.command(COORDINATOR, "round", AMBITION[language])
            names = list(partners)
            for who in names[:2]:
                await _interview(n, who, partners[who], t)
                await n.press(who, t.label("button_seal"))
            await n.command(COORDINATOR, "status")
            await n.command(COORDINATOR, "reveal")
            last = names[2]
            await _interview(n, last, partners[last], t)
            await n.press(last, t.label("button_change", number=4))
            await n.say(last, _second_thought(language))
            await n.press(last, t.label("button_seal"))
            await n.command(COORDINATOR, "reveal")
            await _follow_up(n, runtime, language, t)
        finally:
            await runtime.stop()
            engine.dispose()
    return adapter


async def _follow_up(n: _Narrator, runtime: Runtime, language: str, t: Texts) -> None:
    """An exchange becomes an agreement, its giver confirms, and a check-in asks about it."""
    button, words = AGREEMENT[language]
    dutch = language == "nl"
    await n.press_in_channel("Anna", button)
    await n.command(COORDINATOR, "agreements", "wijzig" if dutch else "edit", "1", words)
    await n.press("Bram", t.label("button_confirm_agreement"))
    await n.command(COORDINATOR, "checkin", "nu" if dutch else "now")
    for who, (balance, delivers, kept, line, valued, changed) in CHECKIN[language].items():
        await n.press(who, balance)
        await n.press(who, delivers)
        await n.press(who, kept)
        if line:
            await n.say(who, line)
        await n.press(who, t.label("button_next"))
        await n.press(who, valued)
        if changed:
            await n.say(who, changed)
        else:
            await n.press(who, t.label("button_skip"))
        await n.press(who, t.label("button_seal"))
    # Everyone sealed: the check-in closes now; the scheduler stores that as an event,
    # deciding it posts the result and the picture.
    await runtime.add_scheduler().tick()
    await runtime.inbox.work()
    await runtime.drain()


def _second_thought(language: str) -> str:
    if language == "en":
        return "Honestly? A good result here would help me become deputy head."
    return "Eerlijk? Een goed resultaat hier helpt mij om adjunct-directeur te worden."
