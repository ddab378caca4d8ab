"""A message Slack took just before the process was cut off is not posted again.

Every message from the outbox carries Slack message metadata (the outbox item and part);
an attempt that was cut off before Slack's answer came leaves the item in doubt, and the
next process reads the channel's history for that label before it sends anything.
"""

from __future__ import annotations

from tests.fakes.slack_api import FakeSlackApi
from tests.slack.workspace import CHANNEL_ID, Workspace, section_text
from tests.waiting import eventually


def _started(api: FakeSlackApi) -> list[str]:
    return [section_text(m) for m in api.in_channel(CHANNEL_ID)
            if "Round 1 has started" in section_text(m)]


async def _round_stalled_in_slack(api: FakeSlackApi, database_url: str,
                                  workspace: Workspace) -> Workspace:
    """Our own workspace with a short stop grace: Anna opens a round, and Slack takes its
    announcement but its answer never reaches us (the send hangs)."""
    await workspace.stop()  # this test starts its own, with a short grace period
    first = await Workspace.start(api, database_url, runtime_options={"shutdown_grace": 0.1})
    anna = first.user("U0ANNA", "anna")
    await anna.command("setup")
    api.stall_next("chat.postMessage", channel=CHANNEL_ID)
    await anna.command("round", settle=False)
    await api.stalled.wait()  # Slack has it; the answer never reaches us ...
    return first


async def test_a_message_slack_took_before_a_stop_is_not_posted_again(
        slack_api: FakeSlackApi, database_url: str, workspace: Workspace) -> None:
    first = await _round_stalled_in_slack(slack_api, database_url, workspace)
    assert len(_started(slack_api)) == 1
    await first.stop()  # ... because the process stops: the item goes back, in doubt

    second = await Workspace.start(slack_api, database_url)
    try:
        await second.settle()
        assert len(_started(slack_api)) == 1  # not posted again
        looked = slack_api.calls_to("conversations.history")
        assert [c.params["channel"] for c in looked] == [CHANNEL_ID]
        posted = next(m for m in slack_api.in_channel(CHANNEL_ID)
                      if "Round 1 has started" in section_text(m))
        assert posted.metadata is not None and posted.metadata["event_type"] == "optafel_outbox"
    finally:
        await second.stop()


async def test_every_message_from_the_outbox_is_labelled_and_nothing_is_looked_up(
        slack_api: FakeSlackApi, workspace: Workspace) -> None:
    anna = workspace.user("U0ANNA", "anna")
    await anna.command("setup")
    await anna.command("round")
    posted = slack_api.in_channel(CHANNEL_ID) + anna.dms()
    assert posted and all(m.metadata and m.metadata["event_type"] == "optafel_outbox"
                          for m in posted)
    ids = [(m.metadata["event_payload"]["outbox_id"], m.metadata["event_payload"]["part"])
           for m in posted if m.metadata]
    assert len(set(ids)) == len(ids)
    assert slack_api.calls_to("conversations.history") == []  # only after a cut-off


async def test_a_channel_waiting_out_a_long_rate_limit_holds_up_no_one_else(
        slack_api: FakeSlackApi, database_url: str, workspace: Workspace) -> None:
    await workspace.stop()  # this test starts its own, with a short grace period
    first = await Workspace.start(slack_api, database_url,
                                  runtime_options={"shutdown_grace": 0.1})
    anna, bram = first.user("U0ANNA", "anna"), first.user("U0BRAM", "bram")
    dewi = first.user("U0DEWI", "dewi")
    await dewi.command("setup")
    await dewi.command("partners <@U0ANNA|anna> <@U0BRAM|bram>")
    # Slack asks for an hour's wait on the channel; slack_sdk waits it out inside the call.
    slack_api.rate_limit_next("chat.postMessage", retry_after=3600, channel=CHANNEL_ID)
    await dewi.command("round", settle=False)
    await eventually(lambda: anna.dms() and bram.dms())  # the welcomes went meanwhile
    await anna.press("Let's start", settle=False)  # and her answer is not held up either
    await eventually(lambda: "Which organisation" in section_text(anna.last_dm()))
    assert _started(slack_api) == []
    limited = [c for c in slack_api.calls_to("chat.postMessage") if c.status == 429]
    assert [c.params["channel"] for c in limited] == [CHANNEL_ID]
    await first.stop()  # the wait is cut off: the announcement goes back, due at once

    second = await Workspace.start(slack_api, database_url)
    try:
        await second.settle()
        assert len(_started(slack_api)) == 1
        assert len(anna.dms()) == 2 and len(bram.dms()) == 1  # nothing twice
    finally:
        await second.stop()


async def test_without_the_history_scope_the_message_in_doubt_is_sent_anyway(
        slack_api: FakeSlackApi, database_url: str, workspace: Workspace) -> None:
    first = await _round_stalled_in_slack(slack_api, database_url, workspace)
    await first.stop()

    slack_api.fail_next("conversations.history", "missing_scope")  # an older installation
    second = await Workspace.start(slack_api, database_url)
    try:
        await second.settle()
        assert len(_started(slack_api)) == 2  # sent again: better twice than never
    finally:
        await second.stop()
