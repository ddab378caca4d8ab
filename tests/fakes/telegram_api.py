"""A fake Telegram Bot API on 127.0.0.1: records every call and answers the way Telegram does.

Only the far side is faked: python-telegram-bot's real `Bot` talks to it over HTTP at
`POST /bot<token>/<method>` (404 for any other token, so PTB raises `InvalidToken`). It
keeps a tiny world — group chats, users who started (or blocked) the bot, the messages
the bot sent and how they were edited — and validates like Telegram: HTML parse mode with
only the supported tags (else 400 "can't parse entities"), 4,096 characters of text after
parsing, 1,024 of caption, `callback_data` of 1–64 bytes, a private chat only with a user
who pressed Start. It can be told to answer the next call of a method with 429
(`parameters.retry_after`), 403 or 400.

Updates are injected by tests (`await fake.send_update(…)` or the helpers that build them
from `tests.fakes.telegram_updates`): long polling gets them from `getUpdates`; after a
`setWebhook` the fake POSTs them to the webhook URL with the secret-token header.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

from tests.fakes import telegram_updates as tu
from tests.fakes.hooks import Hooks
from tests.fakes.telegram_updates import TgChat, TgUser

BOT_ID = 7000001
BOT_TOKEN = f"{BOT_ID}:AAF-optafel-test-token"
BOT_USERNAME = "OpTafelTestBot"
BOT_USER = TgUser(BOT_ID, "Op Tafel", username=BOT_USERNAME, is_bot=True)

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64
MAX_BUTTONS = 100
SUPPORTED_TAGS = frozenset(
    {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
     "blockquote", "tg-spoiler", "span", "tg-emoji"}
)
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)([^<>]*)>")
_ENTITY = re.compile(r"&(lt|gt|amp|quot|#[0-9]{1,7}|#x[0-9A-Fa-f]{1,6});")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")


class EntityError(ValueError):
    """Why Telegram would refuse this HTML."""


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def parse_html(text: str) -> str:
    """The visible text of a parse_mode=HTML message, or EntityError like Telegram's."""
    out: list[str] = []
    stack: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "<":
            match = _TAG.match(text, i)
            offset = len(text[:i].encode())
            if match is None:
                raise EntityError(f"Unexpected character '<' at byte offset {offset}")
            closing, name, attrs = match.group(1), match.group(2).lower(), match.group(3)
            if name not in SUPPORTED_TAGS:
                kind = "end" if closing else "start"
                raise EntityError(f'Unsupported {kind} tag "{name}" at byte offset {offset}')
            if closing:
                if not stack:
                    raise EntityError(f'Unexpected end tag at byte offset {offset}')
                if stack[-1] != name:
                    raise EntityError(
                        f'Unmatched end tag at byte offset {offset}, expected '
                        f'"</{stack[-1]}>", found "</{name}>"'
                    )
                stack.pop()
            else:
                if name == "a" and not re.search(r'\bhref\s*=\s*"[^"]+"', attrs):
                    raise EntityError(f"Can't find href of the link at byte offset {offset}")
                stack.append(name)
            i = match.end()
        elif char == "&":
            match = _ENTITY.match(text, i)
            if match is None:
                offset = len(text[:i].encode())
                raise EntityError(f"Unsupported entity at byte offset {offset}")
            ref = match.group(1)
            if ref in _NAMED:
                out.append(_NAMED[ref])
            elif ref.startswith("#x"):
                out.append(chr(int(ref[2:], 16)))
            else:
                out.append(chr(int(ref[1:])))
            i = match.end()
        else:
            out.append(char)
            i += 1
    if stack:
        raise EntityError(f'Can\'t find end tag corresponding to start tag "{stack[-1]}"')
    return "".join(out)


@dataclass
class Call:
    """One request the fake received; `params` with JSON-valued fields decoded."""

    method: str
    params: dict[str, Any]
    at: float
    files: dict[str, bytes] = field(default_factory=dict)
    status: int = 200
    response: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == 200


