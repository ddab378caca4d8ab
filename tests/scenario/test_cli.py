"""The `optafel` command line as a newcomer uses it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from bot.cli import main
from bot.config import Settings, secret
from bot.local.adapter import LocalAdapter
from bot.local.console import run_console
from bot.local.session import LocalSession
from bot.runtime import Runtime


@pytest.mark.parametrize("command", [[], ["run"], ["demo"], ["migrate"], ["rotate-key"]])
def test_every_command_has_help(command):
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0 and "Usage:" in result.output


@pytest.mark.parametrize("language,parts", [
    ("en", ["Matches", "Open needs", "Unused offers", "Watch the balance", "To talk about",
            "What you have in common", "Giving up autonomy", "Chris gives up some of their own "
            "autonomy and gets: knowledge and capacity (people, time)",
            "The ambition: No young person", "Partly: Bram (“We cannot free up more hours.”)",
            "3 of 3 partners took part", "private to Anna", "Still waiting for: Chris",
            # after the reveal: an agreement from a match, confirmed, and a check-in on it
            "Who can help whom", "Anna chooses in #Tafel: Bram → Anna and Chris: Knowledge",
            "Agreement 1 stands: Bram brings for Anna and Chris: a monthly knowledge session",
            "In round 1 you wanted to get:", "3/5 · Our agreements", "Check-in 1 — Tafel",
            "Anna: kept; Bram: partly; Chris: kept", "Agreement 1 is not kept, or only partly",
            "Balance over time — Tafel"]),
    ("nl", ["Matches", "Open behoeften", "Onbenut aanbod", "Let op de balans",
            "Wat jullie gemeen hebben", "De ambitie: Geen jongere",
            "Om over te praten", "3 van de 3 partners", "privé aan Bram",
            "Wie kan wie helpen", "Afspraak 1 staat:", "Onze afspraken",
            "De afspraken", "Bram: deels", "Check-in 1 — Tafel: klopt de balans nog?"]),
])
def test_demo_plays_a_round_whose_reveal_has_every_part(language, parts):
    result = CliRunner().invoke(main, ["demo", "--language", language])
    assert result.exit_code == 0, result.output
    for part in parts:
        assert part in result.output, part


@pytest.mark.parametrize("language,press,frames,foreign", [
    ("nl", "▶ Chris kiest: Ongeveer in evenwicht", ["privé aan Anna", "alleen Dewi ziet dit",
                                                  "Dewi typt in #Tafel: /ronde"], "private to"),
    ("en", "▶ Chris chooses: About even", ["private to Anna", "only Dewi sees this",
                                          "Dewi types in #Tafel: /round"], "privé aan"),
])
def test_the_demo_shows_a_press_as_one_line_in_its_own_language(language, press, frames,
                                                                  foreign):
    output = CliRunner().invoke(main, ["demo", "--language", language]).output
    assert press in output
    assert all(frame in output for frame in frames)
    assert foreign not in output
    # A press does not reprint the updated message, nor a question shown before: the
    # second and third partners' questions are one line each.
    assert "(updated)" not in output and "(bijgewerkt)" not in output
    step = "2/11 · Je organisatie" if language == "nl" else "2/11 · Your organisation"
    assert output.count(step) == 3 and output.count(f"\n{step}\n") == 1
    # The round alone took 846 lines when every press reprinted the message; with the
    # agreement and the check-in after it, the whole demo now takes about 620.
    assert len(output.splitlines()) < 700


def test_migrate_creates_the_database(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    result = CliRunner().invoke(main, ["migrate"])
    assert result.exit_code == 0 and "up to date" in result.output
    tables = {r[0] for r in sqlite3.connect(tmp_path / "x.db").execute(
        "select name from sqlite_master where type='table'")}
    assert {"partnerships", "members", "rounds", "interviews", "outbox"} <= tables


def test_bad_configuration_gets_a_clear_message(monkeypatch):
    monkeypatch.setenv("OPTAFEL_LANGUAGE", "fr")
    result = CliRunner().invoke(main, ["migrate"])
    assert result.exit_code != 0 and "OPTAFEL_LANGUAGE" in result.output


def test_retention_shorter_than_a_day_is_refused(monkeypatch):
    """Telegram sends an update again for up to a day: a shorter retention would let a
    repeat through as new."""
    monkeypatch.setenv("OPTAFEL_RETENTION_DAYS", "0.5")
    result = CliRunner().invoke(main, ["migrate"])
    assert result.exit_code != 0
    assert "OPTAFEL_RETENTION_DAYS" in result.output and "at least 1 (day)" in result.output


async def test_the_terminal_lets_one_person_play_every_role(engine, capsys):
    runtime = Runtime(engine, default_language="en", drain_interval=3600)
    adapter = LocalAdapter()
    runtime.add_adapter(adapter)
    session = LocalSession(runtime, adapter)
    await runtime.start()
    lines = iter(["/as dewi", "/setup", "/as anna", "/as dewi", "/partners @anna", "/round",
                  "/quit"])
    await run_console(session, read=lambda prompt: next(lines), language="en")
    start = adapter.inbox("anna")[0].button("start").number  # as the screen shows it
    lines = iter(["/as anna", "/dm", f"#{start}", "Gemeente", "hello there", "/status",
                  "/channel", "not a command", "#999", "/quit"])
    await run_console(session, read=lambda prompt: next(lines), language="en")
    await runtime.stop()
    inbox = adapter.inbox("anna")
    assert "Which organisation" in inbox[1].text  # "Let's start" pressed by its number
    status = next(m for m in inbox if "you are at step 4 of 11" in m.text)  # /status
    assert "4/11 · Your own interest" in status.text and status.buttons
    # A button this process never showed: a friendly answer in her chat, and her question.
    assert "don't recognise that button" in inbox[-1].text and "4/11" in inbox[-1].text
    out = capsys.readouterr()
    assert "only listens to commands" in out.out and out.err == ""


@pytest.mark.parametrize("command", [["migrate"], ["run"]])
def test_the_database_password_is_never_printed(command, postgresql_url: str, tmp_path: Path,
                                                monkeypatch):
    """`migrate` and the terminal session say which database, without its password."""
    password = "pw-MARKER-5ecret"
    url = sa.make_url(postgresql_url).set(password=password)
    monkeypatch.chdir(tmp_path)
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "TELEGRAM_BOT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", url.render_as_string(hide_password=False))
    result = CliRunner().invoke(main, command, input="/quit\n")
    assert result.exit_code == 0, result.output
    assert str(url.host) in result.output and password not in result.output


def test_secrets_in_the_settings_do_not_show_when_printed():
    settings = Settings(_env_file=None, telegram_bot_token="123:TOKEN-MARKER",
                        slack_bot_token="xoxb-MARKER", slack_signing_secret="SIGN-MARKER")
    assert "MARKER" not in repr(settings) and "MARKER" not in str(settings.model_dump())
    assert secret(settings.telegram_bot_token) == "123:TOKEN-MARKER"
    assert settings.platforms == ["slack", "telegram"]
