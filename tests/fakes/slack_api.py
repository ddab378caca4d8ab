"""A fake Slack Web API on 127.0.0.1: records every call and answers the way Slack does.

Only the far side is faked: the real `slack_sdk` client talks to it over HTTP. It keeps
a tiny workspace (users, channels with members, messages, ephemeral messages, home tabs,
uploaded files), checks the bot token, validates Block Kit limits like Slack does
(`invalid_blocks`, `msg_blocks_too_long`) and can be told to fail the next call of a
method with `ok: false` or with HTTP 429 and `Retry-After`.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.fakes.hooks import Hooks

BOT_TOKEN = "xoxb-optafel-test"
APP_TOKEN = "xapp-1-optafel-test"
BOT_USER_ID = "UOPTAFEL"
BOT_ID = "BOPTAFEL"
TEAM_ID = "T0OPTAFEL"

MESSAGE_BLOCKS = 50
HOME_BLOCKS = 100
SECTION_TEXT = 3000
HEADER_TEXT = 150
BUTTON_TEXT = 75
BUTTON_VALUE = 2000
ID_LENGTH = 255
ACTIONS_ELEMENTS = 25
CHECKBOX_OPTIONS = 10
OPTION_TEXT = 150
OPTION_VALUE = 150
MESSAGE_BLOCKS_CHARS = 13000  # Slack refuses around here even when every block fits
JSON_KEYS = ("blocks", "attachments", "view", "files", "metadata")
HISTORY_LIMIT = 999


@dataclass
class Call:
    """One request the fake received; `params` merges query, form and JSON body."""

    method: str
    params: dict[str, Any]
    headers: dict[str, str]
    at: float
    status: int = 200
    response: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == 200 and bool(self.response.get("ok"))


@dataclass
class User:
    id: str
    name: str
    real_name: str = ""
    is_bot: bool = False
    deleted: bool = False

    def to_json(self) -> dict[str, Any]:
        real = self.real_name or self.name
        return {
            "id": self.id,
            "team_id": TEAM_ID,
            "name": self.name,
            "real_name": real,
            "deleted": self.deleted,
            "is_bot": self.is_bot,
            "is_app_user": False,
            "profile": {"real_name": real, "display_name": self.name},
        }


@dataclass
class Posted:
    """A message as it currently stands in a channel (chat.update changes it)."""

    channel: str
    ts: str
    text: str
    blocks: list[dict[str, Any]]
    user: str = BOT_USER_ID
    edits: int = 0
    metadata: dict[str, Any] | None = None  # as posted: {event_type, event_payload}


@dataclass
class Ephemeral:
    channel: str
    user: str
    text: str
    blocks: list[dict[str, Any]]
    ts: str


@dataclass
class Channel:
    id: str
    name: str
    members: list[str]
    is_im: bool = False
    is_private: bool = False


@dataclass
class _Failure:
    error: str | None = None
    status: int = 200
    retry_after: int | None = None
    channel: str | None = None  # only a call to this channel fails (None: any)


class BlockKitError(ValueError):
    """Why Slack would refuse these blocks."""

    def __init__(self, error: str, detail: str) -> None:
        super().__init__(f"{error}: {detail}")
        self.error = error
        self.detail = detail


def validate_blocks(blocks: Any, max_blocks: int = MESSAGE_BLOCKS) -> None:
    """Raise BlockKitError for anything Slack would refuse (the limits that bite us)."""
    if not isinstance(blocks, list):
        raise BlockKitError("invalid_blocks_format", "blocks must be a list")
    if len(blocks) > max_blocks:
        raise BlockKitError("invalid_blocks", f"{len(blocks)} blocks, at most {max_blocks}")
    block_ids: set[str] = set()
    total = 0
    for i, block in enumerate(blocks):
        where = f"blocks[{i}]"
        kind = block.get("type")
        block_id = block.get("block_id")
        if block_id is not None:
            if len(block_id) > ID_LENGTH or block_id in block_ids:
                raise BlockKitError("invalid_blocks", f"{where}: bad or repeated block_id")
            block_ids.add(block_id)
        if kind == "section":
            text = block.get("text") or {}
            if not text.get("text") and not block.get("fields"):
                raise BlockKitError("invalid_blocks", f"{where}: section without text")
            length = len(text.get("text", ""))
            if length > SECTION_TEXT:
                raise BlockKitError("invalid_blocks", f"{where}: text {length} > {SECTION_TEXT}")
            total += length
        elif kind == "header":
            length = len(block.get("text", {}).get("text", ""))
            if length > HEADER_TEXT:
                raise BlockKitError("invalid_blocks", f"{where}: header {length} > {HEADER_TEXT}")
            total += length
        elif kind == "actions":
            _validate_actions(block.get("elements") or [], where)
        elif kind == "context":
            for element in block.get("elements") or []:
                total += len(element.get("text", ""))
        elif kind not in ("divider", "image"):
            raise BlockKitError("invalid_blocks", f"{where}: unknown block type {kind!r}")
    if total > MESSAGE_BLOCKS_CHARS and max_blocks == MESSAGE_BLOCKS:
        raise BlockKitError("msg_blocks_too_long", f"{total} characters of blocks")


def _validate_actions(elements: list[dict[str, Any]], where: str) -> None:
    if not elements or len(elements) > ACTIONS_ELEMENTS:
        raise BlockKitError("invalid_blocks", f"{where}: {len(elements)} elements")
    action_ids: set[str] = set()
    for element in elements:
        action_id = element.get("action_id", "")
        if len(action_id) > ID_LENGTH or action_id in action_ids:
            raise BlockKitError("invalid_blocks", f"{where}: bad or repeated action_id")
        action_ids.add(action_id)
        if element.get("type") == "button":
            label = element.get("text", {}).get("text", "")
            if not label or len(label) > BUTTON_TEXT:
                raise BlockKitError("invalid_blocks", f"{where}: button text {label!r}")
            if len(element.get("value", "")) > BUTTON_VALUE:
                raise BlockKitError("invalid_blocks", f"{where}: button value too long")
        elif element.get("type") == "checkboxes":
            options = element.get("options") or []
            if not options or len(options) > CHECKBOX_OPTIONS:
                raise BlockKitError("invalid_blocks", f"{where}: {len(options)} checkbox options")
            for option in options:
                if len(option.get("text", {}).get("text", "")) > OPTION_TEXT:
                    raise BlockKitError("invalid_blocks", f"{where}: option text too long")
                if len(option.get("value", "")) > OPTION_VALUE:
                    raise BlockKitError("invalid_blocks", f"{where}: option value too long")
            initial = element.get("initial_options")
            if initial is not None and (not initial or any(o not in options for o in initial)):
                raise BlockKitError("invalid_blocks", f"{where}: initial_options not in options")
        else:
            raise BlockKitError("invalid_blocks", f"{where}: element {element.get('type')!r}")


class FakeSlackApi:
    """The Web API half of a Slack workspace, served at `base_url` (ends with a slash)."""

    def __init__(self, *, token: str = BOT_TOKEN, page_size: int = 2) -> None:
        self.token = token
        self.page_size = page_size
        self.calls: list[Call] = []
        self.users: dict[str, User] = {}
        self.channels: dict[str, Channel] = {}
        self.messages: list[Posted] = []
        self.ephemerals: list[Ephemeral] = []
        self.homes: dict[str, dict[str, Any]] = {}
        self.files: dict[str, dict[str, Any]] = {}
        self._failures: dict[str, list[_Failure]] = {}
        self._stalls: list[tuple[str, str | None]] = []
        self.stalled = asyncio.Event()  # a stalled call was applied; its answer waits
        self._unstall = asyncio.Event()
        self._ts = itertools.count(1)
        self._ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.hooks = Hooks()  # moments a test acts on (tests.fakes.hooks)
        self.add_user(BOT_USER_ID, "optafel", is_bot=True)
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_get("/socket", self._socket)
        self.app_token = APP_TOKEN
        self.sockets: list[web.WebSocketResponse] = []
        self.socket_acks: dict[str, dict[str, Any]] = {}
        self._app = app
        self._methods: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
            "auth.test": self._auth_test,
            "apps.connections.open": self._apps_connections_open,
            "conversations.open": self._conversations_open,
            "conversations.members": self._conversations_members,
            "conversations.info": self._conversations_info,
            "conversations.history": self._conversations_history,
            "users.info": self._users_info,
            "chat.postMessage": self._chat_post_message,
            "chat.update": self._chat_update,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "views.publish": self._views_publish,
            "files.getUploadURLExternal": self._files_get_upload_url,
            "files.completeUploadExternal": self._files_complete_upload,
        }

    # --- lifecycle ----------------------------------------------------------------------
    async def start(self) -> None:
        self._runner = web.AppRunner(self._app, access_log=None)  # our logs are under test
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        self._unstall.set()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    # --- the workspace ------------------------------------------------------------------
    def add_user(self, user_id: str, name: str, *, is_bot: bool = False,
                 real_name: str = "") -> User:
        user = User(user_id, name, real_name, is_bot)
        self.users[user_id] = user
        return user

    def add_channel(self, channel_id: str, name: str, members: list[str], *,
                    private: bool = False, bot_is_member: bool = True) -> Channel:
        everyone = [*members, BOT_USER_ID] if bot_is_member else list(members)
        channel = Channel(channel_id, name, everyone, is_private=private)
        self.channels[channel_id] = channel
        return channel

    def im_of(self, user_id: str) -> str:
        """The DM channel id Slack uses between the bot and this user."""
        return f"D{user_id}"

    # --- failures on demand -------------------------------------------------------------
    def fail_next(self, method: str, error: str) -> None:
        """The next call of `method` answers `ok: false` with this error."""
        self._failures.setdefault(method, []).append(_Failure(error=error))

    def rate_limit_next(self, method: str, retry_after: int = 1, times: int = 1,
                        channel: str | None = None) -> None:
        """The next `times` calls of `method` (to `channel`) answer HTTP 429 with
        `Retry-After`."""
        for _ in range(times):
            self._failures.setdefault(method, []).append(
                _Failure(error="ratelimited", status=429, retry_after=retry_after,
                         channel=channel)
            )

    def stall_next(self, method: str, channel: str | None = None) -> None:
        """The next call of `method` (to `channel`) is carried out, but its answer never
        comes (until the fake stops): the moment a process is killed after Slack took it."""
        self._stalls.append((method, channel))

    def _stall(self, method: str, params: dict[str, Any]) -> bool:
        for stall in self._stalls:
            if stall[0] == method and stall[1] in (None, params.get("channel")):
                self._stalls.remove(stall)
                return True
        return False

    # --- what tests read ----------------------------------------------------------------
    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def in_channel(self, channel_id: str) -> list[Posted]:
        return [m for m in self.messages if m.channel == channel_id]

    def dms_to(self, user_id: str) -> list[Posted]:
        return self.in_channel(self.im_of(user_id))

    def ephemerals_to(self, user_id: str, channel_id: str | None = None) -> list[Ephemeral]:
        return [e for e in self.ephemerals
                if e.user == user_id and (channel_id is None or e.channel == channel_id)]

    def message(self, channel_id: str, ts: str) -> Posted | None:
        return next((m for m in self.messages if m.channel == channel_id and m.ts == ts), None)

    # --- HTTP ---------------------------------------------------------------------------
    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await _params(request)
        call = Call(method, params, dict(request.headers), time.monotonic())
        self.calls.append(call)
        if self.hooks.fire("received", call):  # never reached Slack
            call.status = 502
            return web.Response(status=502, text="Bad Gateway")
        response = self._perform(method, call, params, request)
        if self._stall(method, params):  # done, but the answer waits
            self.stalled.set()
            await self._unstall.wait()
        try:
            await response.prepare(request)
            await response.write_eof()
        except ConnectionError:  # the bot is gone (killed): it never got the answer
            return response
        self.hooks.fire("answered", call)
        return response

    def _perform(self, method: str, call: Call, params: dict[str, Any],
                 request: web.Request) -> web.Response:
        failure = self._take_failure(method, params)
        if failure is not None and failure.status == 429:
            call.status = 429
            call.response = {"ok": False, "error": failure.error}
            return web.json_response(
                call.response, status=429, headers={"Retry-After": str(failure.retry_after)}
            )
        token = self.app_token if method == "apps.connections.open" else self.token
        if request.headers.get("Authorization") != f"Bearer {token}":
            body = {"ok": False, "error": "not_authed" if "Authorization" not in request.headers
                    else "invalid_auth"}
        elif failure is not None:
            body = {"ok": False, "error": failure.error}
        elif method not in self._methods:
            body = {"ok": False, "error": "unknown_method"}
        else:
            try:
                body = self._methods[method](params)
            except BlockKitError as exc:
                body = {"ok": False, "error": exc.error, "errors": [exc.detail]}
            except _SlackError as exc:
                body = {"ok": False, "error": str(exc)}
        call.response = body
        return web.json_response(body)

    async def _upload(self, request: web.Request) -> web.Response:
        file_id = request.match_info["file_id"]
        data = await request.read()
        self.calls.append(Call("upload", {"file_id": file_id, "bytes": len(data)},
                               dict(request.headers), time.monotonic()))
        if file_id not in self.files:
            return web.Response(status=404, text="unknown upload")
        self.files[file_id]["data"] = data
        return web.Response(text=f"OK - {len(data)}")

    def _take_failure(self, method: str, params: dict[str, Any]) -> _Failure | None:
        queue = self._failures.get(method) or []
        for failure in queue:
            if failure.channel in (None, params.get("channel")):
                queue.remove(failure)
                return failure
        return None

    # --- Socket Mode --------------------------------------------------------------------
    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.sockets.append(ws)
        await ws.send_json({"type": "hello", "num_connections": len(self.sockets),
                            "connection_info": {"app_id": "A0OPTAFEL"}})
        async for message in ws:
            if message.type == web.WSMsgType.TEXT:
                data = json.loads(message.data)
                if "envelope_id" in data:
                    self.socket_acks[data["envelope_id"]] = data
        self.sockets.remove(ws)
        return ws

    async def send_envelope(self, kind: str, payload: dict[str, Any]) -> str:
        """Send what Slack sends over Socket Mode; returns the envelope id to await."""
        envelope_id = f"env-{next(self._ids):06d}"
        await self.sockets[-1].send_json({
            "envelope_id": envelope_id, "type": kind, "payload": payload,
            "accepts_response_payload": kind != "events_api",
            **({"retry_attempt": 0, "retry_reason": ""} if kind == "events_api" else {}),
        })
        return envelope_id

    def _apps_connections_open(self, _: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": f"ws://127.0.0.1:{self.port}/socket"}

    # --- methods ------------------------------------------------------------------------
    def _auth_test(self, _: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": "https://optafel-test.slack.com/",
            "team": "Op Tafel Test",
            "user": "optafel",
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def _conversations_open(self, params: dict[str, Any]) -> dict[str, Any]:
        users = [u for u in str(params.get("users", "")).split(",") if u]
        if len(users) != 1:
            raise _SlackError("invalid_arguments" if not users else "not_supported")
        user_id = users[0]
        if user_id == BOT_USER_ID:
            raise _SlackError("cannot_dm_bot")
        user = self.users.get(user_id)
        if user is None or user.deleted:
            raise _SlackError("user_not_found" if user is None else "user_disabled")
        if user.is_bot:
            raise _SlackError("cannot_dm_bot")
        channel_id = self.im_of(user_id)
        if channel_id not in self.channels:
            self.channels[channel_id] = Channel(channel_id, "", [user_id, BOT_USER_ID],
                                                is_im=True)
        return {"ok": True, "channel": {"id": channel_id}}

    def _channel(self, params: dict[str, Any], key: str = "channel") -> Channel:
        channel = self.channels.get(str(params.get(key, "")))
        if channel is None:
            raise _SlackError("channel_not_found")
        if channel.is_private and BOT_USER_ID not in channel.members:
            raise _SlackError("channel_not_found")
        return channel

    def _conversations_members(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(params)
        start = int(params.get("cursor") or 0)
        limit = min(int(params.get("limit") or self.page_size), self.page_size)
        page = channel.members[start : start + limit]
        end = start + len(page)
        next_cursor = str(end) if end < len(channel.members) else ""
        return {"ok": True, "members": page,
                "response_metadata": {"next_cursor": next_cursor}}

    def _conversations_info(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(params)
        return {"ok": True, "channel": {"id": channel.id, "name": channel.name,
                                        "is_im": channel.is_im,
                                        "is_private": channel.is_private}}

    def _users_info(self, params: dict[str, Any]) -> dict[str, Any]:
        user = self.users.get(str(params.get("user", "")))
        if user is None:
            raise _SlackError("user_not_found")
        return {"ok": True, "user": user.to_json()}

    def _postable(self, params: dict[str, Any]) -> tuple[Channel, str, list[dict[str, Any]]]:
        channel = self._channel(params)
        if BOT_USER_ID not in channel.members:
            raise _SlackError("not_in_channel")
        text = params.get("text") or ""
        blocks = params.get("blocks") or []
        if not text and not blocks:
            raise _SlackError("no_text")
        validate_blocks(blocks)
        return channel, text, blocks

    def _next_ts(self) -> str:
        """Seconds of the wall clock, as Slack's ts are, and unique and rising."""
        n = next(self._ts)
        return f"{int(time.time())}.{n:06d}"

    def _chat_post_message(self, params: dict[str, Any]) -> dict[str, Any]:
        channel, text, blocks = self._postable(params)
        metadata = params.get("metadata")
        if metadata is not None and (not isinstance(metadata, dict)
                                     or not metadata.get("event_type")
                                     or not isinstance(metadata.get("event_payload"), dict)):
            raise _SlackError("invalid_metadata_format")
        posted = Posted(channel.id, self._next_ts(), text, blocks, metadata=metadata)
        self.messages.append(posted)
        return {"ok": True, "channel": channel.id, "ts": posted.ts,
                "message": self._as_history(posted, with_metadata=True)}

    @staticmethod
    def _as_history(posted: Posted, *, with_metadata: bool) -> dict[str, Any]:
        message = {"type": "message", "text": posted.text, "blocks": posted.blocks,
                   "user": posted.user, "bot_id": BOT_ID, "ts": posted.ts}
        if with_metadata and posted.metadata is not None:
            message["metadata"] = posted.metadata
        return message

    def _conversations_history(self, params: dict[str, Any]) -> dict[str, Any]:
        """Newest first, between `oldest` and `latest` (exclusive unless `inclusive`),
        `limit` per page with a cursor; metadata only with `include_all_metadata`."""
        channel = self._channel(params)
        if BOT_USER_ID not in channel.members:
            raise _SlackError("not_in_channel")
        oldest = float(params.get("oldest") or 0)
        latest = float(params.get("latest") or time.time() + 1)
        inclusive = _true(params.get("inclusive"))
        with_metadata = _true(params.get("include_all_metadata"))

        def within(ts: float) -> bool:
            if inclusive:
                return oldest <= ts <= latest
            return oldest < ts < latest

        found = [m for m in reversed(self.in_channel(channel.id)) if within(float(m.ts))]
        start = int(params.get("cursor") or 0)
        limit = max(1, min(int(params.get("limit") or 100), HISTORY_LIMIT))
        page = found[start : start + limit]
        more = start + limit < len(found)
        return {"ok": True, "has_more": more,
                "messages": [self._as_history(m, with_metadata=with_metadata) for m in page],
                "response_metadata": {"next_cursor": str(start + limit) if more else ""}}

    def _chat_update(self, params: dict[str, Any]) -> dict[str, Any]:
        channel, text, blocks = self._postable(params)
        posted = self.message(channel.id, str(params.get("ts", "")))
        if posted is None:
            raise _SlackError("message_not_found")
        if posted.user != BOT_USER_ID:
            raise _SlackError("cant_update_message")
        posted.text, posted.blocks, posted.edits = text, blocks, posted.edits + 1
        return {"ok": True, "channel": channel.id, "ts": posted.ts, "text": text}

    def _chat_post_ephemeral(self, params: dict[str, Any]) -> dict[str, Any]:
        channel, text, blocks = self._postable(params)
        user = str(params.get("user", ""))
        if user not in self.users:
            raise _SlackError("user_not_found")
        if user not in channel.members:
            raise _SlackError("user_not_in_channel")
        ephemeral = Ephemeral(channel.id, user, text, blocks, self._next_ts())
        self.ephemerals.append(ephemeral)
        return {"ok": True, "message_ts": ephemeral.ts}

    def _views_publish(self, params: dict[str, Any]) -> dict[str, Any]:
        user = str(params.get("user_id", ""))
        if user not in self.users:
            raise _SlackError("user_not_found")
        view = params.get("view")
        if not isinstance(view, dict) or view.get("type") != "home":
            raise _SlackError("invalid_arguments")
        validate_blocks(view.get("blocks") or [], max_blocks=HOME_BLOCKS)
        self.homes[user] = view
        return {"ok": True, "view": {"id": f"V{next(self._ids):06d}", **view}}

    def _files_get_upload_url(self, params: dict[str, Any]) -> dict[str, Any]:
        if not params.get("filename") or not str(params.get("length", "")).isdigit():
            raise _SlackError("invalid_arguments")
        file_id = f"F{next(self._ids):06d}"
        self.files[file_id] = {"id": file_id, "filename": params["filename"],
                               "length": int(params["length"]), "data": None}
        return {"ok": True, "upload_url": f"http://127.0.0.1:{self.port}/upload/{file_id}",
                "file_id": file_id}

    def _files_complete_upload(self, params: dict[str, Any]) -> dict[str, Any]:
        files = params.get("files")
        if not isinstance(files, list) or not files:
            raise _SlackError("invalid_arguments")
        channel = self._channel(params, "channel_id") if params.get("channel_id") else None
        if channel is not None and BOT_USER_ID not in channel.members:
            raise _SlackError("not_in_channel")
        done = []
        for f in files:
            stored = self.files.get(f.get("id", ""))
            if stored is None or stored["data"] is None:
                raise _SlackError("file_not_found")
            stored["title"] = f.get("title")
            stored["channel"] = channel.id if channel else None
            done.append({"id": stored["id"], "title": stored["title"],
                         "name": stored["filename"]})
        return {"ok": True, "files": done}


class _SlackError(Exception):
    """An `ok: false` answer; the message is Slack's error code."""


def _true(value: Any) -> bool:
    """A boolean argument as slack_sdk sends it (JSON, or a query/form string)."""
    return value is True or str(value).lower() in ("1", "true")


async def _params(request: web.Request) -> dict[str, Any]:
    params: dict[str, Any] = dict(request.query)
    if request.method == "POST" and request.can_read_body:
        if request.content_type == "application/json":
            params.update(await request.json())
        elif request.content_type in ("application/x-www-form-urlencoded",
                                      "multipart/form-data"):
            params.update({k: v for k, v in (await request.post()).items()
                           if isinstance(v, str)})
    for key in JSON_KEYS:
        if isinstance(params.get(key), str):
            try:
                params[key] = json.loads(params[key])
            except json.JSONDecodeError:
                pass
    return params
