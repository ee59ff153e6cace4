"""An independent, plain-Python reference evaluator.

Written from the written specification only (not from ``compliance.evaluate`` /
``compile`` / ``engine`` / ``periods``), so that a bug in the engine-backed evaluator is
not copied here.  Deliberately naive: simple loops over days, no caching cleverness
beyond a memo of the holiday calendar.
"""

from __future__ import annotations

import datetime as dt
import re
from fractions import Fraction
from functools import cache
from typing import Any

import holidays

from compliance.findings import Finding, WaiverNote

ONE_DAY = dt.timedelta(days=1)

_TW = holidays.country_holidays("TW")


@cache
def is_working_day(day: dt.date) -> bool:
    return _TW.is_working_day(day)


class UndefinedBySpec(Exception):
    """The specification does not say what happens (e.g. a span without a working day)."""


# --- calendar helpers ------------------------------------------------------------------------


def days(first: dt.date, last: dt.date):
    d = first
    while d <= last:
        yield d
        d += ONE_DAY


def last_working_day(first: dt.date, last: dt.date) -> dt.date:
    found = None
    for d in days(first, last):
        if is_working_day(d):
            found = d
    if found is None:
        raise UndefinedBySpec(f"no working day in [{first}, {last}]")
    return found


def first_working_on_or_after(day: dt.date) -> dt.date:
    d = day
    while not is_working_day(d):
        d += ONE_DAY
    return d


def nth_working_after(day: dt.date, n: int) -> dt.date:
    d = day
    seen = 0
    while seen < n:
        d += ONE_DAY
        if is_working_day(d):
            seen += 1
    return d


def month_end(year: int, month: int) -> dt.date:
    if month == 12:
        return dt.date(year, 12, 31)
    return dt.date(year, month + 1, 1) - ONE_DAY


# --- periods ---------------------------------------------------------------------------------


class P:
    """One period (before the entity split)."""

    def __init__(self, key, start, end, due, nominal_due, close, trigger=None):
        self.key, self.start, self.end = key, start, end
        self.due, self.nominal_due, self.close = due, nominal_due, close
        self.trigger = trigger


def calendar_spans(every: str, year: int) -> list[tuple[str, list[int]]]:
    """(key, months) of each calendar span of the year."""
    if every == "year":
        return [(f"{year}", list(range(1, 13)))]
    if every == "half-year":
        return [(f"{year}-H1", list(range(1, 7))), (f"{year}-H2", list(range(7, 13)))]
    if every == "quarter":
        return [(f"{year}-Q{q}", list(range(3 * q - 2, 3 * q + 1))) for q in range(1, 5)]
    if every == "month":
        return [(f"{year}-{mo:02d}", [mo]) for mo in range(1, 13)]
    raise AssertionError(every)


def hire_triggers(staff, as_of):
    """Staff members hired by ``as_of``, as (id, date, staff) triggers named hired-<id>."""
    class Hire:
        def __init__(self, member):
            self.id, self.date, self.staff = f"hired-{member.id.lower()}", member.hired, member.id
    return [Hire(s) for s in staff.values() if s.hired is not None and s.hired <= as_of]


