"""`optafel run` with TELEGRAM_BOT_TOKEN: the real program, polling the fake, stopped by a
signal; and a picture (the check-in trend) as Telegram receives it."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import aiohttp
import sqlalchemy as sa

from conversations.effects import PostToChannel
from conversations.messages import Message
from storage.database import create_engine_for, migrate
from storage.schema import OutboxRow
from storage.unit_of_work import UnitOfWork
from tests.fakes.telegram_api import BOT_TOKEN, FakeTelegram
from tests.fakes.telegram_updates import TgChat, TgUser
from tests.telegram.world import GROUP, World, free_port

ANNA = TgUser(4001, "Anna")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


async def test_optafel_run_polls_telegram_and_stops_cleanly(fake: FakeTelegram,
                                                            tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLACK_", "TELEGRAM_", "OPTAFEL_", "DATABASE_"))
           and "proxy" not in k.lower()}
    env.update(TELEGRAM_BOT_TOKEN=BOT_TOKEN, TELEGRAM_API_URL=fake.base_url,
               DATABASE_URL=f"sqlite:///{tmp_path / 'optafel.db'}",
               OPTAFEL_PORT=str(port), OPTAFEL_LANGUAGE="en", PTB_TIMEDELTA="1")
    program = Path(sys.executable).parent / "optafel"
    process = await asyncio.create_subprocess_exec(
        str(program), "run", cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    try:
        await fake.wait_for(lambda: fake.calls_of("getUpdates"), 30, "optafel run to poll")
        assert fake.calls_of("getMe") and len(fake.calls_of("setMyCommands")) == 4
        fake.add_group(GROUP)
        setup = await fake.group_command(ANNA, GROUP, "/setup")
        [posted] = await fake.wait_for_message(GROUP.id)
        assert "Samen Sterk" in posted.text
        async with aiohttp.ClientSession() as session, session.get(
            f"http://127.0.0.1:{port}/healthz"
        ) as response:
            assert response.status == 200
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 0, output.decode()
    assert BOT_TOKEN.split(":")[1] not in output.decode()  # httpx logs every URL at INFO
    # Stopping confirms what was fetched, so a restart does not see /setup again.
    last = fake.calls_of("getUpdates")[-1]
    assert int(last.params["offset"]) == setup["update_id"] + 1
    assert fake.unfetched == 0


async def test_a_picture_is_sent_as_a_photo_with_an_escaped_caption(world: World) -> None:
    await world.adapter.upload_picture(str(GROUP.id), PNG, "Balance <trend> & more")
    [photo] = world.group()
    assert photo.photo == PNG
    assert photo.text == "Balance <trend> & more"


def _run_env(fake: FakeTelegram, tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLACK_", "TELEGRAM_", "OPTAFEL_", "DATABASE_"))
           and "proxy" not in k.lower()}
    env.update(TELEGRAM_BOT_TOKEN=BOT_TOKEN, TELEGRAM_API_URL=fake.base_url,
               DATABASE_URL=f"sqlite:///{tmp_path / 'optafel.db'}",
               OPTAFEL_PORT=str(free_port()), OPTAFEL_LANGUAGE="en", PTB_TIMEDELTA="1")
    return env


async def _optafel_run(env: dict[str, str], cwd: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        str(Path(sys.executable).parent / "optafel"), "run", cwd=cwd, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)


async def test_sigterm_with_a_backlog_and_a_long_rate_limit_gives_back_and_loses_nothing(
        fake: FakeTelegram, tmp_path: Path) -> None:
    groups = [TgChat.group(-1002000000000 - n, f"Group {n}", supergroup=True) for n in range(5)]
    for group in groups:
        fake.add_group(group)
    url = f"sqlite:///{tmp_path / 'optafel.db'}"
    migrate(url)
    engine = create_engine_for(url)
    with UnitOfWork(engine) as uow:  # a backlog: eight messages for each of five groups
        for n in range(8):
            for group in groups:
                uow.outbox.add("telegram", None,
                               PostToChannel(str(group.id), Message((f"{group.title}: {n}",))))
        uow.commit()
    # The first message is told to wait an hour; the rate limiter waits inside the call.
    fake.rate_limit_next("sendMessage", 3600)
    env = _run_env(fake, tmp_path)
    process = await _optafel_run(env, tmp_path)
    try:
        await fake.wait_for(lambda: len(fake.sent) >= 8, 30, "the other groups' messages")
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(process.communicate(), 30)  # a guard: not an hour
    assert process.returncode == 0, output.decode()
    assert "given back" in output.decode()
    with UnitOfWork(engine) as uow:  # nothing is left leased to the stopped process
        leased = uow.session.scalar(sa.select(sa.func.count()).select_from(OutboxRow).where(
            OutboxRow.sent_at.is_(None), OutboxRow.lease_token.is_not(None)))
    assert leased == 0

    process = await _optafel_run(env, tmp_path)  # the next process sends the rest, at once
    try:
        await fake.wait_for(lambda: len(fake.sent) >= 40, 60, "every message")
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(process.communicate(), 30)
    engine.dispose()
    for group in groups:  # each message once, in order
        assert [m.text for m in fake.in_chat(group.id)] == [f"{group.title}: {n}"
                                                           for n in range(8)]
