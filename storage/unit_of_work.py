"""One transaction around one event: load, decide, record (state + effects), commit."""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from storage.database import READ_ONLY, URGENT
from storage.due import DueRepository
from storage.inbox import InboxRepository
from storage.outbox import OutboxRepository
from storage.tables import TableRepository

if TYPE_CHECKING:
    from conversations.decision import Decision


class UnitOfWork:
    """``with UnitOfWork(engine) as uow: …; uow.commit()``.

    Leaving the block without `commit` rolls back. After a `commit` the unit of work can
    be used again for a next transaction.
    """

    tables: TableRepository
    outbox: OutboxRepository
    inbox: InboxRepository
    due: DueRepository
    session: Session

    def __init__(self, engine: Engine, *, read_only: bool = False,
                 urgent: bool = False) -> None:
        """On SQLite (see `storage.turns`): `read_only`, the transaction writes nothing,
        so it neither takes the write lock nor waits for the writers; `urgent`, a
        platform waits for it, so it writes before the others waiting."""
        self.engine = engine
        self.options = {READ_ONLY: read_only, URGENT: urgent}

    def __enter__(self) -> UnitOfWork:
        self.session = Session(self.engine, expire_on_commit=False, autoflush=True)
        if any(self.options.values()):  # before the transaction begins: its BEGIN reads them
            self.session.connection(execution_options=self.options)
        self.tables = TableRepository(self.session)
        self.outbox = OutboxRepository(self.session)
        self.inbox = InboxRepository(self.session)
        self.due = DueRepository(self.session)
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

    def record(self, platform: str, partnership_id: int | None, decision: Decision) -> None:
        """Store a decision: the new state and, in this transaction, its effects."""
        if decision.table is not None:
            partnership_id = self.tables.save(decision.table).partnership.id
        for other in decision.others:
            self.tables.save(other)
        if decision.forget is not None:  # before the effects: the reply itself stays
            self.tables.forget(platform, decision.forget)
            tables = (decision.table, *decision.others) if decision.table else decision.others
            self.outbox.forget(platform, decision.forget, [t.partnership.id for t in tables])
        for effect in decision.effects:
            self.outbox.add(platform, partnership_id, effect)

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()
