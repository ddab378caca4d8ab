"""The core stays pure: no I/O libraries, no SDKs, no clock reads."""

from __future__ import annotations

import ast
from pathlib import Path

import conversations

FORBIDDEN_MODULES = {
    "slack_bolt", "slack_sdk", "telegram", "sqlalchemy", "aiohttp", "httpx", "requests",
    "socket", "asyncio", "storage", "bot", "time", "random", "secrets", "os", "subprocess",
}
FORBIDDEN_CALLS = {"now", "utcnow", "today", "open", "time"}


def _core_files() -> list[Path]:
    return sorted(Path(conversations.__file__).parent.rglob("*.py"))


def test_the_core_imports_no_io_or_sdk_module():
    offenders = []
    for path in _core_files():
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names
                          if n.split(".")[0] in FORBIDDEN_MODULES]
    assert offenders == []


def test_the_core_never_reads_the_clock_or_opens_files():
    offenders = []
    for path in _core_files():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if name in FORBIDDEN_CALLS:
                    offenders.append(f"{path.name}:{node.lineno} {name}()")
    assert offenders == []
