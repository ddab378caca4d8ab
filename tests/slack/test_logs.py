"""Logs during a Slack round: never the bot token, the signing secret or an answer."""

from __future__ import annotations

import logging

import pytest

from tests.conftest import ANSWER_KEY
from tests.fakes.slack_api import BOT_TOKEN
from tests.fakes.slack_requests import SIGNING_SECRET
from tests.log_capture import logged
from tests.slack.workspace import Workspace, open_round, section_text, walk

MARKERS = ("MARKER-ORG-s1", "MARKER-OWN-s2", "MARKER-HOPE-s3")


@pytest.fixture
def workspace_settings() -> dict[str, object]:
    """Every log on, the per-request access log too: none of it may show a secret."""
    return {"optafel_access_log": True}


async def test_a_full_round_logs_no_secret_and_no_answer(workspace: Workspace,
                                                         caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.DEBUG)
    anna = workspace.user("U0ANNA", "anna")
    await open_round(anna)
    org, own, hope = MARKERS
    await walk(anna, org, own_interest=own, expectations=hope)
    await anna.command("reveal")
    shown = "\n".join(section_text(m) for m in workspace.channel_messages())
    assert org in shown  # the answers did travel, through the Web API
    text = logged(caplog)
    assert len(caplog.records) > 5
    for secret in (BOT_TOKEN, SIGNING_SECRET, ANSWER_KEY, *MARKERS):
        assert secret not in text
