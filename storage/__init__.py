"""Persistence: every line of SQL in Op Tafel lives in this package."""

from storage.database import DEFAULT_URL, create_engine_for, migrate
from storage.inbox import InboxItem, InboxRepository
from storage.outbox import OutboxItem, OutboxRepository
from storage.serialization import effect_from_json, effect_to_json
from storage.tables import TableRepository
from storage.unit_of_work import UnitOfWork

__all__ = [
    "DEFAULT_URL",
    "InboxItem",
    "InboxRepository",
    "OutboxItem",
    "OutboxRepository",
    "TableRepository",
    "UnitOfWork",
    "create_engine_for",
    "effect_from_json",
    "effect_to_json",
    "migrate",
]
