"""A Slack workspace for tests: the fake Web API, our app started the way `optafel run`
starts it, and people who type slash commands, press buttons and write DMs — all as
signed HTTP requests, exactly as Slack sends them."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.bootstrap import Service, build_service
from bot.config import Settings
from bot.http import HttpListener
from bot.runtime import Runtime
from bot.slack.adapter import SlackAdapter
from storage.unit_of_work import UnitOfWork
from tests.fakes.slack_api import BOT_TOKEN, FakeSlackApi, Posted, validate_blocks
from tests.fakes.slack_requests import SIGNING_SECRET, Reply, SlackRequests

CHANNEL_ID = "C0TAFEL"
CHANNEL_NAME = "samen-sterk"
SETTLE_TIMEOUT = 20.0


class Workspace:
    def __init__(self, api: FakeSlackApi, runtime: Runtime, listener: HttpListener,
                 adapter: SlackAdapter) -> None:
        self.api = api
        self.runtime = runtime
        self.listener = listener
        self.adapter = adapter
        self.requests = SlackRequests(f"http://127.0.0.1:{listener.port}/slack/events")

    @classmethod
    async def start(cls, api: FakeSlackApi, database_url: str, *,
                    runtime_options: dict[str, object] | None = None,
                    **overrides: object) -> Workspace:
        settings = Settings(
            _env_file=None,
            database_url=database_url,
            optafel_language="en",
            optafel_host="127.0.0.1",
            optafel_port=0,
            slack_bot_token=BOT_TOKEN,
            slack_signing_secret=SIGNING_SECRET,
            slack_api_url=api.base_url.rstrip("/"),  # the missing slash is added
            **overrides,
        )
        # As `optafel run` does it (bot/cli.py).
        service = build_service(settings, **{"drain_interval": 0.05, **(runtime_options or {})})
        await service.start()
        runtime, listener = service.runtime, service.listener
        slack = runtime.adapters["slack"]
        assert isinstance(slack, SlackAdapter)
        return cls(api, runtime, listener, slack)

    async def stop(self) -> None:
        await self.requests.close()
        await Service(self.runtime, self.listener).stop()

    def user(self, user_id: str, name: str, *, in_channel: bool = True) -> SlackUser:
        if user_id not in self.api.users:
            self.api.add_user(user_id, name, real_name=name.title())
        if in_channel and CHANNEL_ID in self.api.channels:
            members = self.api.channels[CHANNEL_ID].members
            if user_id not in members:
                members.insert(-1, user_id)
        return SlackUser(self, user_id, name)

    def _pending(self) -> int:
        with UnitOfWork(self.runtime.engine) as uow:
            return uow.inbox.pending() + uow.outbox.pending()

    async def settle(self) -> None:
        """Wait until everything Slack sent us has been handled and delivered."""
        deadline = time.monotonic() + SETTLE_TIMEOUT
        quiet = 0
        while quiet < 2:
            assert time.monotonic() < deadline, "the app did not settle"
            await asyncio.sleep(0.03)
            await self.adapter.inbound.settle()
            pending = await asyncio.to_thread(self._pending)
            quiet = quiet + 1 if pending == 0 else 0

    def channel_messages(self) -> list[Posted]:
        return self.api.in_channel(CHANNEL_ID)

    def channel_text(self) -> str:
        return "\n".join(section_text(m) for m in self.channel_messages())


def section_text(message: Posted | Any) -> str:
    """What a person reads in a message: all its section texts, zero-width spaces unseen."""
    return raw_section_text(message).replace("\u200b", "")


def raw_section_text(message: Posted | Any) -> str:
    """The section texts as Slack received them, to be rendered as mrkdwn."""
    return _sections(message.blocks)


def _sections(blocks: list[dict[str, Any]]) -> str:
    return "\n".join(b["text"]["text"] for b in blocks if b.get("type") == "section")


def ack_text(reply: Reply) -> str:
    """What a person reads of a command's answer sent in the ack itself (shown to them
    alone): its section texts, zero-width spaces unseen; '' for a bare ack."""
    body = reply.json() if "json" in reply.content_type else None
    if not body:
        return ""
    assert body.get("response_type", "ephemeral") == "ephemeral"  # never in the channel
    validate_blocks(body["blocks"])
    return _sections(body["blocks"]).replace("\u200b", "")


def elements(message: Posted | Any) -> list[dict[str, Any]]:
    return [e for b in message.blocks if b.get("type") == "actions" for e in b["elements"]]


@dataclass
class SlackUser:
    ws: Workspace
    user_id: str
    name: str

    @property
    def im(self) -> str:
        return self.ws.api.im_of(self.user_id)

    # --- what they see ------------------------------------------------------------------
    def dms(self) -> list[Posted]:
        return self.ws.api.dms_to(self.user_id)

    def last_dm(self) -> Posted:
        return self.dms()[-1]

    def ephemerals(self) -> list[str]:
        return [section_text(e) for e in self.ws.api.ephemerals_to(self.user_id)]

    def _with_control(self, match: Callable[[dict[str, Any]], bool]) -> Posted:
        for message in reversed(self.dms()):
            if any(match(e) for e in elements(message)):
                return message
        raise LookupError(f"{self.name} has no DM with such a control")

    # --- what they do -------------------------------------------------------------------
    async def command(self, text: str, *, private: bool = False, settle: bool = True,
                      **sending: Any) -> Reply:
        reply = await self.ws.requests.command(
            text, user_id=self.user_id, user_name=self.name,
            channel_id=self.im if private else CHANNEL_ID,
            channel_name="directmessage" if private else CHANNEL_NAME, **sending)
        if settle:
            await self.ws.settle()
        return reply

    async def say(self, text: str, *, settle: bool = True, **sending: Any) -> Reply:
        event = self.ws.requests.im_message(user_id=self.user_id, channel_id=self.im,
                                            text=text)
        reply = await self.ws.requests.event(event, **sending)
        if settle:
            await self.ws.settle()
        return reply

    async def press(self, label: str, *, on: Posted | None = None,
                    settle: bool = True) -> Reply:
        """Press the button whose label contains `label`: on `on` (e.g. a message in the
        channel), else on the newest of their DMs that has one."""
        def is_it(e: dict[str, Any]) -> bool:
            return e["type"] == "button" and label.lower() in e["text"]["text"].lower()

        message = on or self._with_control(is_it)
        button = next(e for e in elements(message) if is_it(e))
        block = next(b for b in message.blocks if button in b.get("elements", []))
        action = {"type": "button", "action_id": button["action_id"],
                  "block_id": block["block_id"], "text": button["text"],
                  "value": button["value"]}
        reply = await self._act(message, action)
        if settle:
            await self.ws.settle()
        return reply

    async def tick(self, *labels: str) -> None:
        """Click checkboxes one at a time, as a person does, each on the updated message."""
        for label in labels:
            message = self._with_control(lambda e: e["type"] == "checkboxes")
            block, element = next(
                (b, e) for b in message.blocks for e in b.get("elements", [])
                if e["type"] == "checkboxes"
                and any(label.lower() in o["text"]["text"].lower() for o in e["options"]))
            option = next(o for o in element["options"]
                          if label.lower() in o["text"]["text"].lower())
            chosen = list(element.get("initial_options") or [])
            chosen = [o for o in chosen if o != option] if option in chosen else [*chosen,
                                                                                  option]
            action = {"type": "checkboxes", "action_id": element["action_id"],
                      "block_id": block["block_id"], "selected_options": chosen}
            await self._act(message, action, state={block["block_id"]: {
                element["action_id"]: {"type": "checkboxes", "selected_options": chosen}}})
            await self.ws.settle()

    async def _act(self, message: Posted, action: dict[str, Any],
                   state: dict[str, Any] | None = None) -> Reply:
        shown = {"type": "message", "user": message.user, "ts": message.ts,
                 "text": message.text, "blocks": message.blocks}
        payload = self.ws.requests.block_actions_payload(
            user_id=self.user_id, user_name=self.name, channel_id=message.channel,
            message=shown, actions=[action], state=state)
        return await self.ws.requests.interaction(payload)


async def open_round(coordinator: SlackUser) -> None:
    """The coordinator sets up the channel, lists only themselves as partner and opens a
    round: their welcome waits in their DM."""
    await coordinator.command("setup")
    await coordinator.command(f"partners <@{coordinator.user_id}|{coordinator.name}>")
    await coordinator.command("round")


async def walk(person: SlackUser, organisation: str, *, org_interest: str | None = None,
               own_interest: str | None = None, gets: tuple[str, ...] = ("Knowledge",),
               get_note: str | None = None, gives: tuple[str, ...] = ("Network",),
               balance: str = "About even", ambition: str = "Yes",
               expectations: str | None = None, stakeholders: str | None = None,
               seal: bool = True) -> None:
    """One partner's whole interview in their DM: buttons, checkboxes and typed text."""
    name = person.name
    await person.press("Let's start")
    await person.say(organisation)
    await person.say(org_interest or f"{name}'s organisation wants impact")
    await person.say(own_interest or f"{name} wants to learn")
    await person.tick(*gets)
    if get_note:
        await person.say(get_note)
    await person.press("Done, next")
    await person.tick(*gives)
    await person.press("Done, next")
    await person.press(balance)
    await person.press(ambition)
    await person.press("Done, next")
    await person.say(expectations or f"{name} expects honesty")
    await person.say(stakeholders or f"{name} informs the board monthly")
    if seal:
        await person.press("Seal my answers")
