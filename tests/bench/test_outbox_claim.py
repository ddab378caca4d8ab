"""The outbox claim benchmark still runs end to end and prints its ratios (tiny sizes)."""

from __future__ import annotations

import pytest

from bench import outbox_claim


def test_prints_claim_costs_and_ratios(capsys: pytest.CaptureFixture[str]) -> None:
    outbox_claim.main(["--history", "200", "--backlog", "30", "--repeat", "2"])

    out = capsys.readouterr().out
    assert "10 waiting, 200 delivered" in out and "30 waiting to one destination" in out
    assert "ratio (SQLite):" in out
    for figure in ("200 delivered / empty outbox", "30 / 3 waiting to one destination"):
        [line] = [x for x in out.splitlines() if x.strip().startswith(figure)]
        assert line.rstrip().endswith("×")
