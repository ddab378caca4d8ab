"""The Slack adapter: slack-bolt's AsyncApp in, Block Kit out.

Two connection modes: HTTP (`POST /slack/events` on the shared listener; Bolt verifies
every request's signature with the signing secret and answers 401 otherwise) and Socket
Mode (when an app-level token is configured). Outbound, messages are rendered by
`bot.slack.render` and sent with the Web API; 429s are retried by slack_sdk after their
`Retry-After`, and whatever still fails becomes a `DeliveryError` for the runtime.
Every message posted from the outbox carries message metadata naming its outbox item
and part; after an attempt that was cut off, the conversation's history is read for that
label first, so a message Slack took just before a kill is not posted again.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapter import ChatAdapter, DeliveryError, Inbound, Progress, deliver_parts
from bot.http import HttpListener
from bot.slack.directory import Directory
from bot.slack.errors import delivery_error
from bot.slack.inbound import PLATFORM, SlackInbound
from bot.slack.render import SlackMessage, render, render_home
from conversations.events import Event
from conversations.messages import Message

if TYPE_CHECKING:
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    from bot.config import Settings

log = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"
DEFAULT_API_URL = "https://slack.com/api/"
RATE_LIMIT_RETRIES = 3
PICTURE_NAME = "optafel.png"
# Message metadata on everything posted from the outbox: {outbox_id, part}.
METADATA_TYPE = "optafel_outbox"
# How far back (before an item was queued) and how deep the history is searched for it.
HISTORY_MARGIN_SECONDS = 600
HISTORY_PAGE_SIZE = 200
HISTORY_PAGES = 5

Poster = Callable[[int, SlackMessage], Awaitable[None]]


def api_base(url: str | None) -> str:
    """slack_sdk joins method names straight onto the base URL: it must end with '/'."""
    url = url or DEFAULT_API_URL
    return url if url.endswith("/") else url + "/"


class SlackAdapter(ChatAdapter):
    platform = PLATFORM

    def __init__(self, *, bot_token: str, signing_secret: str | None = None,
                 app_token: str | None = None, api_url: str | None = None,
                 listener: HttpListener | None = None) -> None:
        if not app_token and not signing_secret:
            raise ValueError("Slack in HTTP mode needs SLACK_SIGNING_SECRET "
                             "(or set SLACK_APP_TOKEN for Socket Mode)")
        if not app_token and listener is None:
            raise ValueError("Slack in HTTP mode needs the HTTP listener")
        self.client = AsyncWebClient(
            token=bot_token,
            base_url=api_base(api_url),
            retry_handlers=[AsyncConnectionErrorRetryHandler(),
                            AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES)],
        )
        self.signing_secret = signing_secret
        self.app_token = app_token
        self.directory = Directory(self.client)
        self.inbound = SlackInbound(self.directory, self.publish_home)
        self.app: AsyncApp | None = None
        self._bot: Inbound | None = None  # what we may ask of the bot, while started
        self._receiving = False
        self._socket: AsyncSocketModeHandler | None = None
        self._ims: dict[str, str] = {}  # user id → DM channel id
        if not app_token and listener is not None:
            listener.add_route("POST", EVENTS_PATH, self._http)

    @property
    def mode(self) -> str:
        return "socket" if self.app_token else "http"

    # --- lifecycle --------------------------------------------------------------------
    async def start(self, inbound: Inbound) -> None:
        if self.app is not None:
            return
        auth = await self.client.auth_test()
        self.directory.bot_user_id = auth.get("user_id")
        self.app = AsyncApp(
            client=self.client,
            signing_secret=self.signing_secret or "",
            name="optafel",
            # Listeners store the request and then ack: Slack hears "received" only
            # for what is stored (`bot.slack.inbound`).
            process_before_response=True,
        )
        self.inbound.register(self.app)
        self._bot = inbound
        self.inbound.receive = inbound.receive
        self.inbound.answer = inbound.answer
        if self.app_token:
            from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

            self._socket = AsyncSocketModeHandler(self.app, self.app_token)
            await self._socket.connect_async()
        self._receiving = True
        log.info("Slack connected as %s (%s mode)", auth.get("user_id"), self.mode)

    async def stop_receiving(self) -> None:
        """Socket Mode disconnects (Slack keeps what it could not deliver, and sends an
        unacknowledged event again); over HTTP, requests get 503 and Slack retries."""
        self._receiving = False
        if self._socket is not None:
            await self._socket.close_async()
            self._socket = None

    async def stop(self) -> None:
        await self.stop_receiving()
        self.inbound.receive = None
        self.inbound.answer = None
        await self.inbound.settle()
        self._bot = None
        self.app = None

    async def _http(self, request: web.Request) -> web.StreamResponse:
        if self.app is None or not self._receiving:
            return web.Response(status=503, text="not receiving")
        response = await self.app.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(response)

    async def translate(self, payload: dict[str, Any]) -> list[Event]:
        return await self.inbound.translate(payload)

    # --- outbound ---------------------------------------------------------------------
    async def _im(self, user_id: str) -> str:
        channel = self._ims.get(user_id)
        if channel is None:
            opened = await self.client.conversations_open(users=user_id)
            channel = opened["channel"]["id"]
            self._ims[user_id] = channel
        return channel

    async def _post(self, channel: str, parts: list[SlackMessage], progress: Progress | None, *,
                    user: str | None = None, private: bool = False) -> None:
        """Post the parts in order, after the parts that arrived on an earlier attempt."""
        if user is None:
            post = self._poster(channel, progress)
        else:
            async def post(_: int, part: SlackMessage) -> None:
                await self.client.chat_postEphemeral(channel=channel, user=user,
                                                     **part.payload())

        await deliver_parts(parts, progress, post, lambda e: _translate(e, private=private))

    def _poster(self, channel: str, progress: Progress | None) -> Poster:
        """chat.postMessage for the parts of an outbox item, each labelled with the item
        and its part number (message metadata). After an attempt that was cut off, the
        channel's history is read first: a part found there arrived, and is not sent again.
        """
        found: set[int] | None = None

        async def post(number: int, part: SlackMessage) -> None:
            nonlocal found
            if found is None:
                found = await self._arrived(channel, progress)
            if number in found:
                log.info("outbox item %s part %s had arrived: not sent again",
                         progress and progress.item, number)
                return
            label = {} if progress is None or progress.item is None else {
                "metadata": {"event_type": METADATA_TYPE,
                             "event_payload": {"outbox_id": progress.item, "part": number}}}
            await self.client.chat_postMessage(channel=channel, **part.payload(), **label)

        return post

    async def _arrived(self, channel: str, progress: Progress | None) -> set[int]:
        """The parts of this outbox item in the channel since it was queued; only looked
        up when an earlier attempt was cut off (`in_doubt_since`)."""
        if progress is None or progress.item is None or progress.in_doubt_since is None:
            return set()
        oldest = f"{progress.in_doubt_since.timestamp() - HISTORY_MARGIN_SECONDS:.6f}"
        found: set[int] = set()
        cursor: str | None = None
        for _ in range(HISTORY_PAGES):
            try:
                page = await self.client.conversations_history(
                    channel=channel, oldest=oldest, include_all_metadata=True,
                    limit=HISTORY_PAGE_SIZE, cursor=cursor)
            except Exception as error:
                failure = _translate(error)
                if not failure.permanent:
                    raise failure from error
                # No history to read (a missing scope): send, as without the label.
                log.warning("cannot read the history of %s (%s): sending outbox item %s "
                            "without looking", channel, failure.reason, progress.item)
                return found
            for message in page.get("messages") or []:
                metadata = message.get("metadata") or {}
                payload = metadata.get("event_payload") or {}
                if (metadata.get("event_type") == METADATA_TYPE
                        and str(payload.get("outbox_id")) == str(progress.item)):
                    found.add(int(payload.get("part", 0)))
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                break
        return found

    async def send_private(self, user_id: str, message: Message, *,
                           progress: Progress | None = None) -> None:
        try:
            channel = await self._im(user_id)
        except Exception as error:
            raise _translate(error, private=True) from error
        await self._post(channel, render(message), progress, private=True)

    async def post_to_channel(self, channel_id: str, message: Message, *,
                              progress: Progress | None = None) -> None:
        await self._post(channel_id, render(message), progress)

    async def notify(self, user_id: str, channel_id: str, message: Message, *,
                     progress: Progress | None = None) -> None:
        """Ephemeral in the channel; privately when Slack cannot show it there."""
        try:
            await self._post(channel_id, render(message), progress, user=user_id)
        except DeliveryError as failure:
            if not failure.permanent:
                raise
            log.info("ephemeral in %s failed (%s); sending privately", channel_id,
                     failure.reason)
            await self.send_private(user_id, message)  # ephemerals vanish: all of it

    async def edit_message(self, origin: str, message: Message, *,
                           progress: Progress | None = None) -> None:
        """The first part replaces the pressed message; further parts follow it."""
        channel, _, ts = origin.partition(":")
        if not channel or not ts:
            raise DeliveryError(f"not a Slack message: {origin!r}", permanent=True)

        post = self._poster(channel, progress)

        async def send(number: int, part: SlackMessage) -> None:
            if number == 0:  # the same edit twice shows it once
                await self.client.chat_update(channel=channel, ts=ts, **part.payload())
            else:
                await post(number, part)

        await deliver_parts(render(message), progress, send, _translate)

    async def is_member(self, channel_id: str, user_id: str) -> bool:
        return user_id in await self.directory.member_ids(channel_id)

    async def upload_picture(self, channel_id: str, png: bytes, title: str) -> None:
        try:
            await self.client.files_upload_v2(channel=channel_id, content=png,
                                              filename=PICTURE_NAME, title=title)
        except Exception as error:
            raise _translate(error) from error

    async def send_file(self, user_id: str, name: str, data: bytes) -> None:
        try:
            channel = await self._im(user_id)
            await self.client.files_upload_v2(channel=channel, content=data, filename=name,
                                              title=name)
        except Exception as error:
            raise _translate(error, private=True) from error

    async def publish_home(self, user_id: str) -> None:
        """Show the person's App Home: partnerships, open interviews, round status."""
        if self._bot is None:
            return
        message = await self._bot.home(PLATFORM, user_id)
        await self.client.views_publish(user_id=user_id, view=render_home(message))


def _translate(error: Exception, *, private: bool = False) -> DeliveryError:
    """Any failure of a Web API call as a DeliveryError (unknown ones: retry later)."""
    if isinstance(error, DeliveryError):
        return error
    try:
        return delivery_error(error, private=private)
    except Exception:
        # Only the type: an exception's text may quote the message it carried.
        log.warning("unexpected error talking to Slack: %s", type(error).__name__)
        return DeliveryError(f"Slack: {type(error).__name__}")


def build_adapter(settings: Settings, listener: HttpListener) -> SlackAdapter:
    """The composition root's hook (`bot.bootstrap.platform_adapters`)."""
    from bot.config import secret

    return SlackAdapter(
        bot_token=secret(settings.slack_bot_token) or "",
        signing_secret=secret(settings.slack_signing_secret),
        app_token=secret(settings.slack_app_token),
        api_url=settings.slack_api_url,
        listener=listener,
    )

