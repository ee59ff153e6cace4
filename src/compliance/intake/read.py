"""Sheets -> rows of cell values, after ``guard`` has let the file in.

Values are read, never computed: calamine returns a formula cell's saved value and runs
nothing; CSV text is text. Rows keep their spreadsheet numbers so every later problem
can name its cell.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from compliance.intake import guard
from compliance.intake.cells import Place

# Written by our export (and by careful people) to stop a spreadsheet running text as
# a formula; the quote is not part of the value.
INJECTION_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Sheet:
    place: Place
    rows: list[tuple[int, list[Any]]]  # (row number, values from column A)
    facts: guard.SheetFacts = field(default_factory=guard.SheetFacts)
    hidden: bool = False


@dataclass
class Workbook:
    path: Path
    kind: str
    sheets: list[Sheet]
    notes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (message key, params)


def read_workbook(path: Path, shown: str) -> Workbook:
    """Read ``path`` (named ``shown`` in messages); raise ``guard.Refused`` if it must not be."""
    kind = guard.kind_of(path)
    facts = guard.inspect(path, kind)
    if kind == "csv":
        return _read_csv(path, shown)
    return _read_book(path, shown, kind, facts)


def _read_book(path: Path, shown: str, kind: str, facts: dict[str, guard.SheetFacts]) -> Workbook:
    import python_calamine as calamine

    try:
        book = calamine.CalamineWorkbook.from_path(str(path))
        sheets = []
        for meta in book.sheets_metadata:
            if meta.typ != calamine.SheetTypeEnum.WorkSheet:
                continue  # charts and dialog sheets hold no rows
            values = book.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
            rows = list(enumerate(values, start=1))  # calamine gives a list per row already
            hidden = meta.visible != calamine.SheetVisibleEnum.Visible
            sheets.append(Sheet(Place(shown, meta.name), rows, facts.get(meta.name, guard.SheetFacts()),
                                hidden))
    except (calamine.CalamineError, ValueError, OSError) as exc:
        raise guard.Refused("bad_xml", error=str(exc) or type(exc).__name__) from None
    return Workbook(path, kind, sheets)


def _read_csv(path: Path, shown: str) -> Workbook:
    raw = path.read_bytes()
    if b"\x00" in raw[:65536]:
        raise guard.Refused("binary_csv")
    text, encoding = decode_csv(raw)
    rows = []
    for number, row in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
        if number > guard.MAX_ROWS:
            raise guard.Refused("too_many_rows", limit=guard.MAX_ROWS)
        rows.append((number, [_unquote(v) for v in row]))
    notes: list[tuple[str, dict[str, Any]]] = [("read_big5", {})] if encoding == "cp950" else []
    return Workbook(path, "csv", [Sheet(Place(shown), rows)], notes)


def decode_csv(raw: bytes) -> tuple[str, str]:
    """UTF-8 (with or without BOM) first; Big5 (CP950, what Excel on a zh-TW Windows saves
    as "CSV") when the bytes are not UTF-8 but are entirely valid Big5."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        return raw.decode("cp950"), "cp950"
    except UnicodeDecodeError:
        line = raw[: utf8_error.start].count(b"\n") + 1
        raise guard.Refused("encoding", line=line) from None


def _unquote(value: str) -> str:
    if len(value) > 1 and value[0] == "'" and value[1] in INJECTION_START:
        return value[1:]
    return value
