"""The runtime: adapter input → core decision → one transaction → outbox → platforms.

Every event is decided and stored in one unit of work, together with the effects it
causes (the outbox) and, when the platform gave one, its event id (duplicates have no
effect). Delivery happens afterwards, from the outbox, with retries: a crash between the
two loses nothing.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from bot.adapter import ChatAdapter, DeliveryError
from bot.home import home_message
from conversations import payloads
from conversations.context import Context
from conversations.decision import Decision
from conversations.effects import (
    EditMessage,
    Effect,
    Notice,
    PostToChannel,
    SendPrivate,
    UploadPicture,
)
from conversations.events import (
    ButtonPress,
    ChannelCommand,
    Event,
    Join,
    PrivateCommand,
    PrivateText,
)
from conversations.lifecycle import channel_command
from conversations.messages import Message
from conversations.private import (
    button_press,
    delivery_failed,
    join,
    private_command,
    private_text,
)
from storage.outbox import OutboxItem
from storage.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from bot.scheduler import Scheduler

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
MAX_ATTEMPTS = 8
DRAIN_INTERVAL = 1.0


def system_clock() -> datetime:
    return datetime.now(UTC)


def new_token() -> str:
    """Short, unguessable, URL-safe: fits Telegram's 64-character deep-link payload."""
    return secrets.token_urlsafe(12)


