"""Which column holds which field: the headers the office writes (Chinese or English),
or a mapping file that says so.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from compliance.errors import InputError, Problem
from compliance.intake._messages import label, say
from compliance.intake.cells import CellProblem, Place, a1
from compliance.intake.read import Sheet
from compliance.models import ID_PATTERN

FIELDS = ("id", "date", "activity", "unit", "staff", "hours", "period", "case", "doc_no", "file", "url",
          "link", "note")
NUMBER = "values."  # a number the plan declares, by its id: values.cases
_NUMBER_FIELD = re.compile("^values\\." + ID_PATTERN.removeprefix("^"))
_KNOWN_FIELDS = ", ".join((*FIELDS, "values.<id>"))  # as a mapping file may name them
FieldName = str

_HEADERS: dict[str, tuple[str, ...]] = {
    "id": ("編號", "記錄編號", "id", "record id"),
    "date": ("日期", "辦理日期", "date"),
    "activity": ("工作項目", "活動", "項目", "activity"),
    "unit": ("課室", "單位", "unit"),
    "staff": ("承辦人", "承辦人員", "staff"),
    "hours": ("時數", "hours"),
    "period": ("對應期間", "期間", "period"),
    "case": ("案件", "案件編號", "case", "case id"),
    "doc_no": ("文號", "發文字號", "doc_no", "document number"),
    "file": ("附件", "檔案", "file"),
    "url": ("連結", "網址", "url"),
    "link": ("附件/連結", "附件或連結", "佐證", "file/url", "evidence", "link"),
    "note": ("備註", "說明", "note", "notes", "remark"),
}
HEADER_SCAN_ROWS = 10
# Sheets a template adds around the records: skipped without a word.
TEMPLATE_SHEETS = {"說明", "清單", "instructions", "lists"}


def normalise_header(text: object) -> str:
    """NFKC (full-width to half-width), lower case, no spaces or separators: 「 附件 / 連結 」
    and 'File/URL' are found however they were typed."""
    folded = unicodedata.normalize("NFKC", str(text)).lower()
    return re.sub(r"[\s/_\-()（）:：]+", "", folded)


_KNOWN = {normalise_header(h): f for f, names in _HEADERS.items() for h in names}


class Mapping(BaseModel):
    """A mapping file: header text -> field (null: ignore the column); defaults for every row."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    columns: dict[str, FieldName | None] = Field(default_factory=dict)
    defaults: dict[FieldName, str] = Field(default_factory=dict)
    header_row: int | None = Field(default=None, ge=1, le=1000)


def load_mapping(path: Path, lang: str = "en") -> Mapping:
    """Read a mapping file; every problem at its line and column."""
    from compliance._yaml import read_yaml
    from compliance.load import problems_of

    data, source, problems = read_yaml(path)
    if data is None or problems:
        raise InputError(problems)
    try:
        mapping = Mapping.model_validate(data)
    except ValidationError as exc:
        raise InputError(problems_of(Mapping, exc, source)) from None
    bad: list[Problem] = []
    for header, target in mapping.columns.items():
        if target is not None and target not in FIELDS and not _NUMBER_FIELD.match(target):
            bad.append(source.problem(("columns", header), say(lang, "mapping_field", field=target,
                                                                 known=_KNOWN_FIELDS)))
    for name in mapping.defaults:
        if name not in FIELDS and not _NUMBER_FIELD.match(name):
            bad.append(source.problem(("defaults", name), say(lang, "mapping_field", field=name,
                                                              known=_KNOWN_FIELDS), key=True))
    if bad:
        raise InputError(bad)
    return mapping


@dataclass
class Columns:
    header_row: int
    at: dict[str, int] = field(default_factory=dict)  # field -> column (1-based)
    ignored: list[str] = field(default_factory=list)
    problems: list[CellProblem] = field(default_factory=list)


