"""`optafel run` as a real process: started with an environment, killed at any moment.

The environment is the operator's: DATABASE_URL, the platform tokens and the API base URLs
(`SLACK_API_URL`, `TELEGRAM_API_URL`) pointing at the fakes on 127.0.0.1. Nothing of the
test process is inherited but the basics (no proxies, no settings of its own).
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import aiohttp

from storage.database import create_engine_for
from storage.unit_of_work import UnitOfWork
from tests.conftest import ANSWER_KEY
from tests.telegram.world import free_port

PROGRAM = Path(sys.executable).parent / "optafel"
START_TIMEOUT = 60.0  # a loaded 2-core machine imports, migrates and connects slowly
SETTLE_TIMEOUT = 60.0  # a dead process's leases run out first (15 s)
_OURS = ("SLACK_", "TELEGRAM_", "OPTAFEL_", "DATABASE_")


def base_environment() -> dict[str, str]:
    """The test process's environment without proxies and without any Op Tafel setting."""
    return {k: v for k, v in os.environ.items()
            if not k.startswith(_OURS) and "proxy" not in k.lower()}


async def until(condition: Callable[[], object], timeout: float = SETTLE_TIMEOUT) -> None:
    """Wait until `condition()` holds or `timeout` passed; the test then asserts exactly
    what it expected, so that a failure says what users would have seen."""
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        await asyncio.sleep(0.05)


class BotProcess:
    """One `optafel run`; `start` waits until it answers `/healthz`."""

    def __init__(self, env: dict[str, str], cwd: Path, log: Path, port: int = 0) -> None:
        self.port = port or free_port()
        self.env = {**base_environment(), "OPTAFEL_HOST": "127.0.0.1",
                    "OPTAFEL_PORT": str(self.port), "PTB_TIMEDELTA": "1", **env}
        self.cwd = cwd
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> BotProcess:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen([str(PROGRAM), "run"], cwd=self.cwd, env=self.env,
                                            stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + START_TIMEOUT
        async with aiohttp.ClientSession(trust_env=False) as session:
            while True:
                if self.process.poll() is not None:
                    raise AssertionError(f"optafel run exited at start:\n{self.output()}")
                try:
                    async with session.get(f"{self.url}/healthz") as response:
                        if response.status == 200:
                            return self
                except aiohttp.ClientError:
                    pass
                if time.monotonic() > deadline:
                    raise AssertionError(f"optafel run did not start:\n{self.output()}")
                await asyncio.sleep(0.05)

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL, right now (safe to call from a fake's hook, and more than once)."""
        if self.alive:
            assert self.process is not None
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait()

    async def stop(self, timeout: float) -> int | None:
        """SIGTERM; the exit code, or None when it did not exit within `timeout` seconds."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        try:
            return await asyncio.to_thread(self.process.wait, timeout)
        except subprocess.TimeoutExpired:
            return None

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


class Bots:
    """Starts `optafel run` processes for one test and kills whatever is left at the end."""

    def __init__(self, tmp_path: Path, database_url: str) -> None:
        self.tmp_path = tmp_path
        self.database_url = database_url
        self.started: list[BotProcess] = []

    async def start(self, port: int = 0, **env: str) -> BotProcess:
        """A new process on the test's database, with these settings on top (and its HTTP
        listener on `port`, or on a free one)."""
        number = len(self.started) + 1
        # The answer key the test's own runtime sealed answers with (tests/conftest.py).
        bot = BotProcess({"DATABASE_URL": self.database_url, "OPTAFEL_LANGUAGE": "en",
                          "OPTAFEL_ANSWER_KEY": ANSWER_KEY, **env},
                         self.tmp_path, self.tmp_path / f"optafel-run-{number}.log", port)
        self.started.append(bot)
        return await bot.start()

    async def delivered(self, timeout: float = SETTLE_TIMEOUT) -> None:
        """Wait until the outbox holds nothing left to send (sent or failed for good)."""
        engine = create_engine_for(self.database_url)

        def pending() -> int:
            with UnitOfWork(engine) as uow:
                return uow.outbox.pending()

        deadline = time.monotonic() + timeout
        try:
            quiet = 0
            while quiet < 3:
                if time.monotonic() > deadline:
                    raise AssertionError(f"still undelivered:\n{self.output()}")
                quiet = quiet + 1 if await asyncio.to_thread(pending) == 0 else 0
                await asyncio.sleep(0.1)
        finally:
            engine.dispose()

    def kill_all(self) -> None:
        for bot in self.started:
            bot.kill()

    def output(self) -> str:
        return "\n".join(f"--- process {n} ---\n{bot.output()}"
                         for n, bot in enumerate(self.started, 1))