@dataclass
class Sent:
    """A message the bot sent, as it currently stands (edits change it)."""

    chat_id: int
    message_id: int
    html: str
    text: str  # what the user sees: the HTML parsed
    reply_markup: dict[str, Any] | None = None
    edits: int = 0
    photo: bytes | None = None
    at: float = 0.0
    document: tuple[str, bytes] | None = None  # (file name, content)

    @property
    def buttons(self) -> list[dict[str, str]]:
        if not self.reply_markup:
            return []
        return [b for row in self.reply_markup.get("inline_keyboard", []) for b in row]

    def button(self, label: str) -> dict[str, str]:
        """The button whose text contains `label` (case-insensitive)."""
        found = [b for b in self.buttons if label.lower() in b["text"].lower()]
        if not found:
            raise LookupError(f"no button {label!r} in {[b['text'] for b in self.buttons]}")
        return found[0]


@dataclass
class _Failure:
    status: int
    description: str
    retry_after: int | None = None
    after: int = 0  # successful calls to let through first
    chat_id: int | None = None  # only calls for this chat (None: any)


@dataclass
class Hold:
    """A coming call kept waiting `seconds` before Telegram does it (a slow network);
    `started` is set when it begins to wait."""

    method: str
    seconds: float
    after: int = 0
    chat_id: int | None = None
    started: asyncio.Event = field(default_factory=asyncio.Event)


class TelegramError(Exception):
    def __init__(self, status: int, description: str, **parameters: Any) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters


def _bad(description: str) -> TelegramError:
    return TelegramError(400, f"Bad Request: {description}")


