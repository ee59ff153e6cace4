"""Imported rows against the plan's records: added, unchanged, or in conflict.

A row is found again by its id, so importing a file twice adds nothing; a row whose id
is known but whose content differs is a conflict and is never written over.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from compliance import models as m
from compliance.intake._messages import label, say
from compliance.intake.cells import CellProblem, Place
from compliance.intake.columns import NUMBER
from compliance.intake.layout import column_label
from compliance.intake.rows import Row


@dataclass
class Outcome:
    added: list[Row] = field(default_factory=list)
    unchanged: list[Row] = field(default_factory=list)
    conflicts: list[CellProblem] = field(default_factory=list)
    duplicates: list[CellProblem] = field(default_factory=list)

    def count(self, place: Place) -> dict[str, int]:
        """Added, unchanged and conflicting rows of one sheet."""
        return {"added": sum(r.place == place for r in self.added),
                "unchanged": sum(r.place == place for r in self.unchanged),
                "conflicts": sum(Place(p.path, p.sheet) == place for p in self.conflicts)}


def reconcile(rows: list[Row], bundle: Any, lang: str) -> Outcome:
    """Sort every row into added, unchanged or conflict, in the order read."""
    out = Outcome()
    first: dict[str, Row] = {}
    for row in rows:
        rid = row.record.id
        place = row.place
        if rid in first:
            out.duplicates.append(place.problem(row.number, 0, label(lang, "id"), say(
                lang, "duplicate_row", first=first[rid].where, id=rid)))
            continue
        first[rid] = row
        known = bundle.records.get(rid)
        if known is None:
            out.added.append(row)
        elif _same(known, row.record):
            out.unchanged.append(row)
        else:
            changes = "、".join(_change(f, old, new, lang, bundle) for f, old, new in differing(known, row.record))
            out.conflicts.append(place.problem(row.number, 0, label(lang, "id"), say(
                lang, "conflict", id=rid, where=_origin(bundle, rid), fields=changes)))
    return out


def _change(field: str, old: Any, new: Any, lang: str, bundle: Any) -> str:
    """備註「初次」→「改過」: what the plan has, then what the sheet says."""
    return say(lang, "change", field=column_label(lang, field, bundle), old=_short(old), new=_short(new))


def _short(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = "" if value is None else value.isoformat() if hasattr(value, "isoformat") else str(value)
    return text if len(text) <= 30 else text[:29] + "…"


def _same(a: m.Record, b: m.Record) -> bool:
    return not differing(a, b)


def differing(a: m.Record, b: m.Record) -> list[tuple[str, Any, Any]]:
    """(field, value in a, value in b) where they differ, evidence split into its parts and
    declared numbers into one each (values.cases)."""
    out = [(f, getattr(a, f), getattr(b, f)) for f in m.Record.model_fields
           if f not in ("evidence", "values") and getattr(a, f) != getattr(b, f)]
    va, vb = a.values or {}, b.values or {}
    out += [(f"{NUMBER}{k}", va.get(k), vb.get(k)) for k in sorted(va.keys() | vb.keys()) if va.get(k) != vb.get(k)]
    ea, eb = a.evidence or m.Evidence.model_construct(), b.evidence or m.Evidence.model_construct()
    out += [(f, getattr(ea, f, None), getattr(eb, f, None)) for f in ("doc_no", "file", "url")
            if getattr(ea, f, None) != getattr(eb, f, None)]
    return out


def _origin(bundle: Any, rid: str) -> str:
    origin = bundle.origin("record", rid)
    return rid if origin is None else f"{origin.path}:{origin.line}"