def find_columns(sheet: Sheet, mapping: Mapping, lang: str,
                 numbers: dict[str, tuple[str, ...]] | None = None) -> Columns | None:
    """The header row and its columns; None when the sheet has no header row. ``numbers``:
    the numbers the plan declares, id -> the names a header may give it (id, titles)."""
    known = dict(_KNOWN)
    for ident, names in (numbers or {}).items():
        for name in (ident, *names):
            known.setdefault(normalise_header(name), f"{NUMBER}{ident}")  # the fixed headers win
    known.update({normalise_header(h): f for h, f in mapping.columns.items() if f})
    ignore = {normalise_header(h) for h, f in mapping.columns.items() if f is None}
    candidates = [r for r in sheet.rows if mapping.header_row in (None, r[0])][:HEADER_SCAN_ROWS]
    found = [(number, values, {known.get(normalise_header(v)) for v in values if isinstance(v, str)} - {None})
             for number, values in candidates]
    declared = set(numbers or ())
    for number, values, fields in found:
        if "date" in fields and ("activity" in fields or "activity" in mapping.defaults):
            return _columns(sheet, number, values, known, ignore, mapping, lang, declared)
    # A row naming several fields is a header that lacks a required one: say which.
    for number, values, fields in found:
        if len(fields) >= 2:
            return _columns(sheet, number, values, known, ignore, mapping, lang, declared)
    return None


def _columns(sheet: Sheet, number: int, values: list[Any], known: dict[str, str], ignore: set[str],
             mapping: Mapping, lang: str, declared: set[str]) -> Columns:
    cols = Columns(number)
    place = sheet.place
    for col, value in enumerate(values, start=1):
        key = normalise_header(value) if value != "" else ""
        target = known.get(key)
        if not key or key in ignore:
            continue
        if target is None:
            cols.ignored.append(str(value).strip())
        elif target.startswith(NUMBER) and target.removeprefix(NUMBER) not in declared:
            # a mapping file naming a number this plan does not declare
            cols.problems.append(place.problem(number, col, str(value).strip(), say(
                lang, "mapping_number", field=target.removeprefix(NUMBER),
                known=", ".join(sorted(declared)) or "-")))
        elif target in cols.at:
            first = place.cell(number, cols.at[target])
            cols.problems.append(place.problem(number, col, label(lang, target),
                                               say(lang, "duplicate_column", label=label(lang, target),
                                                   first=first)))
        else:
            cols.at[target] = col
    cols.problems.extend(merged_header(sheet, range(number, number + 1), lang))
    cols.problems.extend(_unheaded(sheet, number, values, lang))
    for required in ("date", "activity"):
        if required not in cols.at and required not in mapping.defaults:
            cols.problems.append(_missing(place, number, required, cols.ignored, lang))
    return cols


def _missing(place: Place, row: int, required: str, ignored: list[str], lang: str) -> CellProblem:
    names = [n for f, ns in _HEADERS.items() if f == required for n in ns]
    close = difflib.get_close_matches(required if lang == "en" else label(lang, required), ignored, n=1,
                                      cutoff=0.4) or [h for h in ignored
                                                      if difflib.get_close_matches(h, names, n=1, cutoff=0.5)]
    hint = say(lang, "did_you_mean", close=close[0]) if close else ""
    return place.problem(row, 0, label(lang, required),
                         say(lang, "missing_column", label=label(lang, required), hint=hint))


def merged_header(sheet: Sheet, rows: range, lang: str) -> list[CellProblem]:
    """Merged cells touching the header row (or, with no header found, the rows searched)."""
    out = []
    for top, left, bottom, right in sheet.facts.merged:
        if top <= rows[-1] and bottom >= rows[0]:
            span = f"{a1(top, left)}:{a1(bottom, right)}"
            out.append(sheet.place.problem(top, left, "", say(lang, "merged_header", range=span)))
    return out


def _unheaded(sheet: Sheet, header_row: int, header: list[Any], lang: str) -> list[CellProblem]:
    """A column with values below an empty header cell: a merged header or a forgotten title."""
    out = []
    seen: set[int] = set()
    for number, values in sheet.rows:
        if number <= header_row:
            continue
        for col, value in enumerate(values, start=1):
            if value == "" or value is None or col in seen:
                continue
            if col > len(header) or header[col - 1] == "":
                seen.add(col)
                out.append(sheet.place.problem(number, col, "", say(lang, "unheaded_data")))
    return out
