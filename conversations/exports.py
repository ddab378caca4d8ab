"""Exports as files: everything a partnership revealed, or everything one person answered.

`export all` (coordinator, in the channel): every revealed round and check-in, each as its
reveal was posted (the snapshot kept with the round: the anonymity it had, never a
rebuild), and the agreements. `export` in the private chat: the person's own answers in
every partnership, also those not revealed yet — they are theirs — and nobody else's.
Both arrive privately as two files, JSON and CSV, with the same rows.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime
from html import escape

from conversations.agreements import agreement_sections
from conversations.context import Context
from conversations.decision import Decision
from conversations.effects import SendFile
from conversations.events import ChannelCommand, Event, PrivateCommand
from conversations.model import Answers, Interview, Round, RoundStatus, Table
from conversations.replies import notice, say
from conversations.texts import Texts

ALL = frozenset({"all", "alles"})
FULL_COLUMNS = ("kind", "round", "opened", "revealed", "ambition", "part", "text")
OWN_COLUMNS = ("partnership", "kind", "round", "status", "sealed",
               *(f.name for f in fields(Answers)))


def wants_history(event: Event, command: str) -> bool:
    """True when deciding `event` (its canonical command name `command`) needs the rounds
    the table does not hold: the shell then loads them into `Context.history`."""
    if isinstance(event, ChannelCommand):
        return command == "export" and bool(event.args) and event.args[0].lower() in ALL
    return isinstance(event, PrivateCommand) and command == "export"


def _when(moment: datetime | None) -> str:
    return moment.isoformat() if moment is not None else ""


def _files(user_id: str, stem: str, rows: list[tuple[str, ...]]) -> tuple[SendFile, ...]:
    table = tuple(rows)
    return (SendFile(user_id, f"{stem}.json", table), SendFile(user_id, f"{stem}.csv", table))


def full_export(table: Table, cmd: ChannelCommand, t: Texts, ctx: Context) -> Decision:
    """Every revealed round and check-in as posted, and the agreements, to the coordinator."""
    revealed = [past.round for past in ctx.history
                if past.round.status is RoundStatus.REVEALED and past.round.posted is not None]
    if not revealed:
        return notice(cmd, t, "nothing_to_export")
    rows: list[tuple[str, ...]] = [FULL_COLUMNS]
    for rnd in sorted(revealed, key=lambda r: r.number):
        assert rnd.posted is not None
        for part, section in enumerate(rnd.posted.sections, start=1):
            rows.append((str(rnd.kind), str(rnd.ordinal), _when(rnd.opened_at),
                         _when(rnd.closed_at), escape(rnd.ambition or ""), str(part), section))
    if table.agreements:
        for part, section in enumerate(agreement_sections(table, t), start=1):
            rows.append(("agreements", "", "", "", "", str(part), section))
    stem = f"optafel-{_slug(table.partnership.name)}-{ctx.now:%Y-%m-%d}"
    return Decision(None, (*_files(cmd.actor.user_id, stem, rows),
                           *notice(cmd, t, "exported_all").effects))


def own_export(tables: list[Table], user_id: str, t: Texts, ctx: Context) -> Decision:
    """This person's own answers in every partnership, whatever the round's state."""
    names = {table.partnership.id: table.partnership.name for table in tables}
    rows: list[tuple[str, ...]] = [OWN_COLUMNS]
    for past in ctx.history:
        mine = past.interview is not None and past.interview.user_id == user_id
        if mine and past.interview.answers != Answers():
            rows.append(_own_row(names.get(past.partnership_id, ""), past.round, past.interview))
    if len(rows) == 1:
        return say(user_id, t, "nothing_own_to_export")
    stem = f"optafel-my-answers-{ctx.now:%Y-%m-%d}"
    return Decision(None, (*say(user_id, t, "exported_own").effects,
                           *_files(user_id, stem, rows)))


def _own_row(partnership: str, rnd: Round, interview: Interview) -> tuple[str, ...]:
    answers = interview.answers.to_dict()
    cells = []
    for f in fields(Answers):
        value = answers[f.name]
        if isinstance(value, list):
            value = ", ".join(value)
        cells.append(escape("" if value is None else str(value)))
    return (escape(partnership), str(rnd.kind), str(rnd.ordinal), str(rnd.status),
            "yes" if interview.sealed else "no", *cells)


def _slug(name: str) -> str:
    kept = "".join(c if c.isalnum() else "-" for c in name.lower())
    return "-".join(part for part in kept.split("-") if part) or "partnership"
