"""Configuration from the environment and a `.env` file (names as in DESIGN.md)."""

from __future__ import annotations

from typing import Literal

from pydantic import SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from storage.database import DEFAULT_URL


def secret(value: SecretStr | None) -> str | None:
    """The secret's text, for the one place that hands it to an SDK; None when unset."""
    return value.get_secret_value() or None if value is not None else None


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = DEFAULT_URL
    # Wraps every interview's key (storage.keyring); several, comma-separated, while rotating.
    optafel_answer_key: SecretStr | None = None
    optafel_language: Literal["nl", "en"] = "nl"
    optafel_host: str = "127.0.0.1"
    optafel_port: int = 8080
    optafel_access_log: bool = False

    # Secrets are SecretStr: printed or logged, they show as '**********'.
    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"

    telegram_bot_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org/bot"
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: SecretStr | None = None

    # Check-ins: how long a check-in stays open, and how often the scheduler looks.
    optafel_checkin_window_hours: float = 72.0
    optafel_scheduler_interval: float = 30.0
    # How long a message is retried after its first failure (rate-limit waits not counted).
    optafel_delivery_budget_hours: float = 24.0
    # How many messages are sent at the same time, each to another destination.
    optafel_delivery_concurrency: int = 8
    # Delivered messages and decided events are deleted this many days after (at least 1).
    optafel_retention_days: float = 7.0

    @field_validator("optafel_checkin_window_hours", "optafel_scheduler_interval",
                     "optafel_delivery_budget_hours")
    @classmethod
    def _positive(cls, value: float) -> float:
        if value <= 0:
            raise ValueError("must be more than 0")
        return value

    @field_validator("optafel_delivery_concurrency")
    @classmethod
    def _at_least_one(cls, value: int) -> int:
        if value < 1:
            raise ValueError("must be at least 1")
        return value

    @field_validator("optafel_retention_days")
    @classmethod
    def _a_day_at_least(cls, value: float) -> float:
        """The inbox recognises an event sent again only while it keeps its id, and
        Telegram sends one again for up to 24 hours."""
        if value < 1:
            raise ValueError("must be at least 1 (day): Telegram sends an event again for up "
                             "to 24 hours, and only a kept event id recognises the repeat")
        return value

    @field_validator("slack_api_url")
    @classmethod
    def _trailing_slash(cls, value: str) -> str:
        """slack_sdk joins method names straight onto the base URL."""
        return value if value.endswith("/") else value + "/"

    @model_validator(mode="after")
    def _slack_mode(self) -> Settings:
        """HTTP mode verifies every request from Slack, so it needs the signing secret."""
        if self.slack_bot_token and not self.slack_app_token and not self.slack_signing_secret:
            raise ValueError("SLACK_SIGNING_SECRET is needed for Slack in HTTP mode "
                             "(or set SLACK_APP_TOKEN for Socket Mode)")
        return self

    @property
    def platforms(self) -> list[str]:
        """The chat platforms that are configured, in the order they are started."""
        found = []
        if secret(self.slack_bot_token):
            found.append("slack")
        if secret(self.telegram_bot_token):
            found.append("telegram")
        return found
