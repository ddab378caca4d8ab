"""`optafel run` on Telegram through an outage of one group and with a damaged stored
message: what waits is delivered once, in order, after the outage (across a restart),
what cannot be read is set aside, and nothing else waits for either."""

from __future__ import annotations

import sqlalchemy as sa

from conversations.effects import PostToChannel
from conversations.messages import Message
from storage.database import create_engine_for, migrate
from storage.schema import OutboxRow
from storage.unit_of_work import UnitOfWork
from tests.crash.bot_process import Bots
from tests.crash.telegram_round import ANNA, group_sends, start_polling
from tests.fakes.telegram_api import FakeTelegram
from tests.telegram.world import GROUP

WAIT = 60.0


async def _group_and_coordinator(fake: FakeTelegram) -> None:
    """Anna has a private chat with the bot and sets up the group."""
    fake.add_group(GROUP)
    await fake.start_bot(ANNA)
    await fake.wait_for_message(ANNA.id, 1, WAIT)
    await fake.group_command(ANNA, GROUP, "/setup")
    await fake.wait_for_message(GROUP.id, 1, WAIT)


def _refused(fake: FakeTelegram) -> int:
    return sum(1 for c in fake.calls_of("sendMessage") if group_sends(c) and c.status == 502)


async def test_an_outage_of_the_group_across_a_restart_loses_nothing_and_keeps_the_order(
        fake: FakeTelegram, bots: Bots) -> None:
    bot = await start_polling(bots, fake)
    await _group_and_coordinator(fake)
    before = len(fake.in_chat(GROUP.id))
    outage = fake.hooks.on("received", group_sends, once=False)  # the group is unreachable
    await fake.group_command(ANNA, GROUP, "/status")
    await fake.group_command(ANNA, GROUP, "/help")
    await fake.wait_for(lambda: _refused(fake) >= 3, WAIT, "three refused attempts")
    # The outage holds up only the group: Anna's private chat still gets its answers.
    private = len(fake.in_chat(ANNA.id))
    await fake.private_text(ANNA, "/help")
    await fake.wait_for_message(ANNA.id, private + 1, WAIT)

    bot.kill()  # ... and the process dies during the outage
    refused = _refused(fake)
    await start_polling(bots, fake)
    await fake.wait_for(lambda: _refused(fake) > refused, WAIT, "the restart to go on retrying")
    fake.hooks.remove(outage)

    await fake.wait_for_message(GROUP.id, before + 2, WAIT)
    await bots.delivered()
    status, help_ = fake.in_chat(GROUP.id)[before:]
    assert "There is no open round" in status.text
    assert "who has answered" in help_.text
    assert "couldn't post" not in "\n".join(m.text for m in fake.in_chat(ANNA.id))


async def test_after_the_delivery_budget_the_coordinator_is_told_once(
        fake: FakeTelegram, bots: Bots) -> None:
    await start_polling(bots, fake, OPTAFEL_DELIVERY_BUDGET_HOURS="0.002")  # 7.2 seconds
    await _group_and_coordinator(fake)
    fake.hooks.on("received", group_sends, once=False)  # the group stays unreachable
    private = len(fake.in_chat(ANNA.id))
    await fake.group_command(ANNA, GROUP, "/round")  # its announcement cannot be posted
    [notice] = (await fake.wait_for_message(ANNA.id, private + 1, WAIT))[private:]
    assert "I couldn't post in the channel of Samen Sterk" in notice.text
    await bots.delivered()
    assert len(fake.in_chat(ANNA.id)) == private + 1


async def test_a_stored_message_that_cannot_be_read_holds_up_nothing(
        fake: FakeTelegram, bots: Bots, database_url: str) -> None:
    engine = create_engine_for(database_url)
    migrate(engine)
    with UnitOfWork(engine) as uow:  # written by a newer version, or damaged
        poison = uow.outbox.add("telegram", None, PostToChannel(
            str(GROUP.id), Message(("Anna's sealed answer",))))
        uow.session.execute(sa.update(OutboxRow).where(OutboxRow.id == poison)
                            .values(kind="no-such-kind"))
        uow.commit()
    engine.dispose()

    bot = await start_polling(bots, fake)
    await _group_and_coordinator(fake)  # the group and the private chat are answered
    [setup] = fake.in_chat(GROUP.id)
    assert "Samen Sterk" in setup.text
    await bots.delivered()
    assert f"outbox item {poison} cannot be decoded" in bot.output()
    assert "sealed answer" not in bot.output()
