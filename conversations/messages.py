"""Platform-neutral messages: what the core says, before any adapter renders it.

Section text is *neutral markup*: a tiny, safe subset of HTML produced by the jinja2
templates with autoescaping on. Only ``<b>``, ``<i>`` and ``<mention id="…">name</mention>``
occur; everything a user typed arrives as escaped text, so an adapter that parses the
markup (see ``bot/render/markup.py``) can never mistake user text for formatting.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Button:
    """A button; `payload` comes back in the press. `url_token` makes it a join link."""

    label: str
    payload: str
    selected: bool = False
    primary: bool = False
    join_token: str | None = None


@dataclass(frozen=True)
class MultiSelect:
    """Several options that can each be switched on or off (checkboxes)."""

    options: tuple[Button, ...]


@dataclass(frozen=True)
class Message:
    """Paragraph-sized sections of neutral markup, plus optional choices.

    Adapters split long messages only between sections, never inside one.
    """

    sections: tuple[str, ...]
    buttons: tuple[tuple[Button, ...], ...] = ()
    multiselect: MultiSelect | None = None

    @property
    def all_buttons(self) -> tuple[Button, ...]:
        options = self.multiselect.options if self.multiselect else ()
        return (*options, *(b for row in self.buttons for b in row))
