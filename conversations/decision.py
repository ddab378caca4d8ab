"""What every core handler returns: the new state and the effects it causes."""

from __future__ import annotations

from dataclasses import dataclass

from conversations.effects import Effect
from conversations.model import Table


@dataclass(frozen=True)
class Decision:
    """`table` is the aggregate to store (None: nothing to store); effects go to the outbox."""

    table: Table | None
    effects: tuple[Effect, ...] = ()
