"""Rules are tested like code: YAML cases beside the rules give records and an as-of
date and expect statuses of named rules and periods (`compliance test`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import Field

from compliance import models as m
from compliance.bundle import Bundle
from compliance.errors import InputError, Problem
from compliance.findings import Status
from compliance.load import _read, replace_state


class Expect(m.Model):
    rule: m.Id
    period: m.PeriodKey | m.Id | m.StaffId = Field(
        description="Period key, or the trigger record's, document's or other checked entity's id")
    entity: str | None = None
    status: Status | Literal["none"] = Field(
        description="The period's status, or none: the rule has no such period (e.g. the month "
        "in which a case was closed before it fell due)")


class Case(m.Model):
    name: m.NonEmpty
    as_of: m.Date
    records: list[m.Record] = Field(default_factory=list)
    meetings: list[m.Meeting] = Field(default_factory=list)
    waivers: list[m.Waiver] = Field(default_factory=list)
    documents: list[m.Document] = Field(default_factory=list)
    expect: list[Expect] = Field(min_length=1)


class CaseFile(m.Model):
    cases: list[Case] = Field(min_length=1)


@dataclass(frozen=True)
class Outcome:
    case: str
    location: str
    expect: Expect
    actual: str | None  # None: the rule has no such period

    @property
    def passed(self) -> bool:
        if self.expect.status == "none":
            return self.actual is None
        return self.actual == self.expect.status


@dataclass
class Report:
    outcomes: list[Outcome]
    uncovered: list[str]

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.passed]


def run_cases(base: Bundle, folder: Path) -> Report:
    """Evaluate every case against ``base`` with its state replaced; raise InputError for bad cases."""
    from compliance.evaluate import evaluate

    problems: list[Problem] = []
    loaded = list(_read(folder, CaseFile, problems))
    outcomes: list[Outcome] = []
    staged = []
    for case_file, source in loaded:
        for i, case in enumerate(case_file.cases):
            state = {name: getattr(case, name) for name in ("records", "meetings", "waivers", "documents")}
            try:
                bundle = replace_state(base, state, source, ("cases", i))
            except InputError as exc:
                problems.extend(exc.problems)
                continue
            for j, e in enumerate(case.expect):
                if e.rule not in base.rules:
                    problems.append(source.problem(("cases", i, "expect", j, "rule"), f"unknown rule {e.rule!r}"))
            staged.append((case, bundle, source, i))
    if problems:
        raise InputError(problems)
    for case, bundle, source, i in staged:
        rules = sorted({e.rule for e in case.expect})
        found = {f.key: f.status for f in evaluate(bundle, case.as_of, rules=rules).findings}
        for j, e in enumerate(case.expect):
            line, _ = source.locate(("cases", i, "expect", j))
            actual = found.get((e.rule, e.period, e.entity or ""))
            outcomes.append(Outcome(case.name, f"{source.path}:{line}", e, actual))
    covered = {o.expect.rule for o in outcomes}
    return Report(outcomes, sorted(set(base.rules) - covered))
