"""Logs never carry a token, a secret or a partner's words.

The chat SDKs are chatty: httpx logs every request URL at INFO (a Telegram URL holds the
bot token), and python-telegram-bot, slack_sdk and slack_bolt log whole request bodies —
partners' answers — at DEBUG. Their loggers are held at the levels below, whatever level
the root logger is set to. Our own log lines name ids and error types, never texts.
"""

from __future__ import annotations

import logging

QUIET = {
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "telegram": logging.INFO,
    "slack_sdk": logging.INFO,
    "slack_bolt": logging.INFO,
}


def keep_secrets_out_of_logs() -> None:
    """Raise the SDK loggers to their quiet level (a higher level set elsewhere stays)."""
    for name, level in QUIET.items():
        logger = logging.getLogger(name)
        logger.setLevel(max(logger.level, level))
