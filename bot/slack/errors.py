"""Slack's failures as the runtime understands them (`DeliveryError`)."""

from __future__ import annotations

import asyncio

import aiohttp
from slack_sdk.errors import SlackApiError, SlackRequestError

from bot.adapter import DeliveryError

# Trying again cannot help: the channel, the user or the message is gone or closed to us.
PERMANENT = frozenset({
    "channel_not_found", "not_in_channel", "is_archived", "channel_is_archived",
    "cannot_dm_bot", "user_not_found", "user_disabled", "account_inactive",
    "user_not_in_channel", "messages_tab_disabled", "restricted_action",
    "restricted_action_read_only_channel", "restricted_action_thread_only_channel",
    "team_access_not_granted", "missing_scope", "no_permission", "msg_too_long",
    "msg_blocks_too_long", "invalid_blocks", "invalid_blocks_format", "no_text",
    "message_not_found", "cant_update_message", "edit_window_closed", "invalid_arguments",
})
# The addressed person cannot be written to privately.
UNREACHABLE = frozenset({"cannot_dm_bot", "user_not_found", "user_disabled",
                         "account_inactive", "messages_tab_disabled"})
DEFAULT_RETRY_AFTER = 30.0


def slack_error_code(error: SlackApiError) -> str:
    response = error.response
    return str(response.get("error") or f"HTTP {response.status_code}")


def delivery_error(error: Exception, *, private: bool = False) -> DeliveryError:
    """Translate what slack_sdk raised; `private` says a DM to one person was attempted."""
    if isinstance(error, SlackApiError):
        code = slack_error_code(error)
        if error.response.status_code == 429 or code == "ratelimited":
            header = error.response.headers.get("Retry-After") or error.response.headers.get(
                "retry-after")
            if isinstance(header, list):
                header = header[0] if header else None
            retry_after = float(header) if header else DEFAULT_RETRY_AFTER
            return DeliveryError(f"Slack: rate limited ({code})", retry_after=retry_after)
        return DeliveryError(
            f"Slack: {code}",
            permanent=code in PERMANENT,
            unreachable=private and code in UNREACHABLE,
        )
    if isinstance(error, aiohttp.ClientError | SlackRequestError | asyncio.TimeoutError):
        return DeliveryError(f"Slack not reachable: {type(error).__name__}")
    raise error
