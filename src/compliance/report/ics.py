"""iCalendar export of due dates (icalendar package): one all-day event per due date."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from typing import IO, TYPE_CHECKING

from compliance.bundle import Bundle
from compliance.dates import format_date
from compliance.ownership import owner
from compliance.periods import Period
from compliance.report._messages import basis_note, entity_label, period_name, rule_title

if TYPE_CHECKING:
    from icalendar import Timezone

PRODID = "-//compliance//Daan household registration plan//EN"


def render(bundle: Bundle, periods: Sequence[Period], lang: str) -> str:
    buffer = io.StringIO()
    write_periods(bundle, periods, buffer, lang=lang)
    return buffer.getvalue()


def write_periods(bundle: Bundle, periods: Iterable[Period], stream: IO[str], *, lang: str) -> None:
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"{bundle.plan.title}")
    cal.add("x-wr-timezone", "Asia/Taipei")
    # RFC 5545 requires at least one component, so an empty range still needs one; the
    # office's time zone is the honest one (the events are all-day dates in Taipei).
    cal.add_component(_taipei())
    stamp = dt.datetime(bundle.plan.adopted.year, bundle.plan.adopted.month, bundle.plan.adopted.day,
                        tzinfo=dt.UTC)
    for p in periods:
        rule = bundle.rules[p.rule]
        unit = bundle.units.get(owner(bundle, p))
        entity = entity_label(bundle, p.rule, p.entity, lang) if p.entity else ""
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


def _taipei() -> Timezone:
    """Asia/Taipei as a fixed +08:00 zone, written out rather than taken from tzdata so the
    file does not change with the tzdata release (Taiwan has kept +08:00 since 1980)."""
    from icalendar import Timezone, TimezoneStandard

    standard = TimezoneStandard()
    standard.add("dtstart", dt.datetime(1980, 1, 1))
    standard.add("tzoffsetfrom", dt.timedelta(hours=8))
    standard.add("tzoffsetto", dt.timedelta(hours=8))
    standard.add("tzname", "CST")
    zone = Timezone()
    zone.add("tzid", "Asia/Taipei")
    zone.add_component(standard)
    return zone

