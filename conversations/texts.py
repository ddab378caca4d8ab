"""All user-facing text, from one jinja2 template per language (templates/<lang>.j2).

Every text is a macro; autoescaping turns whatever a user typed into inert text, so the
result is safe neutral markup (see `conversations.messages`).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from datetime import date, datetime
from functools import cache
from typing import Any

from babel import Locale
from babel.dates import format_date, format_datetime, get_day_names
from babel.lists import format_list
from jinja2 import Environment, PackageLoader, StrictUndefined, pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from conversations import categories
from conversations.model import Partnership

LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"
# How a command is typed on each platform; help texts show it the way the user types it.
COMMAND_PREFIX = {"slack": "/optafel ", "telegram": "/", "local": "/"}
# The CLDR locale behind each language: lists, day and month names, dates.
# (British English: "Anna, Bram and Chris", without the serial comma.)
LOCALES = {"nl": "nl_NL", "en": "en_GB"}


def list_join(items: Iterable[object], language: str) -> Markup:
    """"Anna, Bram en Chris" / "Anna, Bram and Chris": the language's own list (Babel).

    Each item is escaped (names are user text); the result is markup, so it is not
    escaped twice when it goes into a text.
    """
    escaped = [str(escape(item)) for item in items]
    return Markup(format_list(escaped, locale=LOCALES[language])) if escaped else Markup("")


def plural_form(count: int, language: str) -> str:
    """The CLDR plural category of `count` in the language: "one" or "other" (nl, en)."""
    return Locale.parse(LOCALES[language]).plural_form(count)


@pass_context
def plural(context: Context, count: int, one: str, other: str) -> str:
    """`{{ n|plural("heeft", "hebben") }}`: the word that goes with `n` (Babel's rules)."""
    return one if plural_form(count, context["language"]) == "one" else other


def weekday_name(n: int, language: str) -> str:
    """0 = Monday, in the language ("maandag", "Monday")."""
    return get_day_names("wide", locale=LOCALES[language])[n]


def day_month(day: date, language: str) -> str:
    """A short day and month: "5 mrt" / "5 Mar" (Babel's abbreviations)."""
    return format_date(day, "d MMM", locale=LOCALES[language])


def when(moment: datetime, language: str) -> str:
    """A moment in its own timezone: "donderdag 3 december, 09:00"."""
    return format_datetime(moment, "EEEE d MMMM, HH:mm", tzinfo=moment.tzinfo,
                           locale=LOCALES[language])


@cache
def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("conversations", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters.update(list_join=list_join, weekday_name=weekday_name, when=when,
                               day_month=day_month, plural=plural)
    return environment


@cache
def _macros(language: str, prefix: str) -> Any:
    """The language's macros, built once: building them cost ~12 ms, on every event."""
    template = _environment().get_template(f"{language}.j2")
    return template.make_module(vars={"cmd": prefix, "language": language})


def prepare(platforms: Iterable[str]) -> None:
    """Build the texts of every language for these platforms now (about 0.2 s each) and
    read each language's CLDR data (lists, dates: up to 30 ms the first time), so that a
    process that starts does not make its first user wait for it."""
    for language in LANGUAGES:
        list_join(("", ""), language)
    for platform in platforms:
        for language in LANGUAGES:
            Texts(language, platform)


class Texts:
    """The texts of one language: `texts.sections("welcome", …)`, `texts.label("start")`."""

    def __init__(self, language: str, platform: str = "local") -> None:
        self.language = language if language in LANGUAGES else DEFAULT_LANGUAGE
        self._macros = _macros(self.language, COMMAND_PREFIX.get(platform, "/"))

    @classmethod
    def of(cls, partnership: Partnership) -> Texts:
        """The texts in a partnership's language, with its platform's command syntax."""
        return cls(partnership.language, partnership.platform)

    def markup(self, key: str, **values: object) -> Markup:
        """One text as neutral markup, whitespace at the ends trimmed.

        It stays `Markup`, so passing it into another text does not escape it twice.
        """
        return Markup(str(getattr(self._macros, key)(**values)).strip())

    def sections(self, key: str, **values: object) -> tuple[str, ...]:
        """A text split into paragraphs (blank lines), the unit adapters split messages on."""
        parts = re.split(r"\n\s*\n", str(self.markup(key, **values)))
        return tuple(p.strip() for p in parts if p.strip())

    def label(self, key: str, **values: object) -> str:
        """A short plain-text label (buttons): no markup, entities decoded."""
        return html.unescape(self.markup(key, **values))

    def category_labels(self) -> dict[str, str]:
        """Every category's label by its code: the `cat` that texts naming categories take."""
        return {c: self.label(f"category_{c}") for c in categories.ALL}

    def has(self, key: str) -> bool:
        return hasattr(self._macros, key)
