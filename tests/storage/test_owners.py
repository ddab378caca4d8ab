"""PostgreSQL: a living process is not taken for dead when the server dropped its
connection (a restart, a failover, an idle connection cut off), which takes its owner
lock with it."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from storage.owners import Owner, hold_owner
from tests.conftest import drop_connections, engine_for

Start = Callable[[float], Owner]


@pytest.fixture
def engines(postgresql_url: str) -> Iterator[list[Engine]]:
    """Engines of this run's own PostgreSQL database, each standing for a process."""
    made: list[Engine] = []
    yield made
    for engine in made:
        engine.dispose()


@pytest.fixture
def process(postgresql_url: str, engines: list[Engine]) -> Iterator[Start]:
    """`process(grace)`: a process's owner, on an engine of its own; each lets go of its
    lock at the end."""
    taken: list[Owner] = []

    def start(grace: float) -> Owner:
        engines.append(engine_for(postgresql_url))
        taken.append(hold_owner(engines[-1], grace))
        return taken[-1]

    yield start
    for owner in taken:
        owner.close()


def _server_age(url: str) -> float:
    engine = engine_for(url)
    try:
        with engine.connect() as connection:
            return float(connection.scalar(sa.text(
                "SELECT extract(epoch FROM now() - pg_postmaster_start_time())")))
    finally:
        engine.dispose()


def test_a_process_whose_connection_was_dropped_holds_its_lock_again_at_its_next_beat(
        postgresql_url: str, process: Start) -> None:
    living = process(0)
    assert drop_connections(postgresql_url) >= 1  # its lock went with its connection
    living.keep()  # the heartbeat: a new connection, the same lock
    other = process(0)
    assert other.alive({living.id}) == {living.id}
    assert living.alive({other.id}) == {other.id}  # its own questions work again too


def test_a_process_that_finds_its_connection_dropped_takes_nobody_for_dead_at_once(
        postgresql_url: str, process: Start) -> None:
    """The others lost their locks with it and take them again at their next beat."""
    observer = process(60)
    others = process(0)
    drop_connections(postgresql_url)
    assert observer.alive({others.id}) == {others.id}  # not yet taken again, still alive


def test_just_after_the_server_started_nobody_is_taken_for_dead(
        postgresql_url: str, process: Start) -> None:
    # A grace longer than this server has been up stands for a server that just started.
    grace = _server_age(postgresql_url) + 3600
    starting = process(grace)
    never_locked = starting.id + 1
    assert starting.alive({never_locked}) == {never_locked}
    # Past the grace, an owner without its lock is dead.
    assert process(0).alive({never_locked}) == set()


def test_a_process_keeps_trying_while_the_server_is_away(
        postgresql_url: str, engines: list[Engine], process: Start,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A beat that finds the server away fails; a later one takes the lock again."""
    living = process(0)
    drop_connections(postgresql_url)

    def away() -> None:
        raise sa.exc.OperationalError("connect", None, Exception("the server is away"))

    with monkeypatch.context() as patch:
        patch.setattr(engines[0], "connect", away)
        with pytest.raises(sa.exc.OperationalError):
            living.keep()
    living.keep()  # the server is back
    assert process(0).alive({living.id}) == {living.id}
