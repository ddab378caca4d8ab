"""Stopping takes no new updates first: while the sends under way get their grace, an
update Telegram offers stays with Telegram (polling asks for nothing more, the webhook
answers 503), and the next run handles it once."""

from __future__ import annotations

import asyncio

from tests.fakes import telegram_updates as tu
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.telegram_updates import TgUser
from tests.telegram.world import GROUP, World

ANNA = TgUser(2001, "Anna", "de Vries")
BEGUN = 0.5  # enough for stopping to have begun: the send below takes 3 seconds


async def _stopping_during_a_slow_send(world: World) -> asyncio.Task[None]:
    """Set up the group, then begin to stop while the answer to `/status` is on its way
    (3 seconds: within the delivery's grace)."""
    fake = world.fake
    await world.member(ANNA).in_group("/setup")
    await world.settle()
    on_its_way = fake.hold_next("sendMessage", 3.0, chat_id=GROUP.id)
    await fake.group_command(ANNA, GROUP, "/status")
    await asyncio.wait_for(on_its_way.started.wait(), 20)
    stopping = asyncio.create_task(world.stop())
    await asyncio.sleep(BEGUN)
    assert not stopping.done()
    return stopping


def _answers(world: World, heading: str) -> int:
    return sum(heading in m.text for m in world.group())


async def test_polling_confirms_no_update_once_stopping_began(
        fake: FakeTelegram, database_url: str) -> None:
    world = await World.start(fake, database_url)
    stopping = await _stopping_during_a_slow_send(world)
    late = tu.command(fake.next_update_id(), 90, ANNA, GROUP, "/help")
    await fake.send_update(late)
    await stopping

    assert fake.unconfirmed == 1  # Telegram keeps it for the next run
    assert max(fake.offsets()) <= late["update_id"]
    assert _answers(world, "There is no open round") == 1  # the /status, acknowledged

    again = await World.start(fake, database_url)
    try:
        await fake.wait_for(lambda: fake.unconfirmed == 0, 20, "the late update confirmed")
        await again.settle()
        assert _answers(again, "/reveal") == 1  # the help, once
    finally:
        await again.stop()


async def test_the_webhook_answers_503_once_stopping_began(
        fake: FakeTelegram, database_url: str) -> None:
    world = await World.start(fake, database_url, webhook=True)
    stopping = await _stopping_during_a_slow_send(world)
    late = tu.command(fake.next_update_id(), 90, ANNA, GROUP, "/help")
    assert await fake.send_update(late) == 503  # Telegram sends it again later
    await stopping

    again = await World.start(fake, database_url, webhook=True)
    try:
        assert await fake.send_update(late) == 200
        await again.settle()
        assert _answers(again, "/reveal") == 1
    finally:
        await again.stop()
