"""The rules-engine port: the two questions evaluation asks a rules engine, in plan terms.

- ``match``: which records count for which period of each obligation, and which verdict
  each constraint rule gives each document, staff member, unit or work item;
- ``classify``: the status of each period, from its dates and what was met when.

Evaluation speaks only this interface (typed questions in, typed answers out). The
durable-rules adapter is ``compliance.engine.durable``, the only package that imports
durable-rules; another engine would be another package implementing ``RulesEngine``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, Protocol

if TYPE_CHECKING:
    from compliance import models as m
    from compliance.findings import Status
    from compliance.periods import Period

Verdict = Literal["ok", "broken"]


@dataclass(frozen=True)
class Matches:
    """What ``match`` found."""

    records: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """Period id -> ids of the records that count for it."""
    verdicts: Mapping[tuple[str, str], frozenset[Verdict]] = field(default_factory=dict)
    """(Constraint rule id, entity id) -> the verdicts given (exactly one when sound)."""
    published: Mapping[tuple[str, str], frozenset[str]] = field(default_factory=dict)
    """(Constraint rule id, kind id) -> the published documents of that kind (none: absent)."""


@dataclass(frozen=True)
class StatusQuestion:
    """One period's dates, as ``classify`` needs them."""

    start: dt.date
    due: dt.date
    remind_from: dt.date
    met_on: dt.date | None  # None: the requirement is not met
    waived: bool  # a waiver covers it (decided per period, see evaluate.waiver_notes)


class RulesEngine(Protocol):
    def match(self, rules: Sequence[m.Rule], periods: Mapping[str, Period],
              records: Sequence[m.Record], documents: Sequence[m.Document],
              as_of: dt.date, entities: Mapping[str, Sequence[m.Model]] | None = None) -> Matches:
        """Records that count per period (a record counts inside the period's window, or
        for the period it names from the period's start on), verdicts per document and per
        entity of the other kinds a constraint checks (``entities``: kind -> its entities,
        e.g. "staff"), and the documents of each kind a ``published`` constraint lists."""
        ...

    def classify(self, questions: Mapping[str, StatusQuestion], as_of: dt.date) -> dict[str, Status]:
        """Exactly one status per period id; ``EngineError`` if the engine gives another number."""
        ...


_DEFAULT: RulesEngine | None = None


def default_engine() -> RulesEngine:
    """One engine per process: the durable-rules adapter caches its compiled rulesets."""
    global _DEFAULT
    if _DEFAULT is None:
        from compliance.engine.durable import DurableEngine

        _DEFAULT = DurableEngine()
    return _DEFAULT
