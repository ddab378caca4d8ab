"""`POST /telegram/webhook` on the shared HTTP listener.

Telegram sends every update with the secret given to `setWebhook` in the
`X-Telegram-Bot-Api-Secret-Token` header; anything else is refused (403) before it is
read. A good update is stored in the inbox and only then answered 200; when storing
fails the answer is 500 and Telegram sends the update again. Duplicates (Telegram
retries) are recognised by the inbox from the update_id.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"

log = logging.getLogger(__name__)


def derived_secret(token: str) -> str:
    """A secret for when TELEGRAM_WEBHOOK_SECRET is not set: stable, not guessable."""
    return hashlib.sha256(f"optafel-webhook:{token}".encode()).hexdigest()[:48]


def handler(secret: str, accept: Callable[[dict[str, Any]], Awaitable[bool]]
            ) -> Callable[[web.Request], Awaitable[web.Response]]:
    """An aiohttp handler that checks the secret and passes the JSON to `accept`.

    `accept` returns False while the bot is not running (503) and raises when the update
    could not be stored (500): either way Telegram tries again.
    """

    async def handle(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            log.warning("telegram webhook request with a wrong secret refused")
            return web.Response(status=403, text="forbidden")
        try:
            data = json.loads(await request.read())
        except ValueError:
            return web.Response(status=400, text="not JSON")
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            return web.Response(status=400, text="not an update")
        try:
            accepted = await accept(data)
        except Exception as error:  # the type only: an error may quote what was typed
            log.error("telegram update %s not stored (%s): Telegram will send it again",
                      data["update_id"], type(error).__name__)
            return web.Response(status=500, text="not stored")
        if not accepted:
            return web.Response(status=503, text="not running")
        return web.Response(text="ok")

    return handle
