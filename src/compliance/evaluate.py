"""Evaluate a plan's state against the calendar: periods -> facts -> engine -> findings.

Returns data only; never prints and never reads the clock (``as_of`` is given).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal

from compliance import models as m
from compliance._gc import paused
from compliance.engine.durable.compile import CLASSIFY, NEVER, fact_value, parse_rule_name
from compliance.engine.durable.session import Engine
from compliance.errors import EngineError
from compliance.findings import Evaluation, ExplanationNote, Finding, WaiverNote
from compliance.bundle import Bundle
from compliance.periods import Period, WorkCalendar, expand

_ENGINE: Engine | None = None
_CALENDAR: WorkCalendar | None = None


def default_engine() -> Engine:
    global _ENGINE
    if _ENGINE is None:
        _ENGINE = Engine()
    return _ENGINE


def default_calendar() -> WorkCalendar:
    global _CALENDAR
    if _CALENDAR is None:
        _CALENDAR = WorkCalendar()
    return _CALENDAR


@paused  # bounded work, almost no cycles: the collector only walks it (_gc.py)
def evaluate(bundle: Bundle, as_of: dt.date, *, rules: Iterable[str] | None = None,
             engine: Engine | None = None, calendar: WorkCalendar | None = None,
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
        periods = plan_periods(bundle, selected, records, calendar)
    matched, verdicts = _match(engine, selected, periods, records, bundle, as_of, clock)
    by_id = {r.id: r for r in records}
    findings = _classify(engine, bundle, periods, matched, by_id, as_of, clock)
    with clock("findings"):
        findings += _constraint_findings(bundle, verdicts, as_of)
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
                 calendar: WorkCalendar) -> dict[str, Period]:
    """Every period of every rule, keyed by a fact id."""
    entities = {"unit": sorted(bundle.units), "staff": sorted(bundle.staff)}
    plan = bundle.plan
    out: dict[str, Period] = {}
    for rule in rules:
        triggers = None
        if rule.after:
            triggers = sorted((r for r in records if r.activity == rule.after.activity
                               and plan.first_day <= r.date <= plan.last_day),
                              key=lambda r: (r.date, r.id))
        for p in expand(rule, plan, calendar, entities=entities.get(rule.for_each or ""),
                        triggers=triggers):
            out[f"{p.rule}|{p.key}|{p.entity or ''}"] = p
    return out


def scheduled_periods(bundle: Bundle, calendar: WorkCalendar | None = None) -> list[Period]:
    """Every period with a date known in advance (triggered obligations have none), by due date."""
    rules = [r for r in bundle.rules.values() if not r.after]
    periods = plan_periods(bundle, rules, [], calendar or default_calendar()).values()
    return sorted(periods, key=lambda p: (p.due, p.rule, p.entity or ""))


def _match(engine: Engine, rules: list[m.Rule], periods: dict[str, Period],
           records: list[m.Record], bundle: Bundle, as_of: dt.date, clock: _Stopwatch):
    with clock("findings"):
        wanted = {r.activity for r in rules if r.activity}
        # A period that has not started cannot count anything: only its status is needed.
        facts = [_period_fact(pid, p, as_of) for pid, p in periods.items() if p.start <= as_of]
        fields = _record_fields(rules)
        facts += [_record_fact(r, fields) for r in records if r.activity in wanted]
        if any(r.constraint for r in rules):
            facts += [_document_fact(d) for d in bundle.documents.values() if d.published <= as_of]
    matched: dict[str, set[str]] = defaultdict(set)
    verdicts: dict[tuple[str, str], set[str]] = defaultdict(set)
    with clock("engine"):
        firings = engine.run_match(rules, facts)
    for firing in firings:
        kind, rule_id, rest = parse_rule_name(firing.rule)
        if kind == "m":
            matched[firing.facts["p"]].add(firing.facts["r"])
        else:
            verdicts[(rule_id, firing.facts["e"])].add(rest)
    return matched, verdicts


def _period_fact(pid: str, p: Period, as_of: dt.date) -> dict:
    fact = {"id": pid, "t": "period", "rule": p.rule, "key": fact_value(p.key),
            "start": p.start.toordinal(), "close": min(p.close, as_of).toordinal()}
    if p.entity is not None:
        fact["entity"] = fact_value(p.entity)
    return fact


def _record_fields(rules: list[m.Rule]) -> tuple[str, ...]:
    """The record fields some rule looks at: the engine is only given those (a long note
    nobody tests would be encoded, matched and decoded for nothing)."""
    used = {"period"} | {r.for_each for r in rules if r.for_each}
    used |= {c.field for r in rules for c in r.where}
    return tuple(sorted(used))


def _record_fact(r: m.Record, fields: tuple[str, ...]) -> dict:
    fact = {"id": r.id, "t": "record", "activity": r.activity, "date": r.date.toordinal()}
    for name in fields:
        value = getattr(r, name)
        if name == "evidence":
            if value is not None:
                fact[name] = 1
        elif value is not None:
            fact[name] = fact_value(value)
    return fact


def _document_fact(d: m.Document) -> dict:
    fact = {"id": d.id, "t": "document"}
    for name, value in d.model_dump().items():
        if value is not None and name != "id":
            fact[name] = value.toordinal() if isinstance(value, dt.date) else fact_value(value)
    return fact


def exact(value: float | None) -> Decimal:
    """Hours as written (1.2 + 1.4 + 1.4 is 4, not 3.9999999999999996)."""
    return Decimal(repr(value)) if value is not None else Decimal(0)


def met_on(rule: m.Rule, counted: list[m.Record]) -> dt.date | None:
    """The date on which the requirement (count, and total if any) was first met."""
    count, total = 0, Decimal(0)
    needed = exact(rule.total.at_least) if rule.total else Decimal(0)
    for rec in counted:
        count += 1
        total += exact(rec.hours)
        if count >= rule.at_least and total >= needed:
            return rec.date
    return None


def waiver_notes(bundle: Bundle, p: Period, as_of: dt.date,
                 by_rule: dict[str, list[m.Waiver]] | None = None) -> tuple[WaiverNote, ...]:
    """Waivers granted by ``as_of`` whose covered days include the period's due date."""
    candidates = (by_rule or waivers_by_rule(bundle)).get(p.rule, ())
    return tuple(WaiverNote(w.id, w.expires, as_of > w.expires) for w in candidates
                 if (w.entity is None or w.entity == p.entity)
                 and w.from_ <= p.due <= w.to and w.granted <= as_of)


