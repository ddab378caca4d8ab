"""What a newcomer meets in the first hour: the CLI, the terminal session, the partner list."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.local.adapter import LocalAdapter
from bot.local.console import run_console

from .conftest import Local, setup_round, start_local

SECRET = "sEcr3tPw"


@pytest.mark.parametrize("url,says", [
    ("nonsense", "DATABASE_URL is not a database URL"),
    ("oracle9://u:{pw}@db/x", "does not know (oracle9)"),
    ("postgresql+asyncpg://u:{pw}@127.0.0.1/x", "driver for postgresql+asyncpg://u:***@"),
    ("postgresql+psycopg://u:{pw}@127.0.0.1:1/x", "Cannot reach the database"),
    ("sqlite:///{missing}/optafel.db", "Check that its folder exists"),
])
@pytest.mark.parametrize("command", ["run", "migrate"])
def test_a_wrong_database_url_gets_one_line_without_the_password(
        command, url, says, tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", url.format(pw=SECRET, missing=tmp_path / "no" / "such"))
    result = CliRunner().invoke(main, [command])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and says in lines[0], lines
    assert SECRET not in result.output and "Traceback" not in result.output


def test_version_comes_from_the_package():
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0 and result.output.startswith("optafel, version 0.")


def test_ctrl_c_in_the_terminal_says_goodbye_at_once(tmp_path: Path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'o.db'}",
           "OPTAFEL_LANGUAGE": "en"}
    env.pop("SLACK_BOT_TOKEN", None)
    env.pop("TELEGRAM_BOT_TOKEN", None)
    process = subprocess.Popen(
        [sys.executable, "-c", "from bot.cli import main; main()", "run"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        cwd=tmp_path, env=env, text=True,
    )
    output: list[str] = []
    reader = threading.Thread(target=lambda: output.extend(process.stdout), daemon=True)
    reader.start()
    deadline = time.monotonic() + 60
    while not any("/quit" in line for line in output) and time.monotonic() < deadline:
        time.sleep(0.1)  # the terminal help is printed: the prompt is next
    time.sleep(1)  # stdin stays open and empty, as in a terminal where nobody types
    process.send_signal(signal.SIGINT)
    try:
        # At once, not only after the next Enter (which never comes): the bound is only
        # for a machine busy with the rest of the suite (once it took more than 10 s).
        code = process.wait(timeout=30)
    finally:
        process.kill()
    reader.join(5)
    text = "".join(output)
    assert code == 0, text
    assert "Goodbye. Everything is saved" in text
    assert "Aborted" not in text and "Traceback" not in text


async def test_the_terminal_keeps_pictures_out_of_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    adapter = LocalAdapter()
    await adapter.upload_picture("tafel", b"\x89PNG", "Balance over time")
    picture = adapter.pictures[0]
    assert list(tmp_path.iterdir()) == [] and picture.read_bytes() == b"\x89PNG"
    assert str(picture) in adapter.channel("tafel")[-1].text  # where to open it


async def test_partners_sets_the_list_and_leaves_the_coordinator_off(local: Local):
    s, ad = local.session, local.adapter
    for name in ("Dewi", "Anna", "Bram", "Chris"):
        s.person(name)
    await s.command("Dewi", "/setup")
    await s.command("Dewi", "/partners")  # everyone in the channel but the coordinator
    assert ad.channel("tafel")[-1].text == "The partners: Anna, Bram and Chris."
    await s.command("Dewi", "/partners @Anna @Bram")  # sets, does not add
    assert ad.channel("tafel")[-1].text == "The partners: Anna and Bram."
    await s.command("Dewi", "/partners remove bram")  # a name without @: that one only
    assert ad.channel("tafel")[-1].text == "The partners: Anna."
    await s.command("Dewi", "/partners chris dewi")  # exactly these two, a coordinator too
    assert ad.channel("tafel")[-1].text == "The partners: Dewi and Chris."
    await s.command("Dewi", "/partners")  # a coordinator who is a partner stays one
    assert ad.channel("tafel")[-1].text == "The partners: Dewi, Anna, Bram and Chris."


async def test_nobody_presses_buttons_in_someone_elses_private_chat(local: Local, capsys):
    s, ad = local.session, local.adapter
    await s.command("Dewi", "/setup")
    await s.command("Dewi", "/partners Anna")
    await s.command("Dewi", "/round")
    start = ad.inbox("anna")[0].button("start").number
    lines = iter(["/as bram", f"#{start}", "/as anna", "/quit"])
    await run_console(s, read=lambda prompt: next(lines), language="en")
    assert len(ad.inbox("anna")) == 1  # Bram's press changed nothing
    assert f"Button #{start} is in Anna's private chat" in capsys.readouterr().err
    await s.press("anna", start)
    assert "Which organisation" in ad.inbox("anna")[-1].text


async def test_after_a_restart_the_terminal_shows_each_person_where_they_are(engine, clock,
                                                                            capsys):
    first = await start_local(engine, clock, language="nl")
    await setup_round(first, "Anna", "Bram")
    await first.session.press_label("Anna", "Ik begin")
    await first.session.say("Anna", "Gemeente")
    seen = {b.number for m in first.adapter.messages for b in m.buttons}
    await first.runtime.stop()

    second = await start_local(engine, clock, language="nl")  # `optafel run` again
    quit_at_once = iter(["/quit"])
    await run_console(second.session, read=lambda prompt: next(quit_at_once), language="nl",
                      resume=True)
    # At start, everyone's current question again, with buttons never shown before.
    [anna] = second.adapter.inbox("anna")
    assert "Welkom terug" in anna.text and "3/11" in anna.text
    [bram] = second.adapter.inbox("bram")  # Bram had not started: his welcome
    assert "Ik begin" in [b.label for b in bram.buttons]
    assert not seen & {b.number for m in second.adapter.messages for b in m.buttons}

    # Every number on screen before the restart, typed again by Anna: none of them presses
    # one of the new buttons (they used to: hers, or Bram's).
    skip = anna.button("Overslaan").number
    lines = iter(["/as anna", "/dm", *(f"#{n}" for n in sorted(seen)), f"#{skip}", "/quit"])
    await run_console(second.session, read=lambda prompt: next(lines), language="nl")
    await second.runtime.stop()
    inbox = second.adapter.inbox("anna")
    # Each old number gets a friendly Dutch answer with her question and fresh buttons.
    for answer in inbox[1:-1]:
        assert "Die knop herken ik niet" in answer.text and "3/11" in answer.text
    assert len(inbox) == len(seen) + 2 and "4/11" in inbox[-1].text  # a new number works
    assert "button" not in capsys.readouterr().err


async def test_private_status_shows_the_current_question_with_its_buttons(local: Local):
    await setup_round(local, "Anna")
    await local.session.press_label("Anna", "Let's start")
    await local.session.private_command("Anna", "/status")
    status = local.session.last("Anna")
    assert "you are at step 2 of 11" in status.text and "2/11" in status.text
    await local.session.say("Anna", "Gemeente")
    await local.session.private_command("Anna", "/status")
    await local.session.press_label("Anna", "Skip")  # on the status message itself
    assert "4/11" in local.session.last("Anna").text
