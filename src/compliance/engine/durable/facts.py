"""Periods, records, documents and status questions as flat durable-rules facts: dates as
ordinal day numbers, booleans as 0/1, strings tagged (``compile.fact_value``), absent values
left out."""

from __future__ import annotations

import datetime as dt
import functools
import json
import operator
import re
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from compliance import models as m
from compliance.engine.durable.compile import NEVER, fact_field, fact_value, pattern_fields
from compliance.engine.durable.session import encode_json

if TYPE_CHECKING:
    from compliance.engine import StatusQuestion
    from compliance.periods import Period

Fact = dict[str, Any]


def match_facts(rules: Sequence[m.Rule], periods: Mapping[str, Period], records: Sequence[m.Record],
                documents: Sequence[m.Document], as_of: dt.date,
                entities: Mapping[str, Sequence[m.Model]] | None = None) -> list[Fact | RecordFact]:
    # A period that has not started cannot count anything: only its status is needed.
    facts: list[Fact | RecordFact] = [period_fact(pid, p, as_of) for pid, p in periods.items()
                                      if p.start <= as_of]
    # Each record is only ever joined with rules of its own activity (partition.py), so it
    # carries only the fields those rules test: the fewer the fields, the less there is
    # to encode, parse in the engine and decode again from each firing. Records are taken
    # activity by activity (in their order within each), each with its activity's builder.
    by_activity: dict[str, list[m.Rule]] = {}
    for rule in rules:
        if rule.activity:
            by_activity.setdefault(rule.activity, []).append(rule)
    grouped: dict[str, list[m.Record]] = {a: [] for a in by_activity}
    for r in records:
        group = grouped.get(r.activity)
        if group is not None:
            group.append(r)
    for activity, group in grouped.items():
        facts += map(record_builder(by_activity[activity]), group)
    on_entities = {kind: pattern_fields(c for r in rules if r.constraint and r.constraint.entity == kind
                                        for c in (*r.constraint.applies, *r.constraint.require))
                   for kind in ("document", "staff", "unit", "work_item")}
    if any(r.constraint for r in rules):
        facts += [_decide_patterns(document_fact(d), d, on_entities["document"])
                  for d in documents if d.published <= as_of]
    checked = {r.constraint.entity for r in rules if r.constraint} - {"document"}
    for kind in sorted(checked):
        facts += [_decide_patterns(entity_fact(kind, e), e, on_entities[kind])
                  for e in (entities or {}).get(kind, ())]
    return facts


def _decide_patterns(fact: Fact, obj: m.Model, patterns: Mapping[str, tuple[str, str]]) -> Fact:
    """One 0/1 field per ``matches`` condition (``compile.pattern_field``): 1 when the
    object's text fully matches the pattern (``re.fullmatch``); 0 otherwise, also when the
    field is missing or not text."""
    for name, (field, pattern) in patterns.items():
        fact[name] = pattern_holds(obj, field, re.compile(pattern))
    return fact


def pattern_holds(obj: m.Model, field: str, pattern: re.Pattern[str]) -> int:
    """1 when ``field`` of ``obj`` is text that fully matches ``pattern``, else 0."""
    value = field_value(obj, field)
    return int(isinstance(value, str) and pattern.fullmatch(value) is not None)


def period_fact(pid: str, p: Period, as_of: dt.date) -> Fact:
    fact: Fact = {"id": pid, "t": "period", "rule": p.rule, "key": fact_value(p.key),
                  "start": p.start.toordinal(), "close": min(p.close, as_of).toordinal()}
    if p.entity is not None:
        fact["entity"] = fact_value(p.entity)
    return fact


def record_fields(rules: Sequence[m.Rule]) -> tuple[str, ...]:
    """The record fields some rule looks at: the engine is only given those (a long note
    nobody tests would be encoded, matched and decoded for nothing)."""
    used = {"period"} | {r.for_each for r in rules if r.for_each}
    used |= {"staff" for r in rules if r.after and r.after.staff}  # answered by the hire's staff
    used |= {"case" for r in rules if r.schedule.kind == "case"}  # answered by the case's records
    used |= {c.field for r in rules for c in r.where}
    return tuple(sorted(used))


Reader = tuple[str, Callable[[Any], Any]]  # a fact field, and how to read it off a record


def record_readers(fields: tuple[str, ...]) -> tuple[Reader, ...]:
    """How to read each of ``fields`` off a record, decided once per activity rather than
    for every record (a large plan has ~100,000 of them)."""
    return tuple((name if name == "evidence" else fact_field(name), _reader(name)) for name in fields)


