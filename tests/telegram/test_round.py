"""A complete interest round with three partners, through Telegram alone."""

from __future__ import annotations

from tests.fakes.telegram_api import BOT_USERNAME
from tests.fakes.telegram_updates import TgUser
from tests.telegram.world import GROUP, World

ANNA = TgUser(1001, "Anna", "de Vries", username="annadv", language_code="nl")
BERT = TgUser(1002, "Bert", language_code="en")
CARLA = TgUser(1003, "Carla", "Jansen")
DIRK = TgUser(1004, "Dirk")


async def test_a_complete_round_through_telegram(world: World) -> None:
    fake = world.fake
    anna, bert, carla = (world.member(u) for u in (ANNA, BERT, CARLA))

    # At start: the command menus, for groups and private chats, in Dutch and English.
    assert {key for key in fake.commands} == {
        ("all_group_chats", ""), ("all_group_chats", "en"),
        ("all_private_chats", ""), ("all_private_chats", "en"),
    }
    assert "deel" in [c["command"] for c in fake.commands[("all_group_chats", "")]]
    assert "reveal" in [c["command"] for c in fake.commands[("all_group_chats", "en")]]

    reply = await anna.in_group(f"/setup@{BOT_USERNAME}")
    assert "Samen Sterk" in reply.text and "Anna de Vries" in reply.text

    # Someone else's bot command is not for us; ours without the @name is.
    await anna.in_group("/status")
    before = len(world.group())
    await fake.group_command(ANNA, GROUP, "/status@SomeOtherBot")
    await world.settle()
    assert len(world.group()) == before

    invitation = await anna.in_group("/round")
    assert "Round 1 has started" in invitation.text
    [join] = invitation.buttons
    assert join["text"] == "I'm taking part"
    assert join["url"].startswith(f"https://t.me/{BOT_USERNAME}?start=")
    token = fake.deep_link_payload(invitation)
    assert 16 <= len(token) <= 64

    # Each partner taps the link and presses Start: the interview opens privately.
    for person in (anna, bert, carla):
        welcome = await person.start(token)
        assert "Welcome to Op Tafel" in welcome.text
        assert [b["text"] for b in welcome.buttons] == ["Let's start", "Later"]

    status = await anna.in_group("/status")
    assert "Round 1" in status.text
    for person in (anna, bert, carla):
        assert f"{person.name}: not started yet" in status.text

    thanks = await anna.interview(
        organisation="Gemeente Utrecht", org_interest="Fewer school dropouts",
        own_interest="A project that carries my name", gets=("Knowledge", "Network"),
        gives=("Money",),
    )
    assert "sealed" in thanks.text
    # A used keyboard is gone: the welcome and the balance question cannot be pressed again.
    welcome, *_ = anna.inbox()
    assert welcome.edits >= 1 and welcome.buttons == []
    balance = next(m for m in anna.inbox() if "7/11" in m.text)
    assert balance.buttons == [] and "About even" in balance.text
    gets = next(m for m in anna.inbox() if "5/11" in m.text and m.edits)
    assert "Knowledge" in gets.text and gets.buttons == []

    await bert.interview(
        organisation="Hogeschool Noord", org_interest="Internships for students",
        own_interest="Research data", gets=("Money",), gives=("Knowledge", "Capacity"),
        balance="I bring a bit more than I get",
    )

    status = await anna.in_group("/status")
    assert f"{anna.name}: ✓ sealed" in status.text
    assert f"{carla.name}: busy" in status.text or f"{carla.name}: not started" in status.text
    # Who has answered — never what.
    assert "Fewer school dropouts" not in world.group_text()

    waiting = await anna.in_group("/reveal")
    assert "Still waiting for: Carla Jansen" in waiting.text

    # Not a coordinator: Bert may not reveal.
    refused = await bert.in_group("/reveal force")
    assert "coordinator" in refused.text.lower()

    await carla.interview(
        organisation="Buurtteam Oost", org_interest="Reach families earlier",
        own_interest="Less paperwork", gets=("Knowledge",), gives=("Network",),
    )
    await fake.wait_for(lambda: any("Everyone in Samen Sterk" in m.text for m in anna.inbox()),
                        what="the coordinator to hear that everyone has sealed")

    reveal = await anna.in_group("/reveal")
    await world.settle()
    text = world.group_text()
    assert "On the table — Samen Sterk, round 1" in reveal.text
    for answer in ("Fewer school dropouts", "Internships for students", "Reach families earlier",
                   "Gemeente Utrecht", "Hogeschool Noord", "Buurtteam Oost"):
        assert answer in text
    assert "Matches" in text
    # Names in the reveal link to the people.
    assert f'<a href="tg://user?id={ANNA.id}">' in "".join(m.html for m in world.group())

    # Every callback query was answered (no spinning buttons), nothing was refused.
    presses = [c for c in fake.calls if c.method == "answerCallbackQuery"]
    assert presses and all(c.ok for c in presses)
    assert len(fake.answered) == len(presses)
    assert all(c.ok for c in fake.calls_of("sendMessage") + fake.calls_of("editMessageText"))
    assert len(fake.calls_of("getUpdates")) >= 1 and fake.calls_of("deleteWebhook")


async def test_exports_arrive_as_documents_in_the_private_chat(world: World) -> None:
    fake = world.fake
    anna, bert = world.member(ANNA), world.member(BERT)
    await anna.in_group("/setup")
    token = fake.deep_link_payload(await anna.in_group("/round"))
    for person in (anna, bert):
        await person.start(token)
    await anna.interview(organisation="Gemeente Utrecht", org_interest="Fewer dropouts",
                         own_interest="Anna-Own-Marker")
    await bert.interview(organisation="Hogeschool", org_interest="Internships",
                         own_interest="Bert-Own-Marker")
    await anna.in_group("/reveal")
    await fake.group_command(ANNA, GROUP, "/export all")
    await bert.say("/export")
    await world.settle()
    anna_files = dict(s.document for s in anna.inbox() if s.document)
    bert_files = dict(s.document for s in bert.inbox() if s.document)
    assert sorted(name[-4:] for name in anna_files) == [".csv", "json"]
    assert "Bert-Own-Marker" in anna_files[next(n for n in anna_files if n.endswith("json"))
                                           ].decode()  # revealed: in the reveal export
    [own] = [data for name, data in bert_files.items() if name.endswith(".json")]
    assert "Bert-Own-Marker" in own.decode() and "Anna-Own-Marker" not in own.decode()
    assert all(not s.document for s in world.group())  # files go privately only
