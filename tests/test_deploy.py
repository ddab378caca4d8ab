"""deploy/ works as written: reachable in its container, secrets from the environment,
published on loopback for a reverse proxy, a pinned base image."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

DEPLOY = Path(__file__).parents[1] / "deploy"
PYPROJECT = Path(__file__).parents[1] / "pyproject.toml"


def _settings(text: str) -> dict[str, str]:
    """The NAME=value lines that are not commented out."""
    return dict(line.split("=", 1) for line in text.splitlines()
                if re.match(r"^[A-Z_]+=", line))


def test_the_env_example_does_not_pin_the_container_to_its_own_loopback():
    env = _settings((DEPLOY / "env.example").read_text())
    assert "OPTAFEL_HOST" not in env  # compose's env_file would override the image's 0.0.0.0
    assert "ENV OPTAFEL_HOST=0.0.0.0" in (DEPLOY / "Dockerfile").read_text()


def test_compose_takes_the_database_password_from_the_environment():
    compose = (DEPLOY / "compose.yml").read_text()
    assert re.search(r"POSTGRES_PASSWORD: \$\{POSTGRES_PASSWORD:\?", compose)
    assert "optafel:${POSTGRES_PASSWORD:?" in compose  # in DATABASE_URL too
    assert not re.search(r"POSTGRES_PASSWORD: [^$]", compose)
    assert not re.search(r"postgresql\+psycopg://optafel:[^$]", compose)


def test_compose_takes_the_answer_key_from_the_environment():
    compose = (DEPLOY / "compose.yml").read_text()
    assert re.search(r"OPTAFEL_ANSWER_KEY: \$\{OPTAFEL_ANSWER_KEY:\?", compose)
    assert "OPTAFEL_ANSWER_KEY" not in _settings((DEPLOY / "env.example").read_text())


def test_the_port_is_published_on_loopback_only():
    compose = (DEPLOY / "compose.yml").read_text()
    ports = re.findall(r'^\s+- "([^"]+)"$', compose, re.M)
    assert ports and all(p.startswith("127.0.0.1:") for p in ports)


def test_images_are_pinned_and_the_healthcheck_uses_the_configured_port():
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    [base] = re.findall(r"^FROM (\S+)", dockerfile, re.M)
    assert re.fullmatch(r"python:\d+\.\d+\.\d+-slim-\w+@sha256:[0-9a-f]{64}", base)
    [db] = re.findall(r"image: (\S+)", (DEPLOY / "compose.yml").read_text())
    assert re.fullmatch(r"postgres:\d+\.\d+(-\w+)?", db)
    [health] = re.findall(r"^HEALTHCHECK .*$", dockerfile, re.M)
    assert "OPTAFEL_PORT" in health


def _locked() -> dict[str, str]:
    """name → version of every package in the lock; every line pins one file by hash."""
    pins = {}
    for line in (DEPLOY / "requirements.lock").read_text().splitlines():
        if not line or line.startswith("#"):
            continue
        found = re.fullmatch(r"([a-z0-9.-]+)==(\S+) --hash=sha256:[0-9a-f]{64}", line)
        assert found, line
        pins[found.group(1)] = found.group(2)
    return pins


def test_every_dependency_is_locked_to_a_version_it_allows():
    project = tomllib.loads(PYPROJECT.read_text())["project"]
    needed = [*project["dependencies"], *project["optional-dependencies"]["postgres"]]
    locked = _locked()
    for text in needed:
        requirement = Requirement(text)
        name = requirement.name.lower().replace("_", "-")
        assert name in locked, name
        assert requirement.specifier.contains(locked[name]), (name, locked[name])


def test_the_image_installs_exactly_the_lock_for_its_python():
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert "pip install --no-cache-dir --require-hashes -r deploy/requirements.lock" in dockerfile
    assert "--no-deps" in dockerfile  # the project itself brings nothing unlocked
    [base] = re.findall(r"^FROM python:(\d+\.\d+)\.", dockerfile, re.M)
    header = (DEPLOY / "requirements.lock").read_text().splitlines()[0]
    assert f"CPython {base} " in header
