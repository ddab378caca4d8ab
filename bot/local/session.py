"""Acting as several people in one local channel: used by the terminal, the demo and tests."""

from __future__ import annotations

import re

from bot.local.adapter import PLATFORM, LocalAdapter, LocalMessage
from bot.runtime import Runtime
from conversations.command_names import canonical, canonical_args
from conversations.events import (
    ButtonPress,
    ChannelCommand,
    Event,
    Person,
    PrivateCommand,
    PrivateText,
)
from conversations.private import unfinished

# Commands whose words name people.
WITH_PEOPLE = frozenset({"partners", "coordinator"})


class NotYourButton(LookupError):
    """A button in someone else's private chat: nobody else can press it."""

    def __init__(self, number: int, owner: str) -> None:
        super().__init__(number, owner)
        self.number = number
        self.owner = owner


def split_command(text: str) -> tuple[str, tuple[str, ...]]:
    """`/partners anna bram` → ("partners", ("anna", "bram"))."""
    words = text.strip().lstrip("/").split()
    return (words[0].lower() if words else "help"), tuple(words[1:])


class LocalSession:
    """A shared channel plus private chats, all in this process."""

    def __init__(self, runtime: Runtime, adapter: LocalAdapter,
                 channel_id: str = "tafel", channel_name: str = "Tafel") -> None:
        self.runtime = runtime
        self.adapter = adapter
        self.channel_id = channel_id
        self.channel_name = channel_name
        self.people: dict[str, Person] = {}

    async def _handle(self, event: Event) -> None:
        """Hand the event to the runtime, then wait until its answers are shown: one
        person at a keyboard reads the reply before typing on (the local platform never
        has to wait for anything)."""
        await self.runtime.handle(PLATFORM, event)
        await self.runtime.drain()

    def person(self, name: str) -> Person:
        """Everyone who has acted is a member of the local channel."""
        user_id = re.sub(r"[^a-z0-9]+", "-", name.lower().lstrip("@")).strip("-") or "someone"
        if user_id not in self.people:
            self.people[user_id] = Person(user_id, name.lstrip("@"))
        return self.people[user_id]

    async def command(self, who: str, text: str) -> None:
        """A command typed in the shared channel.

        For `partners` and `coordinator` every word names a person, with or without @
        (`partners anna bram`, `partners remove anna`); `partners` alone is the channel.
        """
        actor = self.person(who)
        name, args = split_command(text)
        if canonical(name) in WITH_PEOPLE:
            args = canonical_args(name, args)
            plain_args = tuple(a for a in args if a == "remove")
            names = tuple(a for a in args if a != "remove")
        else:
            plain_args = tuple(a for a in args if not a.startswith("@"))
            names = tuple(a for a in args if a.startswith("@"))
        named = tuple(self.person(a) for a in names)
        whole_channel = name == "partners" and not args
        if whole_channel:
            named = tuple(self.people.values())
        event = ChannelCommand(self.channel_id, self.channel_name, actor, name, plain_args, named,
                               whole_channel)
        await self._handle(event)

    async def private_command(self, who: str, text: str) -> None:
        name, args = split_command(text)
        await self._handle(PrivateCommand(self.person(who), name, args))

    async def say(self, who: str, text: str) -> None:
        """Private text to the bot."""
        await self._handle(PrivateText(self.person(who), text))

    async def resume(self) -> None:
        """After a restart: show everyone who is mid-interview where they are.

        The buttons shown before the restart are gone; the question comes with new ones.
        """
        table = await self.runtime.table(PLATFORM, self.channel_id)
        for member in table.partners if table is not None else ():
            if unfinished(table, member.user_id):
                person = self.people.setdefault(member.user_id,
                                                Person(member.user_id, member.name))
                await self._handle(PrivateCommand(person, "start"))

    async def press(self, who: str, number: int) -> None:
        """Press button `number`: in the channel anyone may, in a private chat only its owner.

        A number this process did not show (an old one, from before a restart: numbers are
        never reused) is a button the bot cannot read: it answers privately with where the
        person is.
        """
        found = self.adapter.button(number)
        if found is None:
            await self._handle(ButtonPress(self.person(who), payload=""))
            return
        message, button = found
        owner = message.place.partition(":")[2]
        if not message.place.startswith("#") and owner != self.person(who).user_id:
            raise NotYourButton(number, self.people[owner].name if owner in self.people
                                else owner)
        await self._handle(ButtonPress(self.person(who), button.payload, origin=message.id))

    async def press_label(self, who: str, label: str, message: LocalMessage | None = None) -> None:
        """Press the button labelled `label` on `message` (default: the last one with it)."""
        if message is None:
            message = self.last_with_buttons(who)
        await self.press(who, message.button(label).number)

    def last_with_buttons(self, who: str) -> LocalMessage:
        user_id = self.person(who).user_id
        for message in reversed(self.adapter.inbox(user_id)):
            if message.buttons:
                return message
        raise LookupError(f"{who} has no message with buttons")

    def last(self, who: str) -> LocalMessage:
        return self.adapter.inbox(self.person(who).user_id)[-1]
