"""What partners see when each typed answer was recorded exactly once: the next question
came, and the one after it did not (a second decision would have taken the same text as
the answer to that next question)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

Person = TypeVar("Person")


def assert_each_answer_recorded_once(asked: Callable[[Person, str], int],
                                     people: Iterable[Person], *, resent: bool) -> None:
    """`asked(person, "3/11")` counts how often a person was shown question 3. `resent`:
    the platform cannot tell whether a message it accepted just before the kill arrived
    (Telegram: the outbound window README names), so question 3 may show twice; where it
    can (Slack: message metadata in the history), it shows exactly once."""
    people = list(people)
    shown = {str(p): asked(p, "3/11") for p in people}
    if resent:
        assert all(n >= 1 for n in shown.values()), shown
    else:
        assert all(n == 1 for n in shown.values()), shown
    assert not any(asked(p, "4/11") for p in people)