class Runtime:
    """Owns the decision loop and the outbox; adapters plug in with `add_adapter`.

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
        self._decide_lock = asyncio.Lock()
        self._drain_lock = asyncio.Lock()
        self._drain_interval = drain_interval
        self._drain_task: asyncio.Task | None = None
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
        self._drain_task = asyncio.create_task(self._drain_forever())
        if self.scheduler is not None:
            await self.scheduler.start()

    async def stop(self) -> None:
        if not self._running:
            return
        self._running = False
        if self.scheduler is not None:
            await self.scheduler.stop()
        if self._drain_task is not None:
            self._drain_task.cancel()
            try:
                await self._drain_task
            except asyncio.CancelledError:
                pass
            self._drain_task = None
        for adapter in reversed(list(self.adapters.values())):
            await adapter.stop()

    # --- inbound ----------------------------------------------------------------------
    async def handle(self, platform: str, event: Event, *, event_id: str | None = None) -> bool:
        """Decide and store one event; False when `event_id` was handled before."""
        event = await self._invitation(platform, event)
        async with self._decide_lock:
            try:
                fresh = await asyncio.to_thread(self._decide, platform, event, event_id)
            except IntegrityError:
                # Another process created the same row first (two `setup`s in one new
                # channel on PostgreSQL): decide again, now seeing what it stored.
                fresh = await asyncio.to_thread(self._decide, platform, event, event_id)
        await self.drain()
        if self.scheduler is not None:
            self.scheduler.nudge()  # e.g. the last partner sealed a check-in: post it now
        return fresh

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
        channel_id = await asyncio.to_thread(self._invited_to, platform, event.token)
        adapter = self.adapters.get(platform)
        if channel_id is None or adapter is None:
            return event
        return replace(event, in_channel=await adapter.is_member(channel_id,
                                                                 event.actor.user_id))

    def _invited_to(self, platform: str, token: str) -> str | None:
        """The shared channel of the partnership this invitation token belongs to."""
        with UnitOfWork(self.engine) as uow:
            pid = uow.tables.partnership_id_for_token(token)
            table = uow.tables.by_id(pid) if pid is not None else None
        if table is None or table.partnership.platform != platform:
            return None
        return table.partnership.channel_id

    def _context(self, platform: str) -> Context:
        return Context(
            now=self.clock(),
            platform=platform,
            token=self.tokens(),
            default_language=self.default_language,
            checkin_window=self.checkin_window,
        )

    def _decide(self, platform: str, event: Event, event_id: str | None) -> bool:
        ctx = self._context(platform)
        with UnitOfWork(self.engine) as uow:
            if event_id is not None and not uow.events.first_time(platform, event_id, ctx.now):
                log.info("duplicate %s event %s ignored", platform, event_id)
                return False
            decision, partnership_id = self._dispatch(uow, platform, event, ctx)
            record(uow, platform, partnership_id, decision)
            uow.commit()
        return True

    def _dispatch(
        self, uow: UnitOfWork, platform: str, event: Event, ctx: Context
    ) -> tuple[Decision, int | None]:
        tables = uow.tables
        match event:
            case ChannelCommand():
                table = tables.by_channel(platform, event.channel_id)
                return channel_command(table, event, ctx), _id(table)
            case PrivateText() | PrivateCommand():
                ids = tables.partnership_ids_for_user(platform, event.actor.user_id)
                loaded = [t for t in (tables.by_id(i) for i in ids) if t is not None]
                handler = private_text if isinstance(event, PrivateText) else private_command
                return handler(loaded, event, ctx), None
            case ButtonPress():
                press = payloads.decode(event.payload)
                pid = press.partnership_id if press else None
                table = tables.by_id(pid) if pid is not None else None
                if table is not None and table.partnership.platform != platform:
                    table = None
                return button_press(table, event, ctx), _id(table)
            case Join():
                pid = tables.partnership_id_for_token(event.token)
                table = tables.by_id(pid) if pid is not None else None
                if table is not None and table.partnership.platform != platform:
                    table = None
                return join(table, event, ctx), _id(table)
        raise TypeError(f"unknown event {event!r}")

    async def home(self, platform: str, user_id: str) -> Message:
        """A person's home page (Slack App Home): see `bot.home`. Reads, changes nothing."""
        return await asyncio.to_thread(self._home, platform, user_id)

    def _home(self, platform: str, user_id: str) -> Message:
        with UnitOfWork(self.engine) as uow:
            ids = uow.tables.partnership_ids_for_user(platform, user_id)
            tables = [t for t in (uow.tables.by_id(i) for i in ids) if t is not None]
        return home_message(tables, user_id, self._context(platform))

    # --- outbound ---------------------------------------------------------------------
    async def _drain_forever(self) -> None:
        while True:
            try:
                await self.drain()
            except Exception:  # keep delivering whatever one bad pass did
                log.exception("outbox drain failed")
            await asyncio.sleep(self._drain_interval)

    async def drain(self) -> int:
        """Deliver what is due in the outbox; returns how many were delivered.

        A claim holds at most the oldest undelivered item per destination, so a message
        that has to wait (rate limit, outage) keeps the ones behind it waiting too.
        """
        delivered = 0
        async with self._drain_lock:
            while items := await asyncio.to_thread(self._claim):
                for item in items:
                    delivered += await self._deliver(item)
        return delivered

    def _claim(self) -> list[OutboxItem]:
        with UnitOfWork(self.engine) as uow:
            # Only what this process can deliver: another process may run other platforms.
            items = uow.outbox.claim(self.clock(), limit=50, platforms=tuple(self.adapters))
            uow.commit()
        return items

    async def _deliver(self, item: OutboxItem) -> bool:
        """Send one item; True when it was delivered."""
        adapter = self.adapters[item.platform]
        try:
            await _call(adapter, item.effect, item.progress)
        except DeliveryError as raised:
            error = raised
        except Exception as raised:  # a bug or an outage: retry, never lose the message
            # Only the type: an exception's text may quote the message, and logs and
            # coordinator notices must never show one partner's answers to anyone else.
            log.warning("delivering outbox item %s failed: %s", item.id, type(raised).__name__)
            log.debug("delivery failure detail", exc_info=True)
            error = DeliveryError(type(raised).__name__)
        else:
            await asyncio.to_thread(self._sent, item)
            return True
        if error.permanent or item.attempts + 1 >= MAX_ATTEMPTS:
            await asyncio.to_thread(self._give_up, item, error)
        else:
            delay = error.retry_after or _backoff(item.attempts)
            progress = max(item.progress, error.parts_sent)
            await asyncio.to_thread(self._retry, item, delay, error.reason, progress)
        return False

    def _sent(self, item: OutboxItem) -> None:
        with UnitOfWork(self.engine) as uow:
            uow.outbox.mark_sent(item.id, self.clock())
            uow.commit()

    def _retry(self, item: OutboxItem, delay: float, reason: str, progress: int) -> None:
        with UnitOfWork(self.engine) as uow:
            uow.outbox.retry_later(item.id, self.clock(), delay, reason, progress)
            uow.commit()

    def _give_up(self, item: OutboxItem, error: DeliveryError) -> None:
        """Mark the item failed and, in the same transaction, tell the coordinators."""
        log.warning("outbox item %s failed for good: %s", item.id, error.reason)
        with UnitOfWork(self.engine) as uow:
            uow.outbox.mark_failed(item.id, self.clock(), error.reason)
            table = uow.tables.by_id(item.partnership_id) if item.partnership_id else None
            if table is not None:
                decision = delivery_failed(table, item.effect, error.reason, error.unreachable)
                record(uow, item.platform, item.partnership_id, decision)
            uow.commit()


def record(uow: UnitOfWork, platform: str, partnership_id: int | None,
           decision: Decision) -> None:
    """Store a decision: the new state and, in the same transaction, its effects."""
    if decision.table is not None:
        partnership_id = uow.tables.save(decision.table).partnership.id
    for effect in decision.effects:
        uow.outbox.add(platform, partnership_id, effect)


def _id(table: object) -> int | None:
    return table.partnership.id if table is not None else None  # type: ignore[attr-defined]


def _backoff(attempts: int) -> float:
    return min(2.0 ** attempts, 300.0)


async def _call(adapter: ChatAdapter, effect: Effect, skip: int) -> None:
    match effect:
        case SendPrivate(user_id=u, message=m):
            await adapter.send_private(u, m, skip=skip)
        case PostToChannel(channel_id=c, message=m):
            await adapter.post_to_channel(c, m, skip=skip)
        case Notice(user_id=u, channel_id=c, message=m):
            await adapter.notify(u, c, m, skip=skip)
        case EditMessage(origin=o, message=m):
            await adapter.edit_message(o, m, skip=skip)
        case UploadPicture(channel_id=c, png=p, title=t):
            await adapter.upload_picture(c, p, t)
        case _:
            raise TypeError(effect)
