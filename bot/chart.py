"""The check-in trend picture: a PNG drawn with matplotlib's Agg backend (no display).

Uses `matplotlib.figure.Figure` directly, never pyplot, so nothing global is touched
and pictures can be drawn from several threads.
"""

from __future__ import annotations

import io
import textwrap

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from conversations.trend import Trend

WIDTH_PX, HEIGHT_PX, DPI = 1000, 700, 100
COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2",
           "#17becf", "#7f7f7f", "#bcbd22")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "h", "p")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _plain(text: str) -> str:
    """Matplotlib reads `$…$` as math; user text must stay text."""
    return text.replace("$", r"\$")


def draw_trend(trend: Trend) -> bytes:
    """The trend as PNG bytes, 1000×700 px with large type: readable on a phone."""
    figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    xs = list(range(len(trend.x_labels)))
    count = max(len(trend.series), 1)
    # A small sideways offset per partner, so equal answers do not hide each other.
    spread = min(0.08, 0.4 / count)
    for n, series in enumerate(trend.series):
        offset = (n - (count - 1) / 2) * spread
        # Rounds a partner skipped are left out; the line joins the answers given.
        points = [(x + offset, v) for x, v in zip(xs, series.values, strict=True)
                  if v is not None]
        axes.plot(
            [x for x, _ in points], [v for _, v in points],
            color=COLOURS[n % len(COLOURS)], marker=MARKERS[n % len(MARKERS)],
            markersize=11, linewidth=2.5, label=_plain(series.name),
        )
    # "I bring more than I get" is the zone to talk about.
    axes.axhspan(3.5, 5.4, color="#d62728", alpha=0.06, zorder=0)
    axes.set_ylim(0.6, 5.4)
    axes.set_yticks([1, 2, 3, 4, 5])
    axes.set_yticklabels([_plain(textwrap.fill(label, 20)) for label in trend.y_labels],
                         fontsize=13)
    axes.set_xlim(-0.5, max(len(xs) - 0.5, 0.5))
    axes.set_xticks(xs)
    rotate = len(xs) > 5
    axes.set_xticklabels([_plain(label) for label in trend.x_labels], fontsize=13,
                         rotation=30 if rotate else 0, ha="right" if rotate else "center")
    axes.set_xlabel(_plain(trend.x_title), fontsize=15)
    axes.set_ylabel(_plain(trend.y_title), fontsize=15)
    axes.set_title(_plain(trend.title), fontsize=18, pad=14)
    axes.grid(axis="y", alpha=0.3)
    if trend.series:
        axes.legend(fontsize=13, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height from a PNG's header."""
    if not png.startswith(PNG_SIGNATURE):
        raise ValueError("not a PNG")
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
