"""Which delivery processes are alive: each holds a lock for as long as it lives.

A process that starts takes an owner id and holds a lock on it until it stops or dies;
its outbox leases carry that id (`lease_owner`). When the process dies, the operating
system or the database lets go of the lock at once, so another process can see it is
dead and take its items over without waiting for their leases to run out.

- PostgreSQL: a session-level advisory lock on a connection of its own. A dead process's
  connection closes, and with it the lock; `pg_locks` lists the locks still held. A
  connection the server dropped (a restart, a failover, an idle connection cut off) takes
  a living process's lock with it too: every heartbeat (`keep`) uses the connection, and
  takes a new one and the same lock again when it is gone. So that each living process
  has done so first, nobody is taken for dead within `grace` seconds of the server's
  start, nor of a process finding its own connection dropped.
- SQLite: an exclusive `flock` on a file next to the database (`<database>-owners/<id>`).
  The kernel drops it when the process dies; taking it without waiting tells whether
  its holder is gone. The folder goes when its last process stops. An in-memory
  database has no other process to ask about.

A living process is never taken for dead: its lock is held from before its first claim.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Collection
from datetime import timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

# The first half of our advisory-lock keys (the second is the owner id): an arbitrary
# constant, apart from the migration lock's key (`storage.database`).
_ADVISORY_SPACE = 0x0F7A
_ID_LIMIT = 2**31 - 1


def _new_id() -> int:
    return secrets.randbelow(_ID_LIMIT - 1) + 1


class Owner(ABC):
    """This process as a holder of outbox leases."""

    id: int

    @abstractmethod
    def alive(self, owners: Collection[int]) -> set[int]:
        """Those of `owners` (other processes' ids) that still hold their lock."""

    @abstractmethod
    def keep(self) -> None:
        """Make sure the lock is still held (the delivery's heartbeat calls this)."""

    @abstractmethod
    def close(self) -> None:
        """Let go of the lock (the process stops)."""


class PostgresOwner(Owner):
    def __init__(self, engine: Engine, grace: float) -> None:
        self._engine = engine
        self._grace = grace
        self._lock = threading.Lock()  # one connection, used from worker threads
        self._dropped_at: float | None = None  # when the server last dropped our connection
        self._connection: Connection = engine.connect()
        while True:
            self.id = _new_id()
            if self._take_lock():
                return

    def _take_lock(self) -> bool:
        taken = self._connection.scalar(
            sa.text("SELECT pg_try_advisory_lock(:space, :id)"),
            {"space": _ADVISORY_SPACE, "id": self.id})
        self._connection.commit()  # a session lock outlives the transaction
        return bool(taken)

    def _reconnect(self) -> None:
        """The server dropped our connection, and our lock with it: take both again
        (raises while the server is away; the next call tries again)."""
        self._dropped_at = time.monotonic()
        with contextlib.suppress(Exception):
            self._connection.close()
        self._connection = self._engine.connect()
        if not self._take_lock():  # only this process ever takes this id
            self._connection.close()  # so that the next call tries again
            raise RuntimeError(f"owner lock {self.id} is held by another connection")

    def _run(self, statement: sa.TextClause, params: dict[str, object]) -> list[Any]:
        """`statement` on our connection; once more on a new one (our lock taken again)
        when the server dropped it."""
        with self._lock:
            if self._connection.closed or self._connection.invalidated:
                self._reconnect()  # an earlier attempt found the server away
            try:
                rows = self._connection.execute(statement, params).all()
            except sa.exc.DBAPIError as error:
                if not error.connection_invalidated:
                    with contextlib.suppress(Exception):
                        self._connection.rollback()
                    raise
                self._reconnect()
                rows = self._connection.execute(statement, params).all()
            self._connection.commit()
        return list(rows)

    def keep(self) -> None:
        self._run(sa.text("SELECT 1"), {})

    def alive(self, owners: Collection[int]) -> set[int]:
        if not owners:
            return set()
        rows = self._run(sa.text(
            "SELECT objid::bigint, now() - pg_postmaster_start_time() < :grace"
            " FROM pg_locks WHERE locktype = 'advisory' AND granted"
            " AND classid = :space AND objsubid = 2 AND database ="
            " (SELECT oid FROM pg_database WHERE datname = current_database())"
        ), {"space": _ADVISORY_SPACE, "grace": timedelta(seconds=self._grace)})
        # Our own lock is among them, so there is always a row to tell the server's age.
        # Just after a restart (or when ours was dropped, others' may have been too) the
        # living may not have taken their locks again yet: nobody is dead so soon.
        dropped = self._dropped_at is not None and \
            time.monotonic() - self._dropped_at < self._grace
        if dropped or any(young for _, young in rows):
            return set(owners)
        return set(owners) & {owner for owner, _ in rows}

    def close(self) -> None:
        with self._lock, contextlib.suppress(Exception):  # the connection may be gone
            self._connection.execute(sa.text("SELECT pg_advisory_unlock(:space, :id)"),
                                     {"space": _ADVISORY_SPACE, "id": self.id})
            self._connection.commit()
        self._connection.close()


class FileOwner(Owner):
    """SQLite: one locked file per living process, in a folder next to the database."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        while True:
            self.id = _new_id()
            path = self._path(self.id)
            try:
                folder.mkdir(exist_ok=True)
                fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            except FileNotFoundError:  # the last process to stop removed the folder
                continue
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue
            # A process that found the file unlocked a moment ago may have removed it:
            # only a lock on the file that is still there counts.
            if path.exists() and os.stat(path).st_ino == os.fstat(fd).st_ino:
                self._fd = fd
                return
            os.close(fd)

    def _path(self, owner: int) -> Path:
        return self._folder / str(owner)

    def alive(self, owners: Collection[int]) -> set[int]:
        return {owner for owner in owners if self._holds(owner)}

    def keep(self) -> None:
        pass  # a file lock goes only with the process

    def _holds(self, owner: int) -> bool:
        """Whether a process holds `owner`'s file; a dead one's file is removed."""
        path = self._path(owner)
        try:
            fd = os.open(path, os.O_RDWR)
        except FileNotFoundError:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        else:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
            return False
        finally:
            os.close(fd)

    def close(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self._path(self.id).unlink()
        os.close(self._fd)
        with contextlib.suppress(OSError):  # the last one out leaves nothing behind
            self._folder.rmdir()


class SoleOwner(Owner):
    """An in-memory database: no other process can share it."""

    def __init__(self) -> None:
        self.id = _new_id()

    def alive(self, owners: Collection[int]) -> set[int]:
        return set()

    def keep(self) -> None:
        pass

    def close(self) -> None:
        pass


def hold_owner(engine: Engine, grace: float) -> Owner:
    """Take an owner id for this process and hold its lock (blocking: run in a thread).
    `grace`: on PostgreSQL, for so long after the server started nobody is taken for
    dead (longer than the time between two heartbeats, `Owner.keep`)."""
    if engine.dialect.name == "postgresql":
        return PostgresOwner(engine, grace)
    database = engine.url.database
    if database in (None, "", ":memory:"):
        return SoleOwner()
    return FileOwner(Path(f"{database}-owners"))
