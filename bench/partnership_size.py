"""How the CPU one answer costs grows with the size of the partnership.

    python -m bench.partnership_size                   # SQLite temp files
    python -m bench.partnership_size --database-url postgresql+psycopg://postgres@127.0.0.1/test

In this process, without a chat platform: the runtime as `optafel run` builds it
(`bot.bootstrap.build_runtime`: decisions, outbox, delivery and the check-in scheduler)
with the local adapter. For each size (default 20 and 200 partners) it sets up a fresh
partnership, opens an interest round and lets every partner start the interview. Then
every partner, one after the other, types an answer (interview steps 2 and 3 by default,
one pass per step; `--steps 3` adds step 4) and the runtime stores, decides and delivers
the next question. It prints the
process CPU time (all threads) and the wall time per handled answer, and the ratio of the
largest size to the smallest. A ratio near 1 means an answer costs the same in a small
partnership as in a large one.

PostgreSQL: for each size a database of its own is created on that server and dropped at
the end; nothing else on the server is touched.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from bench.common import local_session, ms, own_database, parser_for, ratio

TYPED_STEPS = ("Organisation of {who}", "What the organisation of {who} hopes for",
               "What {who} hopes for")


@dataclass
class Figures:
    partners: int
    answers: int
    cpu_per_answer: float
    wall_per_answer: float


async def measure(database_url: str, partners: int, steps: int) -> Figures:
    async with local_session(database_url) as (session, adapter):
        names = [f"partner{n}" for n in range(partners)]
        await session.command("coordinator", "setup")
        await session.command("coordinator", "partners " + " ".join(f"@{n}" for n in names))
        await session.command("coordinator", "round Benchmarks that tell the truth")
        for name in names:
            await session.press_label(name, "Let's start")
        before = len(adapter.messages)
        cpu, wall = time.process_time(), time.perf_counter()  # all threads, this process
        for step in TYPED_STEPS[:steps]:
            for name in names:
                await session.say(name, step.format(who=name))
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        questions = [m for m in adapter.messages[before:] if m.place.startswith("dm:")]
        if len(questions) < partners * steps:
            raise RuntimeError(f"{len(questions)} replies to {partners * steps} answers")
    answers = partners * steps
    return Figures(partners, answers, cpu / answers, wall / answers)


async def run(server_url: str | None, sizes: list[int], steps: int) -> None:
    database = "PostgreSQL" if server_url else "SQLite"
    found = []
    for partners in sizes:
        with own_database(server_url) as url:
            figures = await measure(url, partners, steps)
        found.append(figures)
        print(f"{partners:>5} partners ({database}): {figures.answers} answers, "
              f"CPU {ms(figures.cpu_per_answer)} per answer, wall {ms(figures.wall_per_answer)}",
              flush=True)
    small, large = found[0], found[-1]
    print(f"\nratio {large.partners} / {small.partners} partners ({database}):")
    print(f"  CPU per answer   {ratio(large.cpu_per_answer, small.cpu_per_answer)}")
    print(f"  wall per answer  {ratio(large.wall_per_answer, small.wall_per_answer)}")


def main(argv: list[str] | None = None) -> None:
    parser = parser_for(__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[20, 200])
    parser.add_argument("--steps", type=int, default=2, choices=range(1, 4),
                        help="typed answers per partner (interview steps 2–4)")
    args = parser.parse_args(argv)
    asyncio.run(run(args.database_url, args.sizes, args.steps))


if __name__ == "__main__":
    main()
