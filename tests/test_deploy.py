"""deploy/ works as written: reachable in its container, secrets from the environment,
published on loopback for a reverse proxy, a pinned base image."""

from __future__ import annotations

import re
from pathlib import Path

DEPLOY = Path(__file__).parents[1] / "deploy"


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
    assert re.fullmatch(r"python:\d+\.\d+\.\d+-slim-\w+(@sha256:[0-9a-f]{64})?", base)
    [db] = re.findall(r"image: (\S+)", (DEPLOY / "compose.yml").read_text())
    assert re.fullmatch(r"postgres:\d+\.\d+(-\w+)?", db)
    [health] = re.findall(r"^HEALTHCHECK .*$", dockerfile, re.M)
    assert "OPTAFEL_PORT" in health
