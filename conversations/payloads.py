"""Button payloads: short ASCII strings (Telegram allows 64 bytes) naming what was pressed.

`<partnership>:<round>:<step>:<value>` for interview buttons, `join:<token>` for invitations.
The step makes a button from an earlier question recognisable as stale.

Agreements: `a:<partnership>:<round>:<category>:<giver>` proposes one from a match of that
round's reveal; `k:<partnership>:<number>:<sign>` is the giver's private "yes", `sign` a
short digest of the text they were shown (an edited agreement needs a new yes).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

JOIN = "join:"
PROPOSE = "a"
CONFIRM = "k"


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


@dataclass(frozen=True)
class ProposePress:
    partnership_id: int
    round_number: int
    category: str
    giver: str


@dataclass(frozen=True)
class ConfirmPress:
    partnership_id: int
    number: int
    sign: str


def propose(partnership_id: int, round_number: int, category: str, giver: str) -> str:
    return f"{PROPOSE}:{partnership_id}:{round_number}:{category}:{giver}"


def sign(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:8]


def confirm(partnership_id: int, number: int, text: str) -> str:
    return f"{CONFIRM}:{partnership_id}:{number}:{sign(text)}"


def decode_agreement(payload: str) -> ProposePress | ConfirmPress | None:
    """An agreement button's press, or None for anything else."""
    kind, _, rest = payload.partition(":")
    if kind == PROPOSE:
        parts = rest.split(":", 3)
        if len(parts) == 4 and parts[0].isdigit() and parts[1].isdigit():
            return ProposePress(int(parts[0]), int(parts[1]), parts[2], parts[3])
    if kind == CONFIRM:
        parts = rest.split(":")
        if len(parts) == 3 and parts[0].isdigit() and parts[1].isdigit():
            return ConfirmPress(int(parts[0]), int(parts[1]), parts[2])
    return None


def partnership_of(payload: str) -> int | None:
    """The partnership any of our buttons belongs to (not invitations: they carry a token)."""
    press = decode(payload) or decode_agreement(payload)
    return press.partnership_id if press is not None else None
