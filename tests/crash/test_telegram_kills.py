"""`optafel run` on Telegram, killed with SIGKILL while a long reveal goes out, then started
again: the group sees the reveal once, every part in order, every answer once."""

from __future__ import annotations

from itertools import count

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

WAIT = 60.0  # generous: a restart waits out the dead process's leases


def nth(n: int, matches=group_sends):  # noqa: ANN001, ANN201
    """A hook condition: true at the `n`th call that `matches` (1 = the first)."""
    seen = count(1)
    return lambda call: matches(call) and next(seen) == n


async def _reveal(fake: FakeTelegram) -> int:
    """Anna types /reveal in the group; returns how many group messages came before."""
    before = len(fake.in_chat(GROUP.id))
    await fake.group_command(ANNA, GROUP, "/reveal")
    return before


async def test_killed_while_waiting_out_a_429_the_reveal_goes_on_from_the_next_part(
        fake: FakeTelegram, bots: Bots, database_url: str) -> None:
    answers = await ready_to_reveal(fake, database_url)
    bot = await start_polling(bots, fake)
    # Part 2 is refused with a long Retry-After; the process dies while it waits.
    fake.rate_limit_next("sendMessage", 30, after=1, chat_id=GROUP.id)
    fake.hooks.on("answered", lambda call: group_sends(call) and call.status == 429, bot.kill)
    before = await _reveal(fake)
    await fake.wait_for(lambda: not bot.alive, WAIT, "the kill during the 429 wait")
    assert len(fake.in_chat(GROUP.id)) == before + 1  # part 1 arrived, then the 429

    await start_polling(bots, fake)
    await fake.wait_for(lambda: "To talk about" in fake.last_in(GROUP.id).text, WAIT,
                        "the rest of the reveal")
    await bots.delivered()
    assert_revealed_once(fake, before, answers)


async def test_killed_after_the_reveal_was_decided_before_its_first_part_went_out(
        fake: FakeTelegram, bots: Bots, database_url: str) -> None:
    """The decision committed and leased the reveal to its own delivery; the process dies
    as the first part is on its way (it never arrives). The next process takes over the
    dead one's lease and posts the whole reveal, once."""
    answers = await ready_to_reveal(fake, database_url)
    bot = await start_polling(bots, fake)
    fake.hooks.on("received", nth(1), bot.kill)
    before = await _reveal(fake)
    await fake.wait_for(lambda: not bot.alive, WAIT, "the kill before part 1")
    assert len(fake.in_chat(GROUP.id)) == before  # nothing of the reveal arrived

    await start_polling(bots, fake)
    await fake.wait_for(lambda: "To talk about" in fake.last_in(GROUP.id).text, WAIT,
                        "the whole reveal")
    await bots.delivered()
    assert_revealed_once(fake, before, answers)


async def test_killed_between_two_parts_no_part_is_repeated_or_lost(
        fake: FakeTelegram, bots: Bots, database_url: str) -> None:
    answers = await ready_to_reveal(fake, database_url)
    bot = await start_polling(bots, fake)
    fake.hooks.on("received", nth(3), bot.kill)  # parts 1 and 2 arrived; 3 never gets there
    before = await _reveal(fake)
    await fake.wait_for(lambda: not bot.alive, WAIT, "the kill before part 3")
    assert len(fake.in_chat(GROUP.id)) == before + 2

    await start_polling(bots, fake)
    await fake.wait_for(lambda: "To talk about" in fake.last_in(GROUP.id).text, WAIT,
                        "the rest of the reveal")
    await bots.delivered()
    assert_revealed_once(fake, before, answers)


async def test_killed_just_after_telegram_accepted_a_part_only_that_part_can_come_twice(
        fake: FakeTelegram, bots: Bots, database_url: str) -> None:
    """The window README names: Telegram took part 2, the process died before recording
    it. Nothing is lost; part 2 is the only message that may arrive a second time."""
    answers = await ready_to_reveal(fake, database_url)
    bot = await start_polling(bots, fake)
    fake.hooks.on("answered", nth(2), bot.kill)
    before = await _reveal(fake)
    await fake.wait_for(lambda: not bot.alive, WAIT, "the kill after part 2")
    part_2 = fake.in_chat(GROUP.id)[before + 1].text

    await start_polling(bots, fake)
    await fake.wait_for(lambda: "To talk about" in fake.last_in(GROUP.id).text, WAIT,
                        "the rest of the reveal")
    await bots.delivered()
    parts = fake.in_chat(GROUP.id)[before:]
    if len(parts) > 2 and parts[2].text == part_2:  # the window: sent again
        fake.sent.remove(parts[2])
    assert_revealed_once(fake, before, answers)


