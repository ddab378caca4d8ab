"""Which delivery processes are alive: each holds a lock for as long as it lives.

A process that starts takes an owner id and holds a lock on it until it stops or dies;
its outbox leases carry that id (`lease_owner`). When the process dies, the operating
system or the database lets go of the lock at once, so another process can see it is
dead and take its items over without waiting for their leases to run out.

- PostgreSQL: a session-level advisory lock on a connection of its own. A dead process's
  connection closes, and with it the lock; `pg_locks` lists the locks still held.
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
from abc import ABC, abstractmethod
from collections.abc import Collection
from pathlib import Path

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
    def close(self) -> None:
        """Let go of the lock (the process stops)."""


class PostgresOwner(Owner):
    def __init__(self, engine: Engine) -> None:
        self._connection: Connection = engine.connect()
        self._lock = threading.Lock()  # one connection, used from worker threads
        while True:
            self.id = _new_id()
            taken = self._connection.scalar(
                sa.text("SELECT pg_try_advisory_lock(:space, :id)"),
                {"space": _ADVISORY_SPACE, "id": self.id})
            self._connection.commit()  # a session lock outlives the transaction
            if taken:
                return

    def alive(self, owners: Collection[int]) -> set[int]:
        if not owners:
            return set()
        with self._lock:
            held = self._connection.scalars(sa.text(
                "SELECT objid::bigint FROM pg_locks WHERE locktype = 'advisory' AND granted"
                " AND classid = :space AND objsubid = 2 AND database ="
                " (SELECT oid FROM pg_database WHERE datname = current_database())"
            ), {"space": _ADVISORY_SPACE}).all()
            self._connection.commit()
        return set(owners) & set(held)

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

    def close(self) -> None:
        pass


def hold_owner(engine: Engine) -> Owner:
    """Take an owner id for this process and hold its lock (blocking: run in a thread)."""
    if engine.dialect.name == "postgresql":
        return PostgresOwner(engine)
    database = engine.url.database
    if database in (None, "", ":memory:"):
        return SoleOwner()
    return FileOwner(Path(f"{database}-owners"))
