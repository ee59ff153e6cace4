"""Taiwan's working-day calendar and the periods and due dates of each rule.

Working days are those of the central government offices: weekdays that are not
national holidays, plus make-up working Saturdays (補班). Both come from the
``holidays`` package, so no holiday list is maintained by hand here (its answers can be
cached on disk per year and package version when asked to: ``calendar_cache``).
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from compliance import calendar_cache
from compliance import models as m

ONE_DAY = dt.timedelta(days=1)


class WorkCalendar:
    """Working days of the years asked for; extends itself when a date falls outside."""

    def __init__(self) -> None:
        self._years: set[int] = set()
        self._days: list[dt.date] = []
        self._set: set[dt.date] = set()

    def _ensure(self, first: int, last: int | None = None) -> None:
        """Years ``first`` to ``last`` (or ``first`` alone) are loaded: only the years asked
        about, so the loaded years may have gaps, which the methods below allow for. (Loading
        each year's neighbours as well left such gaps too, unnoticed: see the tests.)"""
        last = first if last is None else last
        years = self._years
        if first in years and last in years and last - first < 2:
            return  # the common case, asked thousands of times a plan
        missing = [y for y in range(first, last + 1) if y not in years]
        if not missing:
            return
        for y in missing:
            self._years.add(y)
            self._set |= set(_working_days(y))
        self._days = sorted(self._set)

    def is_working_day(self, day: dt.date) -> bool:
        if day.year not in self._years:
            self._ensure(day.year)
        return day in self._set

    def on_or_after(self, day: dt.date) -> dt.date:
        """The first working day on or after ``day`` (行政程序法第48條)."""
        if day.year not in self._years:
            self._ensure(day.year)
        i = bisect.bisect_left(self._days, day)
        if i == len(self._days) or self._days[i].year != day.year:  # none left this year
            self._ensure(day.year + 1)  # (a later year may be loaded, the next one not)
            i = bisect.bisect_left(self._days, day)
        return self._days[i]

    def last_in(self, start: dt.date, end: dt.date) -> dt.date | None:
        """The last working day in [start, end], or None if there is none."""
        self._ensure(start.year, end.year)
        i = bisect.bisect_right(self._days, end) - 1
        if i >= 0 and self._days[i] >= start:
            return self._days[i]
        return None

    def add_workdays(self, day: dt.date, n: int) -> dt.date:
        """The ``n``-th working day after ``day``; for 0, ``day`` or the next working day."""
        if n == 0:
            return self.on_or_after(day)
        self._ensure(day.year, day.year + 1 + n // 240)  # a year has at least 240 working days
        return self._days[bisect.bisect_right(self._days, day) + n - 1]

    def working_days(self, start: dt.date, end: dt.date) -> list[dt.date]:
        self._ensure(start.year, end.year)
        lo = bisect.bisect_left(self._days, start)
        hi = bisect.bisect_right(self._days, end)
        return self._days[lo:hi]


@lru_cache(maxsize=64)
def _working_days(year: int) -> tuple[dt.date, ...]:
    cached = _cache_read(year)
    if cached is not None:
        return cached
    days = _compute_working_days(year)
    _cache_write(year, days)
    return days


def _compute_working_days(year: int) -> tuple[dt.date, ...]:
    from compliance.holiday_years import taiwan  # only when not cached

    calendar = taiwan(year)
    day = dt.date(year, 1, 1)
    out = []
    while day.year == year:
        if calendar.is_working_day(day):
            out.append(day)
        day += ONE_DAY
    return tuple(out)


# The package's working days of a year, kept on disk when asked to (calendar_cache).


def _cache_file(year: int) -> Path | None:
    return calendar_cache.path(f"workdays-TW-{year}")


def _cache_read(year: int) -> tuple[dt.date, ...] | None:
    lines = calendar_cache.read(f"workdays-TW-{year}", f"year={year}")
    try:
        return None if lines is None else tuple(dt.date.fromisoformat(x) for x in lines)
    except ValueError:
        return None  # a damaged cache is recomputed


def _cache_write(year: int, days: tuple[dt.date, ...]) -> None:
    calendar_cache.write(f"workdays-TW-{year}", f"year={year}", (d.isoformat() for d in days))


@dataclass(frozen=True)
class Period:
    """One instance of an obligation: what must be done between ``start`` and ``close``.

    ``end`` is the end of the period as people name it (the month's last day, the fixed
    deadline, ...); ``close`` is the last day an unnamed record still counts (for
    fixed-date obligations the plan's last day, so a late delivery shows as late, not
    missing); ``due`` is the working day by which it must be done. A record that names
    the period counts from ``start`` on, whenever it was done.
    """

    rule: str
    key: str
    start: dt.date
    end: dt.date
    close: dt.date
    due: dt.date
    nominal_due: dt.date
    remind_from: dt.date
    entity: str | None = None
    trigger: str | None = None

    @property
    def due_moved(self) -> bool:
        return self.due != self.nominal_due


# key, start, end, close, due (None: nothing can be due), nominal due (before any shift)
Span = tuple[str, dt.date, dt.date, dt.date, "dt.date | None", dt.date]


def expand(rule: m.Rule, plan: m.Plan, calendar: WorkCalendar, *,
           entities: list[str] | None = None, triggers: list[m.Record] | None = None,
           closed: dict[str, dt.date] | None = None) -> list[Period]:
    """All periods of ``rule`` in the plan year (one per entity for ``for_each`` rules; for
    a case rule one per case and span, the case's ``triggers`` record being the entity, and
    ``closed`` the day each closed case was closed)."""
    schedule = rule.schedule
    if schedule.kind == "case":
        return _case_periods(rule, schedule, plan, calendar, triggers or [], closed or {})
    spans = _EXPANDERS[schedule.kind](schedule, plan, calendar, triggers or [])
    out = []
    # A trigger from the plan data (a staff member's hire date) is answered by that member.
    owners = {r.id: r.staff for r in triggers or []} if rule.after and rule.after.staff else {}
    for key, start, end, close, due, nominal in spans:
        if due is None:
            continue  # the plan's window leaves this span no working day: nothing can be due
        remind = due - dt.timedelta(days=rule.lead_days)
        trigger = key if schedule.kind == "after" else None
        for entity in ([owners[key]] if owners else (entities or []) if rule.for_each else [None]):
            out.append(Period(rule.id, key, start, end, close, due, nominal, remind, entity, trigger))
    return out


def _recurring(schedule: m.Recurring, plan: m.Plan, calendar: WorkCalendar,
               triggers: list[m.Record]) -> list[Span]:
    due = schedule.due
    if due is None:
        return [(key, s, e, e, last, last or e) for key, s, e in _spans(schedule, plan, calendar)
                for last in [calendar.last_in(s, e)]]
    # A span the plan's window leaves without a working day has nothing due, whatever 'due' says.
    spans = [_Span(key, s, e, *_bounds(schedule.every, key, s))
             for key, s, e in _spans(schedule, plan, calendar) if calendar.last_in(s, e)]
    if due.after_end is not None:
        return [_after_end(x, due.after_end, schedule.shift, calendar) for x in spans]
    return [span for x in spans
            if (span := _within(x, due, schedule.shift, plan, calendar)) is not None]


@dataclass(frozen=True)
class _Span:
    """A recurring span: its window as the plan year clips it, and its whole calendar
    extent (its first day, and the last day of the span that follows it)."""

    key: str
    start: dt.date
    end: dt.date
    first: dt.date
    next_end: dt.date


def _bounds(every: str, key: str, start: dt.date) -> tuple[dt.date, dt.date]:
    if every == "week":
        return start, start + dt.timedelta(days=13)
    size = m.SPAN_MONTHS[every]
    year, month = int(key[:4]), (start.month - 1) // size * size + 1
    return dt.date(year, month, 1), _month_end(year, month + 2 * size - 1)


def _after_end(x: _Span, count: m.Count, shift: bool, calendar: WorkCalendar) -> Span:
    # Reported on once the span is over (每月10日前報送上月統計): an unnamed record counts
    # from the day after the span until the next span ends (or the due date, if later), so
    # the report on June sent on 7/05 is June's, not July's; one after the due date is late.
    nominal = count_from(x.end, count, calendar)
    due = calendar.on_or_after(nominal) if shift else nominal
    return (x.key, x.end + ONE_DAY, x.end, max(x.next_end, due), due, nominal)


def _within(x: _Span, due: m.Due, shift: bool, plan: m.Plan, calendar: WorkCalendar) -> Span | None:
    # Due on a day inside the span (每月5日前, 每週一, 每季第1個月15日前). A day the plan's
    # window cuts away leaves the span nothing due; a due date moved past the span's end
    # keeps unnamed records counting until it.
    if due.weekday is not None:
        nominal = x.first + dt.timedelta(days=due.weekday - 1)
    else:
        month = x.first.month + (due.month or 1) - 1
        last = _month_end(x.first.year, month)
        nominal = last.replace(day=min(due.day or 1, last.day))
    if not max(x.start, plan.first_day) <= nominal <= min(x.end, plan.last_day):
        return None
    moved = calendar.on_or_after(nominal) if shift else nominal
    return (x.key, x.start, x.end, max(x.end, moved), moved, nominal)


def count_from(day: dt.date, count: m.Count, calendar: WorkCalendar) -> dt.date:
    """The last day of ``count`` counted from the day after ``day`` (始日不算入): N calendar
    days later, the N-th working day after, or for months the day before the same day of
    the last month, or that month's last day when it has no such day (民法第121條)."""
    if count.days is not None:
        return day + dt.timedelta(days=count.days)
    if count.workdays is not None:
        return calendar.add_workdays(day, count.workdays)
    first = day + ONE_DAY
    months = first.month - 1 + (count.months or 0)
    year, month = first.year + months // 12, months % 12 + 1
    if first.day > _month_end(year, month).day:
        return _month_end(year, month)
    return dt.date(year, month, first.day) - ONE_DAY


def _fixed(schedule: m.FixedDate, plan: m.Plan, calendar: WorkCalendar,
           triggers: list[m.Record]) -> list[Span]:
    # A deadline in the next year (a report on the plan year due 01-31 after it) is still an
    # obligation of this plan: its key is the deadline's own date, its window runs from the
    # plan's first day to the end of the deadline's year so a late delivery shows as late.
    year = plan.year + schedule.next_year
    try:
        deadline = dt.date(year, schedule.month, schedule.day)
    except ValueError:  # 02-29 in a common year (load refuses days of no year, e.g. 04-31)
        deadline = dt.date(year, 3, 1) - ONE_DAY
    close = dt.date(year, 12, 31) if schedule.next_year else plan.last_day
    due = calendar.on_or_after(deadline) if schedule.shift else deadline  # 行政程序法第48條, or not
    return [(f"{year}-{schedule.text}", plan.first_day, deadline, close, due, deadline)]


def _window(schedule: m.Window, plan: m.Plan, calendar: WorkCalendar,
            triggers: list[m.Record]) -> list[Span]:
    # 每年3月至5月間: once between the two days, due on the window's last working day. A
    # window crossing the year end (11月至翌年2月) runs into the next year and is not cut
    # at the plan's last day; otherwise the plan's first and last day cut it like a span.
    year = plan.year
    start = _day_of(year, schedule.start)
    end = _day_of(year + schedule.crosses_year_end, schedule.end)
    first = max(start, plan.first_day)
    last = end if schedule.crosses_year_end else min(end, plan.last_day)
    due = calendar.last_in(first, last) if first <= last else None
    return [(start.isoformat(), first, last, last, due, due or last)]


def _day_of(year: int, month_day: tuple[int, int]) -> dt.date:
    """That day of ``year``; 02-29 in a common year is 02-28."""
    month, day = month_day
    end = _month_end(year, month)
    return end.replace(day=min(day, end.day))


def _triggered(schedule: m.Triggered, plan: m.Plan, calendar: WorkCalendar,
               triggers: list[m.Record]) -> list[Span]:
    # An unnamed response counts only inside the window: overlapping windows of several
    # triggers must not share a response given months later. A late response names the
    # trigger it answers (period: <trigger record id>).
    trigger = schedule.trigger
    out: list[Span] = []
    count = m.Count(days=trigger.within_days, workdays=trigger.within_workdays,
                    months=trigger.within_months)
    for record in triggers:
        # Calendar days and months stay where they fall unless the rule asks for the shift:
        # 第一時間 does not wait for Monday.
        nominal = count_from(record.date, count, calendar)
        due = calendar.on_or_after(nominal) if schedule.shift else nominal
        out.append((record.id, record.date, due, due, due, nominal))
    return out


def _case_periods(rule: m.Rule, schedule: m.CaseTracking, plan: m.Plan, calendar: WorkCalendar,
                  opened: list[m.Record], closed: dict[str, dt.date]) -> list[Period]:
    # 每月追蹤至結案: the spans of the recurrence (as an 'every' rule has them) that begin after
    # the day the case opened (the month it opens in is that of the opening record itself),
    # up to the last one due before the case closed (a case closed on or before a span's due
    # date owes nothing for it: the closing record is its last report). A case never closed
    # keeps its spans to the plan's last day. The case (the opening record) is the entity.
    every = schedule.recurrence.every
    spans = [(span_first(every, key), span) for span in _recurring(schedule.recurrence, plan, calendar, [])
             for key in [span[0]]]
    out = []
    for record in opened:
        until = closed.get(record.id)
        for first, (key, start, end, close, due, nominal) in spans:
            if due is None or first <= record.date or (until is not None and until <= due):
                continue
            remind = due - dt.timedelta(days=rule.lead_days)
            out.append(Period(rule.id, key, start, end, close, due, nominal, remind, record.id, record.id))
    return out


def span_first(every: str, key: str) -> dt.date:
    """The first day of a recurring span by its key (before the plan's window clips it)."""
    if every == "week":
        iso_year, week = key.split("-W")
        return dt.date.fromisocalendar(int(iso_year), int(week), 1)
    if every == "workday":
        return dt.date.fromisoformat(key)
    part = key[5:]
    month = {"": 1, "H1": 1, "H2": 7, "Q1": 1, "Q2": 4, "Q3": 7, "Q4": 10}.get(part)
    return dt.date(int(key[:4]), month or int(part), 1)


def _no_periods(schedule: m.DocumentCheck, plan: m.Plan, calendar: WorkCalendar,
                triggers: list[m.Record]) -> list[Span]:
    return []  # a constraint is checked per document or kind of document, not per period


# One expander per schedule kind (see models.Schedule); a case rule's periods carry their
# case as the entity, so ``expand`` builds them itself (``_case_periods``, from ``_recurring``).
_EXPANDERS: dict[str, Callable[[Any, m.Plan, WorkCalendar, list[m.Record]], list[Span]]] = {
    "every": _recurring, "by": _fixed, "window": _window, "after": _triggered,
    "constraint": _no_periods,
}


def _spans(schedule: m.Recurring, plan: m.Plan, calendar: WorkCalendar) -> Iterator[tuple[str, dt.date, dt.date]]:
    months = set(schedule.months or range(1, 13))
    first, last = plan.first_day, plan.last_day
    if schedule.every == "workday":
        for day in calendar.working_days(first, last):
            if day.month in months:
                yield day.isoformat(), day, day
        return
    if schedule.every == "week":
        yield from _weeks(months, first, last, calendar)
        return
    size = {"month": 1, "quarter": 3, "half-year": 6, "year": 12}[schedule.every]
    for year in range(first.year, last.year + 1):
        for index, start_month in enumerate(range(1, 13, size)):
            span = set(range(start_month, start_month + size))
            if not span & months:
                continue
            start = dt.date(year, start_month, 1)
            end = _month_end(year, start_month + size - 1)
            if end < first or start > last:
                continue
            yield _key(schedule.every, year, index, start_month), max(start, first), min(end, last)


def _weeks(months: set[int], first: dt.date, last: dt.date,
           calendar: WorkCalendar) -> Iterator[tuple[str, dt.date, dt.date]]:
    monday = first - dt.timedelta(days=first.weekday())
    while monday <= last:
        sunday = monday + dt.timedelta(days=6)
        active = [d for d in calendar.working_days(monday, sunday)
                  if first <= d <= last and d.month in months]
        if active:
            iso = monday.isocalendar()
            yield f"{iso.year}-W{iso.week:02d}", monday, sunday
        monday += dt.timedelta(days=7)


def _month_end(year: int, month: int) -> dt.date:
    return (dt.date(year + month // 12, month % 12 + 1, 1)) - ONE_DAY


def _key(every: str, year: int, index: int, start_month: int) -> str:
    if every == "year":
        return str(year)
    if every == "half-year":
        return f"{year}-H{index + 1}"
    if every == "quarter":
        return f"{year}-Q{index + 1}"
    return f"{year}-{start_month:02d}"
