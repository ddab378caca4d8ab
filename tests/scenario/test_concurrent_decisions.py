"""The inbox decides rows of different people and chats side by side: one slow event
holds up nobody else, and each person's answers are still taken once and in order."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy.engine import Engine

from bot.local.adapter import LocalAdapter
from bot.local.session import LocalSession
from bot.runtime import Runtime
from conversations.events import Event, Person, PrivateText
from storage.inbox import EVENT, RAW, Received
from storage.serialization import event_from_json, event_to_json
from storage.unit_of_work import UnitOfWork
from tests.scenario.conftest import FakeClock, Local, setup_round, start_local
from tests.scenario.test_inbox import eventually, inbox_rows, nothing_to_send

PARTNERS = {"tafel": ("Anna", "Bram"), "kring": ("Chris", "Dirk")}


class SlowLookups(LocalAdapter):
    """A platform whose raw events need a lookup (as Slack's directory) before they can
    be decided; a lookup marked slow answers only when the test opens `gate`."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = asyncio.Event()

    async def translate(self, payload: dict[str, Any]) -> list[Event]:
        if payload["slow"]:
            await self.gate.wait()
        return [event_from_json(payload["event"])]


def typed(who: str, text: str, *, kind: str = EVENT, slow: bool = False) -> Received:
    event = event_to_json(PrivateText(Person(who.lower(), who), text))
    payload = {"event": event, "slow": slow} if kind == RAW else event
    return Received("local", None, kind, payload, who.lower())


async def two_partnerships(local: Local) -> None:
    """Tafel and Kring, an open round in each, every partner at the first question."""
    kring = LocalSession(local.runtime, local.adapter, channel_id="kring", channel_name="Kring")
    await setup_round(local, *PARTNERS["tafel"])
    await kring.command("Dewi", "/setup")
    await kring.command("Dewi", "/partners " + " ".join(f"@{p}" for p in PARTNERS["kring"]))
    await kring.command("Dewi", "/round")
    for who in (*PARTNERS["tafel"], *PARTNERS["kring"]):
        await local.session.say(who, "Let's start")


def answers_of(engine: Engine, channel_id: str) -> dict[str, tuple[str | None, ...]]:
    with UnitOfWork(engine) as uow:
        table = uow.tables.by_channel("local", channel_id)
    assert table is not None
    return {i.user_id: (i.answers.organisation, i.answers.org_interest,
                        i.answers.own_interest, i.step.name) for i in table.interviews}


async def test_answers_in_two_partnerships_are_each_taken_once_and_in_order(
        local: Local, engine: Engine, clock: FakeClock):
    await two_partnerships(local)
    await local.runtime.stop()
    # Typed while no process was deciding, interleaved: stored, decided all at once below.
    storing = Runtime(engine, default_language="en", clock=clock)
    for n in (1, 2, 3):
        for who in (*PARTNERS["tafel"], *PARTNERS["kring"]):
            await storing.receive(typed(who, f"{who} answer {n}"))
    adapter = LocalAdapter()
    storing.add_adapter(adapter)
    await storing.start()  # now it decides them, several at a time
    try:
        await eventually(lambda: all(r.decided_at is not None for r in inbox_rows(engine)))
        await eventually(lambda: nothing_to_send(engine))
    finally:
        await storing.stop()
    for channel_id, partners in PARTNERS.items():
        assert answers_of(engine, channel_id) == {
            who.lower(): (f"{who} answer 1", f"{who} answer 2", f"{who} answer 3", "GET")
            for who in partners}
    for who in (*PARTNERS["tafel"], *PARTNERS["kring"]):
        for question in ("3/11", "4/11", "5/11"):  # each next question asked once
            asked = [m for m in adapter.inbox(who.lower()) if question in m.text]
            assert len(asked) == 1, (who, question)


async def test_answers_that_arrive_together_follow_each_other_at_once(engine: Engine,
                                                                      clock: FakeClock):
    """Answers that arrive in one batch (as Telegram hands them out): each person's
    answers wait for the one before, and each is decided as soon as that one is — not at
    the inbox's next look, which here never comes."""
    local = await start_local(engine, clock, inbox_interval=3600)
    runtime, adapter = local.runtime, local.adapter
    try:
        await two_partnerships(local)
        await runtime.receive(*(typed(who, f"{who} answer {n}")
                                for n in (1, 2, 3) for who in ("Anna", "Chris")))
        await eventually(lambda: all(any("5/11" in m.text for m in adapter.inbox(who))
                                     for who in ("anna", "chris")))
    finally:
        await runtime.stop()
    assert answers_of(engine, "tafel")["anna"] == (
        "Anna answer 1", "Anna answer 2", "Anna answer 3", "GET")
    assert answers_of(engine, "kring")["chris"] == (
        "Chris answer 1", "Chris answer 2", "Chris answer 3", "GET")


async def test_a_slow_lookup_for_one_partner_holds_up_nobody_else(engine: Engine,
                                                                   clock: FakeClock):
    adapter = SlowLookups()
    local = await start_local(engine, clock, adapter=adapter)
    runtime = local.runtime
    try:
        await two_partnerships(local)
        await runtime.receive(typed("Anna", "Anna's organisation", kind=RAW, slow=True))
        await runtime.receive(typed("Chris", "Chris's organisation", kind=RAW))
        await runtime.receive(typed("Anna", "Anna's interest"))  # after her first, always

        # Chris is asked his next question while Anna's lookup still waits.
        await eventually(lambda: any("3/11" in m.text for m in adapter.inbox("chris")))
        assert not any("3/11" in m.text for m in adapter.inbox("anna"))
        assert answers_of(engine, "tafel")["anna"][:2] == (None, None)

        adapter.gate.set()
        await eventually(lambda: any("4/11" in m.text for m in adapter.inbox("anna")))
        await eventually(lambda: nothing_to_send(engine))
    finally:
        await runtime.stop()
    assert answers_of(engine, "tafel")["anna"] == (
        "Anna's organisation", "Anna's interest", None, "OWN_INTEREST")
    assert answers_of(engine, "kring")["chris"][0] == "Chris's organisation"
