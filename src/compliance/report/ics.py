"""iCalendar export of due dates (icalendar package): one all-day event per due date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import IO

from compliance.dates import format_date
from compliance.load import Bundle
from compliance.ownership import owner
from compliance.periods import Period
from compliance.report._messages import basis_note, period_name, rule_title

PRODID = "-//compliance//Daan household registration plan//EN"


def write_periods(bundle: Bundle, periods: Iterable[Period], stream: IO[str], *, lang: str) -> None:
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"{bundle.plan.title}")
    cal.add("x-wr-timezone", "Asia/Taipei")
    stamp = dt.datetime(bundle.plan.adopted.year, bundle.plan.adopted.month, bundle.plan.adopted.day,
                        tzinfo=dt.timezone.utc)
    for p in periods:
        rule = bundle.rules[p.rule]
        unit = bundle.units.get(owner(bundle, p))
        entity = _entity(bundle, p, lang)
        event = Event()
        event.add("uid", f"{p.rule}/{p.key}/{p.entity or '-'}@{bundle.plan.roc_year}.compliance")
        event.add("dtstamp", stamp)
        event.add("dtstart", p.due)
        event.add("dtend", p.due + dt.timedelta(days=1))
        event.add("summary", rule_title(rule, lang) + (f"（{entity}）" if entity else ""))
        event.add("description", f"{rule.source.clause}「{rule.source.quote}」{basis_note(rule, lang)}\n"
                                 f"{period_name(bundle, p.key, lang)}（{format_date(p.start, lang)}"
                                 f"–{format_date(p.end, lang)}）")
        event.add("categories", [unit.name.get(lang) if unit else rule.unit])
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    stream.write(cal.to_ical().decode("utf-8"))


def _entity(bundle: Bundle, p: Period, lang: str) -> str:
    if p.entity is None:
        return ""
    if p.entity in bundle.units:
        return bundle.units[p.entity].name.get(lang)
    staff = bundle.staff.get(p.entity)
    return f"{staff.id} {staff.title}" if staff else p.entity


def calendar_line(bundle: Bundle, p: Period, lang: str) -> str:
    """One line of the text calendar: due date, obligation, for whom, which period."""
    rule = bundle.rules[p.rule]
    entity = _entity(bundle, p, lang)
    who = f"（{entity}）" if entity and lang == "zh-TW" else f" [{entity}]" if entity else ""
    due = format_date(p.due, lang)
    name = period_name(bundle, p.key, lang)
    return f"{due}  {rule_title(rule, lang)}{who}" + (f"  {name}" if name != due else "")
