"""One bot process for the multi-process test: `python scheduler_process.py URL DUE START`.

Wired like `optafel run` (the composition root, migrations, the scheduler), with the local
adapter as its platform and its clock fixed at the due time DUE. At wall-clock time START
it ticks, decides and delivers until nothing is left in the inbox or the outbox (of
either process), then prints every message it delivered as JSON lines.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from datetime import datetime

from sqlalchemy.engine import Engine

from bot.bootstrap import build_runtime
from bot.config import Settings
from bot.local.adapter import LocalAdapter
from storage.unit_of_work import UnitOfWork


def pending(engine: Engine) -> int:
    with UnitOfWork(engine) as uow:
        return uow.inbox.pending() + uow.outbox.pending()


async def main(url: str, due: datetime, start: float) -> None:
    runtime = build_runtime(Settings(database_url=url), clock=lambda: due, drain_interval=0.05)
    scheduler = runtime.add_scheduler(interval=0.05, batch=3)  # small batches interleave
    adapter = LocalAdapter()
    runtime.add_adapter(adapter)
    await asyncio.sleep(max(0.0, start - time.time()))
    await runtime.start()
    idle = 0
    while idle < 5:  # until neither process has anything left to store, decide or send
        result = await scheduler.tick()
        busy = (result.opened or result.reminded or result.closed
                or await runtime.inbox.work() or await runtime.drain()
                or await asyncio.to_thread(pending, runtime.engine))
        idle = 0 if busy else idle + 1
        await asyncio.sleep(0.05)
    await runtime.stop()
    for message in adapter.messages:
        print(json.dumps({"place": message.place, "text": message.text}))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], datetime.fromisoformat(sys.argv[2]), float(sys.argv[3])))
