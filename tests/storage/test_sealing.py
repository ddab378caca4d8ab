"""Sealed answers are encrypted at rest, with a key per interview wrapped by the answer key."""

from __future__ import annotations

import sqlite3
import stat
from contextlib import closing
from dataclasses import replace
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from click.testing import CliRunner
from sqlalchemy.engine import Engine

from bot.cli import main
from conversations.model import Answers, Interview
from storage.database import alembic_config, create_engine_for, migrate
from storage.keyring import AnswerKeyError, key_file_for, new_key
from storage.unit_of_work import UnitOfWork
from tests.conftest import engine_for
from tests.storage.helpers import a_table

MARKER = "Marker-Hidden-Agenda-7731"


def _with_marker(table):
    interview = table.interviews[0]
    answers = replace(interview.answers, own_interest=MARKER)
    return table.with_interview(replace(interview, answers=answers))


def _save(engine: Engine, table):
    with UnitOfWork(engine) as uow:
        saved = uow.tables.save(table)
        uow.commit()
    return saved


def _load(engine: Engine, partnership_id: int):
    with UnitOfWork(engine) as uow:
        return uow.tables.by_id(partnership_id)


def _raw(engine: Engine) -> bytes:
    """What the database holds: the SQLite file's bytes, or every interview row as text."""
    if engine.dialect.name == "sqlite":
        engine.dispose()
        with closing(sqlite3.connect(engine.url.database)) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return Path(engine.url.database).read_bytes()
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT * FROM interviews")).all()
    return repr(rows).encode() + b"".join(
        bytes(v) for row in rows for v in row if isinstance(v, bytes | memoryview))


def _wrapped_keys(engine: Engine) -> list[bytes]:
    with engine.connect() as connection:
        return [bytes(k) for k in connection.scalars(sa.text(
            "SELECT answer_key FROM interviews WHERE answer_key IS NOT NULL"))]


def test_answers_are_not_stored_as_typed(engine: Engine) -> None:
    saved = _save(engine, _with_marker(a_table()))
    assert MARKER.encode() not in _raw(engine)
    loaded = _load(engine, saved.partnership.id)  # yet they read back as typed
    assert loaded.interviews[0].answers.own_interest == MARKER
    assert len(_wrapped_keys(engine)) == 1  # one key: the other interview has no answers


def test_an_interview_that_starts_afresh_has_no_key_any_more(engine: Engine) -> None:
    saved = _save(engine, _with_marker(a_table()))
    [wrapped] = _wrapped_keys(engine)
    emptied = saved.with_interview(Interview(round_number=1, user_id="U1"))
    _save(engine, emptied)
    assert _wrapped_keys(engine) == []
    raw = _raw(engine)
    assert MARKER.encode() not in raw
    if engine.dialect.name == "sqlite":  # nor are the old wrapped key's bytes left in the file
        assert wrapped not in raw


def test_a_save_without_changes_writes_nothing(engine: Engine) -> None:
    saved = _save(engine, _with_marker(a_table()))
    before = _wrapped_keys(engine)
    with engine.connect() as connection:
        sealed = connection.scalar(sa.text("SELECT answers_sealed FROM interviews "
                                           "WHERE answers_sealed IS NOT NULL"))
    _save(engine, _load(engine, saved.partnership.id))
    with engine.connect() as connection:
        again = connection.scalar(sa.text("SELECT answers_sealed FROM interviews "
                                          "WHERE answers_sealed IS NOT NULL"))
    assert bytes(again) == bytes(sealed) and _wrapped_keys(engine) == before


def test_the_sqlite_key_file_is_made_next_to_the_database_for_its_owner_only(
        tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'optafel.db'}"
    engine = create_engine_for(url)
    migrate(engine)
    _save(engine, _with_marker(a_table()))
    engine.dispose()
    key_file = key_file_for(sa.make_url(url))
    assert key_file == tmp_path / "optafel.db.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600

    key_file.chmod(0o644)
    engine = create_engine_for(url)
    with pytest.raises(AnswerKeyError, match="can be read by others"):
        _load(engine, 1)
    engine.dispose()


def test_a_wrong_key_is_a_clear_error(database_url: str, tmp_path: Path) -> None:
    engine = engine_for(database_url)
    migrate(engine)
    saved = _save(engine, _with_marker(a_table()))
    engine.dispose()
    other = create_engine_for(database_url, answer_key=new_key())
    try:
        with pytest.raises(AnswerKeyError, match="not configured"):
            _load(other, saved.partnership.id)
    finally:
        other.dispose()


def test_optafel_run_and_migrate_stop_with_one_line_on_a_wrong_or_missing_key(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'optafel.db'}"
    engine = create_engine_for(url)
    migrate(engine)
    _save(engine, _with_marker(a_table()))
    engine.dispose()
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("OPTAFEL_ANSWER_KEY", new_key())  # not the key file's key
    for command_name in ("migrate", "run"):
        result = CliRunner().invoke(main, [command_name])
        assert result.exit_code == 1, result.output
        assert "sealed with an answer key that is not configured" in result.output
        assert "Traceback" not in result.output
    monkeypatch.setenv("OPTAFEL_ANSWER_KEY", "too-short")
    result = CliRunner().invoke(main, ["migrate"])
    assert result.exit_code == 1 and "The answer key is not valid" in result.output


