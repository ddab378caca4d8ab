"""Bolt listeners: acknowledge, translate Slack's request into a core event, hand it off.

Nothing is decided here. Each listener `ack()`s first (Bolt then answers Slack at once,
well within its three seconds) and passes the event to `runtime.handle` with a key that
makes a repeated delivery have effect once: Slack's `event_id` for events, the
`trigger_id` (unique per slash command and per interaction) otherwise.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from slack_bolt.async_app import AsyncApp

from bot.home import HOME_CONTINUE
from bot.slack.commands import PRIVATE_ONLY, is_private_place, parse_command
from bot.slack.directory import Directory
from bot.slack.incoming import BARE_MENTION, to_plain_text
from bot.slack.render import ACTION_PREFIX
from conversations.command_names import canonical
from conversations.events import ButtonPress, ChannelCommand, Event, PrivateCommand, PrivateText

if TYPE_CHECKING:
    from bot.runtime import Runtime

log = logging.getLogger(__name__)
PLATFORM = "slack"
# Commands whose people are named in the text; `partners` alone means the whole channel.
WITH_PEOPLE = frozenset({"partners", "coordinator"})

Publish = Callable[[str], Awaitable[None]]


class Inbound:
    """Everything Slack sends us, as core events for `runtime`."""

    def __init__(self, directory: Directory, publish_home: Publish) -> None:
        self.directory = directory
        self.runtime: Runtime | None = None
        self._publish_home = publish_home
        self._inflight: set[asyncio.Task[Any]] = set()

    def register(self, app: AsyncApp) -> None:
        app.command(re.compile(r"^/"))(self.on_command)
        app.action(re.compile("^" + re.escape(ACTION_PREFIX)))(self.on_action)
        app.event("message")(self.on_message)
        app.event("app_home_opened")(self.on_home_opened)

    async def settle(self) -> None:
        """Wait until every request that arrived has been handed off (tests, shutdown)."""
        while self._inflight:
            await asyncio.gather(*list(self._inflight), return_exceptions=True)

    async def _hand_off(self, work: Awaitable[Event | list[Event] | None],
                        key: Callable[[int], str | None]) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._inflight.add(task)
        try:
            translated = await work
            events = translated if isinstance(translated, list) else [translated]
            for n, event in enumerate(e for e in events if e is not None):
                if self.runtime is None:
                    # The type only: an event's repr would show what a partner typed.
                    log.warning("Slack %s while stopped, not handled", type(event).__name__)
                    return
                await self.runtime.handle(PLATFORM, event, event_id=key(n))
        except Exception:
            log.exception("handling a Slack request failed")
        finally:
            if task is not None:
                self._inflight.discard(task)

    # --- slash command ----------------------------------------------------------------
    async def on_command(self, ack: Any, body: dict[str, Any]) -> None:
        await ack()
        await self._hand_off(self._command(body), lambda n: f"command:{body.get('trigger_id')}")

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

    # --- buttons and checkboxes -------------------------------------------------------
    async def on_action(self, ack: Any, body: dict[str, Any]) -> None:
        await ack()
        trigger = body.get("trigger_id")
        await self._hand_off(self._presses(body), lambda n: f"action:{trigger}:{n}")

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

    # --- events -----------------------------------------------------------------------
    async def on_message(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        """A DM to the bot (`message.im`): an answer. Edits, bots and channels ignored."""
        if (event.get("channel_type") != "im" or event.get("subtype")
                or event.get("bot_id") or not event.get("user")):
            return
        event_id = body.get("event_id")
        await self._hand_off(self._text(event), lambda n: event_id)

    async def _text(self, event: dict[str, Any]) -> Event:
        actor = await self.directory.person(event["user"])
        text = event.get("text") or ""
        names = {user_id: (await self.directory.profile(user_id)).name
                 for user_id in set(BARE_MENTION.findall(text))}
        return PrivateText(actor, to_plain_text(text, names))

    async def on_home_opened(self, event: dict[str, Any]) -> None:
        if event.get("tab", "home") != "home" or not event.get("user"):
            return
        task = asyncio.current_task()
        if task is not None:
            self._inflight.add(task)
        try:
            await self._publish_home(event["user"])
        except Exception:
            log.exception("publishing the App Home failed")
        finally:
            if task is not None:
                self._inflight.discard(task)


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
