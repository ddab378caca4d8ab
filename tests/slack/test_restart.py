"""After a restart: old buttons still work, and status shows where you are, with buttons."""

from __future__ import annotations

import pytest

from tests.fakes.slack_api import FakeSlackApi
from tests.slack.workspace import CHANNEL_ID, CHANNEL_NAME, Workspace, open_round, section_text


async def test_a_button_pressed_after_a_restart_still_answers(
        slack_api: FakeSlackApi, database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SLACK_APP_TOKEN", "TELEGRAM_BOT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    slack_api.add_channel(CHANNEL_ID, CHANNEL_NAME, [])
    first = await Workspace.start(slack_api, database_url)
    try:
        anna = first.user("U0ANNA", "anna")
        await open_round(anna)
        await anna.press("Let's start")
        await anna.say("Gemeente Utrecht")
        asked = anna.last_dm()
        assert "3/11" in section_text(asked)
    finally:
        await first.stop()

    second = await Workspace.start(slack_api, database_url)  # a new process, same database
    try:
        anna = second.user("U0ANNA", "anna")
        await anna.press("Skip", on=asked)  # a button the first process sent
        assert "4/11" in section_text(anna.last_dm())

        await anna.command("status", private=True)
        status = anna.last_dm()
        assert "step 4 of 11" in section_text(status)
        assert "Your own interest" in section_text(status)
        await anna.press("Skip", on=status)  # the status's buttons work
        assert "5/11" in section_text(anna.last_dm())
    finally:
        await second.stop()
