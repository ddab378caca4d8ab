"""Sealed means sealed: answers land where they were asked, exports show what was posted."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.local.session import LocalSession
from storage.table_cache import cache_for

from .conftest import Local, answer_everything
from .test_round import setup_round


async def test_a_typed_answer_goes_to_the_question_asked_last(local: Local):
    """A partner in two partnerships answers the second one's question by typing."""
    tafel, ad = local.session, local.adapter
    kring = LocalSession(local.runtime, ad, channel_id="kring", channel_name="Kring")
    await setup_round(local, "Anna")
    local.clock.advance(minutes=1)
    await kring.command("Dewi", "/setup")
    await kring.command("Dewi", "/partners @Anna")
    await kring.command("Dewi", "/round")
    welcome_tafel, welcome_kring = [m for m in ad.inbox("anna") if m.buttons][-2:]
    local.clock.advance(minutes=1)
    await tafel.press_label("Anna", "Let's start", welcome_tafel)
    local.clock.advance(minutes=1)
    await kring.press_label("Anna", "Let's start", welcome_kring)
    local.clock.advance(minutes=1)
    await answer_everything(kring, "Anna", "Kring Org", started=True)
    await kring.command("Dewi", "/reveal")
    assert "Kring Org" in ad.channel("kring")[-1].text
    await answer_everything(tafel, "Anna", "Tafel Org", started=True)
    await tafel.command("Dewi", "/reveal")
    reveal = ad.channel("tafel")[-1].text
    assert "Tafel Org" in reveal and "Kring Org" not in reveal
    assert "Tafel Org" not in ad.channel("kring")[-1].text


async def test_export_is_the_reveal_as_it_was_posted(local: Local):
    s, ad = local.session, local.adapter
    await setup_round(local, "Anna", "Bram")
    await s.command("Dewi", "/anonymous on")
    await answer_everything(s, "Anna", "Municipality")
    await answer_everything(s, "Bram", "Welfare")
    await s.command("Dewi", "/reveal")
    posted = ad.channel("tafel")[-1].text
    assert "Municipality" not in posted and "Partner A" in posted  # no organisations
    await s.command("Dewi", "/anonymous off")
    await s.command("Dewi", "/partners @Anna")  # Bram leaves after the reveal
    await s.command("Dewi", "/export")
    exported = ad.inbox("dewi")[-1].text
    assert exported == posted  # still anonymous, and Bram's answers are still in it
    assert "Bram's own interest" in exported and "Welfare" not in exported


async def test_a_partner_taken_off_the_list_cannot_start_with_an_old_button(local: Local):
    s, ad = local.session, local.adapter
    await setup_round(local, "Anna", "Bram")
    welcome = s.last_with_buttons("Anna")
    await s.command("Dewi", "/partners remove @Anna")
    await s.press_label("Anna", "Let's start", welcome)
    assert "no longer on the list of partners of Tafel" in s.last("Anna").text
    assert not any("Which organisation" in m.text for m in ad.inbox("anna"))


def _stored(engine: Engine) -> str:
    """Everything the database holds about people and their answers, as one text."""
    with engine.connect() as connection:
        rows = [row for name in ("members", "rounds", "interviews", "outbox", "inbox")
                for row in connection.execute(sa.text(f"SELECT * FROM {name}"))]  # noqa: S608
    return "\n".join(str(tuple(row)) for row in rows)


def _keys_of(engine: Engine, user_id: str) -> list[tuple[str, str]]:
    """(channel, round status) of every interview of `user_id` that still has a key."""
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(sa.text(
            "SELECT p.channel_id, r.status FROM interviews i "
            "JOIN members m ON m.id = i.member_id JOIN rounds r ON r.id = i.round_id "
            "JOIN partnerships p ON p.id = r.partnership_id "
            "WHERE m.user_id = :user AND i.answer_key IS NOT NULL ORDER BY r.id"),
            {"user": user_id})]


