"""The Telegram adapter: python-telegram-bot's `Bot`, run inside our event loop.

Inbound, every update is stored in the inbox (its JSON, keyed by the update_id) before
Telegram hears we have it: by long polling (`polling.Poller`, which confirms a batch only
after storing it) or — with a webhook URL — at `POST /telegram/webhook` on the shared
HTTP listener (200 only after storing). A button press's callback query is answered at
once, so the client's spinner stops (`query_answers`: a few at a time). When the inbox
decides an update, `translate` turns it into a core event (`events.to_event`). No
ConversationHandler, no user_data: the interview state lives in the database.

Outbound, neutral messages are rendered to HTML (`render`), split to fit, and sent
through `rate_limits.RateLimiter` (PTB's `AIORateLimiter` for about 30 messages a second
overall and a 429 it is told about; never more than 20 into one group in any minute).
What still fails becomes a `DeliveryError` (`errors.delivery_error`) for the runtime's
outbox to retry or give up on.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    LinkPreviewOptions,
    Update,
)
from telegram.constants import ChatMemberStatus, ParseMode
from telegram.error import TelegramError
from telegram.ext import ExtBot
from telegram.request import HTTPXRequest

from bot.adapter import (
    ChatAdapter,
    DeliveryError,
    Inbound,
    Progress,
    Unreadable,
    deliver_parts,
)
from bot.http import HttpListener
from bot.telegram import commands, webhook
from bot.telegram.errors import delivery_error, is_harmless
from bot.telegram.events import parse_origin, to_event
from bot.telegram.polling import Poller, ReadUpdates, UpdatesRequest
from bot.telegram.query_answers import QueryAnswers
from bot.telegram.rate_limits import RateLimiter
from bot.telegram.render import (
    CAPTION_LIMIT,
    Keyboard,
    RenderError,
    TelegramMessage,
    render,
)
from conversations.events import Event
from conversations.messages import Message
from storage.inbox import RAW, Received

if TYPE_CHECKING:
    from bot.config import Settings

PLATFORM = "telegram"
DEFAULT_API_URL = "https://api.telegram.org/bot"
ALLOWED_UPDATES = ["message", "callback_query"]
POLL_TIMEOUT = 10.0  # seconds a getUpdates long poll waits for news
RATE_LIMIT_RETRIES = 2  # 429s the rate limiter absorbs itself before the outbox retries
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
CONNECTIONS = 256  # as PTB's ApplicationBuilder: deliveries to many chats at once

log = logging.getLogger(__name__)


def file_url(api_url: str) -> str:
    """`…/bot` → `…/file/bot`: where a (self-hosted) Bot API server serves files."""
    base = api_url.rstrip("/")
    return base[: -len("/bot")] + "/file/bot" if base.endswith("/bot") else base + "/file/bot"


def reply_markup(keyboard: Keyboard) -> InlineKeyboardMarkup | None:
    if not keyboard:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.text, callback_data=b.callback_data, url=b.url) for b in row]
         for row in keyboard]
    )


IN_GROUP = frozenset({ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR,
                      ChatMemberStatus.MEMBER})

class TelegramAdapter(ChatAdapter):
    platform = PLATFORM

    def __init__(
        self,
        token: str,
        *,
        api_url: str = DEFAULT_API_URL,
        webhook_url: str | None = None,
        webhook_secret: str | None = None,
        listener: HttpListener | None = None,
        poll_timeout: float = POLL_TIMEOUT,
        rate_limiter: RateLimiter | None = None,
    ) -> None:
        self.webhook_url = webhook_url
        self.webhook_secret = webhook_secret or webhook.derived_secret(token)
        self.poll_timeout = poll_timeout
        self._updates = UpdatesRequest()  # getUpdates: each batch also as Telegram sent it
        self.bot = ExtBot(
            token,
            base_url=api_url,
            base_file_url=file_url(api_url),
            request=HTTPXRequest(connection_pool_size=CONNECTIONS),
            get_updates_request=self._updates,
            rate_limiter=rate_limiter or RateLimiter(max_retries=RATE_LIMIT_RETRIES),
        )
        self._inbound: Inbound | None = None
        self.bot_username: str | None = None
        self._poller: Poller | None = None
        self._answers = QueryAnswers(self.bot)
        self._read = ReadUpdates()
        self._running = False
        self._receiving = False
        if webhook_url:
            if listener is None:
                raise ValueError("webhook mode needs the HTTP listener")
            listener.add_route("POST", webhook.PATH,
                               webhook.handler(self.webhook_secret, self._accept_webhook))

    # --- lifecycle --------------------------------------------------------------------
    async def start(self, inbound: Inbound) -> None:
        if self._running:
            return
        self._inbound = inbound
        await self.bot.initialize()  # getMe: checks the token, tells us our username
        self.bot_username = self.bot.username
        try:
            await commands.register(self.bot)
        except TelegramError as error:  # the menu is a convenience; run without it
            log.warning("could not set the Telegram command menu: %s", error)
        if self.webhook_url:
            await self.bot.set_webhook(self.webhook_url, secret_token=self.webhook_secret,
                                       allowed_updates=ALLOWED_UPDATES)
        else:
            self._poller = Poller(self.bot, self._updates, self._store,
                                  timeout=self.poll_timeout, allowed_updates=ALLOWED_UPDATES)
            await self._poller.start()
        self._running = self._receiving = True
        log.info("telegram: @%s running (%s)", self.bot_username,
                 "webhook" if self.webhook_url else "long polling")

    async def stop_receiving(self) -> None:
        """Polling asks for nothing more (the batch in hand is stored and confirmed);
        the webhook answers 503, so Telegram sends again later. Answers to presses not
        yet under way are dropped."""
        self._receiving = False
        if self._poller is not None:
            await self._poller.stop()
            self._poller = None
        self._read.clear()  # what is not decided yet is read again from the inbox
        self._answers.drop_waiting()

    async def stop(self) -> None:
        if not self._running:
            return
        await self.stop_receiving()
        self._running = False
        await self._answers.under_way()
        await self.bot.shutdown()
        self._inbound = None

    # --- inbound ----------------------------------------------------------------------
    async def _store(self, updates: Sequence[dict[str, Any]], read: Sequence[Update]) -> None:
        """Store a batch (as Telegram sent it) in one transaction (raises when that
        fails), then answer its button presses. What was stored anew is kept as read
        until it is translated (before the worker can claim it: no await in between)."""
        if self._inbound is None:
            raise RuntimeError("not running")
        rows = await self._inbound.receive(*(self._received(u) for u in updates))
        stored = {u.get("update_id") for u, row in zip(updates, rows, strict=True)
                  if row is not None}
        self._read.keep(update for update in read if update.update_id in stored)
        for update in updates:
            self._answer_query_of(update)

    def _received(self, data: dict[str, Any]) -> Received:
        """The update as the inbox keeps it; who and where (ids) keep its order."""
        query = data.get("callback_query") or {}
        message = data.get("message") or query.get("message") or {}
        sender = (query or message).get("from") or {}
        chat = (message.get("chat") or {}).get("id")
        return Received(PLATFORM, f"{self.bot.id}:{data['update_id']}", RAW, data,
                        str(sender["id"]) if "id" in sender else None,
                        str(chat) if chat is not None else None)

    async def _accept_webhook(self, data: dict[str, Any]) -> bool:
        """False while not running; raises when the update could not be stored."""
        if not self._receiving or self._inbound is None:
            return False
        await self._inbound.receive(self._received(data))
        self._answer_query_of(data)
        return True

    def _answer_query_of(self, update: dict[str, Any]) -> None:
        query = update.get("callback_query")
        if isinstance(query, dict) and query.get("id"):
            self._answers.answer(str(query["id"]))

    async def translate(self, payload: dict[str, Any]) -> list[Event]:
        update = self._read.take(payload.get("update_id"))
        try:
            if update is None:  # stored by a webhook, another process, before a restart
                update = Update.de_json(payload, self.bot)
        except Exception as error:  # not an update we can read: retrying will not help
            raise Unreadable(type(error).__name__) from None
        event = to_event(update, self.bot_username) if update is not None else None
        return [event] if event is not None else []

    # --- outbound ---------------------------------------------------------------------
    def _render(self, message: Message) -> list[TelegramMessage]:
        try:
            return render(message, self.bot_username)
        except RenderError as error:
            raise DeliveryError(f"cannot render for Telegram: {error}", permanent=True) from None

    @staticmethod
    async def _call(target: int, method: Any, /, **kwargs: Any) -> Any:
        """Call a Bot method for chat `target`; Telegram errors become DeliveryErrors."""
        try:
            return await method(**kwargs)
        except TelegramError as error:
            if is_harmless(error):
                log.info("telegram: %s", error.message)
                return None
            raise delivery_error(error, target) from error

    async def _send(self, chat_id: int, message: Message, progress: Progress | None) -> None:
        """Send every part in order, after the parts that arrived on an earlier attempt."""

        async def send(_: int, part: TelegramMessage) -> None:
            await self._send_part(chat_id, part)

        await deliver_parts(self._render(message), progress, send, _as_delivery_error)

    async def _send_part(self, chat_id: int, part: TelegramMessage) -> None:
        await self._call(
            chat_id, self.bot.send_message, chat_id=chat_id, text=part.html,
            parse_mode=ParseMode.HTML, reply_markup=reply_markup(part.keyboard),
            link_preview_options=NO_PREVIEW,
        )

    async def send_private(self, user_id: str, message: Message, *,
                           progress: Progress | None = None) -> None:
        await self._send(int(user_id), message, progress)

    async def post_to_channel(self, channel_id: str, message: Message, *,
                              progress: Progress | None = None) -> None:
        await self._send(int(channel_id), message, progress)

    async def notify(self, user_id: str, channel_id: str, message: Message, *,
                     progress: Progress | None = None) -> None:
        """Telegram has no ephemeral messages: the answer goes to the group."""
        await self._send(int(channel_id), message, progress)

    async def edit_message(self, origin: str, message: Message, *,
                           progress: Progress | None = None) -> None:
        """Replace the pressed message (its old buttons go); any further parts follow."""
        try:
            chat_id, message_id = parse_origin(origin)
        except ValueError:
            raise DeliveryError(f"not a Telegram message: {origin!r}", permanent=True) from None
        parts = self._render(message)
        if not parts:
            await self._call(chat_id, self.bot.edit_message_reply_markup, chat_id=chat_id,
                             message_id=message_id, reply_markup=None)
            return

        async def send(number: int, part: TelegramMessage) -> None:
            if number > 0:
                await self._send_part(chat_id, part)
                return
            await self._call(
                chat_id, self.bot.edit_message_text, chat_id=chat_id, message_id=message_id,
                text=part.html, parse_mode=ParseMode.HTML,
                reply_markup=reply_markup(part.keyboard), link_preview_options=NO_PREVIEW,
            )

        await deliver_parts(parts, progress, send, _as_delivery_error)

    async def is_member(self, channel_id: str, user_id: str) -> bool:
        """getChatMember on the group: creator, administrator, member (or restricted but
        still in it). Unsure — the call failed — counts as not a member."""
        try:
            found = await self.bot.get_chat_member(int(channel_id), int(user_id))
        except (TelegramError, ValueError) as error:
            log.info("telegram: getChatMember failed: %s", type(error).__name__)
            return False
        return found.status in IN_GROUP or bool(getattr(found, "is_member", False))

    async def upload_picture(self, channel_id: str, png: bytes, title: str) -> None:
        chat_id = int(channel_id)
        caption = html.escape(title[:CAPTION_LIMIT], quote=False)
        await self._call(
            chat_id, self.bot.send_photo, chat_id=chat_id,
            photo=InputFile(png, filename="optafel.png"), caption=caption,
            parse_mode=ParseMode.HTML,
        )

    async def send_file(self, user_id: str, name: str, data: bytes) -> None:
        chat_id = int(user_id)
        await self._call(chat_id, self.bot.send_document, chat_id=chat_id,
                         document=InputFile(data, filename=name))


def _as_delivery_error(error: Exception) -> DeliveryError:
    """`_call` already turned Telegram's errors into DeliveryErrors; anything else: retry."""
    return error if isinstance(error, DeliveryError) else DeliveryError(type(error).__name__)


def build_adapter(settings: Settings, listener: HttpListener) -> TelegramAdapter:
    """The adapter as `optafel run` configures it (TELEGRAM_* settings)."""
    from bot.config import secret

    token = secret(settings.telegram_bot_token)
    if not token:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    return TelegramAdapter(
        token,
        api_url=settings.telegram_api_url,
        webhook_url=settings.telegram_webhook_url,
        webhook_secret=secret(settings.telegram_webhook_secret),
        listener=listener,
    )
