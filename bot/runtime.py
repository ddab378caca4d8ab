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

from bot.adapter import ChatAdapter, DeliveryError, Progress
from bot.home import home_message
from bot.tasks import cancel_and_wait
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
from storage.outbox import OutboxItem, OutboxRepository
from storage.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from bot.scheduler import Scheduler

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
# A dead process's items are taken over after at most this; the living renew theirs.
LEASE_SECONDS = 15.0
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
        delivery_budget: timedelta = timedelta(hours=24),
        lease_seconds: float = LEASE_SECONDS,
    ) -> None:
        self.engine = engine
        # How long a message is retried after its first failure (rate-limit waits aside).
        self.delivery_budget = delivery_budget
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
        self._heartbeat_task: asyncio.Task | None = None
        self._leases: set[str] = set()  # lease tokens of the items being sent
        self._lease_seconds = lease_seconds
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
        self._heartbeat_task = asyncio.create_task(self._heartbeat())
        if self.scheduler is not None:
            await self.scheduler.start()

    async def stop(self) -> None:
        if not self._running:
            return
        self._running = False
        if self.scheduler is not None:
            await self.scheduler.stop()
        for task in (self._drain_task, self._heartbeat_task):
            await cancel_and_wait(task)
        self._drain_task = self._heartbeat_task = None
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
                self._leases.add(items[0].lease)
                try:
                    for item in items:
                        delivered += await self._deliver(item)
                finally:
                    self._leases.discard(items[0].lease)
        return delivered

    def _claim(self) -> list[OutboxItem]:
        with UnitOfWork(self.engine) as uow:
            # Only what this process can deliver: another process may run other platforms.
            items = uow.outbox.claim(self.clock(), limit=50, lease_seconds=self._lease_seconds,
                                     platforms=tuple(self.adapters))
            uow.commit()
        return items

    async def _heartbeat(self) -> None:
        """Renew the leases of the items being sent, so that a long send (a rate-limit
        wait inside the SDK) is never taken over while a dead process's items come back
        after at most one lease."""
        while True:
            await asyncio.sleep(self._lease_seconds / 3)
            if self._leases:
                try:
                    await asyncio.to_thread(self._renew, tuple(self._leases))
                except Exception:  # the next beat tries again; the lease still runs
                    log.exception("renewing outbox leases failed")

    def _renew(self, leases: tuple[str, ...]) -> None:
        with UnitOfWork(self.engine) as uow:
            uow.outbox.renew(leases, self.clock(), self._lease_seconds)
            uow.commit()

    async def _deliver(self, item: OutboxItem) -> bool:
        """Send one item; True when it was delivered."""
        adapter = self.adapters[item.platform]
        progress = Progress(item.progress, lambda parts: self._fenced(_progress, item, parts))
        try:
            await _call(adapter, item.effect, progress)
        except LeaseLost:
            log.warning("outbox item %s: lease lost, left to the process holding it", item.id)
            return False
        except DeliveryError as raised:
            error = raised
        except Exception as raised:  # a bug or an outage: retry, never lose the message
            # Only the type: an exception's text may quote the message, and logs and
            # coordinator notices must never show one partner's answers to anyone else.
            log.warning("delivering outbox item %s failed: %s", item.id, type(raised).__name__)
            log.debug("delivery failure detail", exc_info=True)
            error = DeliveryError(type(raised).__name__)
        else:
            try:
                await self._fenced(_sent, item, self.clock())
            except LeaseLost:
                log.warning("outbox item %s was sent after its lease was lost", item.id)
            return True
        await self._failed(item, error)
        return False

    async def _failed(self, item: OutboxItem, error: DeliveryError) -> None:
        """Retry within the time budget, or give up and tell the coordinators.

        The budget starts at the first failure; a wait the platform asked for
        (`retry_after`) moves its end on, so rate limits never use it up.
        """
        now = self.clock()
        until = item.retry_until or now + self.delivery_budget
        try:
            if error.retry_after is not None:
                wait = timedelta(seconds=error.retry_after)
                await self._fenced(_retry, item, now, error.retry_after, error.reason,
                                   until + wait, False)
            elif error.permanent or now >= until:
                await asyncio.to_thread(self._give_up, item, error)
            else:
                await self._fenced(_retry, item, now, _backoff(item.attempts), error.reason,
                                   until, True)
        except LeaseLost:
            log.warning("outbox item %s: lease lost, left to the process holding it", item.id)

    async def _fenced(self, write: Callable[..., bool], item: OutboxItem, *args: object) -> None:
        """Run one fenced outbox write in its own transaction; LeaseLost when the item is
        no longer ours (then nothing was written)."""

        def run() -> bool:
            with UnitOfWork(self.engine) as uow:
                applied = write(uow.outbox, item, *args)
                uow.commit()
            return applied

        if not await asyncio.to_thread(run):
            raise LeaseLost(item.id)

    def _give_up(self, item: OutboxItem, error: DeliveryError) -> None:
        """Mark the item failed and, in the same transaction, tell the coordinators."""
        log.warning("outbox item %s failed for good: %s", item.id, error.reason)
        with UnitOfWork(self.engine) as uow:
            if not uow.outbox.mark_failed(item, self.clock(), error.reason):
                raise LeaseLost(item.id)
            table = uow.tables.by_id(item.partnership_id) if item.partnership_id else None
            if table is not None:
                decision = delivery_failed(table, item.effect, error.reason, error.unreachable)
                record(uow, item.platform, item.partnership_id, decision)
            uow.commit()


class LeaseLost(Exception):
    """The item's lease ran out and another process claimed it: leave it to that one."""


def _progress(outbox: OutboxRepository, item: OutboxItem, parts: int) -> bool:
    return outbox.record_progress(item, parts)


def _sent(outbox: OutboxRepository, item: OutboxItem, now: datetime) -> bool:
    return outbox.mark_sent(item, now)


def _retry(outbox: OutboxRepository, item: OutboxItem, now: datetime, delay: float,
           reason: str, until: datetime, counts: bool) -> bool:
    return outbox.retry_later(item, now, delay, reason, until, counts=counts)


def record(uow: UnitOfWork, platform: str, partnership_id: int | None,
           decision: Decision) -> None:
    """Store a decision: the new state and, in the same transaction, its effects."""
    if decision.table is not None:
        partnership_id = uow.tables.save(decision.table).partnership.id
    for other in decision.others:
        uow.tables.save(other)
    if decision.forget is not None:  # before the effects: the reply itself stays
        uow.tables.forget(platform, decision.forget)
        tables = (decision.table, *decision.others) if decision.table else decision.others
        uow.outbox.forget(platform, decision.forget, [t.partnership.id for t in tables])
    for effect in decision.effects:
        uow.outbox.add(platform, partnership_id, effect)


def _id(table: object) -> int | None:
    return table.partnership.id if table is not None else None  # type: ignore[attr-defined]


def _backoff(attempts: int) -> float:
    return min(2.0 ** attempts, 300.0)


async def _call(adapter: ChatAdapter, effect: Effect, progress: Progress) -> None:
    match effect:
        case SendPrivate(user_id=u, message=m):
            await adapter.send_private(u, m, progress=progress)
        case PostToChannel(channel_id=c, message=m):
            await adapter.post_to_channel(c, m, progress=progress)
        case Notice(user_id=u, channel_id=c, message=m):
            await adapter.notify(u, c, m, progress=progress)
        case EditMessage(origin=o, message=m):
            await adapter.edit_message(o, m, progress=progress)
        case UploadPicture(channel_id=c, png=p, title=t):
            await adapter.upload_picture(c, p, t)
        case _:
            raise TypeError(effect)
