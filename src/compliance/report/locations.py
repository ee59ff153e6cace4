"""Where in the YAML a finding is best shown: the document, the record, or the rule."""

from __future__ import annotations

from dataclasses import dataclass

from compliance.bundle import Bundle
from compliance.findings import Finding


@dataclass(frozen=True)
class Location:
    path: str
    line: int
    column: int


def _at(bundle: Bundle, kind: str, ident: str) -> Location | None:
    origin = bundle.origin(kind, ident)
    if origin is None:
        return None
    line, column = origin.source.locate(origin.loc)
    return Location(origin.path, line, column)


_ORIGIN_KIND = {"staff": "staff member", "unit": "unit", "work_item": "work item"}


def primary(bundle: Bundle, f: Finding) -> Location:
    """A constraint finding points at the document; a late one at the record that met it
    (late records are what a reviewer looks at); anything else at the rule."""
    constraint = bundle.rules[f.rule].constraint
    if constraint and f.entity:
        loc = _at(bundle, _ORIGIN_KIND.get(constraint.entity, "document"), f.entity)
        if loc:
            return loc
    if f.status == "late" and f.records:
        met = next((r for r in f.records if bundle.records[r].date == f.met_on), f.records[-1])
        loc = _at(bundle, "record", met)
        if loc:
            return loc
    return rule_location(bundle, f.rule)


def rule_location(bundle: Bundle, rule_id: str) -> Location:
    return _at(bundle, "rule", rule_id) or Location("rules", 1, 1)


def related(bundle: Bundle, f: Finding) -> list[Location]:
    out = [rule_location(bundle, f.rule)]
    out += [loc for r in f.records if (loc := _at(bundle, "record", r))]
    if f.trigger and (loc := _at(bundle, "record", f.trigger)):
        out.append(loc)
    return out
