"""The shared HTTP listener logs requests only when asked to."""

from __future__ import annotations

import logging

import aiohttp
import pytest

from bot.http import HttpListener


async def _get_healthz(listener: HttpListener) -> str:
    await listener.start()
    try:
        async with aiohttp.ClientSession() as session:
            async with session.get(f"http://127.0.0.1:{listener.port}/healthz") as response:
                return await response.text()
    finally:
        await listener.stop()


@pytest.mark.parametrize("access_log", [False, True])
async def test_a_request_is_logged_only_with_the_access_log_on(
    access_log: bool, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="aiohttp.access")
    listener = HttpListener("127.0.0.1", 0, access_log=access_log)

    assert await _get_healthz(listener) == "ok"

    lines = [r.getMessage() for r in caplog.records if r.name == "aiohttp.access"]
    assert bool(lines) is access_log
    assert all("/healthz" in line for line in lines)
