"""Telegram took a message, and at that moment the database refused to record it as sent
(a restart takes a second or two): it is recorded once the database is back, and the
message arrives once."""

from __future__ import annotations

import asyncio

from tests.conftest import engine_for
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.telegram_updates import TgUser
from tests.scenario.test_inbox import rename
from tests.telegram.world import World
from tests.waiting import eventually

ANNA = TgUser(3001, "Anna", "de Vries")
LEASE_SECONDS = 3.0  # the outcome is tried again for a third of it


async def test_a_message_whose_record_the_database_refused_for_a_moment_arrives_once(
        fake: FakeTelegram, database_url: str) -> None:
    world = await World.start(fake, database_url, lease_seconds=LEASE_SECONDS)
    engine = engine_for(database_url)
    try:
        anna = world.member(ANNA)
        await anna.in_group("/setup")
        token = fake.deep_link_payload(await anna.in_group("/round"))
        await anna.press("Let's start", on=await anna.start(token))

        back: list[bool] = []

        def away_for_a_moment() -> None:
            rename(engine, "outbox", "outbox_away")

            def again() -> None:
                rename(engine, "outbox_away", "outbox")
                back.append(True)

            asyncio.get_running_loop().call_later(0.3, again)

        fake.hooks.on("answered", lambda call: call.method == "sendMessage"
                      and "3/11" in str(call.params.get("text")), away_for_a_moment)
        await fake.private_text(ANNA, "Gemeente Utrecht")
        await eventually(lambda: back)
        await world.settle()
        # Longer than the lease: a message left leased but unrecorded would come again.
        await asyncio.sleep(LEASE_SECONDS + 1)
        await world.settle()
        assert len([m for m in anna.inbox() if "3/11" in m.text]) == 1
    finally:
        await world.stop()
        engine.dispose()
