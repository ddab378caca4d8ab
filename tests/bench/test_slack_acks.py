"""The Slack ack benchmark still runs end to end and prints its ratios (tiny sizes)."""

from __future__ import annotations

import re

import pytest

from bench import slack_acks


def test_prints_acks_cpu_and_ratios(capsys: pytest.CaptureFixture[str]) -> None:
    slack_acks.main(["--senders", "2", "--commands", "2"])

    out = capsys.readouterr().out
    assert "/optafel help, 2 concurrent senders × 2 commands (ours on SQLite):" in out
    assert "ratio ours / floor (SQLite):" in out
    assert "ratio ours / floor, answer in the ack (SQLite):" in out
    for figure in ("ack p50", "ack p99", "CPU per command"):
        lines = [x for x in out.splitlines() if x.strip().startswith(figure)]
        assert len(lines) == 2  # against each floor
        # A ratio, or n/a where the floor's CPU stayed under one clock tick (10 ms).
        assert all(re.search(r"(\d×|n/a)$", line.rstrip()) for line in lines)
