"""The outcomes of sends ("sent", "part arrived", "retry later"), written together.

Each outcome is a fenced write of one outbox item (`storage.outbox`). When many sends end
at one moment — ten partners answered, ten replies went out — writing each in a
transaction of its own costs more than the writes themselves. So the first outcome is
written at once, and the ones that arrive meanwhile wait for it and are then written
together in one transaction (a group commit). Each caller still learns its own result;
when the shared transaction fails, each outcome is written again on its own, so that a
failure is only ever the failing outcome's.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from sqlalchemy.engine import Engine

from storage.outbox import OutboxRepository
from storage.unit_of_work import UnitOfWork

Write = Callable[[OutboxRepository], bool]


class Outcomes:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._waiting: list[tuple[Write, asyncio.Future[bool]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def write(self, write: Write) -> bool:
        """Run `write` in a transaction (shared with the outcomes that wait beside it)
        and return what it returned; raises what the transaction raised."""
        done = asyncio.get_running_loop().create_future()
        self._waiting.append((write, done))
        if self._writer is None:
            self._writer = asyncio.create_task(self._write_all())
        return await done

    async def _write_all(self) -> None:
        batch: list[tuple[Write, asyncio.Future[bool]]] = []
        try:
            while self._waiting:
                batch, self._waiting = self._waiting, []
                outcomes = await asyncio.to_thread(self._commit, [w for w, _ in batch])
                for (_, done), outcome in zip(batch, outcomes, strict=True):
                    if done.done():
                        continue
                    if isinstance(outcome, BaseException):
                        done.set_exception(outcome)
                    else:
                        done.set_result(outcome)
            batch = []
        finally:
            self._writer = None
            for _, done in [*batch, *self._waiting]:  # cancelled (the loop is closing)
                done.cancel()
            self._waiting = []

    def _commit(self, writes: list[Write]) -> list[bool | Exception]:
        """All in one transaction; when that fails (a deadlock on PostgreSQL with another
        transaction that locks several items, say), each again in one of its own, so that
        one write's failure is its own and nothing else's."""
        try:
            return list(self._transaction(writes))
        except Exception as error:  # noqa: BLE001 - told to the caller of each write
            if len(writes) == 1:
                return [error]
        outcomes: list[bool | Exception] = []
        for write in writes:
            try:
                outcomes += self._transaction([write])
            except Exception as error:  # noqa: BLE001 - told to that write's caller
                outcomes.append(error)
        return outcomes

    def _transaction(self, writes: list[Write]) -> list[bool]:
        with UnitOfWork(self.engine) as uow:
            results = [write(uow.outbox) for write in writes]
            uow.commit()
        return results
