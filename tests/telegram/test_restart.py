"""After a restart: old buttons still work, and /status shows where you are, with buttons."""

from __future__ import annotations

from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.telegram_updates import TgUser
from tests.telegram.world import World

ANNA = TgUser(5001, "Anna", "de Vries")


async def test_a_button_pressed_after_a_restart_still_answers(fake: FakeTelegram,
                                                             database_url: str) -> None:
    first = await World.start(fake, database_url)
    try:
        anna = first.member(ANNA)
        await anna.in_group("/setup")
        token = fake.deep_link_payload(await anna.in_group("/round"))
        welcome = await anna.start(token)
        await anna.press("Let's start", on=welcome)
        asked = await anna.say("Gemeente Utrecht")
        assert "3/11" in asked.text
    finally:
        await first.stop()

    second = await World.start(fake, database_url)  # a new process on the same database
    try:
        anna = second.member(ANNA)
        # Each step waits until the new process has handled and delivered everything (a
        # cold start on a busy machine can take longer than one answer usually does).
        await fake.press(ANNA, asked, "Skip")  # a button the first process sent
        await second.settle()
        assert "4/11" in anna.last().text

        await fake.private_text(ANNA, "/status")
        await second.settle()
        status = anna.last()
        assert "step 4 of 11" in status.text and "Your own interest" in status.text
        assert "Skip" in [b["text"] for b in status.buttons]
        await fake.press(ANNA, status, "Skip")  # the status's buttons work
        await second.settle()
        assert "5/11" in anna.last().text
    finally:
        await second.stop()
