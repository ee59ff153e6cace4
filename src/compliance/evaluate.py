"""Evaluate a plan's state against the calendar: periods -> engine port -> findings.

Returns data only; never prints and never reads the clock (``as_of`` is given). The rules
engine is reached only through ``compliance.engine.RulesEngine``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import operator
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal

from compliance import models as m
from compliance._gc import paused
from compliance.bundle import Bundle
from compliance.engine import Matches, RulesEngine, StatusQuestion, default_engine
from compliance.errors import EngineError
from compliance.findings import Evaluation, ExplanationNote, Finding, Status, WaiverNote
from compliance.periods import Period, WorkCalendar, expand

_CALENDAR: WorkCalendar | None = None


def default_calendar() -> WorkCalendar:
    global _CALENDAR
    if _CALENDAR is None:
        _CALENDAR = WorkCalendar()
    return _CALENDAR


@paused  # bounded work, almost no cycles: the collector only walks it (_gc.py)
def evaluate(bundle: Bundle, as_of: dt.date, *, rules: Iterable[str] | None = None,
             engine: RulesEngine | None = None, calendar: WorkCalendar | None = None,
             timings: dict[str, float] | None = None) -> Evaluation:
    """Findings of every (selected) rule as known on ``as_of``.

    ``timings``, if given, accumulates seconds spent per stage ("calendar", "engine",
    "findings") so a benchmark can say where the time goes.
    """
    clock = _Stopwatch(timings)
    engine = engine or default_engine()
    calendar = calendar or default_calendar()
    selected = [bundle.rules[r] for r in rules] if rules is not None else list(bundle.rules.values())
    records = [r for r in bundle.records.values() if r.date <= as_of]
    with clock("calendar"):
        periods = plan_periods(bundle, selected, records, calendar, as_of)
    documents = list(bundle.documents.values())
    with clock("engine"):
        matches = engine.match(selected, periods, records, documents, as_of,
                               entities=plan_entities(bundle))
    # Only records dated by as_of reached the engine, so the plan's own table serves.
    findings = _classify(engine, bundle, periods, matches, bundle.records, as_of, clock)
    with clock("findings"):
        findings += _constraint_findings(bundle, matches, as_of)
        findings += _published_findings(bundle, selected, matches, as_of)
        findings = attach_explanations(bundle, findings, as_of)
        findings.sort(key=lambda f: (f.rule, f.start, f.entity or "", f.period_key))
    return Evaluation(as_of, findings)


class _Stopwatch:
    def __init__(self, into: dict[str, float] | None):
        self.into = into

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        if self.into is None:
            yield
            return
        start = time.perf_counter()
        try:
            yield
        finally:
            self.into[stage] = self.into.get(stage, 0.0) + time.perf_counter() - start


def plan_periods(bundle: Bundle, rules: list[m.Rule], records: list[m.Record],
                 calendar: WorkCalendar, as_of: dt.date | None = None) -> dict[str, Period]:
    """Every period of every rule, keyed by a fact id (triggers known by ``as_of``)."""
    entities = {"unit": sorted(bundle.units), "staff": sorted(bundle.staff)}
    plan = bundle.plan
    out: dict[str, Period] = {}
    by_activity: dict[str, list[m.Record]] | None = None  # built once, if a trigger needs it
    for rule in rules:
        triggers = None
        if rule.after:
            if rule.after.staff:
                opening = hires(bundle, as_of)
            else:
                if by_activity is None:
                    by_activity = defaultdict(list)
                    for r in records:
                        by_activity[r.activity].append(r)
                opening = by_activity.get(str(rule.after.activity), [])
            triggers = sorted((r for r in opening if r.activity == (rule.after.activity or HIRED)
                               and plan.first_day <= r.date <= plan.last_day),
                              key=_BY_DATE_AND_ID)
        closed = closing_days(rule, records)
        for p in expand(rule, plan, calendar, entities=entities.get(rule.for_each or ""),
                        triggers=triggers, closed=closed):
            out[f"{p.rule}|{p.key}|{p.entity or ''}"] = p
    return out


def closing_days(rule: m.Rule, records: Iterable[m.Record]) -> dict[str, dt.date] | None:
    """For a case rule (after: {every, until}): the day each case was closed, the earliest
    record of the closing activity naming it (case: <opening record's id>)."""
    if rule.schedule.kind != "case":
        return None
    out: dict[str, dt.date] = {}
    for r in records:
        if r.activity == rule.schedule.closed_by and r.case is not None:
            out[r.case] = min(out.get(r.case, r.date), r.date)
    return out


HIRED = "hired"  # the activity of the trigger a staff member's hire date stands for


def hires(bundle: Bundle, as_of: dt.date | None) -> list[m.Record]:
    """Each staff member's hire date (plan data) as the trigger it is: one per member hired
    by ``as_of``, named hired-<staff id>, carrying the member so their records answer it."""
    return [m.Record(id=f"{HIRED}-{s.id.lower()}", activity=HIRED, date=s.hired, staff=s.id)
            for s in bundle.staff.values()
            if s.hired is not None and (as_of is None or s.hired <= as_of)]


def scheduled_periods(bundle: Bundle, calendar: WorkCalendar | None = None) -> list[Period]:
    """Every period with a date known in advance (those opened by records have none, but the
    cases the plan data's records open are tracked on known dates), by due date."""
    # A hire date is in the plan data, so what it opens is known in advance; a record's
    # deadline is not. A case the records open is tracked each span until a record closes it.
    rules = [r for r in bundle.rules.values() if not r.after or r.after.staff or r.after.every]
    records = list(bundle.records.values())
    periods = plan_periods(bundle, rules, records, calendar or default_calendar()).values()
    return sorted(periods, key=lambda p: (p.due, p.rule, p.entity or ""))


def exact(value: float | None) -> Decimal:
    """Hours as written (1.2 + 1.4 + 1.4 is 4, not 3.9999999999999996)."""
    return Decimal(repr(value)) if value is not None else Decimal(0)


def number(rec: m.Record, field: str) -> float | None:
    """A record's number for a total: its hours, or a declared field's value."""
    return rec.hours if field == "hours" else (rec.values or {}).get(field)


def met_on(rule: m.Rule, counted: list[m.Record]) -> dt.date | None:
    """The date on which the requirement (count, and total if any) was first met."""
    if rule.total is None:  # numbers are never negative (models), so the count decides
        return counted[rule.at_least - 1].date if len(counted) >= rule.at_least else None
    count, total = 0, Decimal(0)
    needed = exact(rule.total.at_least) if rule.total else Decimal(0)
    field = rule.total.field if rule.total else "hours"
    for rec in counted:
        count += 1
        total += exact(number(rec, field))
        if count >= rule.at_least and total >= needed:
            return rec.date
    return None


def waiver_notes(bundle: Bundle, p: Period, as_of: dt.date,
                 by_rule: dict[str, list[m.Waiver]] | None = None) -> tuple[WaiverNote, ...]:
    """Waivers granted by ``as_of`` whose covered days include the period's due date.

    A waiver keeps covering a period due on or before its expiry day after it expired;
    it stops covering only the periods due after that day.
    """
    candidates = (waivers_by_rule(bundle) if by_rule is None else by_rule).get(p.rule, ())
    return tuple(WaiverNote(w.id, w.expires, as_of > w.expires,
                            as_of <= w.expires or p.due <= w.expires) for w in candidates
                 if (w.entity is None or w.entity == p.entity)
                 and w.from_ <= p.due <= w.to and w.granted <= as_of)


def waivers_by_rule(bundle: Bundle) -> dict[str, list[m.Waiver]]:
    out: dict[str, list[m.Waiver]] = defaultdict(list)
    for w in sorted(bundle.waivers.values(), key=lambda w: w.id):
        out[w.rule].append(w)
    return out


def _classify(engine: RulesEngine, bundle: Bundle, periods: dict[str, Period], matches: Matches,
              records: dict[str, m.Record], as_of: dt.date, clock: _Stopwatch) -> list[Finding]:
    with clock("findings"):
        staged, questions = _stage(bundle, periods, matches, records, as_of)
    with clock("engine"):
        statuses = engine.classify(questions, as_of)
    with clock("findings"):
        return [_finding(statuses[pid], *staged[pid]) for pid in staged]


_Staged = tuple[Period, m.Rule, list[m.Record], dt.date | None, tuple[WaiverNote, ...]]


_BY_DATE_AND_ID = operator.attrgetter("date", "id")
_DATE = operator.attrgetter("date")
_ID = operator.attrgetter("id")


def _stage(bundle: Bundle, periods: dict[str, Period], matches: Matches, records: dict[str, m.Record],
           as_of: dt.date) -> tuple[dict[str, _Staged], dict[str, StatusQuestion]]:
    staged: dict[str, _Staged] = {}
    questions: dict[str, StatusQuestion] = {}
    by_rule = waivers_by_rule(bundle)
    for pid, p in periods.items():
        rule = bundle.rules[p.rule]
        # By date, then id: ids sorted first, then a stable sort by date (no key tuples).
        counted = [records[i] for i in sorted(matches.records.get(pid, ()))]
        counted.sort(key=_DATE)
        notes = waiver_notes(bundle, p, as_of, by_rule)
        met = met_on(rule, counted)
        staged[pid] = (p, rule, counted, met, notes)
        questions[pid] = StatusQuestion(p.start, p.due, p.remind_from, met,
                                        any(n.covers for n in notes))
    return staged, questions


def _finding(status: Status, p: Period, rule: m.Rule, counted: list[m.Record], met: dt.date | None,
             notes: tuple[WaiverNote, ...]) -> Finding:
    return Finding(
        rule=p.rule, status=status, period_key=p.key, start=p.start, end=p.end,
        due=p.due, nominal_due=p.nominal_due, close=p.close, required=rule.at_least,
        count=len(counted), records=tuple(map(_ID, counted)), met_on=met,
        required_total=rule.total.at_least if rule.total else None,
        total=float(sum((exact(number(r, rule.total.field)) for r in counted), Decimal(0)))
        if rule.total else None,
        entity=p.entity, trigger=p.trigger, waivers=notes)


def plan_entities(bundle: Bundle) -> dict[str, list[m.Model]]:
    """The plan data's entities a constraint can check besides documents, by kind."""
    return {"staff": list(bundle.staff.values()), "unit": list(bundle.units.values()),
            "work_item": list(bundle.work_items.values())}


def _constraint_findings(bundle: Bundle, matches: Matches, as_of: dt.date) -> list[Finding]:
    """One finding per entity a constraint checks. A document is judged as of its
    publication; a staff member, unit or work item from the day the plan takes effect, or
    the staff member's hire date if later (upcoming before it)."""
    out = []
    for (rule_id, ident), seen in sorted(matches.verdicts.items()):
        if len(seen) != 1:
            raise EngineError(f"entity {ident} got verdicts {sorted(seen)} from rule {rule_id}")
        constraint = bundle.rules[rule_id].constraint
        assert constraint is not None
        kind = constraint.entity
        day = bundle.documents[ident].published if kind == "document" else bundle.plan.adopted
        if kind == "staff":  # a staff member hired later is judged from the hire date
            day = max(day, bundle.staff[ident].hired or day)
        status: Status = "satisfied" if seen == {"ok"} else "violation"
        if day > as_of:
            status = "upcoming"
        out.append(Finding(
            rule=rule_id, status=status, period_key=ident, start=day, end=day,
            due=day, nominal_due=day, close=day, required=1,
            count=int(seen == {"ok"}), records=(), entity=ident))
    return out


def _published_findings(bundle: Bundle, rules: list[m.Rule], matches: Matches,
                        as_of: dt.date) -> list[Finding]:
    """One finding per kind a ``published`` constraint lists: is a document of it out?

    The obligation holds from the day the plan takes effect (拾: 本計畫奉核後實施).
    """
    day = bundle.plan.adopted
    out = []
    for rule in rules:
        if rule.schedule.kind != "constraint":
            continue
        for kind in rule.schedule.constraint.published:
            has = bool(matches.published.get((rule.id, kind.id)))
            status: Status = "upcoming" if as_of < day else "satisfied" if has else "violation"
            out.append(Finding(
                rule=rule.id, status=status, period_key=kind.id, start=day, end=day, due=day,
                nominal_due=day, close=day, required=1, count=int(has), records=(), entity=kind.id))
    return out


def attach_explanations(bundle: Bundle, findings: list[Finding], as_of: dt.date) -> list[Finding]:
    """Explanations from the minutes of meetings held by ``as_of`` (they change no status)."""
    notes: dict[tuple[str, str, str], list[ExplanationNote]] = defaultdict(list)
    for meeting in sorted(bundle.meetings.values(), key=lambda mt: (mt.date, mt.id)):
        if meeting.date > as_of:
            continue
        for x in meeting.minutes:
            notes[(x.rule, x.period, x.entity or "")].append(
                ExplanationNote(meeting.id, meeting.date, x.explanation, x.action, x.target))
    if not notes:
        return findings
    return [dataclasses.replace(f, explanations=tuple(notes[f.key])) if f.key in notes else f
            for f in findings]
