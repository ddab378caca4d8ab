"""The benchmarks talk to fakes on loopback only: no proxies, PTB's new time behaviour."""

from __future__ import annotations

import pytest

from bench.common import PROXY_VARIABLES


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """What `bench.common.loopback_only` does to the environment, undone after the test."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
