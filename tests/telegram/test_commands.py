"""The command menus: what Telegram shows when someone types "/"."""

from __future__ import annotations

from pathlib import Path

from bot.telegram.commands import GROUP, PRIVATE, botfather_lines
from conversations.command_names import canonical
from conversations.lifecycle import HANDLERS
from tests.fakes.telegram_api import FakeTelegram
from tests.telegram.world import World

DEPLOY = Path(__file__).parents[2] / "deploy" / "telegram-commands.txt"


def test_the_botfather_list_matches_the_menus() -> None:
    assert DEPLOY.read_text(encoding="utf-8").splitlines() == botfather_lines()


def test_every_group_command_in_the_menu_is_one_the_bot_knows() -> None:
    """The Dutch menu has the Dutch names: the same commands, in the same order."""
    for language in ("nl", "en"):
        names = [canonical(name) for name, _ in GROUP[language]]
        assert set(names) <= {*HANDLERS, "setup", "help"}
        assert names == [name for name, _ in GROUP["en"]]  # the same menu in both languages
        assert [canonical(n) for n, _ in PRIVATE[language]] == ["status", "edit", "forget",
                                                                 "export", "help"]
    assert [n for n, _ in GROUP["nl"]][:4] == ["status", "ronde", "herinner", "deel"]


async def test_menus_are_set_at_start_for_groups_and_private_chats(
    fake: FakeTelegram, world: World
) -> None:
    calls = fake.calls_of("setMyCommands")
    assert len(calls) == 4 and all(c.ok for c in calls)
    group_nl = fake.commands[("all_group_chats", "")]
    group_en = fake.commands[("all_group_chats", "en")]
    private_en = fake.commands[("all_private_chats", "en")]
    assert {c["command"] for c in group_nl} >= {"inrichten", "ronde", "status", "herinner", "deel"}
    assert {c["command"] for c in group_en} >= {"setup", "round", "status", "remind", "reveal"}
    assert next(c for c in group_nl if c["command"] == "status")["description"].startswith("Wie")
    assert next(c for c in group_en if c["command"] == "status")["description"].startswith("Who")
    assert [c["command"] for c in private_en] == ["status", "edit", "forget", "export",
                                                  "help"]
