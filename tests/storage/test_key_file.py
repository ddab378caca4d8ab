"""The SQLite key file: made once, whole, however many processes start at the same moment."""

from __future__ import annotations

import stat
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from storage.keyring import Keyring, keys_text, read_key_file

STARTING_AT_ONCE = 8


def test_processes_starting_at_once_all_get_the_one_key_that_was_written(
        tmp_path: Path) -> None:
    """Each reads the key file the first one made, never an empty or half-written one."""
    for attempt in range(30):
        path = tmp_path / f"optafel{attempt}.db.key"
        start = threading.Barrier(STARTING_AT_ONCE)

        def first_use(path: Path = path, start: threading.Barrier = start) -> Keyring:
            start.wait()
            return read_key_file(path, create=True)

        with ThreadPoolExecutor(STARTING_AT_ONCE) as pool:
            keyrings = list(pool.map(lambda _: first_use(), range(STARTING_AT_ONCE)))
        assert len(set(keyrings)) == 1 and len(keyrings[0].keys) == 1
        assert path.read_text().strip() == keys_text(keyrings[0])
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        f"optafel{n}.db.key" for n in range(30))  # no temporary file left behind