def test_postgresql_without_a_key_is_refused_with_one_line(
        postgresql_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", postgresql_url)
    monkeypatch.delenv("OPTAFEL_ANSWER_KEY")
    result = CliRunner().invoke(main, ["migrate"])
    assert result.exit_code == 1 and "OPTAFEL_ANSWER_KEY is not set" in result.output


def test_rotating_the_key_file_keeps_the_answers_readable(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'optafel.db'}"
    engine = create_engine_for(url)
    migrate(engine)
    saved = _save(engine, _with_marker(a_table()))
    engine.dispose()
    key_file = tmp_path / "optafel.db.key"
    old_key = key_file.read_text()
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("OPTAFEL_ANSWER_KEY")
    result = CliRunner().invoke(main, ["rotate-key"])
    assert result.exit_code == 0 and "1 interview keys" in result.output, result.output
    assert key_file.read_text() != old_key and "," not in key_file.read_text()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    engine = create_engine_for(url)
    assert _load(engine, saved.partnership.id).interviews[0].answers.own_interest == MARKER
    engine.dispose()
    old = create_engine_for(url, answer_key=old_key)  # the old key opens nothing any more
    with pytest.raises(AnswerKeyError):
        _load(old, saved.partnership.id)
    old.dispose()


def test_rotating_a_configured_key(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = new_key(), new_key()
    engine = create_engine_for(database_url, answer_key=first)
    migrate(engine)
    saved = _save(engine, _with_marker(a_table()))
    engine.dispose()
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("OPTAFEL_ANSWER_KEY", f"{second},{first}")  # the new one first
    result = CliRunner().invoke(main, ["rotate-key"])
    assert result.exit_code == 0 and "1 interview keys" in result.output, result.output
    engine = create_engine_for(database_url, answer_key=second)  # the old one can go
    assert _load(engine, saved.partnership.id).interviews[0].answers.own_interest == MARKER
    engine.dispose()


def test_a_rotation_while_the_bot_runs_is_not_undone_by_its_next_save(
        database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The running bot keeps the table it loaded, with each interview's key as it was
    wrapped then; `rotate-key` wraps it anew meanwhile. A later answer must not write the
    old wrapping back: once the old key is gone, every answer still opens."""
    first, second = new_key(), new_key()
    engine = create_engine_for(database_url, answer_key=first)
    migrate(engine)
    saved = _save(engine, _with_marker(a_table()))
    engine.dispose()
    running = create_engine_for(database_url, answer_key=f"{second},{first}")  # restarted
    kept = _load(running, saved.partnership.id)  # this process now keeps the table
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("OPTAFEL_ANSWER_KEY", f"{second},{first}")
    result = CliRunner().invoke(main, ["rotate-key"])
    assert result.exit_code == 0 and "1 interview keys" in result.output, result.output
    interview = kept.interviews[0]
    later = replace(interview, answers=replace(interview.answers, expectations="Later answer"))
    _save(running, kept.with_interview(later))  # from the kept table
    running.dispose()
    engine = create_engine_for(database_url, answer_key=second)  # the old key is gone
    answers = _load(engine, saved.partnership.id).interviews[0].answers
    assert (answers.own_interest, answers.expectations) == (MARKER, "Later answer")
    engine.dispose()


def test_existing_answers_are_encrypted_on_migrate(database_url: str) -> None:
    engine = engine_for(database_url)
    try:
        with engine.begin() as connection:
            command.upgrade(alembic_config(connection), "0012")  # the one before 0013
            connection.execute(sa.text(
                "INSERT INTO partnerships (id, platform, channel_id, name, language, timezone, "
                "anonymous, created_at) VALUES (1, 'local', 'c', 'T', 'nl', 'UTC', false, "
                "'2025-01-01 00:00:00')"))
            connection.execute(sa.text(
                "INSERT INTO members (id, partnership_id, user_id, name, is_partner, "
                "is_coordinator, unreachable) VALUES (1, 1, 'anna', 'Anna', true, false, false)"))
            connection.execute(sa.text(
                "INSERT INTO rounds (id, partnership_id, number, kind, status, opened_at, token) "
                "VALUES (1, 1, 1, 'interests', 'open', '2025-01-01 00:00:00', 't1')"))
            connection.execute(sa.text(
                "INSERT INTO interviews (round_id, member_id, step, answers, editing, updated_at) "
                "VALUES (1, 1, 3, :answers, false, '2025-01-01 00:00:00')"),
                {"answers": f'{{"own_interest": "{MARKER}", "gets": ["knowledge"]}}'})
        migrate(engine)
        assert MARKER.encode() not in _raw(engine)
        answers = _load(engine, 1).interviews[0].answers
        assert answers == Answers(own_interest=MARKER, gets=frozenset({"knowledge"}))
    finally:
        engine.dispose()
