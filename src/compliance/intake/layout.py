"""The columns of the office's record sheet, shared by the template, the export and the
importer's tests: what one writes, the other reads back without loss."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from compliance import models as m
from compliance.intake._messages import label

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


def headers(lang: str) -> list[str]:
    return [label(lang, f) for f, _ in COLUMNS]


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


def record_row(record: m.Record, bundle: Any, lang: str) -> list[Any]:
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
    }
    return [values[f] for f, _ in COLUMNS]

