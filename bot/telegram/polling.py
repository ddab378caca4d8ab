"""Long polling that confirms a batch of updates only once it is stored.

Telegram forgets the updates before the `offset` of a `getUpdates` call: that call is
the confirmation. python-telegram-bot's `Updater` confirms a batch as soon as it has
queued it in memory; this loop asks for the next offset only after `store` returned, so
a crash at any moment leaves every unstored update with Telegram, which hands it out
again. Errors are handled as PTB's own network loop does: a timeout polls again at
once, a flood wait waits what Telegram asked for, other errors (a conflict with another
process polling the same bot, the network) wait 1 s, growing to 30 s; a bad token stops.

Stopping asks for nothing more: a long poll under way is cut off (what it would have
brought stays with Telegram), while a batch in hand is stored and confirmed first.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any

from telegram import Bot, Update
from telegram.error import InvalidToken, RetryAfter, TelegramError, TimedOut
from telegram.request import HTTPXRequest

from bot.tasks import cancel_and_wait
from bot.telegram.errors import retry_seconds

log = logging.getLogger(__name__)

# A batch as Telegram sent it (JSON), and as python-telegram-bot read it.
Store = Callable[[Sequence[dict[str, Any]], Sequence[Update]], Awaitable[None]]
LONGEST_WAIT = 30.0
# At a stop, how long the batch in hand may take to be stored and confirmed.
STOP_GRACE = 2.0


class UpdatesRequest(HTTPXRequest):
    """The connection getUpdates runs on; it keeps the updates of the last answer as
    Telegram sent them (JSON), so that they are stored as they came instead of being
    turned back into JSON from python-telegram-bot's objects."""

    def __init__(self) -> None:
        super().__init__()
        self.received: list[dict[str, Any]] = []

    def parse_json_payload(self, payload: bytes) -> dict[str, Any]:  # type: ignore[override]
        data = super().parse_json_payload(payload)
        result = data.get("result") if data.get("ok") else None
        self.received = result if isinstance(result, list) else []
        return data


class ReadUpdates:
    """The updates of the batches this process polled, as python-telegram-bot read them,
    from being stored until they are translated: so that each is read once, not again
    from its stored JSON. At most `SIZE` (the oldest go first: those decided elsewhere,
    by another process, are never taken); `clear` at a stop."""

    SIZE = 1000

    def __init__(self) -> None:
        self._updates: OrderedDict[int, Update] = OrderedDict()

    def keep(self, updates: Iterable[Update]) -> None:
        for update in updates:
            self._updates[update.update_id] = update
        while len(self._updates) > self.SIZE:
            self._updates.popitem(last=False)

    def take(self, update_id: object) -> Update | None:
        return self._updates.pop(update_id, None) if isinstance(update_id, int) else None

    def clear(self) -> None:
        self._updates.clear()


def next_wait(previous: float) -> float:
    """The wait after an error, given the previous one (0: there was none)."""
    return 1.0 if previous == 0 else min(LONGEST_WAIT, 1.5 * previous)


class Poller:
    def __init__(self, bot: Bot, request: UpdatesRequest, store: Store, *, timeout: float,
                 allowed_updates: Sequence[str]) -> None:
        """`request`: the bot's getUpdates connection, from which `store` gets each
        batch as Telegram sent it."""
        self.bot = bot
        self.request = request
        self.store = store
        self.timeout = timeout
        self.allowed_updates = list(allowed_updates)
        self._task: asyncio.Task | None = None
        self._stopping = False
        self._storing = False  # a batch is in hand: let it be stored and confirmed

    async def start(self) -> None:
        # A webhook and polling exclude each other: polling removes it (as PTB does).
        await self.bot.delete_webhook()
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        """Stop polling. A batch in hand is stored and confirmed first (within
        `STOP_GRACE`); one not yet stored was never confirmed: Telegram keeps it."""
        task, self._task = self._task, None
        if task is None:
            return
        self._stopping = True
        if self._storing:
            await asyncio.wait({task}, timeout=STOP_GRACE)
        await cancel_and_wait(task)

    async def _run(self) -> None:
        offset: int | None = None  # None: Telegram starts at its oldest unconfirmed update
        wait = 0.0
        while not self._stopping:
            try:
                updates = await self.bot.get_updates(
                    offset=offset, timeout=dtm.timedelta(seconds=self.timeout),
                    allowed_updates=self.allowed_updates)
                if updates:
                    batch = self.request.received
                    self._storing = True
                    try:
                        await self.store(batch, updates)
                    finally:
                        self._storing = False
                    offset = updates[-1].update_id + 1  # confirmed by the next call
                    if self._stopping:
                        await self._confirm(offset)
                wait = 0.0
                continue
            except RetryAfter as error:
                wait = 0.5 + retry_seconds(error)
            except TimedOut:
                wait = 0.0
            except InvalidToken:
                log.error("telegram: the bot token was refused; polling stopped")
                raise
            except TelegramError as error:
                log.warning("telegram: getUpdates failed: %s", error.message)
                wait = next_wait(wait)
            except Exception as error:  # storing failed: ask again for the same batch
                log.error("telegram: updates not stored (%s); they stay with Telegram",
                          type(error).__name__)
                wait = next_wait(wait)
            await asyncio.sleep(wait)

    async def _confirm(self, offset: int) -> None:
        """Confirm what was stored, at a stop, without waiting for news; what this call
        hands out is not confirmed by it and stays with Telegram. When it fails, the
        stored batch comes again after the restart, and the inbox knows it."""
        try:
            await self.bot.get_updates(offset=offset, timeout=dtm.timedelta(0), limit=1,
                                       allowed_updates=self.allowed_updates)
        except TelegramError as error:
            log.warning("telegram: the last batch was not confirmed: %s", error.message)
