from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from storage.unit_of_work import UnitOfWork
from tests.storage.helpers import T0


def test_first_time_dedupes(engine: Engine) -> None:
    with UnitOfWork(engine) as uow:
        assert uow.events.first_time("slack", "Ev1", T0) is True
        assert uow.events.first_time("slack", "Ev1", T0) is False  # same transaction
        assert uow.events.first_time("telegram", "Ev1", T0) is True
        uow.commit()
    with UnitOfWork(engine) as uow:
        assert uow.events.first_time("slack", "Ev1", T0) is False
        assert uow.events.first_time("slack", "Ev2", T0) is True
        # The transaction is still usable after a duplicate.
        uow.outbox.pending()
        uow.commit()
    with engine.connect() as connection:
        assert connection.scalar(sa.text("SELECT count(*) FROM processed_events")) == 3


def test_rolled_back_events_count_as_new(engine: Engine) -> None:
    with UnitOfWork(engine) as uow:
        assert uow.events.first_time("slack", "Ev1", T0) is True
        # no commit: the handler failed, so a redelivery must be processed
    with UnitOfWork(engine) as uow:
        assert uow.events.first_time("slack", "Ev1", T0) is True
