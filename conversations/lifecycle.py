"""The round lifecycle: commands typed in the shared channel.

setup → partners → round → status / remind → reveal [force] | cancel. Coordinators run
everything but `setup` (on a new channel), `help` and `status`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from conversations import payloads
from conversations.agreements import agree, agreement_sections, agreements, confirm
from conversations.checkin_commands import (
    checkin_command,
    checkin_status,
    remind_checkin,
    reveal_checkin,
    timezone_command,
)
from conversations.command_names import canonical, canonical_args
from conversations.context import Context
from conversations.decision import Decision
from conversations.effects import Effect, Notice, PostToChannel, SendPrivate
from conversations.events import ChannelCommand, Person
from conversations.exports import ALL, full_export
from conversations.helping import helping_message
from conversations.interview import MAX_TEXT
from conversations.messages import Button, Message
from conversations.model import (
    Interview,
    Member,
    Partnership,
    Round,
    RoundKind,
    RoundStatus,
    Table,
)
from conversations.prompts import Prompter
from conversations.replies import notice
from conversations.reveal import aggregate
from conversations.reveal_message import reveal_message
from conversations.status import status_rows
from conversations.texts import LANGUAGES, Texts

Handler = Callable[[Table, ChannelCommand, Texts, Context], Decision]


def changes_nothing(cmd: ChannelCommand) -> bool:
    """`help`, an unknown command, or one that belongs in the private chat: its answer
    is a text for its author alone that needs nothing but the partnership's language and
    changes nothing, so a platform may give it at once (`answer_at_once`)."""
    name = canonical(cmd.name)
    return name in PRIVATE_COMMANDS or name == "help" or name not in (*HANDLERS, "setup")


def answer_at_once(language: str | None, cmd: ChannelCommand, ctx: Context) -> Message:
    """The answer to a command that `changes_nothing`, in the language of the channel's
    partnership (None: there is none): what `channel_command` says."""
    t = Texts(language or ctx.default_language, ctx.platform)
    name = canonical(cmd.name)
    if name in PRIVATE_COMMANDS:
        key, command = "private_only", cmd.name.lower()
    else:
        key, command = ("help_channel" if name == "help" else "unknown_command"), cmd.name
    return Message(t.sections(key, command=command))


def channel_command(table: Table | None, cmd: ChannelCommand, ctx: Context) -> Decision:
    """Handle one command typed in a shared channel."""
    if changes_nothing(cmd):
        language = table.partnership.language if table else None
        return Decision(None, (Notice(cmd.actor.user_id, cmd.channel_id,
                                      answer_at_once(language, cmd, ctx)),))
    t = Texts.of(table.partnership) if table else Texts(ctx.default_language, ctx.platform)
    name = canonical(cmd.name)
    cmd = replace(cmd, args=canonical_args(name, cmd.args))
    if name == "setup":
        return _setup(table, cmd, t, ctx)
    if table is None:
        return notice(cmd, t, "not_set_up")
    if name in COORDINATOR_ONLY:
        member = table.member(cmd.actor.user_id)
        if member is None or not member.is_coordinator:
            names = [m.name for m in table.coordinators]
            return notice(cmd, t, "coordinators_only", command=name, coordinators=names)
    return HANDLERS[name](table, cmd, t, ctx)


def _post(table: Table, message: Message) -> PostToChannel:
    return PostToChannel(table.partnership.channel_id, message)


def _setup(table: Table | None, cmd: ChannelCommand, t: Texts, ctx: Context) -> Decision:
    if table is not None:
        names = [m.name for m in table.coordinators]
        return notice(cmd, t, "already_set_up", coordinators=names)
    partnership = Partnership(
        platform=ctx.platform,
        channel_id=cmd.channel_id,
        name=cmd.channel_name or cmd.channel_id,
        language=ctx.default_language,
    )
    coordinator = Member(cmd.actor.user_id, cmd.actor.name, is_coordinator=True)
    new = Table(partnership, (coordinator,))
    post = Message(t.sections("set_up", name=partnership.name, coordinator=cmd.actor.name))
    return Decision(new, (_post(new, post),))


def _people(table: Table, people: tuple[Person, ...], **flags: bool) -> Table:
    for person in people:
        existing = table.member(person.user_id) or Member(person.user_id, person.name)
        table = table.with_member(replace(existing, name=person.name, **flags))
    return table


def _partners(table: Table, cmd: ChannelCommand, t: Texts, ctx: Context) -> Decision:
    """`partners @a @b` sets the list; `partners remove @a` takes one off.

    Without names (the whole channel), coordinators stay off the list unless they are
    already on it: they lead the conversation, they do not have to take part in it.
    """
    removing = cmd.args[:1] == ("remove",)
    people = cmd.people
    if cmd.whole_channel:
        people = tuple(p for p in people if not _only_coordinator(table, p.user_id))
    if not people:
        return notice(cmd, t, "partners_usage")
    changed = table
    if not removing:  # setting the list: whoever is not named is no longer on it
        named = {p.user_id for p in people}
        for member in table.partners:
            if member.user_id not in named:
                changed = changed.with_member(replace(member, is_partner=False))
    changed = _people(changed, people, is_partner=not removing)
    effects: list[Effect] = []
    rnd = changed.open_round()
    if rnd is not None and not removing:
        for person in people:
            changed, sent = _invite(changed, rnd, person.user_id)
            effects.extend(sent)
    names = [m.name for m in changed.partners]
    effects.append(_post(changed, Message(t.sections("partners_set", partners=names))))
    return Decision(changed, tuple(effects))


def _only_coordinator(table: Table, user_id: str) -> bool:
    member = table.member(user_id)
    return member is not None and member.is_coordinator and not member.is_partner


def _coordinator(table: Table, cmd: ChannelCommand, t: Texts, ctx: Context) -> Decision:
    if not cmd.people:
        return notice(cmd, t, "coordinator_usage")
    changed = _people(table, cmd.people, is_coordinator=True)
    names = [m.name for m in changed.coordinators]
    return Decision(changed, (_post(changed, Message(t.sections("coordinators_set",
                                                                 coordinators=names))),))


def _invite(table: Table, rnd: Round, user_id: str) -> tuple[Table, tuple[Effect, ...]]:
    """Give a partner an interview in the open round and send its first question."""
    if table.interview(rnd, user_id) is not None:
        return table, ()
    interview = Interview(rnd.number, user_id, asked_at=rnd.opened_at)
    table = table.with_interview(interview)
    member = table.member(user_id)
    question = Prompter(table.partnership, rnd, member).question(interview)
    return table, (SendPrivate(user_id, question),)


def join_button(t: Texts, token: str) -> Button:
    return Button(t.label("button_join"), payloads.JOIN + token, primary=True, join_token=token)


def _round(table: Table, cmd: ChannelCommand, t: Texts, ctx: Context) -> Decision:
    """`round [ambition]`: open an interest round; without text the last ambition stays."""
    if table.open_round() is not None:
        return notice(cmd, t, "round_already_open")
    previous = table.latest()
    ambition = " ".join(cmd.args).strip() or (previous.ambition if previous else None)
    if ambition and len(ambition) > MAX_TEXT:
        return notice(cmd, t, "too_long", limit=MAX_TEXT, length=len(ambition))
    rnd = Round(
        number=table.next_round_number(),
        ordinal=table.next_ordinal(RoundKind.INTERESTS),
        kind=RoundKind.INTERESTS,
        status=RoundStatus.OPEN,
        opened_at=ctx.now,
        token=ctx.token,
        ambition=ambition,
    )
    changed = table.with_round(rnd)
    effects: list[Effect] = []
    for partner in table.partners:
        changed, sent = _invite(changed, rnd, partner.user_id)
        effects.extend(sent)
    names = [m.name for m in table.partners]
    announcement = Message(
        t.sections("round_opened", number=rnd.ordinal, partners=names, ambition=ambition,
                   carried=ambition is not None and not cmd.args),
        ((join_button(t, rnd.token),),),
    )
    effects.append(_post(changed, announcement))
    return Decision(changed, tuple(effects))


def _status(table: Table, cmd: ChannelCommand, t: Texts, ctx: Context) -> Decision:
    rnd = table.open_round()
    if rnd is None:
        sections = t.sections("status_no_round", latest=table.latest())
    else:
        sections = t.sections("status", number=rnd.ordinal, rows=status_rows(table, rnd))
    member = table.member(cmd.actor.user_id)
    coordinator = member is not None and member.is_coordinator
    message = Message((*sections, *checkin_status(table, t, coordinator)))
    return Decision(None, (Notice(cmd.actor.user_id, cmd.channel_id, message),))


def _remind(table: Table, cmd: ChannelCommand, t: Texts, ctx: Context) -> Decision:
    rnd = table.open_round()
    if rnd is None and table.open_round(RoundKind.CHECKIN) is not None:
        return remind_checkin(table, cmd, t, ctx)
    if rnd is None:
        return notice(cmd, t, "no_open_round")
    waiting = [
        i for i in table.interviews_of(rnd)
        if not i.sealed and (m := table.member(i.user_id)) is not None and m.is_partner
    ]
    if not waiting:
        return notice(cmd, t, "everyone_answered")
    changed = table
    effects: list[Effect] = []
    for interview in waiting:
        member = table.member(interview.user_id)
        lead = t.sections("reminder", partnership=table.partnership.name)
        question = Prompter(table.partnership, rnd, member).question(interview, lead)
        effects.append(SendPrivate(member.user_id, question))
        changed = changed.with_interview(replace(interview, reminded_at=ctx.now,
                                                 asked_at=ctx.now))
    names = [table.member(i.user_id).name for i in waiting]
    effects.append(_post(changed, Message(t.sections("reminded", waiting=names))))
    return Decision(changed, tuple(effects))


def _reveal(table: Table, cmd: ChannelCommand, t: Texts, ctx: Context) -> Decision:
    rnd = table.open_round()
    if rnd is None and table.open_round(RoundKind.CHECKIN) is not None:
        return reveal_checkin(table, cmd, t, ctx)
    if rnd is None:
        latest = table.latest()
        key = "already_revealed" if latest and latest.status is RoundStatus.REVEALED else (
            "no_open_round")
        return notice(cmd, t, key)
    force = cmd.args[:1] == ("force",)
    result = aggregate(table, rnd, t.label("anonymous_partner"))
    if result.answered == 0:
        return notice(cmd, t, "nobody_answered")
    if result.missing and not force:
        return notice(cmd, t, "reveal_waiting", r=result)
    posted = reveal_message(t, table.partnership.name, result)
    changed = table.with_round(replace(rnd, status=RoundStatus.REVEALED, closed_at=ctx.now,
                                       posted=posted))
    helping = helping_message(changed, rnd, result, t)
    return Decision(changed, (_post(changed, posted),
                              *((_post(changed, helping),) if helping else ())))


def _cancel(table: Table, cmd: ChannelCommand, t: Texts, ctx: Context) -> Decision:
    rnd = table.open_round()
    if rnd is None:
        return notice(cmd, t, "no_open_round")
    changed = table.with_round(replace(rnd, status=RoundStatus.CANCELLED, closed_at=ctx.now))
    effects: list[Effect] = [
        SendPrivate(i.user_id, Message(t.sections("round_cancelled_private",
                                                  partnership=table.partnership.name)))
        for i in table.interviews_of(rnd)
        if i.started
    ]
    effects.append(_post(changed, Message(t.sections("round_cancelled", number=rnd.ordinal))))
    return Decision(changed, tuple(effects))


def _on_off(cmd: ChannelCommand) -> bool | None:
    arg = cmd.args[0].lower() if cmd.args else ""
    return {"on": True, "aan": True, "off": False, "uit": False}.get(arg)


def _anonymous(table: Table, cmd: ChannelCommand, t: Texts, ctx: Context) -> Decision:
    value = _on_off(cmd)
    if value is None:
        return notice(cmd, t, "anonymous_usage", current=table.partnership.anonymous)
    changed = replace(table, partnership=replace(table.partnership, anonymous=value))
    return Decision(changed, (_post(changed, Message(t.sections("anonymous_set", on=value))),))


def _language(table: Table, cmd: ChannelCommand, t: Texts, ctx: Context) -> Decision:
    language = cmd.args[0].lower() if cmd.args else ""
    if language not in LANGUAGES:
        return notice(cmd, t, "language_usage", languages=LANGUAGES)
    changed = replace(table, partnership=replace(table.partnership, language=language))
    new_t = Texts(language, table.partnership.platform)
    return Decision(changed, (_post(changed, Message(new_t.sections("language_set"))),))


def _export(table: Table, cmd: ChannelCommand, t: Texts, ctx: Context) -> Decision:
    """The last reveal exactly as it was posted, privately to the coordinator; `export all`:
    every revealed round and check-in as files (`exports.full_export`).

    Never rebuilt: today's anonymity setting or partner list cannot change what it shows.
    """
    if cmd.args and cmd.args[0].lower() in ALL:
        return full_export(table, cmd, t, ctx)
    latest = table.latest()
    if latest is None or latest.posted is None:
        return notice(cmd, t, "nothing_to_export")
    posted = latest.posted
    if table.agreements:  # what was agreed since belongs with it
        posted = replace(posted, sections=(*posted.sections, *agreement_sections(table, t)))
    return Decision(None, (SendPrivate(cmd.actor.user_id, posted),
                           *notice(cmd, t, "exported").effects))


HANDLERS: dict[str, Handler] = {
    "partners": _partners,
    "coordinator": _coordinator,
    "round": _round,
    "status": _status,
    "remind": _remind,
    "reveal": _reveal,
    "cancel": _cancel,
    "anonymous": _anonymous,
    "language": _language,
    "export": _export,
    "checkin": checkin_command,
    "agree": agree,
    "confirm": confirm,
    "agreements": agreements,
    "timezone": timezone_command,
}
# `agreements edit|close` checks for a coordinator itself.
COORDINATOR_ONLY = frozenset(HANDLERS) - {"status", "agree", "confirm", "agreements"}
CHANNEL_COMMANDS = frozenset({*HANDLERS, "setup"}) - {"status"}  # status and help: both places
PRIVATE_COMMANDS = frozenset({"edit", "forget"})
