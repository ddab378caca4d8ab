"""The trend picture: a real PNG at phone-readable size, drawn from checkable data."""

from __future__ import annotations

import pytest

from bot.chart import PNG_SIGNATURE, draw_trend, png_size
from conversations.trend import Series, Trend

SCALE = ("I get much more than I bring", "I get a bit more than I bring", "About even",
         "I bring a bit more than I get", "I bring much more than I get")


def a_trend(*series: Series) -> Trend:
    return Trend("Balance over time — Tafel",
                 ("Interest round\n3 Mar", "Check-in 1\n31 Mar", "Check-in 2\n28 Apr"),
                 series, SCALE, "Round", "Balance")


def test_the_picture_is_a_png_of_a_thousand_by_seven_hundred():
    png = draw_trend(a_trend(Series("Anna", (2, 3, 4)), Series("Bram", (3, None, 5))))
    assert png.startswith(PNG_SIGNATURE)
    assert png_size(png) == (1000, 700)


def test_names_that_look_like_math_or_markup_are_drawn_as_text():
    png = draw_trend(a_trend(Series("$\\frac{1}{0}$ <b>", (1, 1, 1))))
    assert png.startswith(PNG_SIGNATURE)


def test_many_partners_and_rounds_still_draw():
    rounds = tuple(f"Check-in {n}" for n in range(1, 15))
    series = tuple(Series(f"P{n}", tuple((n + r) % 5 + 1 for r in range(14))) for n in range(12))
    png = draw_trend(Trend("t", rounds, series, SCALE, "x", "y"))
    assert png_size(png) == (1000, 700)


def test_the_data_must_fit_the_scale_and_the_rounds():
    with pytest.raises(ValueError):
        a_trend(Series("Anna", (2, 3)))
    with pytest.raises(ValueError):
        a_trend(Series("Anna", (2, 3, 6)))
    with pytest.raises(ValueError):
        Trend("t", (), (), SCALE[:4], "x", "y")
