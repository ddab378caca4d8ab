"""PostgreSQL drops every connection of the bot (a restart, a failover): the next slash
command and answer go through on new connections, and the process holds its owner lock
again, so that no other process takes its messages for a dead one's."""

from __future__ import annotations

import pytest

from storage.owners import hold_owner
from tests.conftest import drop_connections, engine_for
from tests.fakes.slack_api import FakeSlackApi
from tests.slack.workspace import CHANNEL_ID, CHANNEL_NAME, Workspace, open_round, section_text
from tests.waiting import eventually


async def test_after_the_database_dropped_every_connection_the_next_command_is_answered(
        slack_api: FakeSlackApi, postgresql_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SLACK_APP_TOKEN", "TELEGRAM_BOT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    slack_api.add_channel(CHANNEL_ID, CHANNEL_NAME, [])
    # Leases of 1.5 s: the heartbeat that keeps the owner lock beats every 0.5 s.
    ws = await Workspace.start(slack_api, postgresql_url, runtime_options={"lease_seconds": 1.5})
    observer = engine_for(postgresql_url)
    try:
        anna = ws.user("U0ANNA", "anna")
        await open_round(anna)
        await anna.press("Let's start")

        assert drop_connections(postgresql_url) >= 2  # the pool's and the owner lock's

        # Slack does not send a slash command again: it must be answered the first time.
        reply = await anna.command("status", private=True)
        assert reply.status == 200
        assert "step 2 of 11" in section_text(anna.last_dm())
        await anna.say("Gemeente Utrecht")
        assert "3/11" in section_text(anna.last_dm())

        lease = ws.runtime.delivery.lease("slack")
        assert lease is not None and lease.owner is not None
        other_process = hold_owner(observer, 0)
        try:
            await eventually(lambda: other_process.alive({lease.owner}) == {lease.owner})
        finally:
            other_process.close()
    finally:
        await ws.stop()
        observer.dispose()
