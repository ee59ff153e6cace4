"""What an evaluation returns: one finding per period (or entity) of each rule."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

Status = Literal["violation", "reminder", "open", "satisfied", "late", "waived", "upcoming"]
STATUSES: tuple[Status, ...] = ("violation", "reminder", "late", "open", "waived", "satisfied",
                                "upcoming")
Light = Literal["red", "yellow", "green"]
LIGHT: dict[Status, Light] = {"violation": "red", "reminder": "yellow", "open": "green", "satisfied": "green",
         "late": "yellow", "waived": "green", "upcoming": "green"}
RANK = {status: n for n, status in enumerate(STATUSES)}


@dataclass(frozen=True)
class WaiverNote:
    """A waiver whose covered days hold the period's due date.

    ``covers`` is decided per period: a period due on or before the expiry day stays
    covered after the waiver expired (an approved exemption is not revoked by time);
    expiry only ends the waiver's effect on periods due after it.
    """

    id: str
    expires: dt.date
    expired: bool  # the as-of date is after the expiry day
    covers: bool  # this period is waived by it


@dataclass(frozen=True)
class ExplanationNote:
    """An explanation recorded in a meeting's minutes for this finding's period."""

    meeting: str
    date: dt.date
    explanation: str
    action: str
    target: dt.date | None


@dataclass(frozen=True)
class Finding:
    rule: str
    status: Status
    period_key: str
    start: dt.date
    end: dt.date
    due: dt.date
    nominal_due: dt.date
    close: dt.date
    required: int
    count: int
    records: tuple[str, ...]
    met_on: dt.date | None = None
    required_total: float | None = None
    total: float | None = None
    entity: str | None = None
    trigger: str | None = None
    waivers: tuple[WaiverNote, ...] = ()
    explanations: tuple[ExplanationNote, ...] = ()

    @property
    def light(self) -> Light:
        return LIGHT[self.status]

    @property
    def due_moved(self) -> bool:
        return self.due != self.nominal_due

    @property
    def key(self) -> tuple[str, str, str]:
        """Identity across runs: rule, period and entity."""
        return (self.rule, self.period_key, self.entity or "")


@dataclass
class Evaluation:
    as_of: dt.date
    findings: list[Finding] = field(default_factory=list)

    def summary(self) -> dict[str, int]:
        counts: dict[str, int] = dict.fromkeys(STATUSES, 0)
        for f in self.findings:
            counts[f.status] += 1
        return counts
