"""The columns of the office's record sheet, shared by the template, the export and the
importer's tests: what one writes, the other reads back without loss."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from compliance import models as m
from compliance.intake._messages import label
from compliance.intake.columns import NUMBER

# (field, column width in characters)
COLUMNS: tuple[tuple[str, int], ...] = (
    ("id", 26), ("date", 12), ("activity", 30), ("unit", 14), ("staff", 8), ("hours", 6),
    ("period", 10), ("doc_no", 26), ("file", 24), ("url", 24), ("note", 40),
)
LISTED = ("activity", "unit", "staff")  # columns with a drop-down list
ROWS_PREPARED = 1000  # rows given drop-down lists in a template


@dataclass(frozen=True)
class Sheet:
    """What a writer needs: the sheet's name, headers, rows and the drop-down lists."""

    name: str
    headers: list[str]
    rows: list[list[Any]]
    lists: dict[str, list[str]]  # field -> choices
    lists_name: str
    instructions_name: str
    instructions: list[str]
    lang: str = "zh-TW"  # of the document's text, declared in an ods
    columns: tuple[tuple[str, int], ...] = COLUMNS


def columns(bundle: Any) -> tuple[tuple[str, int], ...]:
    """The sheet's columns for this plan: the fixed ones, then a case column when a rule
    tracks cases, and one column per number the plan declares (record_fields)."""
    out = list(COLUMNS)
    if any(r.schedule.kind == "case" for r in bundle.rules.values()):
        out.insert(out.index(("period", 10)) + 1, ("case", 16))
    out += [(f"{NUMBER}{ident}", 10) for ident in bundle.record_fields]
    return tuple(out)


def headers(lang: str, bundle: Any = None) -> list[str]:
    """Each column's header; a declared number's is its title in ``lang``."""
    cols = columns(bundle) if bundle is not None else COLUMNS
    return [column_label(lang, f, bundle) for f, _ in cols]


def column_label(lang: str, name: str, bundle: Any = None) -> str:
    if name.startswith(NUMBER):
        declared = bundle.record_fields.get(name.removeprefix(NUMBER)) if bundle is not None else None
        return declared.title.get(lang) if declared else name.removeprefix(NUMBER)
    return label(lang, name)


def sheet_name(lang: str) -> str:
    return "工作紀錄" if lang == "zh-TW" else "Records"


def choices(bundle: Any, lang: str) -> dict[str, list[str]]:
    """Drop-down values: activity and unit by their title in ``lang``, staff by id (the
    importer accepts all three as they are)."""
    return {
        "activity": [a.title.get(lang) for a in bundle.activities.values()],
        "unit": [u.name.get(lang) for u in bundle.units.values()],
        "staff": list(bundle.staff),
    }


def record_row(record: m.Record, bundle: Any, lang: str,
               cols: tuple[tuple[str, int], ...] | None = None) -> list[Any]:
    """The record's cells in ``cols`` (the plan's columns: pass them when writing many rows)."""
    activity = bundle.activities.get(record.activity)
    unit = bundle.units.get(record.unit) if record.unit else None
    evidence = record.evidence
    values: dict[str, Any] = {
        "id": record.id,
        "date": record.date,
        "activity": activity.title.get(lang) if activity else record.activity,
        "unit": unit.name.get(lang) if unit else record.unit,
        "staff": record.staff,
        "hours": record.hours,
        "period": record.period,
        "doc_no": evidence.doc_no if evidence else None,
        "file": evidence.file if evidence else None,
        "url": evidence.url if evidence else None,
        "note": record.note,
        "case": record.case,
    }
    values.update({f"{NUMBER}{k}": v for k, v in (record.values or {}).items()})
    return [values.get(f) for f, _ in cols or columns(bundle)]

