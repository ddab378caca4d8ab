"""A Telegram group for tests: the fake Bot API, our app started the way `optafel run`
starts it, and people who type commands in the group, open the private chat by a deep
link and answer with buttons and text — all as Telegram updates the fake delivers."""

from __future__ import annotations

import asyncio
import socket
import time
from dataclasses import dataclass

from bot.bootstrap import Service, build_service
from bot.config import Settings
from bot.http import HttpListener
from bot.runtime import Runtime
from bot.telegram.adapter import TelegramAdapter
from storage.unit_of_work import UnitOfWork
from tests.fakes.telegram_api import BOT_TOKEN, FakeTelegram, Sent
from tests.fakes.telegram_updates import TgChat, TgUser

GROUP = TgChat.group(-1001234567890, "Samen Sterk", supergroup=True)
WEBHOOK_SECRET = "webhook-secret_0123456789"
SETTLE_TIMEOUT = 20.0
STEP_TIMEOUT = 10.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class World:
    def __init__(self, fake: FakeTelegram, service: Service, adapter: TelegramAdapter) -> None:
        self.fake = fake
        self.service = service
        self.adapter = adapter

    @property
    def runtime(self) -> Runtime:
        return self.service.runtime

    @property
    def listener(self) -> HttpListener:
        return self.service.listener

    @classmethod
    async def start(cls, fake: FakeTelegram, database_url: str, *, webhook: bool = False,
                    language: str = "en", **runtime_options: object) -> World:
        port = free_port() if webhook else 0
        settings = Settings(
            _env_file=None,
            database_url=database_url,
            optafel_language=language,
            optafel_host="127.0.0.1",
            optafel_port=port,
            telegram_bot_token=BOT_TOKEN,
            telegram_api_url=fake.base_url,
            telegram_webhook_url=(f"http://127.0.0.1:{port}/telegram/webhook"
                                  if webhook else None),
            telegram_webhook_secret=WEBHOOK_SECRET if webhook else None,
        )
        # As `optafel run` does it (bot/cli.py): the service with every configured adapter.
        service = build_service(settings, **{"drain_interval": 0.05, **runtime_options})
        await service.start()
        telegram = service.runtime.adapters["telegram"]
        assert isinstance(telegram, TelegramAdapter)
        fake.add_group(GROUP)
        return cls(fake, service, telegram)

    async def stop(self) -> None:
        await self.service.stop()

    @property
    def webhook_url(self) -> str:
        return f"http://127.0.0.1:{self.listener.port}/telegram/webhook"

    def _pending(self) -> int:
        with UnitOfWork(self.runtime.engine) as uow:
            return uow.inbox.pending() + uow.outbox.pending()

    def _busy(self) -> bool:
        return self.fake.unconfirmed > 0 if self.fake.webhook is None else False

    async def settle(self) -> None:
        """Wait until every update was handled and everything due was delivered."""
        deadline = time.monotonic() + SETTLE_TIMEOUT
        quiet = 0
        while quiet < 3:
            assert time.monotonic() < deadline, "the bot did not settle"
            await asyncio.sleep(0.03)
            busy = self._busy() or await asyncio.to_thread(self._pending) > 0
            quiet = 0 if busy else quiet + 1

    # --- what people see --------------------------------------------------------------
    def group(self) -> list[Sent]:
        return self.fake.in_chat(GROUP.id)

    def group_text(self) -> str:
        return "\n\n".join(m.text for m in self.group())

    def member(self, user: TgUser) -> Member:
        return Member(self, user)


@dataclass
class Member:
    """A person in the group, with a private chat to the bot."""

    world: World
    user: TgUser

    @property
    def fake(self) -> FakeTelegram:
        return self.world.fake

    @property
    def name(self) -> str:
        return self.user.full_name

    def inbox(self) -> list[Sent]:
        return self.fake.in_chat(self.user.id)

    def last(self) -> Sent:
        return self.fake.last_in(self.user.id)

    async def _expect_new(self, count_before: int) -> Sent:
        await self.fake.wait_for(lambda: len(self.inbox()) > count_before, STEP_TIMEOUT,
                                 f"a private message to {self.name}")
        return self.inbox()[-1]

    async def in_group(self, text: str) -> Sent:
        """Type a command in the group; returns the bot's next message there."""
        before = len(self.world.group())
        await self.fake.group_command(self.user, GROUP, text)
        await self.fake.wait_for(lambda: len(self.world.group()) > before, STEP_TIMEOUT,
                                 f"an answer in the group to {text!r}")
        return self.world.group()[before]

    async def start(self, payload: str | None = None) -> Sent:
        before = len(self.inbox())
        await self.fake.start_bot(self.user, payload)
        return await self._expect_new(before)

    async def say(self, text: str) -> Sent:
        before = len(self.inbox())
        await self.fake.private_text(self.user, text)
        return await self._expect_new(before)

    async def press(self, label: str, on: Sent | None = None) -> Sent:
        """Press a button; returns the next new message (the next question)."""
        message = on or self.last()
        before = len(self.inbox())
        await self.fake.press(self.user, message, label)
        return await self._expect_new(before)

    async def toggle(self, label: str, on: Sent | None = None) -> Sent:
        """Press a button that changes the message in place; returns that message."""
        message = on or self.last()
        edits = message.edits
        await self.fake.press(self.user, message, label)
        await self.fake.wait_for(lambda: message.edits > edits, STEP_TIMEOUT,
                                 f"{label!r} to update in place")
        return message

    async def interview(self, *, organisation: str, org_interest: str, own_interest: str,
                        gets: tuple[str, ...] = (), gives: tuple[str, ...] = (),
                        balance: str = "About even", expectations: str = "Openness",
                        stakeholders: str = "A monthly note to the board") -> Sent:
        """Answer every step from the welcome to the seal; returns the sealed review."""
        welcome = next(m for m in reversed(self.inbox())
                       if any("Let's start" in b["text"] for b in m.buttons))
        question = await self.press("Let's start", on=welcome)
        assert "2/11" in question.text
        await self.say(organisation)
        await self.say(org_interest)
        question = await self.say(own_interest)
        for step, chosen in ((5, gets), (6, gives)):
            assert f"{step}/11" in question.text
            for label in chosen:
                await self.toggle(label, on=question)
                assert question.button(label)["text"].startswith("✓ ")
            question = await self.press("Done, next" if chosen else "Skip", on=question)
        assert "7/11" in question.text
        question = await self.press(balance, on=question)
        await self.toggle("Yes", on=question)
        await self.press("Done, next", on=question)
        await self.say(expectations)
        await self.say(stakeholders)
        await self.world.settle()  # a long review comes in parts; the buttons on the last
        review = self.last()
        assert "Seal my answers" in [b["text"] for b in review.buttons]
        return await self.toggle("Seal my answers", on=review)  # thanks, in the review
