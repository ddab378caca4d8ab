"""SIGTERM with a backlog: `optafel run` stops within 10 seconds, also while it waits out a
rate limit or a part is on its way, and after a restart every part of the reveal is in the
group once, in order."""

from __future__ import annotations

import asyncio

from tests.crash.bot_process import Bots
from tests.crash.telegram_round import (
    ANNA,
    assert_revealed_once,
    group_sends,
    ready_to_reveal,
    start_polling,
)
from tests.fakes.telegram_api import FakeTelegram
from tests.telegram.world import GROUP

WAIT = 60.0
STOPS_WITHIN = 10.0  # the promise in README


async def test_sigterm_during_a_rate_limit_wait_stops_in_time_and_loses_nothing(
        fake: FakeTelegram, bots: Bots, database_url: str) -> None:
    answers = await ready_to_reveal(fake, database_url)
    bot = await start_polling(bots, fake)
    fake.rate_limit_next("sendMessage", 30, after=1, chat_id=GROUP.id)
    waiting = asyncio.Event()
    fake.hooks.on("answered", lambda call: group_sends(call) and call.status == 429,
                  waiting.set)
    before = len(fake.in_chat(GROUP.id))
    await fake.group_command(ANNA, GROUP, "/reveal")
    await asyncio.wait_for(waiting.wait(), WAIT)

    assert await bot.stop(STOPS_WITHIN) == 0, bot.output()

    await start_polling(bots, fake)
    await fake.wait_for(lambda: "To talk about" in fake.last_in(GROUP.id).text, WAIT,
                        "the rest of the reveal")
    await bots.delivered()
    assert_revealed_once(fake, before, answers)


async def test_sigterm_while_a_part_is_on_its_way_lets_it_arrive_and_never_repeats_it(
        fake: FakeTelegram, bots: Bots, database_url: str) -> None:
    answers = await ready_to_reveal(fake, database_url)
    bot = await start_polling(bots, fake)
    # Part 2 of the reveal takes 3 seconds to reach Telegram: less than the stop's grace.
    on_its_way = fake.hold_next("sendMessage", 3.0, after=1, chat_id=GROUP.id)
    before = len(fake.in_chat(GROUP.id))
    await fake.group_command(ANNA, GROUP, "/reveal")
    await asyncio.wait_for(on_its_way.started.wait(), WAIT)

    assert await bot.stop(STOPS_WITHIN) == 0, bot.output()
    assert len(fake.in_chat(GROUP.id)) >= before + 2  # part 2 arrived during the grace

    await start_polling(bots, fake)
    await fake.wait_for(lambda: "To talk about" in fake.last_in(GROUP.id).text, WAIT,
                        "the rest of the reveal")
    await bots.delivered()
    assert_revealed_once(fake, before, answers)
