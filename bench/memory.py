"""Whether memory stays flat while the traffic goes on: round after round in one process.

    python -m bench.memory                   # SQLite temp file
    python -m bench.memory --database-url postgresql+psycopg://postgres@127.0.0.1/test

In this process, without a chat platform: the runtime as `optafel run` builds it
(`bot.bootstrap.build_runtime`) with the local adapter. One partnership of `--partners`
partners goes through `--rounds` interest rounds: each partner does the whole interview
(typed answers, buttons, sealing), the coordinator puts it on the table, the next round
opens. After each round the process's live Python memory (`tracemalloc`, after a garbage
collection) and its resident size are printed, and at the end the ratio of the last
round to the first: memory that grows with history shows as a ratio that keeps rising
with `--rounds`; flat memory stays near 1.
"""

from __future__ import annotations

import asyncio
import gc
import resource
import time
import tracemalloc

from bench.common import local_session, own_database, parser_for, ratio


def _resident_mib() -> float:
    """The current resident set size (Linux: /proc), else the peak."""
    try:
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[1])
        return pages * resource.getpagesize() / 2**20
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _traced_mib() -> float:
    gc.collect()
    return tracemalloc.get_traced_memory()[0] / 2**20


async def measure(database_url: str, partners: int, rounds: int) -> list[tuple[float, float]]:
    """Live and resident MiB after each round."""
    from tests.scenario.conftest import answer_everything

    figures = []
    async with local_session(database_url) as (session, adapter):
        names = [f"partner{n}" for n in range(partners)]
        await session.command("coordinator", "setup")
        await session.command("coordinator", "partners " + " ".join(f"@{n}" for n in names))
        for number in range(1, rounds + 1):
            started = time.perf_counter()
            await session.command("coordinator", f"round Round {number} of a long year")
            for name in names:
                await answer_everything(session, name, f"Organisation of {name}")
            await session.command("coordinator", "reveal")
            await session.runtime.drain()
            adapter.messages.clear()  # what a terminal scrolls away; ours to keep is none
            figures.append((_traced_mib(), _resident_mib()))
            print(f"  round {number:>3}: live {figures[-1][0]:7.2f} MiB, resident "
                  f"{figures[-1][1]:7.1f} MiB ({time.perf_counter() - started:.1f} s)",
                  flush=True)
    return figures


async def run(server_url: str | None, partners: int, rounds: int) -> None:
    database = "PostgreSQL" if server_url else "SQLite"
    print(f"a partnership of {partners}, {rounds} rounds ({database}):")
    tracemalloc.start()
    with own_database(server_url) as url:
        figures = await measure(url, partners, rounds)
    tracemalloc.stop()
    (first_live, first_resident), (last_live, last_resident) = figures[0], figures[-1]
    print(f"\nratio round {rounds} / round 1 ({database}):")
    print(f"  live memory      {ratio(last_live, first_live)}")
    print(f"  resident memory  {ratio(last_resident, first_resident)}")


def main(argv: list[str] | None = None) -> None:
    parser = parser_for(__doc__)
    parser.add_argument("--partners", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=6)
    args = parser.parse_args(argv)
    asyncio.run(run(args.database_url, args.partners, args.rounds))


if __name__ == "__main__":
    main()
