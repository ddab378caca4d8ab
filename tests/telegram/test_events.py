"""Telegram updates as core events: which updates mean what, and which are not for us."""

from __future__ import annotations

from typing import Any

import pytest
from telegram import Update

from bot.telegram.events import parse_origin, to_event
from conversations.events import (
    ButtonPress,
    ChannelCommand,
    Join,
    Person,
    PrivateCommand,
    PrivateText,
)
from tests.fakes import telegram_updates as tu
from tests.fakes.telegram_updates import TgChat, TgUser

BOT = "OpTafelBot"
GROUP = TgChat.group(-100777, "Samen Sterk", supergroup=True)
ANNA = TgUser(11, "Anna", "de Vries")
ANNA_P = Person("11", "Anna de Vries")
OTHER_BOT = TgUser(99, "Polly", username="PollyBot", is_bot=True)


def event(data: dict[str, Any]) -> object:
    return to_event(Update.de_json(data, None), BOT)


def in_group(text: str, user: TgUser = ANNA) -> object:
    return event(tu.command(1, 10, user, GROUP, text))


def in_private(text: str) -> object:
    return event(tu.text(1, 10, ANNA, TgChat.private(ANNA), text))


@pytest.mark.parametrize("text", ["/reveal force", f"/reveal@{BOT} force",
                                  f"/REVEAL@{BOT.lower()}   force"])
def test_group_commands_with_and_without_the_bot_name(text: str) -> None:
    assert in_group(text) == ChannelCommand("-100777", "Samen Sterk", ANNA_P, "reveal",
                                            ("force",))


def test_commands_for_other_bots_and_plain_chatter_are_not_ours() -> None:
    assert in_group("/status@PollyBot") is None
    assert event(tu.text(1, 10, ANNA, GROUP, "hello everyone")) is None
    assert in_group("/status", user=OTHER_BOT) is None


def test_start_in_a_group_shows_help() -> None:
    command = in_group(f"/start@{BOT}")
    assert isinstance(command, ChannelCommand) and command.name == "help"


def test_a_command_replying_to_someone_names_them() -> None:
    data = tu.command(1, 10, ANNA, GROUP, "/coordinator")
    bert = TgUser(12, "Bert")
    data["message"]["reply_to_message"] = tu.message(9, bert, GROUP, "hi")
    data["message"]["entities"].append(
        {"offset": 0, "length": 0, "type": "text_mention", "user": TgUser(13, "Cas").to_json()})
    command = event(data)
    assert isinstance(command, ChannelCommand)
    assert command.people == (Person("13", "Cas"), Person("12", "Bert"))


def test_private_start_with_a_token_joins_and_without_starts_again() -> None:
    assert event(tu.start(1, 10, ANNA, "AbC-12_x")) == Join(ANNA_P, "AbC-12_x")
    assert event(tu.start(1, 10, ANNA)) == PrivateCommand(ANNA_P, "start")


def test_private_commands_and_text() -> None:
    assert in_private("/edit") == PrivateCommand(ANNA_P, "edit")
    assert in_private(f"/status@{BOT}") == PrivateCommand(ANNA_P, "status")
    assert in_private("Our interest is <b>growth</b> & more") == PrivateText(
        ANNA_P, "Our interest is <b>growth</b> & more")
    assert in_private("/ not a command") == PrivateText(ANNA_P, "/ not a command")


def test_edits_and_messages_without_text_are_ignored() -> None:
    data = tu.text(1, 10, ANNA, TgChat.private(ANNA), "changed")
    assert event({"update_id": 1, "edited_message": {**data["message"], "edit_date": 1}}) is None
    sticker = tu.text(1, 10, ANNA, TgChat.private(ANNA), "x")
    del sticker["message"]["text"]
    assert event(sticker) is None


def test_a_button_press_names_the_message_it_was_on() -> None:
    on = {"message_id": 42, "chat": {"id": 11, "type": "private"}, "date": 0,
          "from": OTHER_BOT.to_json(), "text": "Question"}
    press = event(tu.callback_query(1, "q1", ANNA, TgChat.private(ANNA), on, "3:1:5:t:money"))
    assert press == ButtonPress(ANNA_P, "3:1:5:t:money", "11:42")
    assert parse_origin("11:42") == (11, 42)
    assert parse_origin("-100777:5") == (-100777, 5)
