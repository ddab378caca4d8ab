"""Delivery: the outbox worker that sends what decisions queued, with retries.

Destinations are served in parallel, at most `concurrency` sends at a time, and each
destination in order: a claim only returns the oldest undelivered item of a destination,
so its next item waits until this one is sent (or given up). A send that waits — a
rate limit waited out inside the SDK, an outage — holds one place and delays nobody else.
A decision leases what it queued to this delivery in its own transaction where that item
is next for its destination (`lease`), and hands it over to be sent at once (`adopt`):
no claim between the decision and the send; the rest is claimed in turn. `drain` is the
explicit "deliver what is due now and wait for it" of tests and the terminal session.

Each claimed item carries a lease token; every write about it ("part arrived", "sent",
"retry", "failed", "released") is fenced by that token, so a process that lost an item to
another never records over it. Leases are renewed while a send is under way, and they
name this process (`storage.owners`): a process that sees another one is dead takes its
items over at once, without waiting for their leases to run out.

A trend picture is drawn here, when it is sent (matplotlib, a few hundred milliseconds),
not while a decision holds the database.

Stopping lets the sends under way finish for a short grace period; sends still waiting
then (a long rate limit) are cancelled and their items given back, due at once and marked
in doubt, so the next process resumes them straight away and, where the platform can be
asked (Slack), first looks whether the cut-off send arrived after all.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy.engine import Engine

from bot.adapter import ChatAdapter, DeliveryError, Progress
from bot.outcomes import Outcomes
from bot.render.files import file_bytes
from bot.tasks import cancel_and_wait, retry_wait
from bot.worker import Worker
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
from conversations.trend import Trend
from storage.outbox import Lease, OutboxItem, OutboxRepository
from storage.owners import Owner, hold_owner
from storage.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
T = TypeVar("T")
# A process that dies without its lock being seen free (the fallback) leaves its items to
# the others after at most this; the living renew theirs.
LEASE_SECONDS = 15.0
DRAIN_INTERVAL = 1.0
# Sends at the same time, each to another destination.
CONCURRENCY = 8
# How long stopping waits for the sends under way before it cuts them off.
SHUTDOWN_GRACE = 5.0


class LeaseLost(Exception):
    """The item's lease ran out and another process claimed it: leave it to that one."""


@dataclass
class _Flight:
    """An item being delivered: `send` (the platform call) is the only part ever cut off."""

    item: OutboxItem
    adopted: bool = False  # leased by a decision, not claimed (`Delivery.adopt`)
    task: asyncio.Task[None] | None = None
    send: asyncio.Future[None] | None = None


