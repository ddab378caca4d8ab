"""Button payloads: short ASCII strings (Telegram allows 64 bytes) naming what was pressed.

`<partnership>:<round>:<step>:<value>` for interview buttons, `join:<token>` for invitations.
The step makes a button from an earlier question recognisable as stale.
"""

from __future__ import annotations

from dataclasses import dataclass

JOIN = "join:"


@dataclass(frozen=True)
class Press:
    partnership_id: int
    round_number: int
    step: int
    value: str


def encode(partnership_id: int, round_number: int, step: int, value: str) -> str:
    return f"{partnership_id}:{round_number}:{step}:{value}"


def decode(payload: str) -> Press | None:
    """The press a payload names, or None for anything we never sent."""
    parts = payload.split(":", 3)
    if len(parts) != 4 or not all(p.isdigit() for p in parts[:3]):
        return None
    return Press(int(parts[0]), int(parts[1]), int(parts[2]), parts[3])


def join_token(payload: str) -> str | None:
    return payload[len(JOIN) :] if payload.startswith(JOIN) else None
