"""A process that dies mid-send leaves its items to the next process at once, not after
its leases run out; a living process keeps its own."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.local.adapter import LocalAdapter
from bot.runtime import Runtime
from conversations.effects import PostToChannel, SendPrivate
from conversations.messages import Message
from storage.unit_of_work import UnitOfWork
from tests.waiting import eventually

from .conftest import FakeClock

HOLDER = Path(__file__).with_name("lease_holder.py")
REPO = Path(__file__).resolve().parents[2]


async def _holder(url: str, clock: FakeClock,
                  holders: list[asyncio.subprocess.Process]) -> asyncio.subprocess.Process:
    """Another process that claimed every due item and hangs while 'sending' them."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, str(HOLDER), url, clock().isoformat(), stdout=asyncio.subprocess.PIPE,
        cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
    holders.append(process)
    assert process.stdout is not None
    assert int(await process.stdout.readline()) == 2  # the first item of each destination
    return process


def _queue(engine) -> None:
    with UnitOfWork(engine) as uow:
        uow.outbox.add("local", None, PostToChannel("tafel", Message(("round 1 starts",))))
        uow.outbox.add("local", None, PostToChannel("tafel", Message(("who joined",))))
        uow.outbox.add("local", None, SendPrivate("anna", Message(("welcome, Anna",))))
        uow.commit()


async def _runtime(engine, clock: FakeClock) -> tuple[Runtime, LocalAdapter]:
    runtime = Runtime(engine, default_language="en", clock=clock, drain_interval=3600)
    platform = LocalAdapter()
    runtime.add_adapter(platform)
    await runtime.start()
    return runtime, platform


@pytest.fixture
async def holders() -> AsyncIterator[list[asyncio.subprocess.Process]]:
    """The lease holders a test started; killed at the end whatever happened."""
    started: list[asyncio.subprocess.Process] = []
    yield started
    for process in started:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def _killed(process: asyncio.subprocess.Process) -> None:
    process.send_signal(signal.SIGKILL)  # no goodbye: its leases have most of an hour left
    await process.wait()


async def test_a_killed_process_s_items_are_delivered_at_once_by_the_next(
        engine, database_url, holders):
    clock = FakeClock()
    _queue(engine)
    holder = await _holder(database_url, clock, holders)
    living, platform = await _runtime(engine, clock)
    assert await living.drain() == 0  # the holder lives: its items are its own
    await living.stop()

    await _killed(holder)
    restarted, platform = await _runtime(engine, clock)  # the clock has not moved
    assert await restarted.drain() == 3
    await restarted.stop()
    assert [m.text for m in platform.channel("tafel")] == ["round 1 starts", "who joined"]
    assert [m.text for m in platform.inbox("anna")] == ["welcome, Anna"]


async def test_a_running_process_takes_over_when_another_dies(engine, database_url, holders):
    clock = FakeClock()
    _queue(engine)
    holder = await _holder(database_url, clock, holders)
    runtime = Runtime(engine, default_language="en", clock=clock, drain_interval=3600,
                      lease_seconds=0.3)  # its heartbeat looks three times a second
    platform = LocalAdapter()
    runtime.add_adapter(platform)
    await runtime.start()
    assert await runtime.drain() == 0
    await _killed(holder)
    await eventually(lambda: len(platform.messages) == 3)  # its heartbeat saw it die
    await runtime.stop()
    assert [m.text for m in platform.channel("tafel")] == ["round 1 starts", "who joined"]
    assert [m.text for m in platform.inbox("anna")] == ["welcome, Anna"]
