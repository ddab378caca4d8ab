"""Telegram errors as the runtime understands them (`DeliveryError`), or as harmless."""

from __future__ import annotations

import datetime as dtm

from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)

from bot.adapter import DeliveryError

HARMLESS = ("message is not modified", "query is too old", "query id is invalid")


def is_harmless(error: TelegramError) -> bool:
    """An edit to identical content, or a callback answered too late: nothing to do."""
    return isinstance(error, BadRequest) and any(h in error.message.lower() for h in HARMLESS)


def retry_seconds(error: RetryAfter) -> float:
    """`retry_after` in seconds, without touching PTB's deprecated int form."""
    value = getattr(error, "_retry_after", None)
    if isinstance(value, dtm.timedelta):
        return value.total_seconds()
    return float(error.retry_after)  # type: ignore[arg-type]


def delivery_error(error: TelegramError, chat_id: int) -> DeliveryError:
    """What the runtime should do about a failed call to chat `chat_id`.

    A private chat has a positive id: there, Forbidden (blocked, or never started) and
    "chat not found" mean the person cannot be written to — unreachable.
    """
    private = chat_id > 0
    reason = f"Telegram: {error.message}"
    if isinstance(error, RetryAfter):
        return DeliveryError(reason, retry_after=retry_seconds(error))
    if isinstance(error, Forbidden):
        return DeliveryError(reason, permanent=True, unreachable=private)
    if isinstance(error, ChatMigrated):
        return DeliveryError(f"{reason} (the group is now chat {error.new_chat_id})",
                             permanent=True)
    if isinstance(error, BadRequest):
        lost = private and "chat not found" in error.message.lower()
        return DeliveryError(reason, permanent=True, unreachable=lost)
    if isinstance(error, InvalidToken | NetworkError):  # an outage or a typo: retry later
        return DeliveryError(reason)
    return DeliveryError(reason)
