"""How fast Slack gets its acknowledgement of `/optafel help`, and the CPU a command costs.

    python -m bench.slack_acks                         # SQLite temp file
    python -m bench.slack_acks --database-url postgresql+psycopg://postgres@127.0.0.1/test
    python -m bench.slack_acks --command status        # a command that is stored first

Run from the repository root: it reuses the fake Slack Web API and the signed requests of
`tests/fakes`. Each app under test runs in a process of its own, on 127.0.0.1:

* the floor: a bare slack-bolt `AsyncApp` whose command listener acks and then answers
  with one `chat.postEphemeral`;
* the floor answering in the ack: the same app, its answer sent in the ack itself (the
  cheapest way Bolt has to show a person a text);
* ours: `optafel run` with Slack in HTTP mode (default settings, a fresh database, a
  partnership set up in the channel). `help` is answered in the ack; `--command status`
  measures a command that is stored, decided and answered with `chat.postEphemeral`.

Senders (default 10) post signed slash commands concurrently, each one after the other
(default 30 each, after a warm-up of one each). Ack latency is the time from sending the
request to Slack's answer (HTTP 200) at the sender. CPU per command is the process CPU time
(user + system, read from /proc) of the app from the first command until every answer
was shown (in the ack, or at the fake Web API), divided by the commands. It prints p50 and
p99 of the ack, the CPU per command, and the ratios ours / each floor.

PostgreSQL: a database of its own is created on that server and dropped at the end;
nothing else on the server is touched.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.common import (
    PROXY_VARIABLES,
    loopback_only,
    ms,
    own_database,
    parser_for,
    percentile,
    ratio,
)

ROOT = Path(__file__).resolve().parent.parent
CHANNEL_ID, CHANNEL_NAME = "C0BENCH", "bench"
START_TIMEOUT = 60.0
FLOOR, IN_ACK = "floor", "floor, answer in the ack"


@dataclass
class Figures:
    acks: list[float]
    cpu_per_command: float


def _cpu_seconds(pid: int) -> float:
    """utime + stime of a process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def serving(command: list[str], env: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    """A child process in an empty folder (no `.env` to read), stopped at the end."""
    with tempfile.TemporaryDirectory() as folder, \
            open(Path(folder) / "log", "wb") as log:
        child = subprocess.Popen(command, cwd=folder, env=env, stdout=log,
                                 stderr=subprocess.STDOUT)
        try:
            yield child
        finally:
            child.terminate()
            try:
                child.wait(10)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
            if child.returncode not in (0, -15):
                sys.stderr.write((Path(folder) / "log").read_text()[-3000:])


def _environment(**settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in PROXY_VARIABLES and not k.startswith(("SLACK_", "TELEGRAM_", "OPTAFEL_"))
           and k != "DATABASE_URL" or k == "OPTAFEL_ANSWER_KEY"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return {**env, **settings}


async def _up(url: str, child: subprocess.Popen[bytes]) -> None:
    """Wait until the child answers HTTP at `url` (any status)."""
    import aiohttp

    deadline = time.monotonic() + START_TIMEOUT
    async with aiohttp.ClientSession(trust_env=False) as session:
        while True:
            if child.poll() is not None:
                raise RuntimeError(f"the app under test stopped (exit {child.returncode})")
            try:
                async with session.get(url) as response:
                    await response.read()
                    return
            except aiohttp.ClientError:
                if time.monotonic() > deadline:
                    raise RuntimeError("the app under test did not start") from None
                await asyncio.sleep(0.1)


async def load(pid: int, port: int, api: object, senders: int, commands: int,
               command: str) -> Figures:
    """Set up the channel, warm up, then `senders` × `commands` signed `/optafel <command>`,
    concurrently."""
    from tests.fakes.slack_requests import SlackRequests

    requests = SlackRequests(f"http://127.0.0.1:{port}/slack/events")
    users = [(f"UBENCH{n:03d}", f"sender{n}") for n in range(senders)]
    for user_id, name in users:
        api.add_user(user_id, name, real_name=name.title())
    api.add_channel(CHANNEL_ID, CHANNEL_NAME, [u for u, _ in users])

    in_acks = 0  # answers that came in the ack itself

    def posted() -> int:
        return sum(1 for c in api.calls
                   if c.method in ("chat.postEphemeral", "chat.postMessage") and c.ok)

    async def send(text: str, user_id: str, name: str, times: int, acks: list[float]) -> None:
        nonlocal in_acks
        for _ in range(times):
            started = time.perf_counter()
            reply = await requests.command(text, user_id=user_id, user_name=name,
                                           channel_id=CHANNEL_ID, channel_name=CHANNEL_NAME)
            acks.append(time.perf_counter() - started)
            if reply.status != 200:
                raise RuntimeError(f"Slack would see HTTP {reply.status}")
            if reply.body.strip():  # a bare ack has an empty body

                in_acks += 1

    async def wait_answered(count: int) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while in_acks + posted() < count:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{in_acks + posted()} of {count} commands answered")
            await asyncio.sleep(0.01)

    try:
        await send("setup", *users[0], 1, [])
        await wait_answered(1)
        await asyncio.gather(*(send(command, u, n, 1, []) for u, n in users))  # warm-up
        await wait_answered(1 + senders)
        await asyncio.sleep(0.5)
        before = _cpu_seconds(pid)
        acks: list[float] = []
        await asyncio.gather(*(send(command, u, n, commands, acks) for u, n in users))
        await wait_answered(1 + senders * (commands + 1))
        cpu = _cpu_seconds(pid) - before
    finally:
        await requests.close()
    return Figures(acks, cpu / (senders * commands))


async def measure(which: str, server_url: str | None, senders: int, commands: int,
                  command: str) -> Figures:
    from tests.fakes.slack_api import BOT_TOKEN, FakeSlackApi
    from tests.fakes.slack_requests import SIGNING_SECRET
    from tests.telegram.world import free_port

    api = FakeSlackApi()
    await api.start()
    port = free_port()
    try:
        with own_database(server_url) as url:
            env = _environment(
                DATABASE_URL=url, OPTAFEL_LANGUAGE="en", OPTAFEL_HOST="127.0.0.1",
                OPTAFEL_PORT=str(port), SLACK_BOT_TOKEN=BOT_TOKEN,
                SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_API_URL=api.base_url,
                BENCH_FLOOR_ANSWERS_IN_ACK="1" if which == IN_ACK else "")
            run = ([sys.executable, "-c", "from bot.cli import main; main()", "run"]
                   if which == "ours" else [sys.executable, "-m", "bench.slack_acks",
                                            "--serve-floor"])
            with serving(run, env) as child:
                await _up(f"http://127.0.0.1:{port}/healthz", child)
                return await load(child.pid, port, api, senders, commands, command)
    finally:
        await api.stop()


# --- the floor, run as a child process (`--serve-floor`, settings from the environment) ---
async def serve_floor() -> None:
    from aiohttp import web
    from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
    from slack_bolt.async_app import AsyncApp
    from slack_sdk.web.async_client import AsyncWebClient

    client = AsyncWebClient(token=os.environ["SLACK_BOT_TOKEN"],
                            base_url=os.environ["SLACK_API_URL"])
    app = AsyncApp(client=client, signing_secret=os.environ["SLACK_SIGNING_SECRET"],
                   process_before_response=False)

    answer = "Commands: setup, partners, round, status, help"
    in_ack = bool(os.environ.get("BENCH_FLOOR_ANSWERS_IN_ACK"))

    @app.command("/optafel")
    async def help_command(ack, body, client) -> None:  # noqa: ANN001 (Bolt injects by name)
        if in_ack:
            await ack(text=answer)
            return
        await ack()
        await client.chat_postEphemeral(channel=body["channel_id"], user=body["user_id"],
                                        text=answer)

    async def events(request: web.Request) -> web.StreamResponse:
        return await to_aiohttp_response(await app.async_dispatch(
            await to_bolt_request(request)))

    web_app = web.Application()
    web_app.router.add_post("/slack/events", events)
    web_app.router.add_get("/healthz", lambda _: web.Response(text="ok"))
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", int(os.environ["OPTAFEL_PORT"])).start()
    await asyncio.Event().wait()


async def run(server_url: str | None, senders: int, commands: int, command: str) -> None:
    database = "PostgreSQL" if server_url else "SQLite"
    found = {which: await measure(which, server_url, senders, commands, command)
             for which in (FLOOR, IN_ACK, "ours")}
    print(f"/optafel {command}, {senders} concurrent senders × {commands} commands "
          f"(ours on {database}):")
    for which, figures in found.items():
        print(f"  {which:<{len(IN_ACK)}} ack p50 {ms(percentile(figures.acks, 50)):>9}   "
              f"p99 {ms(percentile(figures.acks, 99)):>9}   "
              f"CPU per command {ms(figures.cpu_per_command):>9}", flush=True)
    ours = found["ours"]
    for which in (FLOOR, IN_ACK):
        floor = found[which]
        print(f"\nratio ours / {which} ({database}):")
        print(f"  ack p50          {ratio(percentile(ours.acks, 50), percentile(floor.acks, 50))}")
        print(f"  ack p99          {ratio(percentile(ours.acks, 99), percentile(floor.acks, 99))}")
        print(f"  CPU per command  {ratio(ours.cpu_per_command, floor.cpu_per_command)}")


def main(argv: list[str] | None = None) -> None:
    parser = parser_for(__doc__)
    parser.add_argument("--senders", type=int, default=10)
    parser.add_argument("--commands", type=int, default=30, help="per sender")
    parser.add_argument("--command", default="help",
                        help="what each sender types after /optafel (default: help)")
    parser.add_argument("--serve-floor", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_floor:
        asyncio.run(serve_floor())
        return
    loopback_only()
    asyncio.run(run(args.database_url, args.senders, args.commands, args.command))


if __name__ == "__main__":
    main()
