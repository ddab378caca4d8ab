"""Bolt listeners: store what Slack sends in the inbox, then acknowledge it.

Bolt runs with `process_before_response`: a listener stores the raw body (one short
insert) and only then calls `ack()`, so Slack hears "received" only for what is stored.
When storing fails the listener raises and Slack gets a 500 instead: it sends an event
again; a slash command shows the person an error, and nothing half-happens. Everything
slow — the directory lookups (Slack API calls) and the decision — happens afterwards,
from the inbox (`translate`). The key that makes a repeated delivery have effect once:
Slack's `event_id` for events, the `trigger_id` (unique per slash command and per
interaction) otherwise.

A slash command that changes nothing (`help`, an unknown command) is not stored: its
answer is read from what is stored and sent in the ack itself, which Slack shows to the
person alone, the way Slack suggests for an answer that is ready at once.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.adapter import Receive, Unreadable
from bot.home import HOME_CONTINUE
from bot.slack.commands import PRIVATE_ONLY, is_private_place, parse_command
from bot.slack.directory import Directory
from bot.slack.incoming import BARE_MENTION, to_plain_text
from bot.slack.render import ACTION_PREFIX, SlackMessage, render
from conversations.command_names import canonical
from conversations.events import (
    ButtonPress,
    ChannelCommand,
    Event,
    Person,
    PrivateCommand,
    PrivateText,
)
from conversations.messages import Message
from storage.inbox import RAW, Received

log = logging.getLogger(__name__)
PLATFORM = "slack"
# Commands whose people are named in the text; `partners` alone means the whole channel.
WITH_PEOPLE = frozenset({"partners", "coordinator"})

Publish = Callable[[str], Awaitable[None]]
Answer = Callable[[str, ChannelCommand], Awaitable[Message | None]]


class NotStored(Exception):
    """A request could not be stored: it is not acknowledged, so Slack may send it again."""


class SlackInbound:
    """Everything Slack sends us: stored raw, and later translated into core events."""

    def __init__(self, directory: Directory, publish_home: Publish) -> None:
        self.directory = directory
        self.receive: Receive | None = None
        self.answer: Answer | None = None
        self._publish_home = publish_home
        self._inflight: set[asyncio.Task[Any]] = set()

    def register(self, app: AsyncApp) -> None:
        app.command(re.compile(r"^/"))(self.on_command)
        app.action(re.compile("^" + re.escape(ACTION_PREFIX)))(self.on_action)
        app.event("message")(self.on_message)
        app.event("app_home_opened")(self.on_home_opened)

    async def settle(self) -> None:
        """Wait until the App Home pages being published are done (tests, shutdown)."""
        while self._inflight:
            await asyncio.gather(*list(self._inflight), return_exceptions=True)

    async def _store(self, body: dict[str, Any], key: str | None, actor: str | None,
                     chat: str | None) -> None:
        """Store the raw body; NotStored (no ack: Slack gets an error) when that fails."""
        if self.receive is None:
            raise NotStored("not running")
        try:
            await self.receive(Received(PLATFORM, key, RAW, body, actor, chat))
        except Exception as error:
            # The type only: a database error may quote the values it carried.
            log.error("a Slack request could not be stored (%s): not acknowledged",
                      type(error).__name__)
            raise NotStored(type(error).__name__) from None

    # --- storing, then acknowledging ----------------------------------------------------
    async def on_command(self, ack: Any, body: dict[str, Any]) -> None:
        """A command that changes nothing (`help`, a typo) is answered in the ack itself,
        which Slack shows to the person alone; any other is stored, then acknowledged."""
        at_once = await self._at_once(body)
        if at_once is not None:
            await ack(text=at_once.text, blocks=list(at_once.blocks))
            return
        trigger = body.get("trigger_id")
        await self._store(body, f"command:{trigger}" if trigger else None, body.get("user_id"),
                          body.get("channel_id"))
        await ack()

    async def _at_once(self, body: dict[str, Any]) -> SlackMessage | None:
        """The answer to a channel command that changes nothing, when it fits one message.

        Read from what is stored, before anything is stored; when that fails the command
        takes the usual way (stored, then decided)."""
        if self.answer is None:
            return None
        typed = parse_command(body.get("text", ""))
        channel_id, channel_name = body.get("channel_id", ""), body.get("channel_name", "")
        if is_private_place(channel_id, channel_name) or canonical(typed.name) in PRIVATE_ONLY:
            return None
        actor = Person(body.get("user_id", ""), body.get("user_name", ""))
        try:
            message = await self.answer(PLATFORM, ChannelCommand(
                channel_id, channel_name, actor, typed.name, typed.args))
        except Exception as error:
            log.warning("a command could not be answered at once (%s): stored instead",
                        type(error).__name__)
            return None
        parts = render(message) if message is not None else []
        return parts[0] if len(parts) == 1 else None

    async def on_action(self, ack: Any, body: dict[str, Any]) -> None:
        trigger = body.get("trigger_id")
        await self._store(body, f"action:{trigger}" if trigger else None,
                          (body.get("user") or {}).get("id"),
                          (body.get("container") or {}).get("channel_id"))
        await ack()

    async def on_message(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        """A DM to the bot (`message.im`): an answer. Edits, bots and channels ignored.
        (Bolt acknowledges events itself, after this returns.)"""
        if (event.get("channel_type") != "im" or event.get("subtype")
                or event.get("bot_id") or not event.get("user")):
            return
        await self._store(body, body.get("event_id"), event.get("user"), event.get("channel"))

    async def on_home_opened(self, event: dict[str, Any]) -> None:
        """Nothing to store (the page only shows what is there): publish it in the
        background, so that Bolt acknowledges at once."""
        if event.get("tab", "home") != "home" or not event.get("user"):
            return
        task = asyncio.create_task(self._home(event["user"]))
        self._inflight.add(task)
        task.add_done_callback(self._inflight.discard)

    async def _home(self, user_id: str) -> None:
        try:
            await self._publish_home(user_id)
        except Exception:
            log.exception("publishing the App Home failed")

    # --- translating, when the inbox decides --------------------------------------------
    async def translate(self, body: dict[str, Any]) -> list[Event]:
        """The core events a stored body stands for; directory lookups happen here."""
        try:
            if "command" in body:
                return [await self._command(body)]
            if body.get("type") == "block_actions":
                return await self._presses(body)
            if body.get("type") == "event_callback":
                return [await self._text(body["event"])]
        except (KeyError, TypeError, AttributeError) as error:
            raise Unreadable(type(error).__name__) from None
        raise Unreadable("not a request we store")

    async def _command(self, body: dict[str, Any]) -> Event:
        typed = parse_command(body.get("text", ""))
        channel_id = body.get("channel_id", "")
        channel_name = body.get("channel_name", "")
        actor = await self.directory.person(body["user_id"], body.get("user_name", ""))
        if is_private_place(channel_id, channel_name) or canonical(typed.name) in PRIVATE_ONLY:
            return PrivateCommand(actor, typed.name, typed.args)
        people = await self.directory.people(typed.mentioned)
        whole_channel = typed.name == "partners" and not typed.mentioned and not typed.args
        if whole_channel:
            people = await self.directory.humans_in(channel_id)
        elif typed.name not in WITH_PEOPLE:
            people = ()
        return ChannelCommand(channel_id, channel_name, actor, typed.name, typed.args, people,
                              whole_channel)

    async def _presses(self, body: dict[str, Any]) -> list[Event]:
        user = body.get("user") or {}
        actor = await self.directory.person(user["id"], user.get("name", ""))
        container = body.get("container") or {}
        origin = None
        if container.get("type") == "message" and not container.get("is_ephemeral"):
            origin = f"{container.get('channel_id')}:{container.get('message_ts')}"
        shown = (body.get("message") or body.get("view") or {}).get("blocks") or []
        presses: list[Event] = []
        for action in body.get("actions") or []:
            for payload in _payloads(action, shown):
                if payload == HOME_CONTINUE:  # App Home: ask the current question again
                    presses.append(PrivateCommand(actor, "edit"))
                else:
                    presses.append(ButtonPress(actor, payload, origin))
        return presses

    async def _text(self, event: dict[str, Any]) -> Event:
        actor = await self.directory.person(event["user"])
        text = event.get("text") or ""
        names = {user_id: (await self.directory.profile(user_id)).name
                 for user_id in set(BARE_MENTION.findall(text))}
        return PrivateText(actor, to_plain_text(text, names))


def _payloads(action: dict[str, Any], shown: list[dict[str, Any]]) -> list[str]:
    """The core payloads one Slack action stands for: a button's value, or one per
    checkbox whose state changed compared with the message as it was shown."""
    if action.get("type") == "button":
        return [action["value"]] if action.get("value") else []
    if action.get("type") == "checkboxes":
        now = [o["value"] for o in action.get("selected_options") or []]
        before = _initially_checked(shown, action.get("block_id"), action.get("action_id"))
        return [v for v in now if v not in before] + [v for v in before if v not in now]
    return []


def _initially_checked(blocks: list[dict[str, Any]], block_id: str | None,
                       action_id: str | None) -> list[str]:
    for block in blocks:
        if block.get("block_id") != block_id:
            continue
        for element in block.get("elements") or []:
            if element.get("action_id") == action_id:
                return [o["value"] for o in element.get("initial_options") or []]
    return []
