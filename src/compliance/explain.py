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


def pick(findings: list[Finding], day: dt.date | None) -> tuple[list[Finding], int]:
    """What ``explain`` shows, and how many green findings it leaves out.

    With a day: the findings whose period holds it. Without: every finding that is not
    green (violations, reminders, late work; for a constraint rule, the documents that
    fail), so a missed period earlier in the year is not hidden behind the latest one.
    """
    if day is not None:
        return [f for f in findings if f.start <= day <= f.end], 0
    shown = [f for f in findings if f.light != "green"]
    return shown, len(findings) - len(shown)


def considered(bundle: Bundle, f: Finding, as_of: dt.date) -> list[Considered]:
    """Records of the rule's activity near the period, each with why it did not count.

    The counted set is the engine's (``f.records``); the reasons only describe the others.
    """
    rule = bundle.rules[f.rule]
    if rule.activity is None:
        return []
    # Records this far around the window are shown as near misses: a month for a monthly
    # or yearly period, a few days for a daily one (else a daily rule lists every day).
    window = dt.timedelta(days=min(31, max(3, (f.close - f.start).days + 1)))
    out = []
    for rec in sorted(bundle.records.values(), key=lambda r: (r.date, r.id)):
        near = f.start - window <= rec.date <= f.close + window or rec.period == f.period_key
        if rec.activity != rule.activity or not near:
            continue
        if rule.for_each and getattr(rec, rule.for_each) not in (f.entity, None):
            continue  # another unit's or staff member's own record: not a candidate
        if rule.schedule.kind == "case" and rec.case not in (f.entity, None):
            continue  # another case's record
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
    if rule.schedule.kind == "case" and rec.case != f.entity:
        return "no-case"
    return "condition"
