"""The Telegram reply benchmark still runs end to end and prints its ratios (tiny sizes)."""

from __future__ import annotations

import re

import pytest

from bench import telegram_replies


def test_prints_latencies_and_ratios(capsys: pytest.CaptureFixture[str]) -> None:
    telegram_replies.main(["--partners", "2", "--pause", "0.05"])

    out = capsys.readouterr().out
    assert "2 partners at one moment (SQLite)" in out
    assert "ratio ours / floor (SQLite):" in out
    for kind in ("typed answer", "checkbox press"):  # calls per update and per second, CPU
        [line] = [x for x in out.splitlines() if x.strip().startswith(kind)]
        assert re.search(r"floor .*\(\d\.\d calls, [\d.]+/s, CPU [\d.,]+ ms\) +ours .*"
                         r"\(\d\.\d calls, [\d.]+/s, CPU [\d.,]+ ms\)", line)
    for kind in ("typed answer", "checkbox press"):
        [line] = [x for x in out.splitlines() if x.strip().startswith(f"2 partners, {kind}")]
        assert re.search(r"p50 +[\d.,]+× +p99 +[\d.,]+× +CPU +[\d.,]+×", line)