def rule_periods(rule, plan, records, as_of, staff=None) -> list[P]:
    year = plan.roc_year + 1911
    first_day = plan.start or dt.date(year, 1, 1)
    last_day = plan.end or dt.date(year, 12, 31)
    months = set(rule.months) if rule.months is not None else set(range(1, 13))
    out: list[P] = []

    if rule.every in ("year", "half-year", "quarter", "month"):
        for key, span_months in calendar_spans(rule.every, year):
            if not any(mo in months for mo in span_months):
                continue
            span_start = dt.date(year, span_months[0], 1)
            span_end = month_end(year, span_months[-1])
            start = max(span_start, first_day)
            end = min(span_end, last_day)
            if start > end:
                # SPEC GAP: a span cut away entirely by plan.start/end.  Read as "no period"
                # (a period that ends before it starts cannot be met).
                continue
            if not any(is_working_day(d) for d in days(start, end)):
                continue  # the plan window leaves the span no working day: no period
            if rule.due is not None:
                period = _due_period(rule, key, span_start, span_end, start, end, first_day, last_day)
                if period is not None:
                    out.append(period)
                continue
            due = last_working_day(start, end)
            out.append(P(key, start, end, due, due, end))
    elif rule.every == "week":
        # every Monday from the Monday on/before first_day to the Monday on/before last_day
        monday = first_day - dt.timedelta(days=first_day.weekday())
        while monday <= last_day:
            sunday = monday + dt.timedelta(days=6)
            included = False
            for d in days(monday, sunday):
                if is_working_day(d) and first_day <= d <= last_day and d.month in months:
                    included = True
            if included:
                iso = monday.isocalendar()
                key = f"{iso[0]}-W{iso[1]:02d}"
                if rule.due is not None:
                    period = _due_period(rule, key, monday, sunday, monday, sunday, first_day,
                                         last_day)
                    if period is not None:
                        out.append(period)
                else:
                    due = last_working_day(monday, sunday)
                    out.append(P(key, monday, sunday, due, due, sunday))
            monday += dt.timedelta(days=7)
    elif rule.every == "workday":
        for d in days(first_day, last_day):
            if is_working_day(d) and d.month in months:
                out.append(P(d.isoformat(), d, d, d, d, d))
    elif rule.by is not None:
        mm, dd = (int(x) for x in rule.by.split("-"))
        # by_year "next": the deadline falls in the year after the plan's (still this plan's
        # obligation); late work counts until that year's end.
        deadline_year = year + 1 if rule.by_year == "next" else year
        try:
            deadline = dt.date(deadline_year, mm, dd)
        except ValueError:
            # SPEC GAP: 02-29 in a common year.  Read as the last day of February (as
            # ``models._one_year_after`` does for waivers).
            if (mm, dd) != (2, 29):
                raise UndefinedBySpec(f"{rule.by} does not exist in {deadline_year}") from None
            deadline = dt.date(deadline_year, 2, 28)
        if rule.shift == "none":
            due = deadline
        else:
            due = first_working_on_or_after(deadline)
        close = last_day if rule.by_year == "plan" else dt.date(deadline_year, 12, 31)
        out.append(P(f"{deadline_year}-{rule.by}", first_day, deadline, due, deadline, close))
    elif rule.window is not None:
        # Once between the two days of the year; a 'to' before 'from' is in the next year,
        # and such a window is not cut at the plan's last day.
        crosses = rule.window.to < rule.window.from_
        start = day_in(year, rule.window.from_)
        end = day_in(year + 1 if crosses else year, rule.window.to)
        first = max(start, first_day)
        last = end if crosses else min(end, last_day)
        if first <= last and any(is_working_day(d) for d in days(first, last)):
            due = last_working_day(first, last)
            out.append(P(start.isoformat(), first, last, due, due, last))
    elif rule.after is not None and rule.after.every is not None:
        out.extend(case_periods(rule, plan, records, as_of))
    elif rule.after is not None:
        for rec in (records if rule.after.staff is None else hire_triggers(staff, as_of)):
            if rule.after.staff is None and rec.activity != rule.after.activity:
                continue
            if not (rec.date <= as_of and first_day <= rec.date <= last_day):
                continue
            if rule.after.within_days is not None:
                nominal = rec.date + dt.timedelta(days=rule.after.within_days)  # calendar days
            elif rule.after.within_months is not None:
                nominal = add_months(rec.date, rule.after.within_months)
            else:
                n = rule.after.within_workdays
                nominal = first_working_on_or_after(rec.date) if n == 0 else nth_working_after(rec.date, n)
            # a trigger's deadline moves off a day off only when the rule says so
            due = first_working_on_or_after(nominal) if rule.shift == "next-working-day" else nominal
            # unnamed responses count inside [trigger, due]; late ones name the trigger
            period = P(rec.id, rec.date, due, due, nominal, due, trigger=rec.id)
            period.owner = rec.staff if rule.after.staff else None  # the hire's own records
            out.append(period)
    else:
        raise AssertionError("not an obligation rule")
    return out


class _AsRecurrence:
    """A case rule read as the recurrence its tracking follows (every, due, shift)."""

    def __init__(self, rule):
        self.every, self.due, self.shift = rule.after.every, rule.due, rule.shift
        self.months = self.by = self.window = self.after = None
        self.by_year = "plan"


