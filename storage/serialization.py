"""Effects (the outbox) and core events (the inbox) to JSON and back.

Round trips are exact (``==`` holds).
"""

from __future__ import annotations

from typing import Any

from conversations.effects import (
    EditMessage,
    Effect,
    Notice,
    PostToChannel,
    SendFile,
    SendPrivate,
    UploadPicture,
)
from conversations.events import (
    ButtonPress,
    ChannelCommand,
    CheckinDue,
    Event,
    Join,
    Person,
    PrivateCommand,
    PrivateText,
)
from conversations.messages import Button, Message, MultiSelect
from conversations.trend import Series, Trend

EFFECT_TYPES: dict[str, type] = {
    cls.__name__: cls
    for cls in (SendPrivate, PostToChannel, Notice, EditMessage, UploadPicture, SendFile)
}


EVENT_TYPES: dict[str, type] = {
    cls.__name__: cls
    for cls in (ChannelCommand, PrivateCommand, PrivateText, ButtonPress, Join, CheckinDue)
}


def button_to_json(button: Button) -> dict[str, Any]:
    return {
        "label": button.label,
        "payload": button.payload,
        "selected": button.selected,
        "primary": button.primary,
        "join_token": button.join_token,
    }


def button_from_json(data: dict[str, Any]) -> Button:
    return Button(
        label=data["label"],
        payload=data["payload"],
        selected=bool(data.get("selected", False)),
        primary=bool(data.get("primary", False)),
        join_token=data.get("join_token"),
    )


def message_to_json(message: Message) -> dict[str, Any]:
    multiselect = message.multiselect
    return {
        "sections": list(message.sections),
        "buttons": [[button_to_json(b) for b in row] for row in message.buttons],
        "multiselect": (
            None
            if multiselect is None
            else {"options": [button_to_json(b) for b in multiselect.options]}
        ),
    }


def message_from_json(data: dict[str, Any]) -> Message:
    multiselect = data.get("multiselect")
    return Message(
        sections=tuple(data["sections"]),
        buttons=tuple(tuple(button_from_json(b) for b in row) for row in data.get("buttons") or ()),
        multiselect=(
            None
            if multiselect is None
            else MultiSelect(options=tuple(button_from_json(b) for b in multiselect["options"]))
        ),
    )


def trend_to_json(trend: Trend) -> dict[str, Any]:
    return {
        "title": trend.title,
        "x_labels": list(trend.x_labels),
        "series": [{"name": s.name, "values": list(s.values)} for s in trend.series],
        "y_labels": list(trend.y_labels),
        "x_title": trend.x_title,
        "y_title": trend.y_title,
    }


def trend_from_json(data: dict[str, Any]) -> Trend:
    return Trend(
        title=data["title"],
        x_labels=tuple(data["x_labels"]),
        series=tuple(Series(s["name"], tuple(s["values"])) for s in data["series"]),
        y_labels=tuple(data["y_labels"]),
        x_title=data["x_title"],
        y_title=data["y_title"],
    )


def effect_to_json(effect: Effect) -> tuple[str, dict[str, Any]]:
    """The effect's kind (its class name) and a JSON-safe payload."""
    match effect:
        case SendPrivate(user_id=user_id, message=message):
            payload = {"user_id": user_id, "message": message_to_json(message)}
        case PostToChannel(channel_id=channel_id, message=message):
            payload = {"channel_id": channel_id, "message": message_to_json(message)}
        case Notice(user_id=user_id, channel_id=channel_id, message=message):
            payload = {
                "user_id": user_id,
                "channel_id": channel_id,
                "message": message_to_json(message),
            }
        case EditMessage(origin=origin, message=message):
            payload = {"origin": origin, "message": message_to_json(message)}
        case UploadPicture(channel_id=channel_id, trend=trend):
            payload = {"channel_id": channel_id, "trend": trend_to_json(trend)}
        case SendFile(user_id=user_id, name=name, rows=rows):
            payload = {"user_id": user_id, "name": name, "rows": [list(r) for r in rows]}
        case _:
            raise TypeError(f"not an effect: {effect!r}")
    return type(effect).__name__, payload


def effect_from_json(kind: str, payload: dict[str, Any]) -> Effect:
    """The inverse of `effect_to_json`."""
    if kind == "SendPrivate":
        return SendPrivate(payload["user_id"], message_from_json(payload["message"]))
    if kind == "PostToChannel":
        return PostToChannel(payload["channel_id"], message_from_json(payload["message"]))
    if kind == "Notice":
        return Notice(
            payload["user_id"], payload["channel_id"], message_from_json(payload["message"])
        )
    if kind == "EditMessage":
        return EditMessage(payload["origin"], message_from_json(payload["message"]))
    if kind == "UploadPicture":
        return UploadPicture(payload["channel_id"], trend_from_json(payload["trend"]))
    if kind == "SendFile":
        rows = tuple(tuple(row) for row in payload["rows"])
        return SendFile(payload["user_id"], payload["name"], rows)
    raise ValueError(f"unknown effect kind {kind!r}")


def event_to_json(event: Event) -> dict[str, Any]:
    """A core event as JSON: its type's name and its fields (people as objects)."""
    if type(event).__name__ not in EVENT_TYPES:
        raise TypeError(f"not an event: {type(event).__name__}")
    fields: dict[str, Any] = {"type": type(event).__name__}
    for name, value in vars(event).items():
        if isinstance(value, Person):
            value = vars(value).copy()
        elif isinstance(value, tuple):
            value = [vars(v).copy() if isinstance(v, Person) else v for v in value]
        fields[name] = value
    return fields


def event_from_json(data: dict[str, Any]) -> Event:
    """The inverse of `event_to_json`; ValueError for anything else."""
    fields = dict(data)
    cls = EVENT_TYPES.get(str(fields.pop("type", "")))
    if cls is None:
        raise ValueError("not a stored event")
    for name, value in fields.items():
        if isinstance(value, dict):
            fields[name] = Person(**value)
        elif isinstance(value, list):
            fields[name] = tuple(Person(**v) if isinstance(v, dict) else v for v in value)
    return cls(**fields)  # type: ignore[no-any-return]
