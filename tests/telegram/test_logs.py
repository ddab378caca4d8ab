"""Logs at every level: never the bot token, a secret, a password or a partner's words."""

from __future__ import annotations

import logging

import pytest

from tests.fakes.telegram_api import BOT_TOKEN, FakeTelegram
from tests.fakes.telegram_updates import TgUser
from tests.log_capture import logged
from tests.telegram.world import World

ANNA = TgUser(5001, "Anna")
MARKERS = ("MARKER-ORG-q7", "MARKER-ORGWANT-k2", "MARKER-OWN-z9", "MARKER-HOPE-x4",
           "MARKER-BOARD-w1")


async def test_a_full_round_logs_no_token_and_no_answer(fake: FakeTelegram, database_url: str,
                                                       caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.DEBUG)
    world = await World.start(fake, database_url)
    try:
        anna = world.member(ANNA)
        await anna.in_group("/setup")
        invitation = await anna.in_group("/round")
        await anna.start(fake.deep_link_payload(invitation))
        org, org_want, own, hope, board = MARKERS
        await anna.interview(organisation=org, org_interest=org_want, own_interest=own,
                             gets=("Knowledge",), gives=("Money",), expectations=hope,
                             stakeholders=board)
        reveal = await anna.in_group("/reveal")
        assert org in reveal.text  # the answers did travel, through the Bot API
    finally:
        await world.stop()
    text = logged(caplog)
    assert len(caplog.records) > 10  # something was logged at all levels
    assert BOT_TOKEN not in text and BOT_TOKEN.split(":")[1] not in text
    for marker in MARKERS:
        assert marker not in text