def waivers_by_rule(bundle: Bundle) -> dict[str, list[m.Waiver]]:
    out: dict[str, list[m.Waiver]] = defaultdict(list)
    for w in sorted(bundle.waivers.values(), key=lambda w: w.id):
        out[w.rule].append(w)
    return out


def _classify(engine: Engine, bundle: Bundle, periods: dict[str, Period],
              matched: dict[str, set[str]], records: dict[str, m.Record], as_of: dt.date,
              clock: _Stopwatch) -> list[Finding]:
    with clock("findings"):
        facts, staged = _status_facts(bundle, periods, matched, records, as_of)
    with clock("engine"):
        firings = engine.run_each(CLASSIFY, facts)
    with clock("findings"):
        return _findings(staged, firings)


def _status_facts(bundle: Bundle, periods: dict[str, Period], matched: dict[str, set[str]],
                  records: dict[str, m.Record], as_of: dt.date):
    staged = {}
    by_rule = waivers_by_rule(bundle)
    for pid, p in periods.items():
        rule = bundle.rules[p.rule]
        counted = sorted((records[i] for i in matched.get(pid, ())), key=lambda r: (r.date, r.id))
        notes = waiver_notes(bundle, p, as_of, by_rule)
        staged[pid] = (p, rule, counted, met_on(rule, counted), notes)
    facts = [{"id": pid, "t": "status", "start": p.start.toordinal(), "due": p.due.toordinal(),
              "remind_from": p.remind_from.toordinal(), "as_of": as_of.toordinal(),
              "met_on": met.toordinal() if met else NEVER,
              "waived": int(any(not n.expired for n in notes))}
             for pid, (p, _, _, met, notes) in staged.items()]
    return facts, staged


def _findings(staged: dict, firings: list) -> list[Finding]:
    status: dict[str, list[str]] = defaultdict(list)
    for firing in firings:
        status[firing.facts["s"]].append(firing.rule)
    out = []
    for pid, (p, rule, counted, met, notes) in staged.items():
        if len(status[pid]) != 1:
            raise EngineError(f"period {pid} got statuses {status[pid]} (expected exactly one)")
        out.append(Finding(
            rule=p.rule, status=status[pid][0], period_key=p.key, start=p.start, end=p.end,
            due=p.due, nominal_due=p.nominal_due, close=p.close, required=rule.at_least,
            count=len(counted), records=tuple(r.id for r in counted), met_on=met,
            required_total=rule.total.at_least if rule.total else None,
            total=float(sum((exact(r.hours) for r in counted), Decimal(0))) if rule.total else None,
            entity=p.entity, trigger=p.trigger, waivers=notes))
    return out


def _constraint_findings(bundle: Bundle, verdicts: dict[tuple[str, str], set[str]],
                         as_of: dt.date) -> list[Finding]:
    out = []
    for (rule_id, doc_id), seen in sorted(verdicts.items()):
        if len(seen) != 1:
            raise EngineError(f"document {doc_id} got verdicts {sorted(seen)} from rule {rule_id}")
        doc = bundle.documents[doc_id]
        status = "satisfied" if seen == {"ok"} else "violation"
        out.append(Finding(
            rule=rule_id, status=status, period_key=doc_id, start=doc.published, end=doc.published,
            due=doc.published, nominal_due=doc.published, close=doc.published, required=1,
            count=int(status == "satisfied"), records=(), entity=doc_id))
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
