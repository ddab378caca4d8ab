"""The partnership-size benchmark still runs end to end and prints its ratios (tiny sizes)."""

from __future__ import annotations

import pytest

from bench import partnership_size


def test_prints_cost_per_answer_and_ratios(capsys: pytest.CaptureFixture[str]) -> None:
    partnership_size.main(["--sizes", "2", "4", "--steps", "1"])

    out = capsys.readouterr().out
    assert "2 partners (SQLite): 2 answers, CPU" in out
    assert "4 partners (SQLite): 4 answers, CPU" in out
    assert "ratio 4 / 2 partners (SQLite):" in out
    for figure in ("CPU per answer", "wall per answer"):
        [line] = [x for x in out.splitlines() if x.strip().startswith(figure)]
        assert line.rstrip().endswith("×")
