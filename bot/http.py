"""The one HTTP listener: `/healthz`, plus whatever routes the adapters add."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
# At shutdown, how long a request being answered may still take (each only stores and
# acknowledges, so well under this).
REQUEST_GRACE_SECONDS = 2.0


class HttpListener:
    """An aiohttp server the adapters share; started once, after they added routes."""

    def __init__(self, host: str, port: int, *, access_log: bool = False) -> None:
        self.host = host
        self.port = port
        # Off by default: a busy Slack app would log a line for every request it acks.
        self._access_log = logging.getLogger("aiohttp.access") if access_log else None
        self._app = web.Application()
        self._app.router.add_get("/healthz", self._healthz)
        self._runner: web.AppRunner | None = None

    def add_route(self, method: str, path: str, handler: Handler) -> None:
        self._app.router.add_route(method, path, handler)

    async def start(self) -> None:
        self._runner = web.AppRunner(self._app, access_log=self._access_log,
                                     shutdown_timeout=REQUEST_GRACE_SECONDS)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        if self.port == 0:  # tests ask for a free port; tell them which one they got
            self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @staticmethod
    async def _healthz(_: web.Request) -> web.Response:
        return web.Response(text="ok")
