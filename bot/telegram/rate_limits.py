"""Telegram's limits for a bot: about 30 messages a second in all, at most 20 a minute
into one group.

PTB's `AIORateLimiter` keeps both, the second as a bucket: after a quiet minute it lets
20 through at once and then one every three seconds, so a long reveal put 26 messages
into one group within 18 seconds. `RateLimiter` keeps PTB's overall limit and its
handling of a 429, and counts what goes into each group instead (`GroupWindow`): never
more than 20 in any 60 seconds.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import Any

from telegram.constants import FloodLimit
from telegram.ext import AIORateLimiter

GROUP_LIMIT = FloodLimit.MESSAGES_PER_MINUTE_PER_GROUP  # 20
GROUP_PERIOD = 60.0
KEPT_GROUPS = 512  # beyond this many, groups with a quiet window are forgotten
UNDER_WAY = 0.05  # seconds between looks while every request in the window is under way


class GroupWindow:
    """At most `limit` requests into one group in any `period` seconds.

    A request counts from when it is let through until a `period` after its answer came
    back: Telegram counts when a message arrives, which is after we let it go, so counting
    from our side alone could put more into a window at Telegram's."""

    def __init__(self, limit: int = GROUP_LIMIT, period: float = GROUP_PERIOD, *,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.limit = limit
        self.period = period
        self._clock = clock
        self._sleep = sleep
        # Per group, when each request in the window ended (infinity: still under way).
        self._ended: dict[int | str, list[float]] = {}

    @asynccontextmanager
    async def slot(self, group: int | str) -> AsyncIterator[None]:
        """Wait until one more request may go into `group`; it counts while under way
        and for `period` seconds after."""
        while True:
            now = self._clock()
            if len(self._ended) > KEPT_GROUPS:
                self._forget_quiet(now)
            ended = self._ended.setdefault(group, [])
            ended[:] = [t for t in ended if t > now - self.period]  # the same list for all
            if len(ended) < self.limit:
                break
            oldest = min(ended)
            await self._sleep(oldest + self.period - now if oldest < math.inf else UNDER_WAY)
        ended.append(math.inf)
        try:
            yield
        finally:
            ended[ended.index(math.inf)] = self._clock()

    def _forget_quiet(self, now: float) -> None:
        """Drop the groups with nothing in the window: memory stays that of the busy."""
        for group, ended in list(self._ended.items()):
            if all(t <= now - self.period for t in ended):
                del self._ended[group]


class RateLimiter(AIORateLimiter):
    """PTB's limiter for the overall limit and 429s, `GroupWindow` for each group."""

    def __init__(self, *, max_retries: int, group_limit: int = GROUP_LIMIT,
                 group_period: float = GROUP_PERIOD) -> None:
        super().__init__(max_retries=max_retries, group_max_rate=0, group_time_period=0)
        self.groups = GroupWindow(group_limit, group_period)

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Any:
        group = _group(data.get("chat_id"))
        if group is None:
            return await super().process_request(callback, args, kwargs, endpoint, data,
                                                 rate_limit_args)
        async with self.groups.slot(group):
            return await super().process_request(callback, args, kwargs, endpoint, data,
                                                 rate_limit_args)


def _group(chat_id: object) -> int | str | None:
    """The group a request goes into, as PTB tells: a negative id, or a @channelname."""
    if isinstance(chat_id, str):
        try:
            chat_id = int(chat_id)
        except ValueError:
            return chat_id
    return chat_id if isinstance(chat_id, int) and chat_id < 0 else None
