"""The runtime: inbox (`bot.inbox`) → decide (`bot.decide`) → outbox → delivery
(`bot.delivery`).

Every platform event is stored in the inbox before the platform is told we have it;
the inbox worker decides it, and each decision is stored in one unit of work together
with the effects it causes and the inbox row marked decided. Delivery happens
afterwards, from the outbox, with retries: a crash at any point loses nothing.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine

from bot.adapter import ChatAdapter, Inbound, Unreadable
from bot.decide import Decider
from bot.delivery import CONCURRENCY, DRAIN_INTERVAL, LEASE_SECONDS, SHUTDOWN_GRACE, Delivery
from bot.home import home_message
from bot.inbox import InboxWorker
from bot.scheduler import DEFAULT_BATCH, DEFAULT_INTERVAL, Scheduler
from conversations import payloads
from conversations.events import ButtonPress, ChannelCommand, Event, Join
from conversations.lifecycle import answer_at_once, changes_nothing
from conversations.messages import Message
from conversations.model import Table
from conversations.texts import prepare as prepare_texts
from conversations.trend import Trend
from storage.inbox import EVENT, InboxItem, Received
from storage.retention import DEFAULT_KEEP
from storage.serialization import event_from_json, event_to_json

Clock = Callable[[], datetime]
log = logging.getLogger(__name__)


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
        inbox_interval: float = 1.0,
        delivery_concurrency: int = CONCURRENCY,
        shutdown_grace: float = SHUTDOWN_GRACE,
        draw: Callable[[Trend], bytes] | None = None,
    ) -> None:
        self.engine = engine
        self.checkin_window = checkin_window
        # The check-in scheduler (`add_scheduler`, by the composition root); it starts
        # after the adapters and stops before them.
        self.scheduler: Scheduler | None = None
        self.default_language = default_language
        self.clock = clock
        self.tokens = tokens
        self.adapters: dict[str, ChatAdapter] = {}
        self.decider = Decider(engine, clock, tokens, default_language, checkin_window)
        self.delivery = Delivery(engine, self.adapters, clock, budget=delivery_budget,
                                 drain_interval=drain_interval, lease_seconds=lease_seconds,
                                 concurrency=delivery_concurrency, grace=shutdown_grace,
                                 draw=draw)
        self.inbox = InboxWorker(engine, self._translate, self._decide,
                                 lambda: tuple(self.adapters),
                                 poll_interval=inbox_interval, budget=delivery_budget)
        self._running = False

    def add_adapter(self, adapter: ChatAdapter) -> None:
        self.adapters[adapter.platform] = adapter

    def add_scheduler(self, *, interval: float = DEFAULT_INTERVAL, batch: int = DEFAULT_BATCH,
                      retention: timedelta = DEFAULT_KEEP) -> Scheduler:
        """The check-in scheduler: an event source like the platforms, storing the work
        it finds due through `receive`, for this process's platforms (and pruning)."""
        self.scheduler = Scheduler(self.engine, self.receive, self.clock,
                                   lambda: tuple(self.adapters), interval=interval,
                                   batch=batch, retention=retention)
        return self.scheduler

    # --- lifecycle --------------------------------------------------------------------
    async def start(self) -> None:
        if self._running:
            return
        self._running = True
        await asyncio.to_thread(prepare_texts, tuple(self.adapters))
        inbound = Inbound(receive=self.receive, home=self.home, answer=self.answer)
        for adapter in self.adapters.values():
            await adapter.start(inbound)
        await self.inbox.start()
        await self.delivery.start()
        if self.scheduler is not None:
            await self.scheduler.start()

    async def stop(self) -> None:
        if not self._running:
            return
        self._running = False
        # First no new events (the platforms keep them, or send them again), then no new
        # work, then the sends under way get their grace, then the connections close.
        for adapter in self.adapters.values():
            await adapter.stop_receiving()
        if self.scheduler is not None:
            await self.scheduler.stop()
        await self.inbox.stop()
        await self.delivery.stop()
        for adapter in reversed(list(self.adapters.values())):
            await adapter.stop()

    # --- inbound ----------------------------------------------------------------------
    async def receive(self, *received: Received) -> list[int | None]:
        """Store platform events in the inbox (one transaction); they are decided in the
        background. Per event its row id, or None for an event id stored before (a
        duplicate: it still counts as received). Raises when they could not be stored:
        then the adapter must not tell the platform it has them, so that it sends them
        again."""
        return await self.inbox.receive(*received)

    async def handle(self, platform: str, event: Event, *, event_id: str | None = None) -> bool:
        """Store a core event in the inbox and wait for its decision (the terminal, the
        demo): False when `event_id` was received before."""
        actor = event.actor.user_id
        chat = event.channel_id if isinstance(event, ChannelCommand) else None
        [row] = await self.receive(Received(platform, event_id, EVENT, event_to_json(event),
                                            actor, chat))
        if row is None:
            return False
        await self.inbox.settled(row)
        return True

    async def _translate(self, item: InboxItem) -> list[Event]:
        """The core events of an inbox row, invitations checked with the platform."""
        if item.kind == EVENT:
            try:
                events = [event_from_json(item.payload or {})]
            except (TypeError, ValueError) as error:
                raise Unreadable(type(error).__name__) from None
        else:
            adapter = self.adapters.get(item.platform)
            if adapter is None:
                raise Unreadable(f"no {item.platform} adapter")
            events = await adapter.translate(item.payload or {})
        return [await self._invitation(item.platform, event) for event in events]

    async def _decide(self, platform: str, events: list[Event], inbox_id: int) -> bool:
        decided = await asyncio.to_thread(self.decider.decide, platform, events, inbox_id,
                                          self.delivery.lease(platform))
        # What it queued: sent at once where it was leased here, the rest when its turn
        # comes (never waited for here: one destination's wait is its own).
        self.delivery.adopt(decided.leased, waiting=decided.waiting)
        if decided.checkins and self.scheduler is not None:
            # Only then can what is due have changed (say, the last partner sealed a
            # check-in: post it now); other decisions leave the scheduler asleep.
            self.scheduler.wake()
        return decided.fresh

    async def drain(self) -> int:
        """Deliver what is due in the outbox now and wait for it, sends already under way
        included (tests, the terminal session); returns how many were delivered."""
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

    async def table(self, platform: str, channel_id: str) -> Table | None:
        """The partnership of a shared channel, as stored now (reads only)."""
        return await asyncio.to_thread(self.decider.table_of, platform, channel_id)

    async def answer(self, platform: str, cmd: ChannelCommand) -> Message | None:
        """What a channel command that changes nothing says (`Inbound.answer`)."""
        if not changes_nothing(cmd):
            return None
        language = await asyncio.to_thread(self.decider.language_of, platform, cmd.channel_id)
        return answer_at_once(language, cmd, self.decider.context(platform))

    async def home(self, platform: str, user_id: str) -> Message:
        """A person's home page (Slack App Home): see `bot.home`. Reads, changes nothing."""
        tables = await asyncio.to_thread(self.decider.tables_of, platform, user_id)
        return home_message(tables, user_id, self.decider.context(platform))
