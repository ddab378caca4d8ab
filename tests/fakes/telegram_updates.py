"""Builders of realistic Telegram `Update` JSON, shaped like what the Bot API sends.

Sanitized from real updates: a command in a group (with its `bot_command` entity, also in
the `/cmd@botname` form), a plain message and `/start <payload>` in a private chat, and a
callback query on a message with an inline keyboard.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Any

_COMMAND = re.compile(r"/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?")


@dataclass(frozen=True)
class TgUser:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = "nl"
    is_bot: bool = False

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}" if self.last_name else self.first_name

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot,
                                "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        if self.language_code and not self.is_bot:
            data["language_code"] = self.language_code
        return data


@dataclass(frozen=True)
class TgChat:
    id: int
    type: str  # private | group | supergroup
    title: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    username: str | None = None

    @classmethod
    def group(cls, chat_id: int, title: str, supergroup: bool = False) -> TgChat:
        return cls(chat_id, "supergroup" if supergroup else "group", title=title)

    @classmethod
    def private(cls, user: TgUser) -> TgChat:
        return cls(user.id, "private", first_name=user.first_name, last_name=user.last_name,
                   username=user.username)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": self.type}
        for key in ("title", "first_name", "last_name", "username"):
            value = getattr(self, key)
            if value:
                data[key] = value
        if self.type == "group":
            data["all_members_are_administrators"] = False
        return data


def message(message_id: int, user: TgUser, chat: TgChat, text: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "message_id": message_id,
        "from": user.to_json(),
        "chat": chat.to_json(),
        "date": int(time.time()),
        "text": text,
    }
    match = _COMMAND.match(text)
    if match:
        length = len(match.group(0).encode("utf-16-le")) // 2
        data["entities"] = [{"offset": 0, "length": length, "type": "bot_command"}]
    return data


def text(update_id: int, message_id: int, user: TgUser, chat: TgChat,
         body: str) -> dict[str, Any]:
    """A plain message (in a private chat: usually an answer)."""
    return {"update_id": update_id, "message": message(message_id, user, chat, body)}


def command(update_id: int, message_id: int, user: TgUser, chat: TgChat,
            body: str) -> dict[str, Any]:
    """A command: `/status`, `/status@Bot`, `/reveal force`, `/start <payload>`."""
    if not _COMMAND.match(body):
        raise ValueError(f"not a command: {body!r}")
    return text(update_id, message_id, user, chat, body)


def start(update_id: int, message_id: int, user: TgUser, payload: str | None = None
          ) -> dict[str, Any]:
    """What the Start button of a deep link sends: `/start <payload>` in the private chat."""
    body = f"/start {payload}" if payload else "/start"
    return command(update_id, message_id, user, TgChat.private(user), body)


def callback_query(update_id: int, query_id: str, user: TgUser, chat: TgChat,
                   on_message: dict[str, Any], data: str) -> dict[str, Any]:
    """A press on an inline keyboard button of `on_message` (a message the bot sent)."""
    return {
        "update_id": update_id,
        "callback_query": {
            "id": query_id,
            "from": user.to_json(),
            "message": {**on_message, "chat": chat.to_json()},
            "chat_instance": f"-{abs(chat.id) * 7 + 3}",
            "data": data,
        },
    }
