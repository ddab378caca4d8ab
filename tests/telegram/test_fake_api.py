"""The fake Bot API answers python-telegram-bot the way Telegram does (so tests can trust it)."""

from __future__ import annotations

import datetime as dtm
from collections.abc import AsyncIterator

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, InvalidToken, RetryAfter

from tests.fakes.telegram_api import BOT_TOKEN, BOT_USERNAME, EntityError, FakeTelegram, parse_html
from tests.fakes.telegram_updates import TgChat, TgUser

GROUP = TgChat.group(-100200300, "Zorg in de wijk")
ANN = TgUser(1001, "Ann", "de Vries")


@pytest.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[Bot]:
    async with Bot(BOT_TOKEN, base_url=fake.base_url) as client:
        yield client


@pytest.mark.parametrize("bad", ["1 < 2", "<p>x</p>", "<b>x", "<b><i>x</b></i>", "a & b",
                                 "</b>", "<a>x</a>"])
def test_html_that_telegram_refuses(bad: str) -> None:
    with pytest.raises(EntityError):
        parse_html(bad)


def test_html_that_telegram_accepts() -> None:
    assert parse_html('<b>a</b> &lt;&amp;&gt; <a href="tg://user?id=1">x</a> &#128512;') == (
        "a <&> x 😀")


async def test_unknown_token_is_invalid_token(fake: FakeTelegram) -> None:
    with pytest.raises(InvalidToken):
        async with Bot("123:wrong", base_url=fake.base_url):
            pass


async def test_get_me_and_a_message_with_a_keyboard(fake: FakeTelegram, bot: Bot) -> None:
    assert bot.username == BOT_USERNAME
    fake.add_group(GROUP)
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Ja", callback_data="1:1:1:start")]])
    sent = await bot.send_message(GROUP.id, "<b>Hallo</b> &amp; welkom", parse_mode="HTML",
                                  reply_markup=markup)
    assert sent.chat.id == GROUP.id and sent.text == "Hallo & welkom"
    [stored] = fake.in_chat(GROUP.id)
    assert stored.text == "Hallo & welkom"
    assert stored.button("Ja")["callback_data"] == "1:1:1:start"


async def test_errors_arrive_as_ptb_exceptions(fake: FakeTelegram, bot: Bot) -> None:
    fake.add_group(GROUP)
    with pytest.raises(BadRequest, match="parse entities"):
        await bot.send_message(GROUP.id, "1 < 2", parse_mode="HTML")
    with pytest.raises(BadRequest, match="too long"):
        await bot.send_message(GROUP.id, "x" * 4097)
    with pytest.raises(BadRequest, match="(?i)button_data_invalid"):
        await bot.send_message(GROUP.id, "x", reply_markup=InlineKeyboardMarkup(
            [[InlineKeyboardButton("x", callback_data="x" * 65)]]))
    with pytest.raises(Forbidden, match="initiate"):
        await bot.send_message(ANN.id, "hoi")
    fake.rate_limit_next("sendMessage", retry_after=3)
    with pytest.raises(RetryAfter) as raised:
        await bot.send_message(GROUP.id, "x")
    assert raised.value.retry_after in (3, dtm.timedelta(seconds=3))
    await fake.start_bot(ANN)
    fake.block(ANN)
    with pytest.raises(Forbidden, match="blocked"):
        await bot.send_message(ANN.id, "hoi")


async def test_get_updates_long_polls_and_confirms_by_offset(fake: FakeTelegram,
                                                             bot: Bot) -> None:
    assert await bot.get_updates(timeout=0) == ()
    await fake.group_command(ANN, GROUP, "/status@OpTafelTestBot")
    [update] = await bot.get_updates(timeout=1)
    assert update.message.text == "/status@OpTafelTestBot"
    assert update.message.chat.title == GROUP.title
    again = await bot.get_updates(offset=update.update_id, timeout=0)
    assert [u.update_id for u in again] == [update.update_id]
    assert await bot.get_updates(offset=update.update_id + 1, timeout=0) == ()