def _reader(name: str) -> Callable[[Any], Any]:
    if name == "evidence":  # tested for presence only
        return lambda r: None if r.evidence is None else 1
    if name in _own_fields(m.Record):  # a plain attribute: read it directly
        get = operator.attrgetter(name)
        return lambda r: _engine_value(get(r))
    return lambda r: _engine_value(field_value(r, name))


def _engine_value(value: Any) -> Any:
    return None if value is None else fact_value(value)


class RecordFact(NamedTuple):
    """A record's fact, encoded once as the engine reads it (a large plan has ~100,000).

    ``text`` is its JSON members but the id and the session id, which the session adds
    (``"t": "record", "activity": "...", "date": 738900, "period": "s:2023-06"``): building
    and encoding a dict per record cost more than the engine's own work on it. The other
    fields are what partitioning and deduplication read. ``fields()`` is the same fact as
    a dict (tests, the CLIPS peer)."""

    id: str
    text: str
    activity: str
    date: int
    period: str | None  # the period the record names, tagged as the engine sees it

    def fields(self) -> Fact:
        return {"id": self.id, **json.loads("{" + self.text + "}")}


def record_builder(rules: Sequence[m.Rule]) -> Callable[[m.Record], RecordFact]:
    """How to build the fact of a record of the activity ``rules`` count, decided once:
    the type, activity, date and named period, each other field some rule tests (absent
    values left out, as ``record_readers`` reads them), then one 0/1 field per ``matches``
    condition. Most records have only a date and maybe a period, so that case is short."""
    activity = str(rules[0].activity)
    head = f'"t": "record", "activity": {encode_json(activity)}, "date": '
    fields = record_fields(rules)  # always includes "period"
    read_period = _reader("period")
    readers = tuple((f", {encode_json(key)}: ", read)
                    for key, read in record_readers(tuple(f for f in fields if f != "period")))
    patterns = tuple((f", {encode_json(key)}: ", field, re.compile(pattern))
                     for key, (field, pattern) in pattern_fields(c for r in rules for c in r.where).items())
    new = tuple.__new__  # RecordFact's own __new__ is a Python function: ~100,000 calls

    def build(r: m.Record) -> RecordFact:
        date = r.date.toordinal()
        period = read_period(r)
        text = head + str(date) if period is None else f'{head}{date}, "period": {encode_json(period)}'
        if readers or patterns:
            parts = [text]
            for prefix, read in readers:
                value = read(r)
                if value is not None:
                    parts.append(prefix + encode_json(value))
            for prefix, field, compiled in patterns:
                parts.append(prefix + str(pattern_holds(r, field, compiled)))
            text = "".join(parts)
        return new(RecordFact, (r.id, text, activity, date, period))

    return build


def field_value(obj: m.Model, field: str) -> Any:
    """A field of a record or entity by its condition name; ``evidence.doc_no`` is the
    record's evidence's 文號 (None when there is no evidence or no 文號); a name the model
    lacks is a number the plan data declares, from the record's ``values``."""
    head, _, rest = field.partition(".")
    if head not in _own_fields(type(obj)):
        return (getattr(obj, "values", None) or {}).get(field)
    value = getattr(obj, head, None)
    return getattr(value, rest, None) if rest and value is not None else value


@functools.cache
def _own_fields(model: type[m.Model]) -> frozenset[str]:
    return frozenset(model.model_fields)


def document_fact(d: m.Document) -> Fact:
    fact: Fact = {"id": d.id, "t": "document", fact_field("id"): fact_value(d.id)}
    for name, value in d.model_dump().items():
        if value is not None and name != "id":
            fact[name] = value.toordinal() if isinstance(value, dt.date) else fact_value(value)
    return fact


ENTITY_SEP = ":"  # a staff member's fact id is staff:<id>, so it cannot collide with a record's


def entity_fact(kind: str, e: m.Model) -> Fact:
    """A staff member, unit or work item: its fields flat; a date as its ordinal, and a
    list or a bilingual name as 1 (conditions can only test whether it is present)."""
    ident: str = e.id  # type: ignore[attr-defined]
    fact: Fact = {"id": f"{kind}{ENTITY_SEP}{ident}", "t": kind, fact_field("id"): fact_value(ident)}
    for name, value in e.model_dump().items():
        if value is None or name == "id":
            continue
        if isinstance(value, dt.date):
            fact[name] = value.toordinal()
        elif isinstance(value, (list, dict)):
            fact[name] = 1
        else:
            fact[name] = fact_value(value)
    return fact


def status_fact(pid: str, q: StatusQuestion, as_of: dt.date) -> Fact:
    return {"id": pid, "t": "status", "start": q.start.toordinal(), "due": q.due.toordinal(),
            "remind_from": q.remind_from.toordinal(), "as_of": as_of.toordinal(),
            "met_on": q.met_on.toordinal() if q.met_on else NEVER, "waived": int(q.waived)}
