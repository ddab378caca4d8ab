"""The one HTTP listener: `/healthz`, plus whatever routes the adapters add."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class HttpListener:
    """An aiohttp server the adapters share; started once, after they added routes."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self._app = web.Application()
        self._app.router.add_get("/healthz", self._healthz)
        self._runner: web.AppRunner | None = None

    def add_route(self, method: str, path: str, handler: Handler) -> None:
        self._app.router.add_route(method, path, handler)

    async def start(self) -> None:
        self._runner = web.AppRunner(self._app)
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
