"""A person's home page (Slack's App Home): their partnerships, where they are in each,
a button to continue an open interview, and for coordinators who has answered.

Built from the core's own texts and status rows; the shell shows it on request and
stores nothing. The continue button's payload is not a core payload: the adapter turns
a press on it into the private `edit` command, which asks the current question again.
"""

from __future__ import annotations

from markupsafe import escape

from conversations.messages import Button, Message
from conversations.model import Table
from conversations.status import status_rows
from conversations.texts import Texts

HOME_CONTINUE = "home:continue"


def _open_interview(table: Table, user_id: str) -> tuple[int | None, bool]:
    """(current step, sealed) of the person's interview in the open round, if any."""
    rnd = table.open_round()
    member = table.member(user_id)
    interview = table.interview(rnd, user_id) if rnd else None
    if interview is None or member is None or not member.is_partner:
        return None, False
    return int(interview.step), interview.sealed


def home_message(tables: list[Table], user_id: str, fallback: Texts) -> Message:
    t = Texts.of(tables[0].partnership) if tables else fallback
    if not tables:
        return Message((*t.sections("not_in_partnership"), *t.sections("help_private",
                                                                         member=False)))
    lines = []
    unfinished = False
    for table in tables:
        step, sealed = _open_interview(table, user_id)
        unfinished = unfinished or (step is not None and not sealed)
        lines.append({"partnership": table.partnership.name, "step": step, "sealed": sealed})
    sections: list[str] = [*t.sections("own_status", lines=lines)]
    for table in tables:
        member = table.member(user_id)
        rnd = table.open_round()
        if member is not None and member.is_coordinator and rnd is not None:
            sections.append(f"<b>{escape(table.partnership.name)}</b>")
            sections.extend(t.sections("status", number=rnd.number,
                                       rows=status_rows(table, rnd)))
    sections.extend(t.sections("help_private", member=True))
    buttons = ((Button(t.label("button_continue"), HOME_CONTINUE, primary=True),),)
    return Message(tuple(sections), buttons if unfinished else ())
