"""`optafel run` with TELEGRAM_BOT_TOKEN: the real program, polling the fake, stopped by a
signal; and a picture (the check-in trend) as Telegram receives it."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import aiohttp

from tests.fakes.telegram_api import BOT_TOKEN, FakeTelegram
from tests.fakes.telegram_updates import TgUser
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
