"""Requests exactly as Slack sends them to an app: signed slash commands, interactivity
payloads and Events API callbacks, posted to our `/slack/events`."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import aiohttp

from tests.fakes.slack_api import BOT_USER_ID, TEAM_ID

SIGNING_SECRET = "optafel-test-signing-secret"
APP_ID = "A0OPTAFEL"
# Shared by every SlackRequests: trigger and event ids stay unique, as Slack's are, when a
# test talks to one database through more than one app (a restarted process).
_NUMBERS = itertools.count(1)


def signature(secret: str, timestamp: str, body: bytes) -> str:
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


@dataclass
class Reply:
    status: int
    body: str
    content_type: str

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


class SlackRequests:
    """Signs and posts what Slack would post to `url` (our `/slack/events`)."""

    def __init__(self, url: str, secret: str = SIGNING_SECRET) -> None:
        self.url = url
        self.secret = secret
        self._n = _NUMBERS
        self._session: aiohttp.ClientSession | None = None

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _next(self, prefix: str) -> str:
        return f"{prefix}{next(self._n):08d}"

    # --- transport ----------------------------------------------------------------------
    async def post(self, body: bytes, content_type: str, *, timestamp: str | None = None,
                   secret: str | None = None, retry_num: int | None = None,
                   signed: bool = True) -> Reply:
        ts = timestamp or str(int(time.time()))
        headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts}
        if signed:
            headers["X-Slack-Signature"] = signature(secret or self.secret, ts, body)
        if retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(retry_num)
            headers["X-Slack-Retry-Reason"] = "http_timeout"
        if self._session is None:
            self._session = aiohttp.ClientSession(trust_env=False)
        async with self._session.post(self.url, data=body, headers=headers) as response:
            return Reply(response.status, await response.text(), response.content_type)

    async def post_form(self, fields: dict[str, str], **kwargs: Any) -> Reply:
        body = urlencode(fields).encode()
        return await self.post(body, "application/x-www-form-urlencoded", **kwargs)

    async def post_json(self, data: dict[str, Any], **kwargs: Any) -> Reply:
        return await self.post(json.dumps(data).encode(), "application/json", **kwargs)

    # --- slash commands -----------------------------------------------------------------
    def command_fields(self, text: str, *, user_id: str, user_name: str, channel_id: str,
                       channel_name: str, command: str = "/optafel") -> dict[str, str]:
        trigger = self._next("")
        return {
            "token": "deprecated-verification-token",
            "team_id": TEAM_ID,
            "team_domain": "optafel-test",
            "channel_id": channel_id,
            "channel_name": channel_name,
            "user_id": user_id,
            "user_name": user_name,
            "command": command,
            "text": text,
            "api_app_id": APP_ID,
            "is_enterprise_install": "false",
            "response_url": f"https://hooks.slack.com/commands/{TEAM_ID}/{trigger}/x",
            "trigger_id": f"{trigger}.{trigger}.abcdef0123456789",
        }

    async def command(self, text: str, **kwargs: Any) -> Reply:
        sending = {k: kwargs.pop(k) for k in ("timestamp", "secret", "retry_num", "signed")
                   if k in kwargs}
        return await self.post_form(self.command_fields(text, **kwargs), **sending)

    # --- interactivity ------------------------------------------------------------------
    def block_actions_payload(self, *, user_id: str, user_name: str, channel_id: str,
                              message: dict[str, Any] | None, actions: list[dict[str, Any]],
                              container: dict[str, Any] | None = None,
                              state: dict[str, Any] | None = None) -> dict[str, Any]:
        trigger = self._next("")
        action_ts = f"{int(time.time())}.{trigger[-6:]}"
        if container is None:
            container = {"type": "message", "message_ts": (message or {}).get("ts"),
                         "channel_id": channel_id, "is_ephemeral": False}
        payload: dict[str, Any] = {
            "type": "block_actions",
            "user": {"id": user_id, "username": user_name, "name": user_name,
                     "team_id": TEAM_ID},
            "api_app_id": APP_ID,
            "token": "deprecated-verification-token",
            "container": container,
            "trigger_id": f"{trigger}.{trigger}.fedcba9876543210",
            "team": {"id": TEAM_ID, "domain": "optafel-test"},
            "enterprise": None,
            "is_enterprise_install": False,
            "state": {"values": state or {}},
            "response_url": f"https://hooks.slack.com/actions/{TEAM_ID}/{trigger}/x",
            "actions": [{**a, "action_ts": action_ts} for a in actions],
        }
        if container.get("type") == "message":
            payload["channel"] = {"id": channel_id, "name": "directmessage"}
            payload["message"] = message
        else:
            payload["view"] = container.get("view", {"type": "home"})
        return payload

    async def interaction(self, payload: dict[str, Any], **kwargs: Any) -> Reply:
        return await self.post_form({"payload": json.dumps(payload)}, **kwargs)

    # --- Events API ---------------------------------------------------------------------
    def event_envelope(self, event: dict[str, Any], *,
                       event_id: str | None = None) -> dict[str, Any]:
        return {
            "token": "deprecated-verification-token",
            "team_id": TEAM_ID,
            "api_app_id": APP_ID,
            "event": event,
            "type": "event_callback",
            "event_id": event_id or self._next("Ev"),
            "event_time": int(time.time()),
            "authorizations": [{"enterprise_id": None, "team_id": TEAM_ID,
                                "user_id": BOT_USER_ID, "is_bot": True,
                                "is_enterprise_install": False}],
            "is_ext_shared_channel": False,
        }

    def im_message(self, *, user_id: str, channel_id: str, text: str) -> dict[str, Any]:
        ts = f"{int(time.time())}.{next(self._n):06d}"
        return {"type": "message", "channel": channel_id, "user": user_id, "text": text,
                "ts": ts, "event_ts": ts, "channel_type": "im", "team": TEAM_ID,
                "client_msg_id": self._next("msg-")}

    def app_home_opened(self, *, user_id: str, channel_id: str) -> dict[str, Any]:
        return {"type": "app_home_opened", "user": user_id, "channel": channel_id,
                "tab": "home", "event_ts": f"{int(time.time())}.000100"}

    async def event(self, event: dict[str, Any], *, event_id: str | None = None,
                    **kwargs: Any) -> Reply:
        return await self.post_json(self.event_envelope(event, event_id=event_id), **kwargs)

    async def url_verification(self, challenge: str = "3eZbrw1aBm2rZgRNFdxV2595E9CY") -> Reply:
        return await self.post_json({"token": "deprecated-verification-token",
                                     "challenge": challenge, "type": "url_verification"})
