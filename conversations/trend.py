"""The trend picture as data: what `bot.chart` draws, and what tests check it by.

Pure values: the labels are already words in the partnership's language.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Series:
    """One partner's balance per round (None: not answered in that round)."""

    name: str
    values: tuple[int | None, ...]


@dataclass(frozen=True)
class Trend:
    """x: the rounds, oldest first; y: the five-point balance scale, 1 to 5.

    `y_labels[0]` is the word for 1 ("I get much more than I bring"), `y_labels[4]` for 5.
    Every series has one value per x label.
    """

    title: str
    x_labels: tuple[str, ...]
    series: tuple[Series, ...]
    y_labels: tuple[str, ...]
    x_title: str
    y_title: str

    def __post_init__(self) -> None:
        if len(self.y_labels) != 5:
            raise ValueError("the balance scale has five points")
        for s in self.series:
            if len(s.values) != len(self.x_labels):
                raise ValueError(f"series {s.name!r} has {len(s.values)} values, "
                                 f"expected {len(self.x_labels)}")
            if any(v is not None and not 1 <= v <= 5 for v in s.values):
                raise ValueError(f"series {s.name!r} has a value outside 1–5")
