"""A complete interest round with three partners, through Slack alone."""

from __future__ import annotations

from tests.fakes.slack_api import BOT_USER_ID
from tests.slack.workspace import (
    CHANNEL_ID,
    Workspace,
    elements,
    open_round,
    raw_section_text,
    section_text,
    walk,
)


async def test_a_complete_round_through_slack(workspace: Workspace) -> None:
    api = workspace.api
    anna = workspace.user("U0ANNA", "anna")
    bert = workspace.user("U0BERT", "bert")
    carla = workspace.user("U0CARLA", "carla")
    api.add_user("B0POLLY", "polly", is_bot=True)  # another app in the channel
    api.channels[CHANNEL_ID].members.insert(0, "B0POLLY")

    # Slack checks the request URL once when it is entered in the app settings.
    verification = await workspace.requests.url_verification("challenge-xyz")
    assert verification.status == 200 and "challenge-xyz" in verification.body

    reply = await anna.command("setup")
    assert reply.status == 200
    assert "ready in samen-sterk" in workspace.channel_text()
    assert "anna is the coordinator" in workspace.channel_text()

    await anna.command("partners")  # nobody named: the channel's humans but the coordinator
    assert "The partners: bert and carla." in workspace.channel_text()
    await anna.command("partners <@U0ANNA|anna> <@U0BERT> <@U0CARLA>")  # sets the list
    assert "The partners: anna, bert and carla." in workspace.channel_text()
    assert "polly" not in workspace.channel_text()
    assert len(api.calls_to("conversations.members")) >= 2  # followed next_cursor

    await anna.command("round")
    announcement = workspace.channel_messages()[-1]
    assert "Round 1 has started" in section_text(announcement)
    assert [e["text"]["text"] for e in elements(announcement)] == ["I'm taking part"]
    for person in (anna, bert, carla):
        [welcome] = person.dms()
        assert "Welcome to Op Tafel" in section_text(welcome)
        assert {e["text"]["text"] for e in elements(welcome)} == {"Let's start", "Later"}
        assert welcome.text  # plain fallback for notifications

    await walk(anna, "Gemeente Utrecht", gets=("Knowledge", "Network"),
               get_note="Introductions to schools", gives=("Money",), balance="About even")
    # A pressed question shows the choice and can no longer be pressed.
    welcome = anna.dms()[0]
    assert welcome.edits >= 1 and elements(welcome) == []
    balance = next(m for m in anna.dms() if "7/11" in section_text(m))
    assert elements(balance) == [] and "About even" in section_text(balance)
    gets = [m for m in anna.dms() if "5/11" in section_text(m)][-1]  # the one pressed
    assert elements(gets) == []
    assert "Knowledge, Network and access" in section_text(gets)
    assert "sealed" in section_text(anna.last_dm())

    await walk(bert, "Hogeschool Noord", gets=("Money",), gives=("Knowledge", "Capacity"),
               balance="I bring a bit more than I get")
    await walk(carla, "Bibliotheek Oost", gets=("Facilities",), gives=("Network",),
               seal=False)

    await anna.command("status")
    status = anna.ephemerals()[-1]
    assert "anna: ✓ sealed" in status and "bert: ✓ sealed" in status
    assert "carla: busy" in status
    assert "Gemeente Utrecht" not in status  # who answered, never what
    posted_before = len(workspace.channel_messages())

    await carla.press("Seal my answers")
    assert any("Everyone in samen-sterk has sealed" in section_text(m) for m in anna.dms())

    await anna.command("reveal")
    reveal = workspace.channel_messages()[posted_before:]
    shown = "\n".join(section_text(m) for m in reveal)
    for organisation in ("Gemeente Utrecht", "Hogeschool Noord", "Bibliotheek Oost"):
        assert organisation in shown
    for user_id in ("U0ANNA", "U0BERT", "U0CARLA"):
        assert f"<@{user_id}>" in shown  # named partners are mentioned
    assert "Introductions to schools" in shown
    assert "bert wants to learn" in shown
    assert all(m.text for m in reveal)
    # Every call the app made was accepted by "Slack".
    assert [c.method for c in api.calls if not c.ok] == []
    assert BOT_USER_ID not in {c.params.get("users") for c in api.calls_to("conversations.open")}


async def test_typed_formatting_shows_as_typed_in_the_channel(workspace: Workspace) -> None:
    """Slack mrkdwn would make `*bold*` bold; a partner's answer must show as typed."""
    anna = workspace.user("U0ANNA", "anna")
    typed = "*bold* _it_ ~x~ `code`"
    await open_round(anna)
    await walk(anna, typed, own_interest="a*b*c and *also bold*")
    await anna.command("reveal")
    received = [raw_section_text(m) for m in workspace.channel_messages()]
    received += [m.text for m in workspace.channel_messages()]  # the fallback text
    for raw in received:
        for styled in ("*bold*", "_it_", "~x~", "`code`", "*also bold*"):
            assert styled not in raw  # no marker pair Slack would style
    shown = "\n".join(section_text(m) for m in workspace.channel_messages())
    assert typed in shown  # every typed character is there, as typed


async def test_exports_are_uploaded_into_the_direct_message(workspace: Workspace) -> None:
    api = workspace.api
    anna = workspace.user("U0ANNA", "anna")
    bert = workspace.user("U0BERT", "bert")
    await anna.command("setup")
    await anna.command("partners <@U0BERT>")
    await anna.command("round")
    await walk(bert, "Hogeschool Noord", own_interest="Bert-Own-Marker")
    await anna.command("reveal")
    await anna.command("export all")
    await bert.command("export", private=True)
    await workspace.settle()
    uploaded = {f["filename"]: f for f in api.files.values()}
    to_anna = [f for f in uploaded.values() if f["channel"] == anna.im]
    to_bert = [f for f in uploaded.values() if f["channel"] == bert.im]
    assert sorted(f["filename"].rsplit(".", 1)[1] for f in to_anna) == ["csv", "json"]
    assert sorted(f["filename"].rsplit(".", 1)[1] for f in to_bert) == ["csv", "json"]
    assert all(b"Bert-Own-Marker" in f["data"] for f in to_bert)
    assert not any(f["channel"] == CHANNEL_ID for f in uploaded.values())
