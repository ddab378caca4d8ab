"""What Telegram limits and errors do to a round: escaping, splitting, blocking, 429, 400."""

from __future__ import annotations

from tests.fakes.telegram_api import TEXT_LIMIT, utf16_length
from tests.fakes.telegram_updates import TgUser
from tests.telegram.world import GROUP, Member, World

ANNA = TgUser(3001, "Anna", "de Vries")
BERT = TgUser(3002, "Bert")
CARLA = TgUser(3003, "Carla", "Jansen")


async def _open_round(world: World, *people: Member) -> str:
    """Anna sets up and opens a round; the people follow the invitation."""
    anna = world.member(ANNA)
    await anna.in_group("/setup")
    invitation = await anna.in_group("/round")
    token = world.fake.deep_link_payload(invitation)
    for person in people:
        await person.start(token)
    return token


async def test_user_text_is_revealed_literally(world: World) -> None:
    anna, bert = world.member(ANNA), world.member(BERT)
    await _open_round(world, anna, bert)
    tricky = "We want <b>bold</b> plans </a> & <i>more</i> &amp; 1 < 2"
    await anna.interview(organisation="A&B <Consult>", org_interest=tricky,
                         own_interest="<script>alert(1)</script>")
    await bert.interview(organisation="Bert & Co", org_interest="Plain",
                         own_interest="Also plain")
    await anna.in_group("/reveal")
    await world.settle()
    text = world.group_text()
    assert tricky in text
    assert "A&B <Consult>" in text and "<script>alert(1)</script>" in text
    # Telegram parsed every message: no "can't parse entities", nothing lost.
    assert all(c.ok for c in world.fake.calls_of("sendMessage"))
    assert all(c.ok for c in world.fake.calls_of("editMessageText"))


def _long(tag: str, length: int = 1900) -> str:
    words = []
    n = 0
    while len(" ".join(words)) < length:
        words.append(f"{tag}{n}")
        n += 1
    return " ".join(words)[:length].rstrip()


async def test_a_long_reveal_arrives_split_in_order_and_complete(world: World) -> None:
    people = [world.member(u) for u in (ANNA, BERT, CARLA)]
    await _open_round(world, *people)
    answers = {}
    for person in people:
        tag = person.user.first_name.lower()
        answers[person.name] = (_long(f"{tag}-org-"), _long(f"{tag}-own-"))
        await person.interview(organisation=f"Org of {person.name}",
                               org_interest=answers[person.name][0],
                               own_interest=answers[person.name][1],
                               expectations=_long(f"{tag}-exp-", 1500))
    await world.settle()
    before = len(world.group())
    # 429s on the second part of the reveal, more than the rate limiter absorbs: the
    # outbox sends the reveal again later, and the part that arrived is not repeated.
    world.fake.rate_limit_next("sendMessage", 1, after=1)
    world.fake.rate_limit_next("sendMessage", 1)
    world.fake.rate_limit_next("sendMessage", 1)
    await people[0].in_group("/reveal")
    await world.settle()
    parts = world.group()[before:]
    assert len(parts) >= 3
    for part in parts:
        assert utf16_length(part.text) <= TEXT_LIMIT
    assert parts[0].text.startswith("On the table — Samen Sterk, round 1")
    assert "To talk about" in parts[-1].text
    whole = "\n\n".join(p.text for p in parts)
    for org, own in answers.values():
        assert org in whole and own in whole  # each answer whole, in one message
    assert len({p.text for p in parts}) == len(parts)  # no part twice
    assert len([c for c in world.fake.calls_of("sendMessage") if c.status == 429]) == 3
    # The cards come in partner order, each complete, none cut off.
    positions = [whole.index(f"Org of {p.name}") for p in people]
    assert positions == sorted(positions)


