"""Moments in a fake platform that a test can act on — above all: kill the bot right then.

`fake.hooks.on(moment, when, action)` runs `action()` once, at the first call of the fake
for which `when(call)` is true, at that moment (with `once=False`: at every such call, until
`fake.hooks.remove(hook)` — an outage is a "received" hook that does nothing):

- ``"received"``: the request arrived and the platform has not taken it. A request that a
  hook acted on here is not performed; it gets 502 Bad Gateway (the bot died before the
  platform had it, or the platform is down).
- ``"answered"``: the platform did it and its answer has been sent back.
- ``"confirmed"`` (Telegram): a `getUpdates` offset has just confirmed the updates before
  it; Telegram will never hand them out again. `when` gets the offset, not a call.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

Moment = Literal["received", "answered", "confirmed"]


@dataclass
class _Hook:
    moment: Moment
    when: Callable[[Any], object]
    action: Callable[[], object]
    once: bool


class Hooks:
    def __init__(self) -> None:
        self._hooks: list[_Hook] = []

    def on(self, moment: Moment, when: Callable[[Any], object],
           action: Callable[[], object] = lambda: None, *, once: bool = True) -> _Hook:
        hook = _Hook(moment, when, action, once)
        self._hooks.append(hook)
        return hook

    def remove(self, hook: _Hook) -> None:
        self._hooks.remove(hook)

    def fire(self, moment: Moment, call: Any) -> bool:
        """Run the hooks of this moment that match `call`; True when any ran."""
        due = [h for h in self._hooks if h.moment == moment and h.when(call)]
        for hook in due:
            if hook.once:
                self._hooks.remove(hook)
            hook.action()
        return bool(due)
