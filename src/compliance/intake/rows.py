"""Rows -> records, every problem located at its cell, in the reader's language."""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from compliance import models as m
from compliance.dates import DateFormatError, parse_date
from compliance.intake._messages import say
from compliance.intake.cells import CellProblem, Place, a1
from compliance.intake.columns import NUMBER, Columns, Mapping
from compliance.intake.layout import column_label
from compliance.intake.read import Sheet

_ID = re.compile(m.ID_PATTERN)
_PERIOD = re.compile(m.PERIOD_KEY_PATTERN)
_ROC_PERIOD = re.compile(r"^(?:民國)?(\d{2,3})(?:\s*(?:年|[-/.])\s*(\d{1,2}|[HQW]\d{1,2})\s*月?)?$", re.IGNORECASE)
_SERIAL_BASE = dt.date(1899, 12, 30)  # day 0 of the 1900 date system, after its 1900-02-29 bug
_MAX_SERIAL = 73050  # 2099-12-31: a larger number in a date column is not a date (1120310?)
_ROC_YEARS = 1000  # a date cell in year 112 was ROC 112 typed into a date-formatted cell


@dataclass(frozen=True)
class Row:
    """One imported record and the cell it came from."""

    place: Place
    number: int
    record: m.Record

    @property
    def where(self) -> str:
        """The row, e.g. 記錄表.xlsx:工作紀錄!12:12."""
        return self.place.cell(self.number, 0)


