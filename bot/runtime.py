"""The runtime: adapter input → decide (`bot.decide`) → outbox → delivery (`bot.delivery`).

Every event is decided and stored in one unit of work, together with the effects it
causes. Delivery happens afterwards, from the outbox, with retries: a crash between the
two loses nothing.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine

from bot.adapter import ChatAdapter
from bot.decide import Decider
from bot.delivery import DRAIN_INTERVAL, LEASE_SECONDS, Delivery
from bot.home import home_message
from conversations import payloads
from conversations.events import ButtonPress, Event, Join
from conversations.messages import Message

if TYPE_CHECKING:
    from bot.scheduler import Scheduler

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


def new_token() -> str:
    """Short, unguessable, URL-safe: fits Telegram's 64-character deep-link payload."""
    return secrets.token_urlsafe(12)


class Runtime:
    """Owns the decision loop and the delivery; adapters plug in with `add_adapter`.

    Lifecycle as python-telegram-bot's: `start` → … → `stop`, adapters stopped in reverse.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        default_language: str = "nl",
        clock: Clock = system_clock,
        tokens: Callable[[], str] = new_token,
        drain_interval: float = DRAIN_INTERVAL,
        checkin_window: timedelta = timedelta(days=3),
        delivery_budget: timedelta = timedelta(hours=24),
        lease_seconds: float = LEASE_SECONDS,
    ) -> None:
        self.engine = engine
        self.checkin_window = checkin_window
        # The check-in scheduler (`bot.scheduler`), wired by the composition root; it
        # starts after the adapters and stops before them.
        self.scheduler: Scheduler | None = None
        self.default_language = default_language
        self.clock = clock
        self.tokens = tokens
        self.adapters: dict[str, ChatAdapter] = {}
        self.decider = Decider(engine, clock, tokens, default_language, checkin_window)
        self.delivery = Delivery(engine, self.adapters, clock, budget=delivery_budget,
                                 drain_interval=drain_interval, lease_seconds=lease_seconds)
        self._decide_lock = asyncio.Lock()
        self._running = False

    def add_adapter(self, adapter: ChatAdapter) -> None:
        self.adapters[adapter.platform] = adapter

    # --- lifecycle --------------------------------------------------------------------
    async def start(self) -> None:
        if self._running:
            return
        self._running = True
        for adapter in self.adapters.values():
            await adapter.start(self)
        await self.delivery.start()
        if self.scheduler is not None:
            await self.scheduler.start()

    async def stop(self) -> None:
        if not self._running:
            return
        self._running = False
        if self.scheduler is not None:
            await self.scheduler.stop()
        await self.delivery.stop()
        for adapter in reversed(list(self.adapters.values())):
            await adapter.stop()

    # --- inbound ----------------------------------------------------------------------
    async def handle(self, platform: str, event: Event, *, event_id: str | None = None) -> bool:
        """Decide and store one event; False when `event_id` was handled before."""
        event = await self._invitation(platform, event)
        async with self._decide_lock:
            fresh = await asyncio.to_thread(self.decider.decide, platform, event, event_id)
        await self.drain()
        if self.scheduler is not None:
            self.scheduler.nudge()  # e.g. the last partner sealed a check-in: post it now
        return fresh

    async def drain(self) -> int:
        """Deliver what is due in the outbox now; returns how many were delivered."""
        return await self.delivery.drain()

    async def _invitation(self, platform: str, event: Event) -> Event:
        """A join button or link as a `Join`, with whether the platform sees the person in
        the partnership's channel: a forwarded invitation alone makes nobody a partner."""
        if isinstance(event, ButtonPress):
            token = payloads.join_token(event.payload)
            if token is None:
                return event
            event = Join(event.actor, token)
        if not isinstance(event, Join):
            return event
        channel_id = await asyncio.to_thread(self.decider.invited_to, platform, event.token)
        adapter = self.adapters.get(platform)
        if channel_id is None or adapter is None:
            return event
        return replace(event, in_channel=await adapter.is_member(channel_id,
                                                                 event.actor.user_id))

    async def home(self, platform: str, user_id: str) -> Message:
        """A person's home page (Slack App Home): see `bot.home`. Reads, changes nothing."""
        tables = await asyncio.to_thread(self.decider.tables_of, platform, user_id)
        return home_message(tables, user_id, self.decider.context(platform))
