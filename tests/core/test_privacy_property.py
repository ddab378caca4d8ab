"""Property: whatever members do, in any order, no effect shows one partner's answer to
anyone else before the reveal, and a round is revealed at most once."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conversations.context import Context
from conversations.decision import Decision
from conversations.effects import EditMessage, Notice, PostToChannel, SendPrivate
from conversations.events import ButtonPress, ChannelCommand, Person, PrivateCommand, PrivateText
from conversations.lifecycle import channel_command
from conversations.messages import Message
from conversations.model import Table
from conversations.private import button_press, private_command, private_text

from .builders import NOW

PEOPLE = ("dewi", "anna", "bram", "chris")
EVERYONE = tuple(Person(p, p.title()) for p in PEOPLE)
COMMANDS = ("setup", "partners", "round", "status", "remind", "reveal", "reveal force",
            "cancel", "anonymous on", "anonymous off", "export", "help", "language en",
            "coordinator")
PRIVATE = ("status", "edit", "forget", "help")
REVEAL_HEADER = re.compile(r"(?:On the table|Op tafel) — Tafel, (?:round|ronde) (\d+)")
# When a person "finishes", they press these in order of preference, or type an answer.
# Each button at most once per walk (payloads name the step): tick, then "next".
FINISHING = (":start", ":seal", ":t:knowledge", ":c:yes", ":next", ":keep", ":c:3")

action = st.one_of(
    st.tuples(st.just("command"), st.sampled_from(PEOPLE), st.sampled_from(COMMANDS)),
    st.tuples(st.just("private"), st.sampled_from(PEOPLE), st.sampled_from(PRIVATE)),
    st.tuples(st.just("text"), st.sampled_from(PEOPLE), st.integers(0, 3)),
    st.tuples(st.just("press"), st.sampled_from(PEOPLE), st.integers(0, 40)),
    st.tuples(st.just("finish"), st.sampled_from(PEOPLE), st.integers(0, 3)),
    st.tuples(st.just("command"), st.just("dewi"), st.sampled_from(("reveal", "reveal force"))),
)


@dataclass
class World:
    """The core's state plus what each person last saw, checked after every decision."""

    table: Table | None = None
    buttons: dict[str, list[str]] = field(default_factory=lambda: {p: [] for p in PEOPLE})
    revealed_rounds: list[str] = field(default_factory=list)
    secrets_revealed: int = 0
    last_reveal: Message | None = None  # what `export` must repeat, exactly
    clock: int = 0

    def ctx(self) -> Context:
        self.clock += 1
        return Context(now=NOW.replace(second=self.clock % 60, minute=self.clock // 60 % 60),
                       platform="local", token=f"t{self.clock}")

    def tables_of(self, who: str) -> list[Table]:
        return [self.table] if self.table is not None and self.table.member(who) else []

    def act(self, kind: str, who: str, arg: object) -> None:
        actor = Person(who, who.title())
        ctx = self.ctx()
        match kind:
            case "command":
                name, *args = str(arg).split()
                people = EVERYONE if name in ("partners", "coordinator") else ()
                cmd = ChannelCommand("tafel", "Tafel", actor, name, tuple(args), people)
                decision = channel_command(self.table, cmd, ctx)
            case "private":
                decision = private_command(self.tables_of(who), PrivateCommand(actor, arg), ctx)
            case "text":
                text = f"SECRET-{who}-{arg}"
                decision = private_text(self.tables_of(who), PrivateText(actor, text), ctx)
            case "press":
                decision = button_press(self.table, ButtonPress(actor, str(arg)), ctx)
        self.check(kind, who, arg, decision)

    def finish(self, who: str, n: int) -> None:
        """Walk through the interview the way a willing partner would, typing secrets."""
        pressed: set[str] = set()
        for _ in range(20):
            options = [p for p in self.buttons[who] if p not in pressed]
            choice = next((p for end in FINISHING for p in options if p.endswith(end)), None)
            if choice is None and (not options or any(p.endswith(":skip") for p in options)):
                self.act("text", who, n)
            elif choice is not None:
                pressed.add(choice)
                self.act("press", who, choice)
                if choice.endswith(":seal"):
                    return
            else:
                return

    def check(self, kind: str, who: str, arg: object, decision: Decision) -> None:
        for effect in decision.effects:
            message = effect.message
            text = " ".join(message.sections) + " ".join(b.label for b in message.all_buttons)
            owners = set(re.findall(r"SECRET-(\w+?)-\d", text))
            if isinstance(effect, SendPrivate):
                self.buttons[effect.user_id] = [b.payload for b in message.all_buttons]
                exporting = kind == "command" and arg == "export" and message == self.last_reveal
                assert owners <= {effect.user_id} or exporting, (effect, owners)
            elif isinstance(effect, EditMessage):
                assert owners <= {who}
            elif isinstance(effect, Notice):
                assert not owners, effect
            elif isinstance(effect, PostToChannel):
                header = REVEAL_HEADER.search(text)
                if owners:
                    assert header and kind == "command" and str(arg).startswith("reveal")
                    self.secrets_revealed += 1
                if header:
                    assert header.group(1) not in self.revealed_rounds  # never twice
                    self.revealed_rounds.append(header.group(1))
                    self.last_reveal = message
        if decision.table is not None:
            table = decision.table
            if table.partnership.id is None:  # what storage would do
                table = replace(table, partnership=replace(table.partnership, id=1))
            self.table = table


def run(actions: list[tuple]) -> World:
    world = World()
    for kind, who, arg in actions:
        if kind == "finish":
            world.finish(who, arg)
        elif kind == "press":
            options = world.buttons[who]
            if options:
                world.act("press", who, options[arg % len(options)])
        else:
            world.act(kind, who, arg)
    return world


OPENING = [("command", "dewi", "setup"), ("command", "dewi", "partners"),
           ("command", "dewi", "round")]
# Most runs start the usual way so that they get far enough to reveal; some start anywhere.
histories = st.tuples(st.booleans(), st.lists(action, min_size=5, max_size=40)).map(
    lambda t: (OPENING if t[0] else []) + t[1]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(histories)
def test_no_answer_leaks_before_the_reveal_and_reveal_happens_once(actions):
    run(actions)


def test_the_property_does_reach_reveals_with_answers_in_them():
    """Guard against a property that passes because it never gets anywhere."""
    world = run([("command", "dewi", "setup"), ("command", "dewi", "partners"),
                 ("command", "dewi", "round"), ("finish", "anna", 1), ("finish", "bram", 2),
                 ("command", "dewi", "reveal force"), ("command", "dewi", "reveal")])
    assert world.secrets_revealed == 1 and world.revealed_rounds == ["1"]
