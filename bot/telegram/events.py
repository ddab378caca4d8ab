"""Telegram updates as core events: pure translation, no I/O.

Groups: commands only (with privacy mode on, that is all a bot receives there), also in
the `/command@botname` form; a command addressed to another bot is not ours. Private
chat: `/start <token>` follows an invitation, plain `/start` asks for help, other
commands are private commands, anything else typed is an answer. A button press carries
its payload and, as `origin`, "CHAT_ID:MESSAGE_ID" of the message it was on.
"""

from __future__ import annotations

from telegram import Chat, Message, MessageEntity, Update, User

from conversations.events import (
    ButtonPress,
    ChannelCommand,
    Event,
    Join,
    Person,
    PrivateCommand,
    PrivateText,
)

GROUP_TYPES = (Chat.GROUP, Chat.SUPERGROUP)


def person(user: User) -> Person:
    return Person(str(user.id), user.full_name)


def origin(chat_id: int, message_id: int) -> str:
    return f"{chat_id}:{message_id}"


def parse_origin(value: str) -> tuple[int, int]:
    chat_id, _, message_id = value.rpartition(":")
    return int(chat_id), int(message_id)


def command(message: Message, bot_username: str | None) -> tuple[str, tuple[str, ...]] | None:
    """`(name, args)` of a command at the start of the message, if it is meant for us."""
    text = message.text or ""
    entities = message.entities or ()
    if not any(e.type == MessageEntity.BOT_COMMAND and e.offset == 0 for e in entities):
        return None
    head, *args = text.split()
    name, _, addressee = head[1:].partition("@")
    if addressee and (bot_username is None or addressee.lower() != bot_username.lower()):
        return None
    return name.lower(), tuple(args)


def _people(message: Message) -> tuple[Person, ...]:
    """Users named in a command: text mentions (people without a username) and the
    author of the message the command replies to."""
    found: list[User] = [
        e.user for e in (message.entities or ())
        if e.type == MessageEntity.TEXT_MENTION and e.user is not None
    ]
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None:
        found.append(replied.from_user)
    people: dict[int, Person] = {}
    for user in found:
        if not user.is_bot:
            people.setdefault(user.id, person(user))
    return tuple(people.values())


def _group(message: Message, actor: Person, bot_username: str | None) -> Event | None:
    parsed = command(message, bot_username)
    if parsed is None:
        return None
    name, args = parsed
    if name == "start":  # added by a ?startgroup= link, or typed: show what we can do
        name, args = "help", ()
    return ChannelCommand(
        channel_id=str(message.chat.id),
        channel_name=message.chat.title or str(message.chat.id),
        actor=actor,
        name=name,
        args=args,
        people=_people(message),
    )


def _private(message: Message, actor: Person, bot_username: str | None) -> Event | None:
    if message.text is None:
        return None
    parsed = command(message, bot_username)
    if parsed is None:
        return PrivateText(actor, message.text)
    name, args = parsed
    if name == "start":  # with an invitation's token: join; plain: start (again)
        return Join(actor, args[0]) if args else PrivateCommand(actor, "start")
    return PrivateCommand(actor, name, args)


def to_event(update: Update, bot_username: str | None) -> Event | None:
    """The core event an update stands for, or None when it is nothing for us."""
    query = update.callback_query
    if query is not None:
        if query.from_user.is_bot or not query.data:
            return None
        pressed_on = query.message
        where = origin(pressed_on.chat.id, pressed_on.message_id) if pressed_on else None
        return ButtonPress(person(query.from_user), query.data, where)
    message = update.message  # edits, channel posts and the like are not for us
    if message is None or message.from_user is None or message.from_user.is_bot:
        return None
    actor = person(message.from_user)
    if message.chat.type == Chat.PRIVATE:
        return _private(message, actor, bot_username)
    if message.chat.type in GROUP_TYPES:
        return _group(message, actor, bot_username)
    return None
