"""Answering button presses' callback queries, so that the client's spinner stops.

An answer needs no chat, so the rate limiter lets all of them through at once: 200
partners pressing a checkbox at one moment would open 200 connections, and every later
request then pays httpcore's look at each idle one. So at most `AT_ONCE` answers are under
way; the rest wait their turn in order. An answer is a courtesy (its failure changes
nothing, and the reply still comes from the outbox), so at a stop the ones still waiting
are dropped and only those under way are waited for.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque

from telegram import Bot
from telegram.error import TelegramError

log = logging.getLogger(__name__)

AT_ONCE = 8  # enough to keep up with presses: Telegram edits their messages 30 a second


class QueryAnswers:
    def __init__(self, bot: Bot, at_once: int = AT_ONCE) -> None:
        self.bot = bot
        self.at_once = at_once
        self._waiting: deque[str] = deque()
        # Answerers that may still take from `_waiting`: counted down by each at the very
        # moment it finds nothing waiting (not when its task is done, a loop turn later,
        # when a query put in meanwhile would find no answerer to take it).
        self._answering = 0
        self._tasks: set[asyncio.Task[None]] = set()

    def answer(self, query_id: str) -> None:
        """Answer in the background, in turn."""
        self._waiting.append(query_id)
        if self._answering < self.at_once:
            self._answering += 1
            task = asyncio.create_task(self._answer_waiting())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    def drop_waiting(self) -> None:
        """Stopping: the answers not yet under way are not sent."""
        self._waiting.clear()

    async def under_way(self) -> None:
        """Wait for the answers under way."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def _answer_waiting(self) -> None:
        try:
            while self._waiting:
                query_id = self._waiting.popleft()
                try:
                    await self.bot.answer_callback_query(query_id)
                except TelegramError as error:  # too old, or answered before: go on
                    log.info("callback query not answered: %s", error)
                except Exception as error:  # a bug: the other presses still get theirs
                    log.warning("callback query not answered (%s)", type(error).__name__)
        finally:
            self._answering -= 1
