"""The `optafel` command line."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys

import click
from pydantic import ValidationError

from bot.config import Settings, secret
from bot.database_errors import check as check_database
from bot.database_errors import shown
from conversations.texts import LANGUAGES


def _settings() -> Settings:
    try:
        return Settings()
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']).upper()}: {e['msg']}" for e in error.errors()
        )
        raise click.ClickException(f"The configuration is not valid — {problems}") from None


def _open_database(settings: Settings) -> None:
    """Migrate, and check the answer key: a missing or wrong one stops here with one line,
    not at the first answer."""
    from sqlalchemy.orm import Session

    from storage.database import create_engine_for
    from storage.database import migrate as run_migrations
    from storage.keyring import AnswerKeyError
    from storage.sealing import SealedAnswers

    engine = create_engine_for(settings.database_url, secret(settings.optafel_answer_key))
    try:
        run_migrations(engine)
        with Session(engine) as session:
            SealedAnswers(session).check()
    except AnswerKeyError as error:
        raise click.ClickException(str(error)) from None
    finally:
        engine.dispose()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="optafel", prog_name="optafel")
def main() -> None:
    """Op Tafel: put the interests of collaborating partners on the table.

    Configuration comes from the environment or a .env file in the working directory
    (DATABASE_URL, OPTAFEL_LANGUAGE, SLACK_BOT_TOKEN, TELEGRAM_BOT_TOKEN, …; see README).
    """


@main.command()
def run() -> None:
    """Start every configured chat platform; without one, play a round in the terminal.

    The database is migrated first. With SLACK_BOT_TOKEN and/or TELEGRAM_BOT_TOKEN set,
    the bot runs until stopped (Ctrl-C), with the HTTP listener on OPTAFEL_HOST:OPTAFEL_PORT.
    """
    settings = _settings()
    check_database(settings.database_url)
    _open_database(settings)
    if settings.platforms:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
        asyncio.run(_serve(settings))
    else:
        logging.basicConfig(level=logging.WARNING)
        if asyncio.run(_console(settings)):
            # Ctrl-C: everything is stored and stopped, but a thread still waits in input();
            # leave without waiting for it (the interpreter's shutdown would block on stdin).
            sys.stdout.flush()
            os._exit(0)


async def _console(settings: Settings) -> bool:
    from bot.bootstrap import build_runtime
    from bot.local.adapter import LocalAdapter
    from bot.local.console import Printer, run_console
    from bot.local.session import LocalSession

    runtime = build_runtime(settings)
    box: list[LocalSession] = []
    adapter = LocalAdapter(echo=Printer(lambda: box[0], language=settings.optafel_language))
    runtime.add_adapter(adapter)
    session = LocalSession(runtime, adapter)
    box.append(session)
    click.echo(f"Op Tafel in the terminal — database: {shown(settings.database_url)}")
    await runtime.start()
    try:
        return await run_console(session, language=settings.optafel_language, resume=True)
    finally:
        await runtime.stop()


async def _serve(settings: Settings) -> None:
    from bot.bootstrap import build_service, freeze_start_up_objects

    service = build_service(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await service.start()
    freeze_start_up_objects()
    logging.getLogger("optafel").info(
        "running %s on http://%s:%s",
        ", ".join(settings.platforms),
        service.listener.host,
        service.listener.port,
    )
    try:
        await stop.wait()
    finally:
        # SIGTERM/SIGINT: take no more events, let the sends under way finish for a few
        # seconds, give back what is still waiting (a long rate limit): due at once for
        # the next process. Well within 10 seconds, whatever the backlog.
        logging.getLogger("optafel").info("stopping")
        await service.stop()
        logging.getLogger("optafel").info("stopped")


@main.command()
@click.option("--language", type=click.Choice(LANGUAGES), default="nl", show_default=True,
              help="The language of the demo partnership.")
def demo(language: str) -> None:
    """Play a complete round with three partners on a temporary database and print it."""
    from bot.demo import run_demo

    asyncio.run(run_demo(language))


@main.command()
def migrate() -> None:
    """Bring the database (DATABASE_URL) up to the latest schema."""
    settings = _settings()
    check_database(settings.database_url)
    _open_database(settings)
    click.echo(f"Database is up to date: {shown(settings.database_url)}")


@main.command("rotate-key")
def rotate_key() -> None:
    """Wrap every interview's key with the newest answer key.

    With OPTAFEL_ANSWER_KEY: its first key (put the new key first and the old one after
    it, comma-separated; afterwards the old one can be removed). Without it, on SQLite: a
    new key replaces the one in the key file next to the database (stop the bot first).
    """
    from storage.database import create_engine_for
    from storage.keyring import AnswerKeyError, key_file_for
    from storage.sealing import rewrap, rotate_key_file

    settings = _settings()
    check_database(settings.database_url)
    _open_database(settings)
    configured = secret(settings.optafel_answer_key)
    engine = create_engine_for(settings.database_url, configured)
    path = None if configured else key_file_for(engine.url)
    try:
        changed = rotate_key_file(engine, path) if path else rewrap(engine)
    except AnswerKeyError as error:
        raise click.ClickException(str(error)) from None
    finally:
        engine.dispose()
    where = f"the new key in {path}" if path else "the first key of OPTAFEL_ANSWER_KEY"
    click.echo(f"{changed} interview keys are now wrapped by {where}.")
