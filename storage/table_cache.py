"""The tables a process loaded or saved, kept so that an event need not read and unseal
the whole partnership again.

An entry is right for one `revision` of its partnership: a random token that every write
of the partnership's data sets anew (`TableRepository.save`), and that a load reads under
the partnership's lock (``FOR UPDATE`` on PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite)
before it looks here. A token that was never committed (a save rolled back) never comes
back, and a process that did not see another process's write finds another token: in
both cases the table is loaded afresh. What changes partnership data outside `save` clears
the token (`forget`, a data migration).

Entries hold decrypted answers, like the decision that loaded them: `forget` drops the
partnerships it touches here too. At most `SIZE` partnerships are kept per database, the
least recently used leave first.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy.engine import Connection, Engine

from conversations.model import Table

SIZE = 256


class StoredInterview(NamedTuple):
    """An interview's row id and its wrapped key (None: no answers), which sealing new
    answers needs: so that saving them does not read the row first. The key is only
    opened, never written back (`storage.sealing.SealedAnswers.values`)."""

    id: int
    key: bytes | None


@dataclass(frozen=True)
class Loaded:
    """A table as stored at `revision` (None: not kept), with the ids of its rows."""

    revision: str | None
    table: Table
    member_ids: Mapping[str, int]  # user id → members.id
    round_ids: Mapping[int, int]  # round number → rounds.id
    interviews: Mapping[tuple[int, str], StoredInterview]  # by (round number, user id)


class TableCache:
    """Thread-safe: the inbox worker decides several rows at once."""

    def __init__(self, size: int = SIZE) -> None:
        self.size = size
        self._entries: OrderedDict[int, Loaded] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, partnership_id: int, revision: str | None) -> Loaded | None:
        """The table of `partnership_id` at `revision`, if this process has it."""
        if revision is None:
            return None
        with self._lock:
            found = self._entries.get(partnership_id)
            if found is None or found.revision != revision:
                return None
            self._entries.move_to_end(partnership_id)
            return found

    def put(self, partnership_id: int, loaded: Loaded) -> None:
        if loaded.revision is None:
            self.drop([partnership_id])
            return
        with self._lock:
            self._entries[partnership_id] = loaded
            self._entries.move_to_end(partnership_id)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def drop(self, partnership_ids: Iterable[int]) -> None:
        with self._lock:
            for partnership_id in partnership_ids:
                self._entries.pop(partnership_id, None)

    def tables(self) -> list[Table]:
        """What is kept now (tests: nothing forgotten stays behind)."""
        with self._lock:
            return [loaded.table for loaded in self._entries.values()]


_CACHES: weakref.WeakKeyDictionary[Engine, TableCache] = weakref.WeakKeyDictionary()
_CREATING = threading.Lock()


def cache_for(bind: Engine | Connection) -> TableCache:
    """The cache of the database behind `bind`: one per engine, so that every unit of
    work on it (decisions, the scheduler, delivery) shares it."""
    engine = bind.engine
    with _CREATING:
        found = _CACHES.get(engine)
        if found is None:
            found = _CACHES[engine] = TableCache()
        return found