def first_day_of(key: str) -> dt.date:
    """The first day of the calendar span a key names: 2023, 2023-H2, 2023-Q3, 2023-07, 2023-W27."""
    year = int(key[:4])
    if "-W" in key:
        return dt.date.fromisocalendar(year, int(key[6:]), 1)
    if len(key) == 4:
        return dt.date(year, 1, 1)
    part = key[5:]
    if part[0] == "H":
        return dt.date(year, 1 if part == "H1" else 7, 1)
    if part[0] == "Q":
        return dt.date(year, 3 * int(part[1]) - 2, 1)
    return dt.date(year, int(part), 1)


def case_periods(rule, plan, records, as_of) -> list[P]:
    """每月追蹤至結案 (docs/rules.md): each record of the opening activity in the plan's window
    opens a case; every span of the recurrence that begins after the day it opened is due,
    except those whose due date is on or after the day the case closed (the first record of
    the closing activity that names the case). The case is the period's owner and trigger."""
    year = plan.roc_year + 1911
    first_day = plan.start or dt.date(year, 1, 1)
    last_day = plan.end or dt.date(year, 12, 31)
    spans = rule_periods(_AsRecurrence(rule), plan, records, as_of)
    out = []
    for opening in records:
        if opening.activity != rule.after.activity or not first_day <= opening.date <= last_day:
            continue
        if opening.date > as_of:
            continue
        closings = [r.date for r in records if r.activity == rule.after.until.activity
                    and r.case == opening.id and r.date <= as_of]
        closed = min(closings) if closings else None
        for span in spans:
            if first_day_of(span.key) <= opening.date:
                continue  # the month the case opens in is the opening record's own
            if closed is not None and closed <= span.due:
                continue  # closed by the time it fell due: the closing record reports last
            period = P(span.key, span.start, span.end, span.due, span.nominal_due, span.close,
                       trigger=opening.id)
            period.owner = opening.id
            out.append(period)
    return out


def day_in(year: int, month_day: str) -> dt.date:
    """MM-DD in ``year`` (29 February of a common year read as the 28th)."""
    mm, dd = (int(x) for x in month_day.split("-"))
    if (mm, dd) == (2, 29) and month_end(year, 2).day == 28:
        return dt.date(year, 2, 28)
    return dt.date(year, mm, dd)


def add_months(day: dt.date, n: int) -> dt.date:
    """``n`` months from ``day`` counted as 民法第121條 does: the period starts the next day
    and ends the day before the same day of the n-th month after, or on that month's last
    day when it has no such day."""
    start = day + ONE_DAY
    year, month = start.year, start.month
    for _ in range(n):
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    try:
        return dt.date(year, month, start.day) - ONE_DAY
    except ValueError:
        return month_end(year, month)


def count_after(day: dt.date, count) -> dt.date:
    if count.days is not None:
        return day + dt.timedelta(days=count.days)
    if count.workdays is not None:
        n = count.workdays
        return first_working_on_or_after(day) if n == 0 else nth_working_after(day, n)
    return add_months(day, count.months)


