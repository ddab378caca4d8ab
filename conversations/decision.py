"""What every core handler returns: the new state and the effects it causes."""

from __future__ import annotations

from dataclasses import dataclass

from conversations.effects import Effect
from conversations.model import Table


@dataclass(frozen=True)
class Decision:
    """`table` is the aggregate to store (None: nothing to store); effects go to the outbox.

    `forget`: a person asked to be forgotten. `others` are the rest of their partnerships
    (changed too); storage then erases what no table holds — their answers in cancelled
    rounds, and the private messages to them in the outbox — before the effects are queued.
    """

    table: Table | None
    effects: tuple[Effect, ...] = ()
    others: tuple[Table, ...] = ()
    forget: str | None = None
