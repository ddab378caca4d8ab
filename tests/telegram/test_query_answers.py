"""Many button presses at one moment: every spinner stops, a few answers at a time, and a
stop sends only the answers under way."""

from __future__ import annotations

import asyncio

from bot.telegram.query_answers import AT_ONCE
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.telegram_updates import TgUser
from tests.telegram.world import World

ANNA = TgUser(2001, "Anna", "de Vries")
PRESSES = 3 * AT_ONCE


async def _presses_held(world: World, seconds: float) -> None:
    """Anna's round has begun; every answer to a press takes `seconds` at Telegram, and
    she presses "Let's start" `PRESSES` times at one moment (one getUpdates batch)."""
    fake = world.fake
    anna = world.member(ANNA)
    await anna.in_group("/setup")
    token = fake.deep_link_payload(await anna.in_group("/round"))
    welcome = await anna.start(token)
    await world.settle()
    holds = [fake.hold_next("answerCallbackQuery", seconds) for _ in range(PRESSES)]
    for _ in range(PRESSES):
        await fake.press(ANNA, welcome, "Let's start")
    await asyncio.wait_for(holds[0].started.wait(), 20)


async def test_many_presses_at_once_are_all_answered_a_few_at_a_time(world: World) -> None:
    fake = world.fake
    await _presses_held(world, 0.5)
    await fake.wait_for(lambda: len(fake.answered) == PRESSES, 20, "every press answered")

    assert fake.most_at_once["answerCallbackQuery"] == AT_ONCE
    assert all(call.ok for call in fake.calls_of("answerCallbackQuery"))


async def test_a_stop_drops_the_answers_still_waiting(
        fake: FakeTelegram, database_url: str) -> None:
    world = await World.start(fake, database_url)
    await _presses_held(world, 2.0)
    await world.stop()

    # The answers under way arrived; the rest were dropped (the spinner stops on its own).
    assert len(fake.answered) == AT_ONCE
    assert len(fake.calls_of("answerCallbackQuery")) == AT_ONCE

    # What the presses do still happens: after a restart Anna's interview goes on.
    again = await World.start(fake, database_url)
    try:
        await again.settle()
        question = await again.member(ANNA).say("Gemeente Utrecht")
        assert "3/11" in question.text
    finally:
        await again.stop()