@dataclass
class SheetResult:
    place: Place
    rows_read: int = 0
    records: list[Row] = field(default_factory=list)
    problems: list[CellProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class Names:
    """Plan entities by every name a clerk may write: id, zh-TW title, English title."""

    def __init__(self, bundle: Any, lang: str):
        self.lang = lang
        self.activity = _index((a.id, (a.title.zh_TW, a.title.en)) for a in bundle.activities.values())
        self.unit = _index((u.id, (u.name.zh_TW, u.name.en)) for u in bundle.units.values())
        self.staff = _index((s.id, ()) for s in bundle.staff.values())
        # Numbers the plan declares: the names their column may have, and their titles.
        self.record_fields = bundle.record_fields
        self.numbers: dict[str, tuple[str, ...]] = {
            f.id: (f.title.zh_TW, f.title.en) for f in bundle.record_fields.values()}
        # Suggestions come from every name in either language: a clerk may type Chinese
        # while reading the English report, or the reverse.
        self.shown = {
            "activity": [n for a in bundle.activities.values() for n in (a.title.zh_TW, a.title.en, a.id)],
            "unit": [n for u in bundle.units.values() for n in (u.name.zh_TW, u.name.en, u.id)],
            "staff": list(bundle.staff),
        }


def _key(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).casefold()


def _index(items: Iterable[tuple[str, tuple[str, ...]]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for ident, names in items:
        for name in (ident, *names):
            out.setdefault(_key(name), ident)
    return out


def sheet_records(sheet: Sheet, columns: Columns, mapping: Mapping, names: Names,
                  tick: Callable[[int], None] | None = None) -> SheetResult:
    """Every data row below the header as a record, or as the problems that stop it being one."""
    lang = names.lang
    result = SheetResult(sheet.place, problems=list(columns.problems))
    hidden = set(sheet.facts.hidden_rows)
    result.problems.extend(_merged_data(sheet, columns, lang))
    result.notes.extend(_formula_notes(sheet, columns, lang))
    if any(f not in columns.at and f not in mapping.defaults for f in ("date", "activity")):
        return result  # the missing column is the problem; its rows would only repeat it
    for number, values in sheet.rows:
        if tick and number % 500 == 0:
            tick(500)  # in steps: a call per row would cost more than the bar is worth
        if number <= columns.header_row or all(v == "" or v is None for v in values):
            continue
        result.rows_read += 1
        if number in hidden:
            result.problems.append(sheet.place.problem(number, 0, "", say(lang, "hidden_row")))
            continue
        row = _RowReader(sheet, number, values, columns, mapping, names)
        record = row.record()
        result.problems.extend(row.problems)
        if record is not None:
            result.records.append(Row(sheet.place, number, record))
    if tick:
        tick(len(sheet.rows) % 500)  # the bar ends full
    return result


def _formula_notes(sheet: Sheet, columns: Columns, lang: str) -> Iterator[str]:
    """Formulas are never computed here: their saved value is used, and the cell named."""
    for number, col in sorted(sheet.facts.formulas):
        if columns.header_row < number <= len(sheet.rows):
            values = sheet.rows[number - 1][1]  # rows are numbered from 1, none left out
            value = values[col - 1] if col <= len(values) else ""
            key = "formula" if value not in ("", None) else "formula_empty"
            yield f"{sheet.place.cell(number, col)}: {say(lang, key, value=_text(value))}"


def _merged_data(sheet: Sheet, columns: Columns, lang: str) -> Iterator[CellProblem]:
    for top, left, bottom, right in sheet.facts.merged:
        if top > columns.header_row:
            span = f"{a1(top, left)}:{a1(bottom, right)}"
            yield sheet.place.problem(top, left, "", say(lang, "merged_cells", range=span))


class _RowReader:
    """One row: each field read by its own small function, problems collected, not raised."""

    def __init__(self, sheet: Sheet, number: int, values: list[Any], columns: Columns, mapping: Mapping,
                 names: Names):
        self.sheet, self.number, self.values = sheet, number, values
        self.columns, self.defaults, self.names = columns, mapping.defaults, names
        self.lang = names.lang
        self.problems: list[CellProblem] = []

    def cell(self, name: str) -> Any:
        col = self.columns.at.get(name)
        value = self.values[col - 1] if col and col <= len(self.values) else ""
        if isinstance(value, str):
            value = value.strip()
        if value == "" or value is None:
            return self.defaults.get(name)
        return value

    def fail(self, name: str, key: str, **params: Any) -> None:
        col = self.columns.at.get(name, 0)
        self.problems.append(self.sheet.place.problem(self.number, col, self.label(name),
                                                      say(self.lang, key, **params)))

    def label(self, name: str) -> str:
        """The column's name as the reader knows it; a declared number by its title."""
        return column_label(self.lang, name, self.names)  # Names has the plan's record_fields

    def record(self) -> m.Record | None:
        data: dict[str, Any] = {}
        for name, read in _READERS.items():
            value = read(self, name)
            if value is not None:
                data[name] = value
        numbers = {}
        for name in (*self.columns.at, *(d for d in self.defaults if d not in self.columns.at)):
            if name.startswith(NUMBER) and (number := self.read_number(name)) is not None:
                numbers[name.removeprefix(NUMBER)] = number
        if numbers:
            data["values"] = numbers
        link = data.pop("link", None)
        if link is not None:
            # One "附件/連結" column: an address is a url, anything else a file path. Both
            # stay text; nothing is fetched or opened.
            data.setdefault("url" if re.match(r"^[a-z][a-z0-9+.-]*://", link, re.IGNORECASE) else "file", link)
        evidence = {k: data.pop(k) for k in ("doc_no", "file", "url") if k in data}
        if evidence:
            data["evidence"] = evidence
        if self.problems:
            return None
        data["id"] = data.get("id") or derived_id(data)
        try:
            return m.Record.model_validate(data)
        except ValidationError as exc:
            from compliance.i18n import translate
            from compliance.load import error_messages

            detail = ("；" if self.lang == "zh-TW" else "; ").join(
                f"{'.'.join(map(str, loc))}: {translate(message, self.lang)}" for loc, message in error_messages(exc))
            self.fail("id", "invalid_record", error=detail)
            return None

    def required(self, name: str) -> Any:
        value = self.cell(name)
        if value is None and name in self.columns.at:  # a missing column is reported once, at the header
            self.fail(name, "required")
        return value

    def read_date(self, name: str) -> dt.date | None:
        value = self.required(name)
        return None if value is None else cell_date(value, lambda k, **p: self.fail(name, k, **p))

    def read_named(self, name: str) -> str | None:
        value = self.required(name) if name == "activity" else self.cell(name)
        if value is None:
            return None
        text = _text(value)
        index = getattr(self.names, name)
        found = index.get(_key(text))
        if found is None:
            close = difflib.get_close_matches(text, self.names.shown[name], n=1, cutoff=0.5)
            hint = say(self.lang, "did_you_mean", close=close[0]) if close else ""
            self.fail(name, "unknown", what=say(self.lang, f"what_{name}"), value=text, hint=hint)
        return found

    def read_id(self, name: str) -> str | None:
        value = self.cell(name)
        if value is None:
            return None
        ident = re.sub(r"\s+", "-", unicodedata.normalize("NFKC", _text(value)).strip().lower())
        if not _ID.fullmatch(ident) or len(ident) > 80:
            self.fail(name, "bad_id", value=_text(value))
            return None
        return ident

    def read_hours(self, name: str) -> float | None:
        number = self._number(name, 1000, "bad_hours")
        return None if number is None else float(number)

    def read_number(self, name: str) -> float | None:
        """A number the plan declares (values: {cases: 12}): 0 to 1,000,000, as the models allow."""
        return self._number(name, 1_000_000, "bad_number")

    def _number(self, name: str, high: int, problem: str) -> float | None:
        value = self.cell(name)
        if value is None:
            return None
        try:
            number = float(value) if not isinstance(value, bool) else -1.0
        except (TypeError, ValueError):
            number = -1.0
        if not 0 <= number <= high:
            self.fail(name, problem, value=_text(value))
            return None
        return int(number) if number.is_integer() else number

    def read_period(self, name: str) -> str | None:
        value = self.cell(name)
        if value is None:
            return None
        key = period_key(value)
        if key is None:
            self.fail(name, "bad_period", value=_text(value))
        return key

    def read_text(self, name: str) -> str | None:
        value = self.cell(name)
        return None if value is None else _text(value)


_READERS: dict[str, Callable[[_RowReader, str], Any]] = {
    "id": _RowReader.read_id,
    "activity": _RowReader.read_named,
    "date": _RowReader.read_date,
    "unit": _RowReader.read_named,
    "staff": _RowReader.read_named,
    "hours": _RowReader.read_hours,
    "period": _RowReader.read_period,
    "case": _RowReader.read_id,  # the id of the record that opened the case
    "link": _RowReader.read_text,
    "doc_no": _RowReader.read_text,
    "file": _RowReader.read_text,
    "url": _RowReader.read_text,
    "note": _RowReader.read_text,
}


def cell_date(value: Any, fail: Callable[..., None]) -> dt.date | None:
    """A date cell, a spreadsheet serial number, or text in an ISO or ROC form."""
    if isinstance(value, dt.datetime):
        if value.time() != dt.time(0):
            fail("date_time", value=value.isoformat(sep=" "))
            return None
        return value.date()
    if isinstance(value, dt.date):
        return value if value.year >= _ROC_YEARS else _from_roc_year(value, fail)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if value != int(value):
            fail("date_time", value=_text(value))
            return None
        if not 1 <= value <= _MAX_SERIAL:
            fail("bad_serial", value=_text(value))
            return None
        return _SERIAL_BASE + dt.timedelta(days=int(value))
    try:
        return parse_date(_text(value))
    except DateFormatError:
        fail("bad_date", value=_text(value))
        return None


def _from_roc_year(value: dt.date, fail: Callable[..., None]) -> dt.date | None:
    try:
        return value.replace(year=value.year + 1911)
    except ValueError:  # 29 February of a year that is not a leap year once converted
        fail("bad_date", value=f"{value.year}/{value.month:02d}/{value.day:02d}")
        return None


def period_key(value: Any) -> str | None:
    """A period as the plan writes it (2023-06, 2023-Q2, ...) from ISO, ROC or a record id."""
    text = unicodedata.normalize("NFKC", _text(value)).strip()
    try:
        return parse_date(text).isoformat()
    except DateFormatError:
        pass
    if _PERIOD.fullmatch(text):
        return text if _real_month(text) else None
    roc = _ROC_PERIOD.fullmatch(text)
    if roc:
        year = int(roc.group(1)) + 1911
        rest = roc.group(2)
        if rest is None:
            return str(year)
        part = rest.upper() if rest[0].isalpha() else f"{int(rest):02d}"
        key = f"{year}-{part}"
        return key if _PERIOD.fullmatch(key) and _real_month(key) else None
    return text if _ID.fullmatch(text) and len(text) <= 80 else None


def _real_month(key: str) -> bool:
    month = re.fullmatch(r"\d{4}-(\d{2})", key)
    return month is None or 1 <= int(month.group(1)) <= 12


def derived_id(data: dict[str, Any]) -> str:
    """A row's id from what it records (activity, date, unit, staff, case): the same row
    imported twice gets the same id, so it is found again instead of added again; two cases
    followed up on one day by one person are two records."""
    day = data.get("date")
    parts = [data.get("activity") or "record", day.isoformat() if isinstance(day, dt.date) else "undated"]
    parts += [str(data[k]).lower() for k in ("unit", "staff", "case") if data.get(k)]
    ident = "-".join(parts)
    if len(ident) > 80:
        digest = hashlib.sha1(ident.encode()).hexdigest()[:8]
        ident = f"{ident[:71].rstrip('-')}-{digest}"
    return ident


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()
