"""The schedule control table (管制表) as data: one evaluation laid out as units × obligations
× months, the way the plan's own annex draws it.

Returns data only; the HTML page and the ODS spreadsheet are formatters over it
(``report/board_html.py``, ``report/board_ods.py``). A finding sits in the month of its due
date; periods due after the plan year (a report due 1/31 of the next year) go to one
"after" column, found from the findings' due dates rather than from a list of rules.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from compliance import models as m
from compliance.bundle import Bundle
from compliance.findings import RANK, STATUSES, Evaluation, Finding, Status
from compliance.ownership import owner, unit_order

AFTER = "after"
BEFORE = "before"


@dataclass(frozen=True)
class Column:
    key: str  # "2023-03", or BEFORE / AFTER the plan year
    first: dt.date  # first day whose due periods fall here
    last: dt.date

    @property
    def is_month(self) -> bool:
        return self.key not in (AFTER, BEFORE)

    def holds(self, day: dt.date) -> bool:
        return self.first <= day <= self.last


@dataclass(frozen=True)
class Cell:
    """The periods of one row due in one column; the worst status speaks for them."""

    column: str
    findings: tuple[Finding, ...]  # by due date

    @property
    def status(self) -> Status:
        return min((f.status for f in self.findings), key=RANK.__getitem__)

    @property
    def month(self) -> str:
        """YYYY-MM of the earliest due date (the column's month for a month column)."""
        due = self.findings[0].due
        return f"{due.year:04d}-{due.month:02d}"

    def counts(self) -> dict[Status, int]:
        return _counts(self.findings)


@dataclass(frozen=True)
class Row:
    """One obligation of one unit, or one entity (unit, staff member, document) of it.

    A row with ``children`` is the obligation's summary over its entities.
    """

    rule: m.Rule
    entity: str | None
    cells: dict[str, Cell]
    children: tuple[Row, ...] = ()

    @property
    def findings(self) -> list[Finding]:
        return [f for c in self.cells.values() for f in c.findings]


@dataclass(frozen=True)
class UnitBoard:
    unit: str
    rows: tuple[Row, ...]
    by_hand: tuple[m.WorkItem, ...]  # annex rows no rule encodes: tracked by hand
    summary: dict[Status, int]


@dataclass(frozen=True)
class Board:
    as_of: dt.date
    columns: tuple[Column, ...]
    units: tuple[UnitBoard, ...]
    summary: dict[Status, int]
    today: str | None  # the column holding the as-of date, if any


def build(bundle: Bundle, evaluation: Evaluation, units: Iterable[str] = ()) -> Board:
    """The grid of ``evaluation``, optionally for some units only (ids, already checked)."""
    wanted = set(units)
    columns = _columns(bundle, evaluation.findings)
    owned: dict[str, dict[str, list[Finding]]] = defaultdict(lambda: defaultdict(list))
    for f in evaluation.findings:
        owned[owner(bundle, f)][f.rule].append(f)
    seen = {f.rule for f in evaluation.findings}
    for rule in bundle.rules.values():  # an obligation with no period yet still has its row
        if rule.id not in seen:
            owned[rule.unit][rule.id] = []
    boards = []
    for unit_id in sorted(owned, key=lambda u: (unit_order(bundle, u), u)):
        if wanted and unit_id not in wanted:
            continue
        boards.append(_unit_board(bundle, unit_id, owned[unit_id], columns))
    summary = _counts(f for b in boards for r in b.rows for f in r.findings)
    today = next((c.key for c in columns if c.holds(evaluation.as_of)), None)
    return Board(evaluation.as_of, columns, tuple(boards), summary, today)


def _columns(bundle: Bundle, findings: list[Finding]) -> tuple[Column, ...]:
    first, last = bundle.plan.first_day, bundle.plan.last_day
    out = []
    if any(f.due < first for f in findings):
        out.append(Column(BEFORE, dt.date.min, first - dt.timedelta(days=1)))
    day = first.replace(day=1)
    while day <= last:
        following = (day.replace(year=day.year + 1, month=1) if day.month == 12
                     else day.replace(month=day.month + 1))
        out.append(Column(f"{day.year:04d}-{day.month:02d}", max(day, first),
                          min(following - dt.timedelta(days=1), last)))
        day = following
    out.append(Column(AFTER, last + dt.timedelta(days=1), dt.date.max))
    return tuple(out)


def _unit_board(bundle: Bundle, unit_id: str, by_rule: dict[str, list[Finding]],
                columns: tuple[Column, ...]) -> UnitBoard:
    order = {r: n for n, r in enumerate(bundle.rules)}
    # The unit's own obligations first, then its share of other units' per-unit/per-staff ones.
    rows = tuple(_row(bundle.rules[r], fs, columns) for r, fs in sorted(
        by_rule.items(), key=lambda kv: (bundle.rules[kv[0]].unit != unit_id, order[kv[0]])))
    by_hand = tuple(w for w in bundle.work_items.values() if w.unit == unit_id and not w.rules)
    summary = _counts(f for fs in by_rule.values() for f in fs)
    return UnitBoard(unit_id, rows, by_hand, summary)


def _row(rule: m.Rule, findings: list[Finding], columns: tuple[Column, ...]) -> Row:
    entities = sorted({f.entity for f in findings if f.entity is not None})
    if len(entities) == 1:
        return Row(rule, entities[0], _cells(findings, columns))
    children = tuple(Row(rule, e, _cells([f for f in findings if f.entity == e], columns))
                     for e in entities)
    return Row(rule, None, _cells(findings, columns), children)


def _cells(findings: list[Finding], columns: tuple[Column, ...]) -> dict[str, Cell]:
    placed: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        placed[column_of(columns, f.due)].append(f)
    return {key: Cell(key, tuple(sorted(fs, key=lambda f: (f.due, f.entity or "", f.period_key))))
            for key, fs in placed.items()}


def column_of(columns: tuple[Column, ...], day: dt.date) -> str:
    return next(c.key for c in columns if c.holds(day))


def _counts(findings: Iterable[Finding]) -> dict[Status, int]:
    counts: dict[Status, int] = dict.fromkeys(STATUSES, 0)
    for f in findings:
        counts[f.status] += 1
    return counts
