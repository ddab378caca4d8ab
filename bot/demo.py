"""`optafel demo`: a complete round with three partners, printed as people would read it."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from bot.demo_script import AGREEMENT, AMBITION, CHANNEL, CHECKIN, COORDINATOR, PARTNERS
from bot.local.adapter import LocalAdapter
from bot.local.console import printer
from bot.local.session import LocalSession
from bot.runtime import Runtime
from bot.scheduler import Scheduler
from conversations.texts import Texts
from storage.database import create_engine_for, migrate


class _Narrator:
    """Says what each person does, then lets the session do it."""

    def __init__(self, session: LocalSession, out: Callable[[str], None]) -> None:
        self.session = session
        self.out = out

    async def command(self, who: str, text: str) -> None:
        self.out(f"\n▶ {who} types in #{self.session.channel_name}: {text}")
        await self.session.command(who, text)

    async def say(self, who: str, text: str) -> None:
        self.out(f"\n▶ {who} answers: {text}")
        await self.session.say(who, text)

    async def press(self, who: str, label: str) -> None:
        message = self.session.last_with_buttons(who)
        button = message.button(label)
        self.out(f"\n▶ {who} presses [{button.label}]")
        await self.session.press(who, button.number)

    async def press_in_channel(self, who: str, label: str) -> None:
        channel = self.session.adapter.channel(self.session.channel_id)
        message = next(m for m in reversed(channel) if any(label.lower() in b.label.lower()
                                                           for b in m.buttons))
        button = message.button(label)
        self.out(f"\n▶ {who} presses [{button.label}] in #{self.session.channel_name}")
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
        adapter = LocalAdapter(echo=printer(lambda: session_box[0], out), picture_dir=Path(folder))
        runtime.add_adapter(adapter)
        session = LocalSession(runtime, adapter, channel_id="tafel", channel_name=CHANNEL)
        session_box.append(session)
        n = _Narrator(session, out)
        await runtime.start()
        try:
            partners = PARTNERS[language]
            for name in (COORDINATOR, *partners):
                session.person(name)
            await n.command(COORDINATOR, "/setup")
            await n.command(COORDINATOR, "/partners " + " ".join(f"@{p}" for p in partners))
            await n.command(COORDINATOR, f"/round {AMBITION[language]}")
            names = list(partners)
            for who in names[:2]:
                await _interview(n, who, partners[who], t)
                await n.press(who, t.label("button_seal"))
            await n.command(COORDINATOR, "/status")
            await n.command(COORDINATOR, "/reveal")
            last = names[2]
            await _interview(n, last, partners[last], t)
            await n.press(last, t.label("button_change", number=4))
            await n.say(last, _second_thought(language))
            await n.press(last, t.label("button_seal"))
            await n.command(COORDINATOR, "/reveal")
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
    await n.command(COORDINATOR, f"/{'afspraken wijzig' if dutch else 'agreements edit'} 1 "
                                 f"{words}")
    await n.press("Bram", t.label("button_confirm_agreement"))
    await n.command(COORDINATOR, f"/checkin {'nu' if dutch else 'now'}")
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
    # Everyone sealed: the check-in closes now; the scheduler posts the result and picture.
    await Scheduler(runtime).tick()


def _second_thought(language: str) -> str:
    if language == "en":
        return "Honestly? A good result here would help me become deputy head."
    return "Eerlijk? Een goed resultaat hier helpt mij om adjunct-directeur te worden."
