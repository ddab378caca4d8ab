"""Delivery: the outbox worker that sends what decisions queued, with retries.

Each claimed item carries a lease token; every write about it ("part arrived", "sent",
"retry", "failed") is fenced by that token, so a process that lost an item to another
never records over it. Leases are renewed while a send is under way.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine

from bot.adapter import ChatAdapter, DeliveryError, Progress
from bot.render.files import file_bytes
from bot.tasks import cancel_and_wait
from conversations.effects import (
    EditMessage,
    Effect,
    Notice,
    PostToChannel,
    SendFile,
    SendPrivate,
    UploadPicture,
)
from conversations.private import delivery_failed
from storage.outbox import OutboxItem, OutboxRepository
from storage.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
# A dead process's items are taken over after at most this; the living renew theirs.
LEASE_SECONDS = 15.0
DRAIN_INTERVAL = 1.0


class LeaseLost(Exception):
    """The item's lease ran out and another process claimed it: leave it to that one."""


class Delivery:
    """Sends the outbox through the adapters; `start` runs it in the background."""

    def __init__(
        self,
        engine: Engine,
        adapters: Mapping[str, ChatAdapter],
        clock: Clock,
        *,
        budget: timedelta,
        drain_interval: float = DRAIN_INTERVAL,
        lease_seconds: float = LEASE_SECONDS,
    ) -> None:
        self.engine = engine
        self.adapters = adapters
        self.clock = clock
        # How long a message is retried after its first failure (rate-limit waits aside).
        self.budget = budget
        self._drain_lock = asyncio.Lock()
        self._drain_interval = drain_interval
        self._drain_task: asyncio.Task | None = None
        self._heartbeat_task: asyncio.Task | None = None
        self._leases: set[str] = set()  # lease tokens of the items being sent
        self._lease_seconds = lease_seconds

    async def start(self) -> None:
        self._drain_task = asyncio.create_task(self._drain_forever())
        self._heartbeat_task = asyncio.create_task(self._heartbeat())

    async def stop(self) -> None:
        for task in (self._drain_task, self._heartbeat_task):
            await cancel_and_wait(task)
        self._drain_task = self._heartbeat_task = None

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
        until = item.retry_until or now + self.budget
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
                uow.record(item.platform, item.partnership_id, decision)
            uow.commit()


def _progress(outbox: OutboxRepository, item: OutboxItem, parts: int) -> bool:
    return outbox.record_progress(item, parts)


def _sent(outbox: OutboxRepository, item: OutboxItem, now: datetime) -> bool:
    return outbox.mark_sent(item, now)


def _retry(outbox: OutboxRepository, item: OutboxItem, now: datetime, delay: float,
           reason: str, until: datetime, counts: bool) -> bool:
    return outbox.retry_later(item, now, delay, reason, until, counts=counts)


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
        case SendFile(user_id=u, name=n, rows=r):
            await adapter.send_file(u, n, file_bytes(n, r))
        case _:
            raise TypeError(effect)
