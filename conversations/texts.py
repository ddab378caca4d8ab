"""All user-facing text, from one jinja2 template per language (templates/<lang>.j2).

Every text is a macro; autoescaping turns whatever a user typed into inert text, so the
result is safe neutral markup (see `conversations.messages`).
"""

from __future__ import annotations

import html
import re
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from conversations.model import Partnership

LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"
# How a command is typed on each platform; help texts show it the way the user types it.
COMMAND_PREFIX = {"slack": "/optafel ", "telegram": "/", "local": "/"}


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("conversations", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


class Texts:
    """The texts of one language: `texts.sections("welcome", …)`, `texts.label("start")`."""

    def __init__(self, language: str, platform: str = "local") -> None:
        self.language = language if language in LANGUAGES else DEFAULT_LANGUAGE
        template = _environment().get_template(f"{self.language}.j2")
        prefix = COMMAND_PREFIX.get(platform, "/")
        self._macros = template.make_module(vars={"cmd": prefix})

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

    def has(self, key: str) -> bool:
        return hasattr(self._macros, key)
