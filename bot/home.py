"""A person's home page (Slack's App Home): their partnerships, where they are in each,
a button to continue an open interview, and for coordinators who has answered.

Composed from the core's own answers to `status` and `help` (private) and `status`
(in the channel), so it always says what those commands say; it changes nothing. The
continue button's payload is not a core payload: the adapter turns a press on it into
the private `edit` command, which shows the current question again.
"""

from __future__ import annotations

from markupsafe import escape

from conversations.context import Context
from conversations.decision import Decision
from conversations.events import ChannelCommand, Person, PrivateCommand
from conversations.lifecycle import channel_command
from conversations.messages import Button, Message
from conversations.model import RoundKind, Table
from conversations.private import private_command
from conversations.texts import Texts

HOME_CONTINUE = "home:continue"


def _sections(decision: Decision) -> list[str]:
    return [s for effect in decision.effects for s in effect.message.sections]  # type: ignore[union-attr]


def _unfinished(table: Table, user_id: str) -> bool:
    member = table.member(user_id)
    if member is None or not member.is_partner:
        return False
    for kind in RoundKind:
        rnd = table.open_round(kind)
        interview = table.interview(rnd, user_id) if rnd is not None else None
        if interview is not None and not interview.sealed:
            return True
    return False


def home_message(tables: list[Table], user_id: str, ctx: Context) -> Message:
    me = Person(user_id, user_id)
    sections = _sections(private_command(tables, PrivateCommand(me, "status"), ctx))
    for table in tables:
        member = table.member(user_id)
        if member is not None and member.is_coordinator and table.open_round() is not None:
            status = ChannelCommand(table.partnership.channel_id, table.partnership.name, me,
                                    "status")
            sections.append(f"<b>{escape(table.partnership.name)}</b>")
            sections.extend(_sections(channel_command(table, status, ctx)))
    sections.extend(_sections(private_command(tables, PrivateCommand(me, "help"), ctx)))
    if not any(_unfinished(table, user_id) for table in tables):
        return Message(tuple(sections))
    t = Texts.of(tables[0].partnership)
    button = Button(t.label("button_continue"), HOME_CONTINUE, primary=True)
    return Message(tuple(sections), ((button,),))
