"""The pre-meeting checklist (捌 追蹤管考): per unit, what the monthly meeting must discuss.

Built from one evaluation as of the meeting; returns data, formatters render it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from compliance import models as m
from compliance.bundle import Bundle
from compliance.findings import Evaluation, Finding
from compliance.ownership import owner


@dataclass(frozen=True)
class Overdue:
    finding: Finding
    needs_explanation: bool  # no explanation in the minutes and no waiver yet


@dataclass(frozen=True)
class DueSoon:
    rule: str
    findings: tuple[Finding, ...]  # unmet periods due before the next meeting

    @property
    def first_due(self) -> dt.date:
        return min(f.due for f in self.findings)


@dataclass(frozen=True)
class Done:
    rule: str
    records: tuple[m.Record, ...]  # counted records dated since the previous meeting


@dataclass(frozen=True)
class ScheduledItem:
    item: m.WorkItem
    records: tuple[m.Record, ...]  # records of its rules in the meeting's month
    tracked: bool  # False when no rule encodes the row
    month_known: bool = True  # False when the plan text lost the row's months (月份未載)


@dataclass
class UnitSection:
    unit: m.Unit
    overdue: list[Overdue] = field(default_factory=list)
    due_soon: list[DueSoon] = field(default_factory=list)
    done: list[Done] = field(default_factory=list)
    scheduled: list[ScheduledItem] = field(default_factory=list)

    @property
    def unexplained(self) -> int:
        return sum(o.needs_explanation for o in self.overdue)


@dataclass
class Checklist:
    meeting: dt.date
    as_of: dt.date
    previous_meeting: dt.date | None
    next_meeting: dt.date
    next_meeting_estimated: bool
    sections: list[UnitSection]


def meeting_dates(bundle: Bundle) -> list[dt.date]:
    return sorted({mt.date for mt in bundle.meetings.values() if mt.activity == "office-meeting"})


def default_meeting(bundle: Bundle, today: dt.date) -> dt.date:
    """The next meeting in the plan data on or after today, else today."""
    return next((d for d in meeting_dates(bundle) if d >= today), today)


def build(bundle: Bundle, evaluation: Evaluation, meeting: dt.date) -> Checklist:
    dates = meeting_dates(bundle)
    previous = max((d for d in dates if d < meeting), default=None)
    following = min((d for d in dates if d > meeting), default=None)
    estimated = following is None
    nxt = following or _same_day_next_month(meeting)
    as_of = evaluation.as_of
    sections = {u: UnitSection(unit) for u, unit in bundle.units.items()}
    for f in evaluation.findings:
        section = sections.get(owner(bundle, f))
        if section is not None:
            _place(section, f, as_of, nxt, meeting)
    _group_due_soon(sections)
    _done_since(bundle, evaluation, sections, previous, as_of)
    _scheduled(bundle, sections, meeting, as_of)
    return Checklist(meeting, as_of, previous, nxt, estimated, list(sections.values()))


def _place(section: UnitSection, f: Finding, as_of: dt.date, nxt: dt.date, meeting: dt.date) -> None:
    if f.status == "violation":
        # Only minutes of earlier meetings count: this meeting is where it must be explained.
        explained = any(x.date < meeting for x in f.explanations)
        needs = not explained and not any(w.covers for w in f.waivers)
        section.overdue.append(Overdue(f, needs))
    elif f.status in ("reminder", "open", "upcoming") and as_of < f.due <= nxt:
        section.due_soon.append(DueSoon(f.rule, (f,)))


def _group_due_soon(sections: dict[str, UnitSection]) -> None:
    # A daily obligation would otherwise fill the page with one line per working day.
    for section in sections.values():
        grouped: dict[str, list[Finding]] = defaultdict(list)
        for item in section.due_soon:
            grouped[item.rule].extend(item.findings)
        section.due_soon = sorted((DueSoon(r, tuple(sorted(fs, key=lambda f: f.due)))
                                   for r, fs in grouped.items()), key=lambda d: (d.first_due, d.rule))
        section.overdue.sort(key=lambda o: (not o.needs_explanation, o.finding.due, o.finding.rule))


def _done_since(bundle: Bundle, evaluation: Evaluation, sections: dict[str, UnitSection],
                previous: dt.date | None, as_of: dt.date) -> None:
    start = previous or bundle.plan.first_day - dt.timedelta(days=1)
    counted: dict[tuple[str, str], set[str]] = defaultdict(set)
    for f in evaluation.findings:
        for rid in f.records:
            if start < bundle.records[rid].date <= as_of:
                counted[(owner(bundle, f), f.rule)].add(rid)
    for (unit, rule), ids in sorted(counted.items()):
        if unit in sections:
            recs = tuple(sorted((bundle.records[i] for i in ids), key=lambda r: (r.date, r.id)))
            sections[unit].done.append(Done(rule, recs))


def _scheduled(bundle: Bundle, sections: dict[str, UnitSection], meeting: dt.date, as_of: dt.date) -> None:
    """The annex rows planned for the meeting's month, and the rows whose months the plan
    text lost (shown as such, never as planned for this month). The annex's months are
    those of the plan year: a meeting after it has none."""
    if meeting.year != bundle.plan.year:
        return
    month_start = meeting.replace(day=1)
    for item in bundle.work_items.values():
        known = item.months is not None
        if item.unit not in sections or (known and meeting.month not in (item.months or ())):
            continue
        activities = {bundle.rules[r].activity for r in item.rules if bundle.rules[r].activity}
        recs = tuple(sorted((r for r in bundle.records.values() if r.activity in activities
                             and month_start <= r.date <= as_of), key=lambda r: (r.date, r.id)))
        sections[item.unit].scheduled.append(ScheduledItem(item, recs, bool(item.rules), known))


def _same_day_next_month(day: dt.date) -> dt.date:
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    for d in (day.day, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")
