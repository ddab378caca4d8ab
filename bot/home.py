"""A person's home page (Slack's App Home): their partnerships, where they are in each,
a button to continue an open interview, and for coordinators who has answered.

Composed from the core's own texts for `status` and `help` (private) and `status`
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
from conversations.model import Table
from conversations.private import own_status, private_command, unfinished
from conversations.texts import Texts

HOME_CONTINUE = "home:continue"


def _sections(decision: Decision) -> list[str]:
    return [s for effect in decision.effects for s in effect.message.sections]  # type: ignore[union-attr]


def home_message(tables: list[Table], user_id: str, ctx: Context) -> Message:
    me = Person(user_id, user_id)
    sections = list(own_status(tables, user_id))
    for table in tables:
        member = table.member(user_id)
        if member is not None and member.is_coordinator and table.open_round() is not None:
            status = ChannelCommand(table.partnership.channel_id, table.partnership.name, me,
                                    "status")
            sections.append(f"<b>{escape(table.partnership.name)}</b>")
            sections.extend(_sections(channel_command(table, status, ctx)))
    sections.extend(_sections(private_command(tables, PrivateCommand(me, "help"), ctx)))
    if not any(unfinished(table, user_id) for table in tables):
        return Message(tuple(sections))
    t = Texts.of(tables[0].partnership)
    button = Button(t.label("button_continue"), HOME_CONTINUE, primary=True)
    return Message(tuple(sections), ((button,),))
