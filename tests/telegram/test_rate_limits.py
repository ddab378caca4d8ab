"""Telegram's limit of 20 messages a minute into one group holds in every minute."""

from __future__ import annotations

import asyncio

from bot.telegram.adapter import TelegramAdapter
from bot.telegram.rate_limits import GroupWindow, RateLimiter
from conversations.messages import Message
from tests.fakes.telegram_api import BOT_TOKEN, FakeTelegram
from tests.telegram.world import GROUP

PERIOD = 2.0  # the group window of the first test, in seconds


def _most_in_any_window(times: list[float], period: float) -> int:
    return max(sum(1 for t in times if start <= t < start + period) for start in times)


async def test_a_long_run_of_group_messages_never_exceeds_the_limit_in_any_window(
        fake: FakeTelegram) -> None:
    """The real bot against the fake Bot API, with the window shrunk to 3 in 2 seconds: a
    burst after a quiet spell is no exception, and a private chat does not wait for it."""
    fake.add_group(GROUP)
    fake.started.add(3001)  # Anna pressed Start in her private chat
    adapter = TelegramAdapter(BOT_TOKEN, api_url=fake.base_url, rate_limiter=RateLimiter(
        max_retries=0, group_limit=3, group_period=PERIOD))
    await adapter.bot.initialize()
    try:
        parts = [asyncio.create_task(adapter.post_to_channel(str(GROUP.id),
                                                             Message((f"part {n}",))))
                 for n in range(7)]
        await asyncio.sleep(0.2)  # the group's window is full now
        await adapter.send_private("3001", Message(("meanwhile",)))
        await asyncio.gather(*parts)
    finally:
        await adapter.bot.shutdown()
    into_group = [c for c in fake.calls_of("sendMessage") if c.ok
                  and int(c.params["chat_id"]) == GROUP.id]
    assert sorted(c.params["text"] for c in into_group) == [f"part {n}" for n in range(7)]
    assert _most_in_any_window([c.at for c in into_group], PERIOD) <= 3
    [private] = [c for c in fake.calls_of("sendMessage") if c.params["chat_id"] in (3001, "3001")]
    first = min(c.at for c in into_group)
    assert private.at < first + PERIOD  # it did not wait for the group's window to open


async def test_the_window_lets_the_next_one_go_when_the_oldest_leaves_it() -> None:
    now = [0.0]

    async def sleep(seconds: float) -> None:
        now[0] += seconds

    window = GroupWindow(20, 60.0, clock=lambda: now[0], sleep=sleep)
    sent = []
    for _ in range(26):
        async with window.slot(-100):
            sent.append(now[0])
        now[0] += 0.5  # a long reveal: a part every half second
    assert _most_in_any_window(sent, 60.0) == 20  # PTB's bucket let 26 through in 18 s
    assert sent[20] == 60.0  # the 21st waits until the first is a minute old
    async with window.slot(-200):  # another group has a window of its own
        assert now[0] == sent[-1] + 0.5