class FakeTelegram:
    """The fake server. `base_url` is what `TELEGRAM_API_URL` should be set to."""

    def __init__(self, token: str = BOT_TOKEN) -> None:
        self.token = token
        self.calls: list[Call] = []
        self.sent: list[Sent] = []
        self.chats: dict[int, TgChat] = {}
        self.users: dict[int, TgUser] = {}
        self.started: set[int] = set()  # users who pressed Start in the private chat
        self.blocked: set[int] = set()
        self.outsiders: dict[int, set[int]] = {}  # group id → users not in it (others are)
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.webhook: dict[str, Any] | None = None
        self.webhook_deliveries: list[tuple[int, int]] = []  # (update_id, HTTP status)
        self.answered: dict[str, dict[str, Any]] = {}
        self._queries: set[str] = set()
        self._updates: list[dict[str, Any]] = []
        self._fetched = 0  # the highest update_id getUpdates has handed out
        self.handed_out: dict[int, int] = {}  # update_id → how often getUpdates returned it
        self._new_update = asyncio.Event()
        self._failures: dict[str, list[_Failure]] = {}
        self._holds: list[Hold] = []
        self._under_way: Counter[str] = Counter()
        self.most_at_once: Counter[str] = Counter()  # per method, the most calls under way
        self._ids = itertools.count(1)
        self._update_ids = itertools.count(500_000_001)
        self._query_ids = itertools.count(9_000_001)
        self._runner: web.AppRunner | None = None
        self._closing = False
        self._session: aiohttp.ClientSession | None = None
        self.port = 0
        self.hooks = Hooks()  # moments a test acts on (tests.fakes.hooks)

    # --- server ---------------------------------------------------------------------
    async def start(self) -> None:
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_post("/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)  # our logs are under test
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        self._closing = True
        self._new_update.set()
        if self._session is not None:
            await self._session.close()
            self._session = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    # --- test controls --------------------------------------------------------------
    def fail_next(self, method: str, status: int, description: str,
                  retry_after: int | None = None, *, after: int = 0,
                  chat_id: int | None = None) -> None:
        """Answer a coming call of `method` (for `chat_id`, when given) with this error
        instead of doing it: the next one, or the one after `after` calls that succeed.
        Queued failures come in order."""
        self._failures.setdefault(method, []).append(
            _Failure(status, description, retry_after, after, chat_id))

    def rate_limit_next(self, method: str, retry_after: int = 1, *, after: int = 0,
                        chat_id: int | None = None) -> None:
        self.fail_next(method, 429, f"Too Many Requests: retry after {retry_after}",
                       retry_after, after=after, chat_id=chat_id)

    def hold_next(self, method: str, seconds: float, *, after: int = 0,
                  chat_id: int | None = None) -> Hold:
        """Keep a coming call of `method` (for `chat_id`, when given; after `after` such
        calls) waiting `seconds` before doing it and answering."""
        hold = Hold(method, seconds, after, chat_id)
        self._holds.append(hold)
        return hold

    def forbid_next(self, method: str) -> None:
        self.fail_next(method, 403, "Forbidden: bot was blocked by the user")

    def bad_request_next(self, method: str, description: str = "Bad Request: chat not found"
                         ) -> None:
        self.fail_next(method, 400, description)

    def add_group(self, chat: TgChat) -> None:
        self.chats[chat.id] = chat

    def not_in_group(self, user: TgUser, chat: TgChat) -> None:
        """The user is not a member of the group (getChatMember says "left")."""
        self.outsiders.setdefault(chat.id, set()).add(user.id)

    def block(self, user: TgUser) -> None:
        """The user blocks the bot: every private message to them is refused."""
        self.blocked.add(user.id)

    # --- what the bot did -----------------------------------------------------------
    def calls_of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def in_chat(self, chat_id: int) -> list[Sent]:
        return [m for m in self.sent if m.chat_id == chat_id]

    def last_in(self, chat_id: int) -> Sent:
        messages = self.in_chat(chat_id)
        if not messages:
            raise LookupError(f"the bot sent nothing to chat {chat_id}")
        return messages[-1]

    def message(self, chat_id: int, message_id: int) -> Sent:
        for m in self.sent:
            if m.chat_id == chat_id and m.message_id == message_id:
                return m
        raise LookupError(f"no message {message_id} in chat {chat_id}")

    async def wait_for(self, predicate: Callable[[], object], timeout: float = 10.0,
                       what: str = "condition") -> Any:
        """Poll until `predicate()` is truthy (returning it), or fail the test."""
        deadline = time.monotonic() + timeout
        while True:
            result = predicate()
            if result:
                return result
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}")
            await asyncio.sleep(0.02)

    async def wait_for_message(self, chat_id: int, count: int = 1,
                               timeout: float = 10.0) -> list[Sent]:
        """Wait until chat `chat_id` has at least `count` messages; returns them all."""
        await self.wait_for(lambda: len(self.in_chat(chat_id)) >= count, timeout,
                            f"{count} message(s) in chat {chat_id}")
        return self.in_chat(chat_id)

    # --- updates --------------------------------------------------------------------
    def next_update_id(self) -> int:
        return next(self._update_ids)

    @property
    def unfetched(self) -> int:
        """Injected updates that no getUpdates has handed out yet."""
        return sum(1 for u in self._updates if u["update_id"] > self._fetched)

    @property
    def unconfirmed(self) -> int:
        """Updates Telegram still keeps: no getUpdates offset has confirmed them yet."""
        return len(self._updates)

    def offsets(self) -> list[int]:
        """The offset of every getUpdates call so far (0: none given)."""
        return [int(float(c.params.get("offset") or 0)) for c in self.calls_of("getUpdates")]

    async def send_update(self, update: dict[str, Any]) -> int | None:
        """Deliver one update: to the webhook when one is set (returns the HTTP status),
        else to the getUpdates queue."""
        if self.webhook is not None:
            return await self._post_to_webhook(update)
        self._updates.append(update)
        self._new_update.set()
        return None

    async def _post_to_webhook(self, update: dict[str, Any]) -> int:
        assert self.webhook is not None
        if self._session is None:
            self._session = aiohttp.ClientSession()
        headers = {"Content-Type": "application/json"}
        if self.webhook.get("secret_token"):
            headers["X-Telegram-Bot-Api-Secret-Token"] = self.webhook["secret_token"]
        async with self._session.post(self.webhook["url"], data=json.dumps(update),
                                      headers=headers) as response:
            await response.read()
            self.webhook_deliveries.append((update["update_id"], response.status))
            return response.status

    async def group_command(self, user: TgUser, chat: TgChat, text: str) -> dict[str, Any]:
        self.add_group(chat)
        update = tu.command(self.next_update_id(), self._next_message_id(), user, chat, text)
        await self.send_update(update)
        return update

    async def private_text(self, user: TgUser, text: str) -> dict[str, Any]:
        self.users[user.id] = user
        self.started.add(user.id)
        self.blocked.discard(user.id)
        chat = TgChat.private(user)
        if text.startswith("/"):
            update = tu.command(self.next_update_id(), self._next_message_id(), user, chat, text)
        else:
            update = tu.text(self.next_update_id(), self._next_message_id(), user, chat, text)
        await self.send_update(update)
        return update

    async def start_bot(self, user: TgUser, payload: str | None = None) -> dict[str, Any]:
        """The user opens the private chat (maybe by a deep link) and presses Start."""
        return await self.private_text(user, f"/start {payload}" if payload else "/start")

    async def press(self, user: TgUser, message: Sent, label: str) -> dict[str, Any]:
        """The user presses the callback button labelled `label` on `message`."""
        button = message.button(label)
        if "callback_data" not in button:
            raise LookupError(f"button {button['text']!r} is a link, not a callback button")
        query_id = str(next(self._query_ids))
        self._queries.add(query_id)
        chat = self.chats.get(message.chat_id) or self._private_chat(message.chat_id)
        update = tu.callback_query(self.next_update_id(), query_id, user, chat,
                                   self._message_json(message), button["callback_data"])
        await self.send_update(update)
        return update

    def deep_link_payload(self, message: Sent, label: str = "") -> str:
        """The start parameter of the URL button on `message` (an invitation)."""
        links = [b for b in message.buttons if "url" in b and label.lower() in b["text"].lower()]
        if not links:
            raise LookupError(f"no link button in {message.buttons}")
        url = links[0]["url"]
        prefix = f"https://t.me/{BOT_USERNAME}?start="
        if not url.startswith(prefix):
            raise AssertionError(f"not a deep link to this bot: {url}")
        return url[len(prefix):]

    # --- HTTP -----------------------------------------------------------------------
    def _next_message_id(self) -> int:
        return next(self._ids)

    async def _params(self, request: web.Request) -> tuple[dict[str, Any], dict[str, bytes]]:
        params: dict[str, Any] = dict(request.query)
        files: dict[str, bytes] = {}
        if request.content_type == "application/json":
            body = await request.read()
            if body:
                params.update(json.loads(body))
            return params, files
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, web.FileField):
                files[key] = value.file.read()
                params.setdefault("_file_names", {})[key] = value.filename
            else:
                params[key] = _decode(str(value))
        return params, files

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params, files = await self._params(request)
        call = Call(method, params, time.monotonic(), files)
        self.calls.append(call)
        if request.match_info["token"] != self.token:
            return self._answer(call, 404, {"ok": False, "error_code": 404,
                                            "description": "Not Found"})
        if self.hooks.fire("received", call):  # never reached Telegram
            return self._answer(call, 502, {"ok": False, "error_code": 502,
                                            "description": "Bad Gateway"})
        self._under_way[method] += 1
        self.most_at_once[method] = max(self.most_at_once[method], self._under_way[method])
        try:
            await self._wait_if_held(method, params)
            response = await self._perform(method, call, params, files)
        finally:
            self._under_way[method] -= 1
        try:
            await response.prepare(request)
            await response.write_eof()
        except ConnectionError:  # the bot is gone (killed): it never got the answer
            return response
        self.hooks.fire("answered", call)
        return response

    async def _perform(self, method: str, call: Call, params: dict[str, Any],
                       files: dict[str, bytes]) -> web.Response:
        try:
            failure = self._due_failure(method, params)
            if failure is not None:
                extra = {"retry_after": failure.retry_after} if failure.retry_after else {}
                raise TelegramError(failure.status, failure.description, **extra)
            handler = getattr(self, f"_api_{method}", None)
            if handler is None:
                return self._answer(call, 404, {"ok": False, "error_code": 404,
                                                "description": "Not Found: method not found"})
            result = await handler(params, files)
        except TelegramError as error:
            body: dict[str, Any] = {"ok": False, "error_code": error.status,
                                    "description": error.description}
            if error.parameters:
                body["parameters"] = error.parameters
            return self._answer(call, error.status, body)
        return self._answer(call, 200, {"ok": True, "result": result})

    async def _wait_if_held(self, method: str, params: dict[str, Any]) -> None:
        chat = str(params.get("chat_id"))
        hold = next((h for h in self._holds if h.method == method
                     and (h.chat_id is None or str(h.chat_id) == chat)), None)
        if hold is None:
            return
        if hold.after > 0:
            hold.after -= 1
            return
        self._holds.remove(hold)
        hold.started.set()
        await asyncio.sleep(hold.seconds)

    def _due_failure(self, method: str, params: dict[str, Any]) -> _Failure | None:
        """The queued failure for this call when it is its turn (`after` counts down)."""
        queue = self._failures.get(method) or []
        chat = str(params.get("chat_id"))
        failure = next((f for f in queue if f.chat_id is None or str(f.chat_id) == chat), None)
        if failure is None:
            return None
        if failure.after > 0:
            failure.after -= 1
            return None
        queue.remove(failure)
        return failure

    @staticmethod
    def _answer(call: Call, status: int, body: dict[str, Any]) -> web.Response:
        call.status = status
        call.response = body
        return web.json_response(body, status=status)

    # --- chats and messages ---------------------------------------------------------
    def _chat(self, chat_id: Any) -> TgChat:
        try:
            number = int(chat_id)
        except (TypeError, ValueError):
            raise _bad("chat not found") from None
        if number > 0:
            if number not in self.started:
                raise TelegramError(403, "Forbidden: bot can't initiate conversation with a user")
            if number in self.blocked:
                raise TelegramError(403, "Forbidden: bot was blocked by the user")
            return self._private_chat(number)
        chat = self.chats.get(number)
        if chat is None:
            raise _bad("chat not found")
        return chat

    def _private_chat(self, user_id: int) -> TgChat:
        user = self.users.get(user_id) or TgUser(user_id, f"user {user_id}")
        return TgChat.private(user)

    def _message_json(self, sent: Sent) -> dict[str, Any]:
        chat = self.chats.get(sent.chat_id) or self._private_chat(sent.chat_id)
        data: dict[str, Any] = {
            "message_id": sent.message_id,
            "from": BOT_USER.to_json(),
            "chat": chat.to_json(),
            "date": int(time.time()),
        }
        if sent.document is not None:
            data["document"] = {"file_id": f"doc-{sent.message_id}",
                                "file_unique_id": f"d{sent.message_id}",
                                "file_name": sent.document[0],
                                "file_size": len(sent.document[1])}
        elif sent.photo is not None:
            data["photo"] = [{"file_id": f"photo-{sent.message_id}",
                              "file_unique_id": f"u{sent.message_id}",
                              "width": 800, "height": 600, "file_size": len(sent.photo)}]
            if sent.text:
                data["caption"] = sent.text
        else:
            data["text"] = sent.text
        if sent.edits:
            data["edit_date"] = int(time.time())
        if sent.reply_markup:
            data["reply_markup"] = sent.reply_markup
        return data

    @staticmethod
    def _text(params: dict[str, Any], key: str, limit: int, required: bool = True) -> str:
        raw = params.get(key)
        if raw is None or raw == "":
            if required:
                raise _bad("message text is empty")
            return ""
        raw = str(raw)
        if params.get("parse_mode", "").upper() == "HTML":
            try:
                visible = parse_html(raw)
            except EntityError as error:
                raise _bad(f"can't parse entities: {error}") from None
        elif params.get("parse_mode"):
            raise _bad(f"unsupported parse_mode {params['parse_mode']}")
        else:
            visible = raw
        if required and not visible.strip():
            raise _bad("message text is empty")
        if utf16_length(visible) > limit:
            raise _bad("message is too long" if key == "text" else "message caption is too long")
        return visible

    @staticmethod
    def _markup(params: dict[str, Any]) -> dict[str, Any] | None:
        markup = params.get("reply_markup")
        if markup is None:
            return None
        if not isinstance(markup, dict) or not isinstance(markup.get("inline_keyboard"), list):
            raise _bad("can't parse reply keyboard markup JSON object")
        count = 0
        for row in markup["inline_keyboard"]:
            for button in row:
                count += 1
                if not str(button.get("text", "")).strip():
                    raise _bad("BUTTON_TEXT_EMPTY")
                if "callback_data" in button:
                    size = len(str(button["callback_data"]).encode())
                    if not 1 <= size <= CALLBACK_DATA_LIMIT:
                        raise _bad("BUTTON_DATA_INVALID")
                elif "url" in button:
                    if not re.match(r"(https?|tg)://", str(button["url"])):
                        raise _bad("BUTTON_URL_INVALID")
                else:
                    raise _bad("can't find field \"callback_data\" or \"url\"")
        if count > MAX_BUTTONS:
            raise _bad("BUTTONS_TOO_MUCH")
        return markup

    # --- methods --------------------------------------------------------------------
    async def _api_getMe(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        return {**BOT_USER.to_json(), "can_join_groups": True,
                "can_read_all_group_messages": False, "supports_inline_queries": False,
                "can_connect_to_business": False, "has_main_web_app": False}

    async def _api_logOut(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        return True

    async def _api_close(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        return True

    async def _api_deleteWebhook(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        self.webhook = None
        if str(params.get("drop_pending_updates", "")).lower() == "true":
            self._updates.clear()
        return True

    async def _api_setWebhook(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        url = str(params.get("url", ""))
        if not url:
            self.webhook = None
            return True
        if not re.match(r"https?://", url):
            raise _bad("bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(secret)):
            raise _bad("bad webhook: secret token contains unallowed characters")
        self.webhook = {"url": url, "secret_token": secret,
                        "allowed_updates": params.get("allowed_updates")}
        if str(params.get("drop_pending_updates", "")).lower() == "true":
            self._updates.clear()
        return True

    async def _api_getWebhookInfo(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        return {"url": self.webhook["url"] if self.webhook else "",
                "has_custom_certificate": False, "pending_update_count": len(self._updates)}

    async def _api_getUpdates(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        if self.webhook is not None:
            raise TelegramError(409, "Conflict: can't use getUpdates method while webhook is "
                                     "active; use deleteWebhook to delete the webhook first")
        offset = int(float(params.get("offset") or 0))
        if offset:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            self.hooks.fire("confirmed", offset)
        timeout = float(params.get("timeout") or 0)
        limit = int(float(params.get("limit") or 100))
        deadline = time.monotonic() + timeout
        while not self._updates and time.monotonic() < deadline and not self._closing:
            self._new_update.clear()
            try:
                await asyncio.wait_for(self._new_update.wait(), deadline - time.monotonic())
            except TimeoutError:
                break
        batch = self._updates[:limit]
        if batch:
            self._fetched = max(self._fetched, max(u["update_id"] for u in batch))
        for update in batch:
            self.handed_out[update["update_id"]] = self.handed_out.get(update["update_id"], 0) + 1
        return batch

    async def _api_setMyCommands(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise _bad("BOT_COMMANDS_TOO_MUCH" if isinstance(commands, list)
                       else "can't parse commands JSON object")
        for command in commands:
            if not _COMMAND.fullmatch(str(command.get("command", ""))):
                raise _bad("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise _bad("BOT_COMMAND_DESCRIPTION_INVALID")
        scope = params.get("scope") or {"type": "default"}
        language = str(params.get("language_code") or "")
        self.commands[(scope["type"], language)] = commands
        return True

    async def _api_sendMessage(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        chat = self._chat(params.get("chat_id"))
        visible = self._text(params, "text", TEXT_LIMIT)
        markup = self._markup(params)
        sent = Sent(chat.id, self._next_message_id(), str(params["text"]), visible, markup,
                    at=time.monotonic())
        self.sent.append(sent)
        return self._message_json(sent)

    def _editable(self, params: dict[str, Any]) -> Sent:
        chat = self._chat(params.get("chat_id"))
        try:
            return self.message(chat.id, int(params.get("message_id") or 0))
        except LookupError:
            raise _bad("message to edit not found") from None

    async def _api_editMessageText(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        sent = self._editable(params)
        visible = self._text(params, "text", TEXT_LIMIT)
        markup = self._markup(params)
        if visible == sent.text and markup == sent.reply_markup:
            raise _bad("message is not modified: specified new message content and reply "
                       "markup are exactly the same as a current content and reply markup "
                       "of the message")
        sent.html, sent.text, sent.reply_markup = str(params["text"]), visible, markup
        sent.edits += 1
        return self._message_json(sent)

    async def _api_editMessageReplyMarkup(self, params: dict[str, Any],
                                          files: dict[str, bytes]) -> Any:
        sent = self._editable(params)
        markup = self._markup(params)
        if markup == sent.reply_markup:
            raise _bad("message is not modified: specified new message content and reply "
                       "markup are exactly the same as a current content and reply markup "
                       "of the message")
        sent.reply_markup = markup
        sent.edits += 1
        return self._message_json(sent)

    async def _api_answerCallbackQuery(self, params: dict[str, Any],
                                       files: dict[str, bytes]) -> Any:
        query_id = str(params.get("callback_query_id", ""))
        if query_id not in self._queries or query_id in self.answered:
            raise _bad("query is too old and response timeout expired or query ID is invalid")
        self.answered[query_id] = params
        return True

    async def _api_getChatMember(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        chat = self._chat(params.get("chat_id"))
        try:
            user_id = int(params.get("user_id"))
        except (TypeError, ValueError):
            raise _bad("invalid user_id specified") from None
        user = self.users.get(user_id) or TgUser(user_id, f"user {user_id}")
        status = "left" if user_id in self.outsiders.get(chat.id, set()) else "member"
        return {"status": status, "user": user.to_json()}

    async def _api_sendDocument(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        chat = self._chat(params.get("chat_id"))
        document = files.get("document")
        if document is None:
            raise _bad("there is no document in the request")
        name = params.get("_file_names", {}).get("document", "file")
        sent = Sent(chat.id, self._next_message_id(), "", "", None,
                    document=(name, document), at=time.monotonic())
        self.sent.append(sent)
        return self._message_json(sent)

    async def _api_sendPhoto(self, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        chat = self._chat(params.get("chat_id"))
        photo = files.get("photo")
        if photo is None:
            raise _bad("there is no photo in the request")
        if not photo.startswith(b"\x89PNG") and not photo.startswith(b"\xff\xd8"):
            raise _bad("IMAGE_PROCESS_FAILED")
        caption = self._text(params, "caption", CAPTION_LIMIT, required=False)
        markup = self._markup(params)
        sent = Sent(chat.id, self._next_message_id(), str(params.get("caption") or ""), caption,
                    markup, photo=photo, at=time.monotonic())
        self.sent.append(sent)
        return self._message_json(sent)


def _decode(value: str) -> Any:
    """PTB sends JSON-valued parameters (reply_markup, scope, commands) as JSON strings."""
    if value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value
