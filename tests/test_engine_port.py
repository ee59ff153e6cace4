"""The engine port is the only way to the rules engine: another engine plugs in by
implementing ``RulesEngine``, and only compliance/engine/durable/ imports durable-rules."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

from compliance.engine import Matches, StatusQuestion
from compliance.evaluate import evaluate

SRC = Path(__file__).resolve().parent.parent / "src" / "compliance"


class PlainEngine:
    """The port in plain Python for calendar rules (documents have no verdicts here)."""

    def match(self, rules, periods, records, documents, as_of, entities=None):
        by_rule = {r.id: r for r in rules}
        out = {}
        for pid, p in periods.items():
            rule = by_rule[p.rule]
            hits = frozenset(r.id for r in records if self._counts(rule, p, r, as_of))
            if hits:
                out[pid] = hits
        return Matches(out, {})

    @staticmethod
    def _counts(rule, p, r, as_of) -> bool:
        if r.activity != rule.activity or p.start > as_of:
            return False
        if rule.for_each and getattr(r, rule.for_each) != p.entity:
            return False
        if any(not _holds(c, r) for c in rule.where):
            return False
        if r.period is not None:
            return r.period == p.key and r.date >= p.start
        return p.start <= r.date <= min(p.close, as_of)

    def classify(self, questions: dict[str, StatusQuestion], as_of: dt.date):
        def status(q: StatusQuestion) -> str:
            met = q.met_on is not None and q.met_on <= as_of
            if q.start > as_of:
                return "upcoming"
            if q.waived:
                return "waived"
            if met:
                return "satisfied" if q.met_on <= q.due else "late"
            if q.due < as_of:
                return "violation"
            return "reminder" if q.remind_from <= as_of else "open"

        return {pid: status(q) for pid, q in questions.items()}


def _holds(cond, record) -> bool:
    value = getattr(record, cond.field)
    if cond.present is not None:
        return (value is not None) == cond.present
    options = cond.in_ if cond.in_ is not None else [cond.equals]
    return any(type(value) is type(o) and value == o for o in options)


def test_another_engine_behind_the_port_gives_the_same_findings(bundle):
    day = dt.date(2023, 9, 30)
    calendar_rules = [r for r in bundle.rules if not bundle.rules[r].constraint]
    want = evaluate(bundle, day, rules=calendar_rules).findings
    got = evaluate(bundle, day, rules=calendar_rules, engine=PlainEngine()).findings
    assert got == want
    assert {f.status for f in want} >= {"violation", "satisfied", "late"}  # not vacuous


def test_only_the_durable_package_imports_durable_rules():
    importers = set()
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(n.split(".")[0] in ("durable", "durable_rules_engine") for n in names):
                importers.add(path.relative_to(SRC).as_posix())
    assert importers == {"engine/durable/session.py"}
