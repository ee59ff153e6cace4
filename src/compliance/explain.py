"""Why a rule has the status it has, from the same evaluation that produced it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from compliance import models as m
from compliance.bundle import Bundle
from compliance.findings import Finding


@dataclass(frozen=True)
class Considered:
    record: m.Record
    counted: bool
    reason: str  # empty when counted


def pick(findings: list[Finding], day: dt.date | None, as_of: dt.date) -> list[Finding]:
    """The findings whose period holds ``day`` (default: as_of; else the latest started)."""
    target = day or as_of
    hits = [f for f in findings if f.start <= target <= f.end]
    if hits or day is not None:
        return hits
    started = [f for f in findings if f.start <= as_of]
    if not started:
        return findings[:1]
    last = max(f.start for f in started)
    return [f for f in started if f.start == last]


def considered(bundle: Bundle, f: Finding, as_of: dt.date) -> list[Considered]:
    """Records of the rule's activity near the period, each with why it did not count.

    The counted set is the engine's (``f.records``); the reasons only describe the others.
    """
    rule = bundle.rules[f.rule]
    if rule.activity is None:
        return []
    window = dt.timedelta(days=31)
    out = []
    for rec in sorted(bundle.records.values(), key=lambda r: (r.date, r.id)):
        near = f.start - window <= rec.date <= f.close + window or rec.period == f.period_key
        if rec.activity != rule.activity or not near:
            continue
        if rule.for_each and getattr(rec, rule.for_each) not in (f.entity, None):
            continue  # another unit's or staff member's own record: not a candidate
        counted = rec.id in f.records
        out.append(Considered(rec, counted, "" if counted else _reason(rule, f, rec, as_of)))
    return out


def _reason(rule: m.Rule, f: Finding, rec: m.Record, as_of: dt.date) -> str:
    if rec.date > as_of:
        return "after-as-of"
    if rec.period is not None and rec.period != f.period_key:
        return "other-period"
    if rec.date < f.start:
        return "before-period"
    if rec.date > f.close and rec.period is None:
        return "after-period"
    if rule.for_each and getattr(rec, rule.for_each) != f.entity:
        return f"other-{rule.for_each}"
    return "condition"