def following_end(rule, span_start: dt.date, span_end: dt.date) -> dt.date:
    """Last day of the span after the one [span_start, span_end] (unclipped)."""
    if rule.every == "week":
        return span_end + dt.timedelta(days=7)
    size = {"month": 1, "quarter": 3, "half-year": 6, "year": 12}[rule.every]
    nxt = span_end + ONE_DAY
    month = nxt.month + size - 1
    return month_end(nxt.year + (month - 1) // 12, (month - 1) % 12 + 1)


def _due_period(rule, key, span_start, span_end, start, end, first_day, last_day) -> P | None:
    """A recurring span with ``due``: the spec of docs/rules.md ("Due after the period",
    "Due on a day within the period")."""
    shift = rule.shift != "none"
    if rule.due.after_end is not None:
        # the report on the span: counts from the day after it until the next span ends
        nominal = count_after(end, rule.due.after_end)
        due = first_working_on_or_after(nominal) if shift else nominal
        return P(key, end + ONE_DAY, end, due, nominal, max(due, following_end(rule, span_start, span_end)))
    if rule.due.weekday is not None:
        nominal = span_start + dt.timedelta(days=rule.due.weekday - 1)
    else:
        month = span_start.month + (rule.due.month or 1) - 1
        nominal = min(dt.date(span_start.year, month, 1) + dt.timedelta(days=rule.due.day - 1),
                      month_end(span_start.year, month))
    if not (max(start, first_day) <= nominal <= min(end, last_day)):
        return None  # the plan's window cuts the due day away: nothing is due
    due = first_working_on_or_after(nominal) if shift else nominal
    return P(key, start, end, due, nominal, max(end, due))


# --- conditions ------------------------------------------------------------------------------


def _norm(v: Any) -> Any:
    """Bools compare as the numbers 1 and 0."""
    if isinstance(v, bool):
        return int(v)
    return v


def condition_holds(cond, value: Any) -> bool:
    if cond.present is not None:
        return (value is not None) if cond.present else (value is None)
    if cond.matches is not None:  # the whole text, as Python's re reads the pattern
        return isinstance(value, str) and re.fullmatch(cond.matches, value) is not None
    if value is None:
        return False
    if cond.at_least is not None or cond.at_most is not None:
        # ranges test numbers (the loader allows them on number fields only)
        low = cond.at_least if cond.at_least is not None else float("-inf")
        high = cond.at_most if cond.at_most is not None else float("inf")
        return low <= value <= high
    if cond.in_ is not None:
        return any(_norm(value) == _norm(v) for v in cond.in_)
    return _norm(value) == _norm(cond.equals)


# A record's own fields, as docs/plan-data.md lists them; any other name a condition tests
# is a number the plan data declares (record_fields).
RECORD_OWN_FIELDS = {"id", "activity", "date", "unit", "staff", "hours", "values", "period",
                     "evidence", "note", "case"}


def record_value(rec, name: str) -> Any:
    if name == "evidence":
        return True if rec.evidence is not None else None
    if name.startswith("evidence."):  # a field of the evidence: absent without evidence
        return None if rec.evidence is None else getattr(rec.evidence, name[len("evidence."):])
    if name not in RECORD_OWN_FIELDS:  # a number the plan data declares, carried in values
        return (rec.values or {}).get(name)
    return getattr(rec, name)


def document_value(doc, name: str) -> Any:
    return getattr(doc, name)


# --- evaluation ------------------------------------------------------------------------------


def reference_evaluate(bundle, as_of: dt.date) -> list[Finding]:
    plan = bundle.plan
    records = [r for r in bundle.records.values() if r.date <= as_of]
    findings: list[Finding] = []

    for rule in bundle.rulebook.rules.values():
        if rule.constraint is not None and rule.constraint.published:
            findings.extend(_published(bundle, rule, as_of))
            continue
        if rule.constraint is not None and rule.constraint.entity != "document":
            findings.extend(_entity_constraint(bundle, rule, as_of))
            continue
        if rule.constraint is not None:
            for doc in bundle.documents.values():
                if doc.published > as_of:
                    continue
                if not all(condition_holds(c, document_value(doc, c.field))
                           for c in rule.constraint.applies):
                    continue
                ok = all(condition_holds(c, document_value(doc, c.field))
                         for c in rule.constraint.require)
                findings.append(Finding(
                    rule=rule.id, status="satisfied" if ok else "violation", period_key=doc.id,
                    start=doc.published, end=doc.published, due=doc.published,
                    nominal_due=doc.published, close=doc.published, required=1,
                    count=1 if ok else 0, records=(), entity=doc.id))
            continue

        if rule.for_each == "unit":
            entities = list(bundle.units)
        elif rule.for_each == "staff":
            entities = list(bundle.staff)
        else:
            entities = [None]

        for period in rule_periods(rule, plan, records, as_of, bundle.staff):
            for entity in ([period.owner] if getattr(period, "owner", None) else entities):
                findings.append(_obligation_finding(bundle, rule, period, entity, records, as_of))

    findings.sort(key=lambda f: (f.rule, f.start, f.entity or "", f.period_key))
    return findings


def _entity_constraint(bundle, rule, as_of) -> list[Finding]:
    """Each staff member, unit or work item to which ``applies`` holds meets ``require``
    (or not), judged from the plan's adoption on (a staff member hired later: from the hire
    date)."""
    table = {"staff": bundle.staff, "unit": bundle.units, "work_item": bundle.work_items}
    day = bundle.plan.adopted
    out = []
    for ident, entity in table[rule.constraint.entity].items():
        if not all(condition_holds(c, getattr(entity, c.field)) for c in rule.constraint.applies):
            continue
        ok = all(condition_holds(c, getattr(entity, c.field)) for c in rule.constraint.require)
        since = day
        if rule.constraint.entity == "staff" and entity.hired is not None and entity.hired > day:
            since = entity.hired  # not judged before joining the office
        status = "upcoming" if as_of < since else "satisfied" if ok else "violation"
        out.append(Finding(
            rule=rule.id, status=status, period_key=ident, start=since, end=since, due=since,
            nominal_due=since, close=since, required=1, count=1 if ok else 0, records=(),
            entity=ident))
    return out


def _published(bundle, rule, as_of) -> list[Finding]:
    """Each listed kind needs one published document (to which ``applies`` holds), from the
    plan's adoption on."""
    out = []
    effective = bundle.plan.adopted
    for kind in rule.constraint.published:
        docs = [d for d in bundle.documents.values()
                if d.published <= as_of and d.kind == kind.id
                and all(condition_holds(c, document_value(d, c.field)) for c in rule.constraint.applies)]
        if as_of < effective:
            status = "upcoming"
        else:
            status = "satisfied" if docs else "violation"
        out.append(Finding(
            rule=rule.id, status=status, period_key=kind.id, start=effective, end=effective,
            due=effective, nominal_due=effective, close=effective, required=1,
            count=1 if docs else 0, records=(), entity=kind.id))
    return out


def _obligation_finding(bundle, rule, period: P, entity, records, as_of) -> Finding:
    last_count_day = min(period.close, as_of)
    counted = []
    for rec in records:
        if rec.activity != rule.activity:
            continue
        if rec.period is None:
            if not (period.start <= rec.date <= last_count_day):
                continue
        elif rec.period != period.key or not (period.start <= rec.date <= as_of):
            continue  # a record naming its period counts there only, even after it closed
        if rule.for_each == "unit" and rec.unit != entity:
            continue
        if (rule.for_each == "staff" or (rule.after and rule.after.staff)) and rec.staff != entity:
            continue
        if rule.after and rule.after.every and rec.case != entity:
            continue  # a case is answered only by records naming it
        if not all(condition_holds(c, record_value(rec, c.field)) for c in rule.where):
            continue
        counted.append(rec)
    counted.sort(key=lambda r: (r.date, r.id))

    # Hours are summed exactly as written (Fraction of the decimal text), never as floats.
    field = rule.total.field if rule.total is not None else "hours"

    def hours(rec) -> Fraction:  # or the declared field the total sums
        value = rec.hours if field == "hours" else (rec.values or {}).get(field)
        return Fraction(str(value)) if value is not None else Fraction(0)

    met_on = None
    running_hours = Fraction(0)
    for i, rec in enumerate(counted, start=1):
        running_hours += hours(rec)
        if i >= rule.at_least and (rule.total is None
                                   or running_hours >= Fraction(str(rule.total.at_least))):
            met_on = rec.date
            break
    total = None
    if rule.total is not None:
        total = float(sum((hours(rec) for rec in counted), Fraction(0)))

    notes = []
    for w in bundle.waivers.values():
        if w.rule != rule.id:
            continue
        if w.entity is not None and w.entity != entity:
            continue
        if not (w.from_ <= period.due <= w.to):
            continue
        if w.granted > as_of:
            continue
        expired = as_of > w.expires
        # an exemption approved for a period due by the expiry day is never revoked by time
        covers = (not expired) or period.due <= w.expires
        notes.append(WaiverNote(w.id, w.expires, expired, covers))
    notes.sort(key=lambda n: n.id)

    remind_from = period.due - dt.timedelta(days=rule.lead_days)
    if period.start > as_of:
        status = "upcoming"
    elif any(n.covers for n in notes):
        status = "waived"
    elif met_on is not None and met_on <= period.due:
        status = "satisfied"
    elif met_on is not None:
        status = "late"
    elif period.due < as_of:
        status = "violation"
    elif remind_from <= as_of:
        status = "reminder"
    else:
        status = "open"

    return Finding(
        rule=rule.id, status=status, period_key=period.key, start=period.start, end=period.end,
        due=period.due, nominal_due=period.nominal_due, close=period.close,
        required=rule.at_least, count=len(counted), records=tuple(r.id for r in counted),
        met_on=met_on, required_total=rule.total.at_least if rule.total else None,
        total=total, entity=entity, trigger=period.trigger, waivers=tuple(notes))
