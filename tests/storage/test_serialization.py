from __future__ import annotations

import json

import pytest

from conversations.effects import (
    EditMessage,
    Notice,
    PostToChannel,
    SendFile,
    SendPrivate,
    UploadPicture,
)
from conversations.messages import Button, Message, MultiSelect
from conversations.trend import Series, Trend
from storage.serialization import EFFECT_TYPES, effect_from_json, effect_to_json

RICH = Message(
    sections=('<b>Hallo</b> <mention id="U1">Ann</mention>', "Tweede & laatste"),
    buttons=(
        (Button("Ja", "yes", primary=True), Button("Nee", "no")),
        (Button("Doe mee", "join", join_token="abc123"),),
    ),
    multiselect=MultiSelect(
        options=(Button("Kennis", "get:knowledge", selected=True), Button("Geld", "get:money"))
    ),
)
PLAIN = Message(sections=("Alleen tekst",))
TREND = Trend("Balans", ("Ronde 1", "Check-in 1\n14 dec"),
              (Series("Anna", (2, None)), Series("<b>Bram</b>", (3, 5))),
              ("1", "2", "3", "4", "5"), "Ronde", "Balans")

EFFECTS = [
    SendPrivate("U1", RICH),
    SendPrivate("U2", PLAIN),
    PostToChannel("C1", RICH),
    Notice("U1", "C1", PLAIN),
    EditMessage("C1:1712345678.000100", RICH),
    UploadPicture("C1", TREND),
    SendFile("U1", "export.csv", (("kind", "text"), ("interests", "<b>Ja</b> &amp; nee"))),
]


@pytest.mark.parametrize("effect", EFFECTS, ids=lambda e: type(e).__name__)
def test_round_trip_is_exact(effect: object) -> None:
    kind, payload = effect_to_json(effect)  # type: ignore[arg-type]
    assert kind == type(effect).__name__
    # The payload survives real JSON encoding, as it does in the outbox column.
    restored = effect_from_json(kind, json.loads(json.dumps(payload)))
    assert restored == effect
    assert type(restored) is type(effect)


def test_every_effect_class_is_covered() -> None:
    assert {type(e).__name__ for e in EFFECTS} == set(EFFECT_TYPES)


def test_unknown_kind_and_non_effect_are_rejected() -> None:
    with pytest.raises(ValueError):
        effect_from_json("Explode", {})
    with pytest.raises(TypeError):
        effect_to_json("not an effect")  # type: ignore[arg-type]