class Delivery(Worker):
    """Sends the outbox through the adapters; `start` runs it in the background."""

    step_name = "outbox dispatch"

    def __init__(
        self,
        engine: Engine,
        adapters: Mapping[str, ChatAdapter],
        clock: Clock,
        *,
        budget: timedelta,
        drain_interval: float = DRAIN_INTERVAL,
        lease_seconds: float = LEASE_SECONDS,
        concurrency: int = CONCURRENCY,
        grace: float = SHUTDOWN_GRACE,
        draw: Callable[[Trend], bytes] | None = None,
    ) -> None:
        super().__init__(drain_interval)
        self.engine = engine
        self.adapters = adapters
        self.clock = clock
        # How long a message is retried after its first failure (rate-limit waits aside).
        self.budget = budget
        self._lease_seconds = lease_seconds
        self._concurrency = concurrency
        self._grace = grace
        self._draw = draw or _draw
        self._outcomes = Outcomes(engine)
        self._flights: dict[int, _Flight] = {}
        # Destinations decisions queued more for than they could lease: claimed in turn.
        self._followed: set[str] = set()
        self._claiming = asyncio.Lock()
        self._stopping = False
        self._sent = 0  # items sent by this process
        self._landed = 0  # deliveries that ended (sent or not), to see one end meanwhile
        self._owner: Owner | None = None
        self._heartbeat_task: asyncio.Task[None] | None = None

    # --- lifecycle --------------------------------------------------------------------
    async def start(self) -> None:
        """Take this process's owner lock, take over dead processes' items, run."""
        if self.running:
            return
        self._stopping = False
        # Longer than between two heartbeats (`_heartbeat`, which keeps the lock).
        self._owner = await asyncio.to_thread(hold_owner, self.engine, self._lease_seconds)
        await asyncio.to_thread(self._take_over_the_dead)
        await super().start()
        self._heartbeat_task = asyncio.create_task(self._heartbeat())

    async def stop(self) -> None:
        """Claim nothing more; let the sends under way finish within the grace period,
        then cut off the rest and give their items back, due at once."""
        if not self.running:
            return
        self._stopping = True
        await super().stop()
        async with self._claiming:  # a claim under way has started its sends
            flights = [f.task for f in self._flights.values() if f.task is not None]
        if flights:
            await asyncio.wait(flights, timeout=self._grace)
            for flight in list(self._flights.values()):
                if flight.send is not None:
                    flight.send.cancel()
            await asyncio.gather(*flights, return_exceptions=True)
        self._followed.clear()  # the next start claims whatever waits
        heartbeat, self._heartbeat_task = self._heartbeat_task, None
        await cancel_and_wait(heartbeat)
        if self._owner is not None:
            await asyncio.to_thread(self._owner.close)
            self._owner = None

    async def drain(self) -> int:
        """Deliver what is due now and wait until it is done, including sends that were
        already under way; returns how many items were sent meanwhile."""
        before = self._sent
        while True:
            landed = self._landed
            try:
                await self._dispatch()
                claimed = True
            except Exception:  # the database refused: the worker tries again on its own
                log.exception("outbox dispatch failed")
                claimed = False
            running = {f.task for f in self._flights.values() if f.task is not None}
            if running:
                await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
            elif not claimed or self._landed == landed:
                return self._sent - before
            # else a send ended while we claimed: its destination's next item may be due
            # now, though the claim (its snapshot taken before) did not see it.

    # --- handed over by decisions -----------------------------------------------------
    def lease(self, platform: str) -> Lease | None:
        """The terms on which a decision may lease what it queues to this delivery, to be
        sent at once (`adopt`); None while it is not running or cannot send there."""
        if not self.running or self._stopping or platform not in self.adapters \
                or self._owner is None:
            return None
        return Lease(self._lease_seconds, self._owner.id)

    def adopt(self, items: Sequence[OutboxItem], *, waiting: Collection[str] = ()) -> None:
        """Send items a decision leased on our `lease` terms, at once (also beyond
        `concurrency`: each is its destination's only item under way). Once stopping has
        begun they stay leased: the next start takes them over, as from a dead process.
        `waiting`: destinations the decision queued more for, to be claimed in turn."""
        if self._stopping:
            return
        if waiting:
            self._followed.update(waiting)
            self.wake()
        for item in items:
            flight = _Flight(item, adopted=True)
            self._flights[item.id] = flight
            flight.task = asyncio.create_task(self._fly(flight))

    # --- the worker -------------------------------------------------------------------
    async def step(self) -> bool:
        await self._dispatch()
        return False

    async def _dispatch(self) -> None:
        """Claim what is due for the free places and start sending it."""
        async with self._claiming:
            free = self._concurrency - len(self._flights)
            if self._stopping or free <= 0 or not self.adapters:
                return
            claim = asyncio.ensure_future(asyncio.to_thread(self._claim, free))
            try:
                await asyncio.shield(claim)
            finally:
                # Even when cancelled meanwhile (stopping): what was claimed is sent, or
                # given back by `stop`, never left leased.
                for item in await claim:
                    flight = _Flight(item)
                    self._flights[item.id] = flight
                    flight.task = asyncio.create_task(self._fly(flight))

    def _claim(self, limit: int) -> list[OutboxItem]:
        owner = self._owner.id if self._owner is not None else None
        with UnitOfWork(self.engine) as uow:
            # Only what this process can deliver: another process may run other platforms.
            items = uow.outbox.claim(self.clock(), limit=limit, lease_seconds=self._lease_seconds,
                                     platforms=tuple(self.adapters), owner=owner)
            uow.commit()
        return items

    async def _fly(self, flight: _Flight) -> None:
        try:
            if await self._deliver(flight):
                self._sent += 1
        except Exception:  # the item stays leased and comes back; the worker goes on
            log.exception("delivering outbox item %s failed", flight.item.id)
        finally:
            del self._flights[flight.item.id]
            self._landed += 1
            # A place is free, and the destination's next item is due; an adopted item
            # has a next one only when a decision queued one behind it meanwhile.
            followed = flight.item.destination in self._followed
            self._followed.discard(flight.item.destination)
            if followed or not flight.adopted:
                self.wake()

    async def _heartbeat(self) -> None:
        """Keep this process's owner lock (taken again when the database dropped it) and
        renew the leases of the items being sent, so that a long send (a rate-limit wait
        inside the SDK) is never taken over; take over the items of processes that died
        meanwhile."""
        while True:
            await asyncio.sleep(self._lease_seconds / 3)
            try:
                if self._owner is not None:
                    await asyncio.to_thread(self._owner.keep)
                leases = tuple(f.item.lease for f in self._flights.values())
                if leases:
                    await asyncio.to_thread(self._renew, leases)
                if await asyncio.to_thread(self._take_over_the_dead):
                    self.wake()
            except Exception:  # the next beat tries again; the lease still runs
                log.exception("renewing outbox leases failed")

    def _renew(self, leases: tuple[str, ...]) -> None:
        with UnitOfWork(self.engine) as uow:
            uow.outbox.renew(leases, self.clock(), self._lease_seconds)
            uow.commit()

    def _take_over_the_dead(self) -> int:
        """Make the items leased by dead processes due now; how many."""
        if self._owner is None:
            return 0
        now = self.clock()
        with UnitOfWork(self.engine) as uow:
            others = uow.outbox.lease_owners(now) - {self._owner.id}
            dead = others - self._owner.alive(others)
            taken = uow.outbox.reclaim(dead, now)
            uow.commit()
        if taken:
            log.info("took over %s outbox items of %s stopped processes", taken, len(dead))
        return taken

    # --- one item ---------------------------------------------------------------------
    async def _deliver(self, flight: _Flight) -> bool:
        """Send one item; True when it was delivered."""
        item = flight.item
        adapter = self.adapters[item.platform]
        progress = Progress(item.progress, lambda parts: self._fenced(_progress, item, parts),
                            item=item.id,
                            in_doubt_since=item.created_at if item.in_doubt else None)
        flight.send = asyncio.ensure_future(self._call(adapter, item.effect, progress))
        try:
            await flight.send
        except asyncio.CancelledError:
            if not flight.send.cancelled():
                raise
            await self._give_back(item)  # stopping: cut off, perhaps after it arrived
            return False
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

    async def _call(self, adapter: ChatAdapter, effect: Effect, progress: Progress) -> None:
        match effect:
            case SendPrivate(user_id=u, message=m):
                await adapter.send_private(u, m, progress=progress)
            case PostToChannel(channel_id=c, message=m):
                await adapter.post_to_channel(c, m, progress=progress)
            case Notice(user_id=u, channel_id=c, message=m):
                await adapter.notify(u, c, m, progress=progress)
            case EditMessage(origin=o, message=m):
                await adapter.edit_message(o, m, progress=progress)
            case UploadPicture(channel_id=c, trend=t):
                png = await asyncio.to_thread(self._draw, t)
                await adapter.upload_picture(c, png, t.title)
            case SendFile(user_id=u, name=n, rows=r):
                await adapter.send_file(u, n, file_bytes(n, r))
            case _:
                raise TypeError(effect)

    async def _give_back(self, item: OutboxItem) -> None:
        try:
            await self._fenced(_release, item, self.clock())
        except LeaseLost:
            pass  # another process has it already
        log.info("outbox item %s given back at shutdown", item.id)

    async def _failed(self, item: OutboxItem, error: DeliveryError) -> None:
        """Retry within the time budget, or give up and tell the coordinators.

        The budget starts at the first failure; a wait the platform asked for
        (`retry_after`) moves its end on, so rate limits never use it up. A failure the
        platform did not answer (a timeout, a dropped connection) leaves the item in doubt.
        """
        now = self.clock()
        until = item.retry_until or now + self.budget
        try:
            if error.retry_after is not None:
                wait = timedelta(seconds=error.retry_after)
                await self._fenced(_retry, item, now, error.retry_after, error.reason,
                                   until + wait, False, item.in_doubt)
            elif error.permanent or now >= until:
                await _uninterrupted(asyncio.to_thread(self._give_up, item, error))
            else:
                await self._fenced(_retry, item, now, retry_wait(item.attempts + 1), error.reason,
                                   until, True, True)
        except LeaseLost:
            log.warning("outbox item %s: lease lost, left to the process holding it", item.id)

    async def _fenced(self, write: Callable[..., bool], item: OutboxItem, *args: object) -> None:
        """Write one fenced outcome of `item` (with the others of that moment,
        `bot.outcomes`), to its end even when the send is cut off meanwhile; LeaseLost
        when the item is no longer ours (then nothing was written).

        When the database refuses it (a restart takes a second or two), it is tried again
        for a third of the lease — the part surely left of it, the heartbeat renewing the
        rest — but not once stopping has begun: meanwhile the item stays ours, so what
        the platform took is not sent again."""
        deadline = time.monotonic() + self._lease_seconds / 3
        wait = 0.05
        while True:
            try:
                written = await _uninterrupted(
                    self._outcomes.write(lambda o: write(o, item, *args)))
                break
            except Exception as error:
                if self._stopping or time.monotonic() + wait >= deadline:
                    raise
                log.warning("outbox item %s: its outcome could not be written (%s), "
                            "trying again", item.id, type(error).__name__)
                await asyncio.sleep(wait)
                wait = min(2 * wait, 1.0)
        if not written:
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


async def _uninterrupted(work: Awaitable[T]) -> T:
    """Await `work` to its end even when cancelled meanwhile (then re-raise): whoever
    cancelled must not act before a claim or an outcome it started is written."""
    task = asyncio.ensure_future(work)
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        with contextlib.suppress(Exception):
            await task
        raise


def _progress(outbox: OutboxRepository, item: OutboxItem, parts: int) -> bool:
    return outbox.record_progress(item, parts)


def _sent(outbox: OutboxRepository, item: OutboxItem, now: datetime) -> bool:
    return outbox.mark_sent(item, now)


def _release(outbox: OutboxRepository, item: OutboxItem, now: datetime) -> bool:
    return outbox.release(item, now, in_doubt=True)


def _retry(outbox: OutboxRepository, item: OutboxItem, now: datetime, delay: float,
           reason: str, until: datetime, counts: bool, in_doubt: bool) -> bool:
    return outbox.retry_later(item, now, delay, reason, until, counts=counts,
                              in_doubt=in_doubt)


def _draw(trend: Trend) -> bytes:
    from bot.chart import draw_trend  # matplotlib loads on first use, not at start-up

    return draw_trend(trend)