async def test_forget_erases_every_unseen_answer_after_a_confirmation(local: Local,
                                                                      engine: Engine):
    tafel, ad = local.session, local.adapter
    kring = LocalSession(local.runtime, ad, channel_id="kring", channel_name="Kring")
    await setup_round(local, "Anna")
    await tafel.press_label("Anna", "Let's start")
    await tafel.say("Anna", "Cancelled-Secret")
    await tafel.command("Dewi", "/cancel")
    await tafel.command("Dewi", "/round")
    await answer_everything(tafel, "Anna", "Revealed-Org")
    await tafel.command("Dewi", "/reveal")
    await kring.command("Dewi", "/setup")
    await kring.command("Dewi", "/partners @Anna")
    await kring.command("Dewi", "/round")
    await answer_everything(kring, "Anna", "Open-Secret")  # sealed, not revealed yet
    assert "Open-Secret" in _stored(engine)  # her organisation in Kring
    # The cancelled answer is left only sealed, in its interview (the delivered messages
    # that quoted it keep no text): forgetting must delete that interview's key.
    assert len(_keys_of(engine, "anna")) == 3  # cancelled, revealed, open

    await tafel.private_command("Anna", "/forget")
    ask = tafel.last("Anna").text
    assert "/forget yes" in ask and "Tafel and Kring" in ask and "stay" in ask
    assert "Open-Secret" in _stored(engine)  # nothing erased before she confirms

    await tafel.private_command("Anna", "/forget yes")
    assert "revealed stay" in tafel.last("Anna").text
    stored = _stored(engine)
    assert "Open-Secret" not in stored and "Cancelled-Secret" not in stored
    assert "Revealed-Org" in stored  # the revealed round keeps what everyone saw
    # Only the revealed interview still has a key: the others can never be read again.
    assert _keys_of(engine, "anna") == [("tafel", "revealed")]
    if engine.dialect.name == "sqlite":  # secure_delete: the bytes are gone from the file
        with closing(sqlite3.connect(engine.url.database)) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        data = Path(engine.url.database).read_bytes()
        assert b"Revealed-Org" in data and b"Open-Secret" not in data
    assert "Revealed-Org" in ad.channel("tafel")[-1].text  # what the others saw stays
    await kring.private_command("Anna", "/edit")  # the open interview starts afresh
    assert "Welcome to Op Tafel" in kring.last("Anna").text


def _every_value(engine: Engine) -> str:
    """Every value in every table of the database (text, JSON and bytes), as one text."""
    with engine.connect() as connection:
        values = [value for name in sa.inspect(connection).get_table_names()
                  for row in connection.execute(sa.text(f'SELECT * FROM "{name}"'))  # noqa: S608
                  for value in row]
    return "\n".join(v.decode("latin-1") if isinstance(v, bytes) else str(v) for v in values)


async def test_no_row_keeps_a_typed_answer_once_it_was_delivered(local: Local, engine: Engine):
    """The review message quotes the answers; delivered, the outbox keeps none of it, and
    the inbox none of the events that carried them."""
    s = local.session
    await setup_round(local, "Anna")
    await answer_everything(s, "Anna", "Gemeente", seal=False)
    typed = "hope: honesty"  # what she typed: "Anna's hope: honesty"
    assert typed in s.last("Anna").text  # the review, delivered
    await s.press_label("Anna", "Seal my answers")
    assert typed not in _every_value(engine)
    if engine.dialect.name == "sqlite":  # secure_delete: not left in the file either
        with closing(sqlite3.connect(engine.url.database)) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        assert typed.encode() not in Path(engine.url.database).read_bytes()


async def test_forget_leaves_no_answer_in_what_the_process_keeps(local: Local, engine: Engine):
    s = local.session
    await setup_round(local, "Anna", "Bram")
    await s.press_label("Anna", "Let's start")
    await s.say("Anna", "Unsealed-Secret")
    await answer_everything(s, "Bram", "Bram's org")
    await s.command("Dewi", "/reveal force")  # Anna's unsealed answer was left out
    assert "Unsealed-Secret" in repr(cache_for(engine).tables())  # kept for the next event

    await s.private_command("Anna", "/forget")
    await s.private_command("Anna", "/forget yes")
    assert "Unsealed-Secret" not in _stored(engine)
    assert "Unsealed-Secret" not in repr(cache_for(engine).tables())
