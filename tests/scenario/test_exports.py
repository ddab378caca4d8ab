"""Exports as files: every reveal for a coordinator, one's own answers for a partner."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from bot.local.session import LocalSession

from .conftest import Local, answer_everything
from .test_round import setup_round


def _json(path: Path) -> list[dict[str, str]]:
    return json.loads(path.read_text())


def _csv(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))


async def test_export_all_is_every_reveal_as_posted_and_nothing_unrevealed(local: Local):
    s, ad = local.session, local.adapter
    await setup_round(local, "Anna", "Bram")
    await s.command("Dewi", "/anonymous on")
    await answer_everything(s, "Anna", "Anon-Org-A")
    await answer_everything(s, "Bram", "Anon-Org-B")
    await s.command("Dewi", "/reveal")
    anonymous_reveal = ad.channel("tafel")[-1].text
    await s.command("Dewi", "/anonymous off")
    await s.command("Dewi", "/round")
    await answer_everything(s, "Anna", "Named-Org-A")
    await answer_everything(s, "Bram", "Named-Org-B")
    await s.command("Dewi", "/reveal")
    await s.command("Dewi", "/round")
    await answer_everything(s, "Anna", "Sealed-Not-Revealed")  # round 3: still sealed

    await s.command("Anna", "/export all")  # not a coordinator
    assert ad.files == [] and "coordinator" in ad.notices("anna")[-1].text.lower()
    await s.command("Dewi", "/export all")
    assert "two files: JSON and CSV" in ad.notices("dewi")[-1].text
    as_json, as_csv = ad.files
    assert as_json.suffix == ".json" and as_csv.suffix == ".csv"
    records = _json(as_json)
    assert [r["round"] for r in records if r["kind"] == "interests"][:1] == ["1"]
    assert {r["round"] for r in records} == {"1", "2"}
    first = "\n\n".join(r["text"] for r in records if r["round"] == "1")
    assert first == anonymous_reveal  # as posted: still anonymous after `anonymous off`
    assert "Anon-Org-A" not in first and "Named-Org-A" in json.dumps(records)
    everything = as_json.read_text() + as_csv.read_bytes().decode("utf-8-sig")
    assert "Sealed-Not-Revealed" not in everything
    rows = _csv(as_csv)
    assert rows[0] == list(records[0]) and len(rows) == len(records) + 1
    assert all(m.place != "#tafel" for m in ad.messages if ".json" in m.text)


async def test_a_partner_exports_their_own_answers_in_every_partnership(local: Local):
    tafel, ad = local.session, local.adapter
    kring = LocalSession(local.runtime, ad, channel_id="kring", channel_name="Kring")
    await setup_round(local, "Anna", "Bram")
    await answer_everything(tafel, "Anna", "Tafel-Org")
    await answer_everything(tafel, "Bram", "Bram-Secret-Org")
    await kring.command("Dewi", "/setup")
    await kring.command("Dewi", "/partners @Anna")
    await kring.command("Dewi", "/round")
    await answer_everything(kring, "Anna", "Kring-Org", seal=False)

    await tafel.private_command("Anna", "/export")
    assert "only for you" in ad.inbox("anna")[-3].text  # then the two files
    as_json, as_csv = ad.files
    records = _json(as_json)
    assert [(r["partnership"], r["organisation"], r["sealed"]) for r in records] == [
        ("Tafel", "Tafel-Org", "yes"), ("Kring", "Kring-Org", "no")]
    assert records[0]["own_interest"] == "Anna's own interest"
    assert "Bram" not in as_json.read_text() + as_csv.read_bytes().decode("utf-8-sig")
    assert all(m.place == "dm:anna" for m in ad.messages if "optafel-my-answers" in m.text)


async def test_typed_formulas_stay_text_in_the_csv(local: Local):
    s, ad = local.session, local.adapter
    await setup_round(local, "Anna")
    await s.press_label("Anna", "Let's start")
    await s.say("Anna", '=HYPERLINK("http://x.example","click")')
    await s.private_command("Anna", "/export")
    _, as_csv = ad.files
    rows = _csv(as_csv)
    organisation = rows[0].index("organisation")
    assert rows[1][organisation] == '\'=HYPERLINK("http://x.example","click")'
    assert _json(ad.files[0])[0]["organisation"].startswith("=HYPERLINK")  # JSON: as typed


async def test_nothing_to_export_yet(local: Local):
    s, ad = local.session, local.adapter
    await setup_round(local, "Anna")
    await s.command("Dewi", "/export all")
    assert "Nothing has been revealed yet" in ad.notices("dewi")[-1].text
    await s.private_command("Anna", "/export")
    assert "not answered anything yet" in s.last("Anna").text
    assert ad.files == []
