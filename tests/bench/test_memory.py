"""The memory benchmark still runs round after round and prints its ratios (tiny sizes)."""

from __future__ import annotations

import pytest

from bench import memory


def test_prints_memory_after_each_round_and_the_ratio(capsys: pytest.CaptureFixture[str]
                                                      ) -> None:
    memory.main(["--partners", "1", "--rounds", "2"])

    out = capsys.readouterr().out
    assert "a partnership of 1, 2 rounds (SQLite):" in out
    assert [line.split(":")[0].strip() for line in out.splitlines()
            if line.strip().startswith("round ") and "live" in line] == ["round   1",
                                                                         "round   2"]
    for figure in ("live memory", "resident memory"):
        [line] = [x for x in out.splitlines() if x.strip().startswith(figure)]
        assert line.rstrip().endswith("×")
