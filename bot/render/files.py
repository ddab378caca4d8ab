"""Export files: the core's rows (neutral markup cells) as JSON or CSV with plain text."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

from bot.render.plain import text

# A spreadsheet runs a cell that starts with one of these as a formula: a partner's words
# must stay words, so such a cell gets a leading apostrophe in the CSV.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def file_bytes(name: str, rows: Sequence[Sequence[str]]) -> bytes:
    """JSON (a list of objects keyed by the first row) or CSV (UTF-8 with a BOM, which
    spreadsheets need to read accents), by the extension of `name`."""
    plain = [[text(cell) for cell in row] for row in rows]
    header, body = (plain[0], plain[1:]) if plain else ([], [])
    if name.endswith(".json"):
        records = [dict(zip(header, row, strict=True)) for row in body]
        return json.dumps(records, ensure_ascii=False, indent=2).encode()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in body:
        writer.writerow(["'" + cell if cell.startswith(_FORMULA_START) else cell
                         for cell in row])
    return out.getvalue().encode("utf-8-sig")