async def test_a_blocked_partner_shows_as_unreachable_and_the_round_goes_on(
    world: World,
) -> None:
    anna, bert, carla = (world.member(u) for u in (ANNA, BERT, CARLA))
    await _open_round(world, anna, bert, carla)
    await bert.press("Let's start")
    world.fake.block(BERT)  # Bert blocks the bot halfway

    reminded = await anna.in_group("/remind")
    assert "Bert" in reminded.text
    await world.settle()
    refused = [c for c in world.fake.calls_of("sendMessage")
               if str(c.params.get("chat_id")) == str(BERT.id) and not c.ok]
    assert len(refused) == 1 and refused[0].status == 403  # permanent: not retried
    assert any("couldn't write to Bert" in m.text for m in anna.inbox())

    status = await anna.in_group("/status")
    assert "Bert: busy (step 2 of 11) — I can't reach them privately" in status.text
    assert "Carla Jansen: not started yet" in status.text
    assert "can't reach" not in status.text.split("Carla Jansen")[1]

    # The others go on, and the reveal happens without Bert.
    await anna.interview(organisation="Gemeente", org_interest="Safety",
                         own_interest="Recognition")
    await carla.interview(organisation="Buurtteam", org_interest="Reach",
                          own_interest="Less paperwork")
    reveal = await anna.in_group("/reveal force")
    assert "2 of 3 partners took part" in reveal.text

    # Writing to the bot again makes Bert reachable again.
    await bert.say("/status")
    status = await anna.in_group("/status")
    assert "can't reach" not in status.text


async def test_a_429_delays_and_loses_nothing(world: World) -> None:
    anna = world.member(ANNA)
    fake = world.fake
    # More 429s than the rate limiter absorbs itself: the outbox retries later.
    for _ in range(3):
        fake.rate_limit_next("sendMessage", 1)
    await fake.group_command(ANNA, GROUP, "/setup")
    await fake.group_command(ANNA, GROUP, "/round")
    await fake.wait_for_message(GROUP.id, 2, timeout=15)
    await world.settle()
    limited = [c for c in fake.calls_of("sendMessage") if c.status == 429]
    delivered = [c for c in fake.calls_of("sendMessage") if c.ok]
    assert len(limited) == 3
    assert delivered[0].at - limited[0].at >= 3.0  # waited as told, each time
    setup, invitation = world.group()
    assert "Samen Sterk" in setup.text and "Round 1 has started" in invitation.text
    assert len(delivered) == 2  # each message exactly once, in order
    welcome = await anna.start(fake.deep_link_payload(invitation))
    assert "Welcome" in welcome.text


async def test_a_group_the_bot_cannot_post_in_is_reported_to_the_coordinator(
    world: World,
) -> None:
    anna = world.member(ANNA)
    await _open_round(world, anna)
    world.fake.bad_request_next("sendMessage", "Bad Request: not enough rights to send "
                                               "text messages to the chat")
    await world.fake.group_command(ANNA, GROUP, "/language nl")
    await world.settle()
    failed = [c for c in world.fake.calls_of("sendMessage") if c.status == 400]
    assert len(failed) == 1  # a 400 is not retried
    assert "not enough rights" in anna.last().text.lower()


async def test_pressing_start_after_unblocking_brings_the_question_back(world: World) -> None:
    anna, bert = world.member(ANNA), world.member(BERT)
    await _open_round(world, anna, bert)
    await bert.press("Let's start")
    world.fake.block(BERT)
    await anna.in_group("/remind")
    await world.settle()
    assert "I can't reach them privately" in (await anna.in_group("/status")).text

    again = await bert.start()  # unblocks, and plain Start (no invitation link)
    assert again.text.startswith("Welcome back!") and "2/11" in again.text
    assert "can't reach" not in (await anna.in_group("/status")).text
    await bert.say("Buurtteam")  # and the interview goes on from there
    assert "3/11" in bert.last().text


async def test_a_coordinator_without_a_private_chat_is_told_once_in_the_group(
    world: World,
) -> None:
    carla, bert = world.member(CARLA), world.member(BERT)  # Carla never starts the bot
    await carla.in_group("/setup")
    token = world.fake.deep_link_payload(await carla.in_group("/round"))
    await bert.start(token)
    await bert.interview(organisation="Buurtteam", org_interest="Reach", own_interest="Time")
    await world.settle()  # "everyone has sealed" cannot reach Carla privately
    await carla.in_group("/reveal")
    await carla.in_group("/export")  # the export, privately: it cannot arrive either
    await world.settle()
    refused = [c for c in world.fake.calls_of("sendMessage")
               if str(c.params.get("chat_id")) == str(CARLA.id) and not c.ok]
    assert len(refused) == 2  # "everyone has sealed" and the export
    told = [m for m in world.group() if "I can't send you private messages" in m.text]
    assert len(told) == 1 and told[0].text.startswith("Carla Jansen, ")
