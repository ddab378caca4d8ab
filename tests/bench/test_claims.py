"""The claims benchmark still runs end to end and prints its ratios (tiny sizes)."""

from __future__ import annotations

import pytest

from bench import claims


def test_prints_claim_costs_and_ratios(capsys: pytest.CaptureFixture[str]) -> None:
    claims.main(["--history", "200", "--backlog", "30", "--repeat", "2"])

    out = capsys.readouterr().out
    assert "outbox: 10 waiting, 200 delivered" in out
    assert "outbox: 30 waiting to one destination" in out
    assert "inbox: 10 waiting, 200 decided" in out
    assert "ratio (SQLite):" in out
    for figure in ("outbox: 200 delivered / empty", "outbox: 30 / 3 waiting to one destination",
                   "inbox: 200 decided / empty"):
        [line] = [x for x in out.splitlines() if x.strip().startswith(figure)]
        assert line.rstrip().endswith("×")
