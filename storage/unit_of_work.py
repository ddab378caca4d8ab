"""One transaction around one event: load, decide, save, queue effects, commit."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from storage.outbox import OutboxRepository
from storage.processed_events import ProcessedEventRepository
from storage.tables import TableRepository


class UnitOfWork:
    """``with UnitOfWork(engine) as uow: …; uow.commit()``.

    Leaving the block without `commit` rolls back. After a `commit` the unit of work can
    be used again for a next transaction.
    """

    tables: TableRepository
    outbox: OutboxRepository
    events: ProcessedEventRepository
    session: Session

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def __enter__(self) -> UnitOfWork:
        self.session = Session(self.engine, expire_on_commit=False, autoflush=True)
        self.tables = TableRepository(self.session)
        self.outbox = OutboxRepository(self.session)
        self.events = ProcessedEventRepository(self.session)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self.session.rollback()
        finally:
            self.session.close()

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()
