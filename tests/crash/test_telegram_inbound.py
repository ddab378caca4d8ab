"""`optafel run` on Telegram killed with SIGKILL right after it told Telegram it has the
updates — the polling offset confirmed, or the webhook answered 200 — then started again:
every answer the partners typed is recorded once."""

from __future__ import annotations

from tests.crash.bot_process import Bots, until
from tests.crash.recorded import assert_each_answer_recorded_once
from tests.crash.telegram_round import asked, partners_at_question_2, start_polling
from tests.fakes.telegram_api import BOT_TOKEN, FakeTelegram
from tests.telegram.world import WEBHOOK_SECRET, free_port

WAIT = 60.0
PARTNERS = 8


async def test_killed_after_the_polling_offset_confirmed_eight_answers_each_is_recorded_once(
        fake: FakeTelegram, bots: Bots, database_url: str) -> None:
    people = await partners_at_question_2(fake, database_url, PARTNERS)
    bot = await start_polling(bots, fake)
    last = fake.next_update_id()  # the answers come after this one
    fake.hooks.on("confirmed", lambda offset: offset > last + PARTNERS, bot.kill)
    for user in people:
        await fake.private_text(user, f"Organisation of {user.first_name}")
    await until(lambda: not bot.alive, WAIT)
    assert not bot.alive and fake.unfetched == 0  # Telegram has nothing left to re-send

    await start_polling(bots, fake)
    await until(lambda: all(asked(fake, u, "3/11") for u in people), WAIT)
    await bots.delivered()
    assert_each_answer_recorded_once(lambda u, step: asked(fake, u, step), people,
                                     resent=True)


async def test_killed_after_the_webhook_answered_200_eight_answers_each_is_recorded_once(
        fake: FakeTelegram, bots: Bots, database_url: str) -> None:
    people = await partners_at_question_2(fake, database_url, PARTNERS)

    async def start_webhook() -> None:
        port = free_port()
        await bots.start(port, TELEGRAM_BOT_TOKEN=BOT_TOKEN, TELEGRAM_API_URL=fake.base_url,
                         TELEGRAM_WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram/webhook",
                         TELEGRAM_WEBHOOK_SECRET=WEBHOOK_SECRET)

    await start_webhook()
    bot = bots.started[-1]
    for user in people:
        await fake.private_text(user, f"Organisation of {user.first_name}")
    assert [status for _, status in fake.webhook_deliveries] == [200] * PARTNERS
    bot.kill()

    await start_webhook()
    await until(lambda: all(asked(fake, u, "3/11") for u in people), WAIT)
    await bots.delivered()
    assert_each_answer_recorded_once(lambda u, step: asked(fake, u, step), people,
                                     resent=True)
