"""A Telegram group ready for a long reveal, set up before `optafel run` takes over.

The set-up runs our app in this process (as `tests.telegram.world` does: the same service
`optafel run` builds), on the same database and fake Bot API; then it stops cleanly and
the crash tests start the real program for the part where it gets killed.
"""

from __future__ import annotations

from tests.crash.bot_process import BotProcess, Bots
from tests.fakes.telegram_api import BOT_TOKEN, Call, FakeTelegram, Sent
from tests.fakes.telegram_updates import TgUser
from tests.telegram.world import GROUP, World

ANNA = TgUser(3001, "Anna", "de Vries")  # the coordinator
BERT = TgUser(3002, "Bert")
CARLA = TgUser(3003, "Carla", "Jansen")
PARTNERS = (ANNA, BERT, CARLA)


def long_text(tag: str, length: int = 1900) -> str:
    """Distinct words up to `length` characters: each answer findable, none a copy."""
    words: list[str] = []
    while len(" ".join(words)) < length:
        words.append(f"{tag}{len(words)}")
    return " ".join(words)[:length].rstrip()


async def ready_to_reveal(fake: FakeTelegram, database_url: str) -> dict[str, str]:
    """Three partners sealed long answers (a reveal of several parts); returns every typed
    answer by a name for it. Anna, the coordinator, has a private chat with the bot."""
    world = await World.start(fake, database_url)
    try:
        anna = world.member(ANNA)
        await anna.in_group("/setup")
        invitation = await anna.in_group("/round")
        token = fake.deep_link_payload(invitation)
        answers = {}
        for user in PARTNERS:
            person = world.member(user)
            await person.start(token)
            tag = user.first_name.lower()
            mine = {f"{tag}-org": long_text(f"{tag}-org-"), f"{tag}-own": long_text(f"{tag}-own-"),
                    f"{tag}-exp": long_text(f"{tag}-exp-", 1500)}
            await person.interview(organisation=f"Org of {person.name}",
                                   org_interest=mine[f"{tag}-org"],
                                   own_interest=mine[f"{tag}-own"],
                                   expectations=mine[f"{tag}-exp"])
            answers.update(mine)
        await world.settle()
    finally:
        await world.stop()
    return answers


async def start_polling(bots: Bots, fake: FakeTelegram, **env: str) -> BotProcess:
    """`optafel run` long polling the fake Bot API."""
    return await bots.start(TELEGRAM_BOT_TOKEN=BOT_TOKEN, TELEGRAM_API_URL=fake.base_url, **env)


def group_sends(call: Call) -> bool:
    """A sendMessage into the partnership's group."""
    return call.method == "sendMessage" and str(call.params.get("chat_id")) == str(GROUP.id)


def assert_revealed_once(fake: FakeTelegram, before: int, answers: dict[str, str]) -> list[Sent]:
    """The reveal is in the group exactly once: every part once, in order, every answer
    whole and once."""
    parts = fake.in_chat(GROUP.id)[before:]
    assert parts, "nothing was revealed"
    assert parts[0].text.startswith("On the table — Samen Sterk, round 1"), parts[0].text[:80]
    assert "To talk about" in parts[-1].text
    assert len({p.text for p in parts}) == len(parts), "a part was posted twice"
    whole = "\n\n".join(p.text for p in parts)
    for name, answer in answers.items():
        assert whole.count(answer) == 1, f"{name} shows {whole.count(answer)} times"
    positions = [whole.index(f"Org of {u.full_name}") for u in PARTNERS]
    assert positions == sorted(positions), "the cards are out of order"
    return parts


def partners(n: int) -> list[TgUser]:
    return [TgUser(5000 + i, f"Partner{i}") for i in range(n)]


async def partners_at_question_2(fake: FakeTelegram, database_url: str, n: int
                                 ) -> list[TgUser]:
    """Anna opened a round; `n` partners followed the invitation, pressed "Let's start"
    and were asked question 2 (their organisation)."""
    world = await World.start(fake, database_url)
    people = partners(n)
    try:
        anna = world.member(ANNA)
        await anna.in_group("/setup")
        invitation = await anna.in_group("/round")
        token = fake.deep_link_payload(invitation)
        for user in people:
            person = world.member(user)
            await person.start(token)
            question = await person.press("Let's start")
            assert "2/11" in question.text
        await world.settle()
    finally:
        await world.stop()
    return people


def asked(fake: FakeTelegram, user: TgUser, step: str) -> int:
    """How many times the partner's private chat shows question `step` ("3/11")."""
    return sum(1 for m in fake.in_chat(user.id) if step in m.text)
