"""What the benchmarks share: a database of their own, loopback without proxies, figures.

Run the benchmarks from the repository root as modules (`python -m bench.<name>`): they
reuse the fake Slack and Telegram servers of `tests/fakes`.
"""

from __future__ import annotations

import argparse
import math
import os
import tempfile
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from storage.keyring import new_key
from tests.own_database import own_database as own_postgresql_database

if TYPE_CHECKING:
    from bot.local.adapter import LocalAdapter
    from bot.local.session import LocalSession

PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy",
                   "all_proxy")
OWN_DATABASE_PREFIX = "optafel_bench_"


def loopback_only() -> None:
    """httpx and aiohttp honour proxy variables; the fakes are on 127.0.0.1. PTB_TIMEDELTA:
    python-telegram-bot 22's new (non-deprecated) time behaviour, as the tests set it."""
    for name in PROXY_VARIABLES:
        os.environ.pop(name, None)
    os.environ.setdefault("PTB_TIMEDELTA", "1")


@contextmanager
def own_database(server_url: str | None) -> Iterator[str]:
    """The URL of an empty database for one measurement: a SQLite file in a temporary
    folder, or — with a PostgreSQL `server_url` — a database of its own on that server,
    created here and dropped afterwards. Nothing else on the server is touched."""
    if server_url is None:
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{Path(folder) / 'bench.db'}"
        return
    # Answers in PostgreSQL are sealed with OPTAFEL_ANSWER_KEY: one for this run if unset.
    os.environ.setdefault("OPTAFEL_ANSWER_KEY", new_key())
    with own_postgresql_database(server_url, OWN_DATABASE_PREFIX) as url:
        yield url


@asynccontextmanager
async def local_session(database_url: str) -> AsyncIterator[tuple[LocalSession, LocalAdapter]]:
    """The runtime as `optafel run` builds it (`bot.bootstrap.build_runtime`: decisions,
    outbox, delivery, scheduler) with the local adapter, started; stopped afterwards."""
    from bot.bootstrap import build_runtime
    from bot.config import Settings
    from bot.local.adapter import LocalAdapter
    from bot.local.session import LocalSession

    settings = Settings(_env_file=None, database_url=database_url, optafel_language="en")
    runtime = build_runtime(settings)
    adapter = LocalAdapter()
    runtime.add_adapter(adapter)
    await runtime.start()
    try:
        yield LocalSession(runtime, adapter), adapter
    finally:
        await runtime.stop()
        runtime.engine.dispose()


def parser_for(doc: str) -> argparse.ArgumentParser:
    """A benchmark's command line: its docstring's first paragraph, and `--database-url`."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--database-url", default=None,
                        help="PostgreSQL server URL (a database of its own is created there "
                             "for each measurement and dropped after); default: SQLite files")
    return parser


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0–100): with few values p99 is the largest."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms"


def ratio(ours: float, floor: float) -> str:
    return f"{ours / floor:,.2f}×" if floor > 0 else "n/a"
