"""The durable-rules 2.0.28 binding of the engine port: the only code that imports durable-rules.

``compile`` turns rules into durable-rules JSON rulesets, ``session`` runs them safely
(each measured trap neutralised), ``facts`` encodes periods, records and documents as
flat facts; ``partition`` cuts the match rules and facts into rulesets and sessions below
the engine's fixed limits, ``distinct`` asks each distinct status question once;
``DurableEngine`` puts them together behind ``compliance.engine.RulesEngine``.
Rule names inside a ruleset (``m|<rule>|<variant>``, ``c|<rule>|<verdict>``) never leave
this package.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

from compliance.engine import Matches, StatusQuestion, Verdict
from compliance.engine.durable import compile as _compile
from compliance.engine.durable import facts as _facts
from compliance.engine.durable.distinct import run_distinct
from compliance.engine.durable.partition import run_match
from compliance.engine.durable.session import Engine, Fired
from compliance.errors import EngineError

if TYPE_CHECKING:
    from compliance import models as m
    from compliance.findings import Status
    from compliance.periods import Period


def _distinct_records(facts: list[_facts.Fact | _facts.RecordFact]
                      ) -> tuple[list[_facts.Fact | _facts.RecordFact], dict[str, list[str]]]:
    """Each distinct record fact once, and the ids of the records it stands for.

    Two records whose facts are equal but for the id (same activity, day and every field
    a rule tests: a counter's many cases of one day, say) meet exactly the same periods in
    every rule, so the engine is asked once and its firing stands for all of them. The
    same idea as ``distinct`` for status questions; the differential test covers it."""
    out: list[_facts.Fact | _facts.RecordFact] = []
    first: dict[str, str] = {}
    copies: dict[str, list[str]] = {}
    for fact in facts:
        if type(fact) is not _facts.RecordFact:
            out.append(fact)
            continue
        rep = first.get(fact.text)  # the whole fact but its id (the text has no id)
        if rep is None:
            first[fact.text] = fact.id
            out.append(fact)
        else:
            copies.setdefault(rep, [rep]).append(fact.id)
    return out, copies


class DurableEngine:
    """``RulesEngine`` on durable-rules: one session per question, rulesets cached."""

    def __init__(self) -> None:
        self._session = Engine()

    def match(self, rules: Sequence[m.Rule], periods: Mapping[str, Period],
              records: Sequence[m.Record], documents: Sequence[m.Document],
              as_of: dt.date, entities: Mapping[str, Sequence[m.Model]] | None = None) -> Matches:
        facts, copies = _distinct_records(
            _facts.match_facts(rules, periods, records, documents, as_of, entities))
        matched: dict[str, set[str]] = defaultdict(set)
        verdicts: dict[tuple[str, str], set[Verdict]] = defaultdict(set)
        published: dict[tuple[str, str], set[str]] = defaultdict(set)
        for fired in self._run_match(list(rules), facts):
            kind, rule_id, rest = _compile.parse_rule_name(fired.rule)  # once per action
            columns = fired.columns
            if kind == "m":
                for period, record in zip(columns["p"], columns["r"]):
                    found = copies.get(record)
                    if found is None:
                        matched[period].add(record)
                    else:
                        matched[period].update(found)
            elif rest.startswith(_compile.HAS):
                published[(rule_id, rest.removeprefix(_compile.HAS))].update(columns["e"])
            else:
                for ident in columns["e"]:
                    entity = ident.rpartition(_facts.ENTITY_SEP)[2]  # staff:<id> -> <id>
                    verdicts[(rule_id, entity)].add(cast(Verdict, rest))
        return Matches({k: frozenset(v) for k, v in matched.items()},
                       {k: frozenset(v) for k, v in verdicts.items()},
                       {k: frozenset(v) for k, v in published.items()})

    def _run_match(self, rules: list[m.Rule], facts: list[_facts.Fact | _facts.RecordFact]) -> list[Fired]:
        # Bounded rulesets and sessions: no engine limit, cost linear in rules and records.
        return run_match(self._session, rules, facts)

    def _run_classify(self, definition: dict[str, Any], facts: list[_facts.Fact]) -> list[Fired]:
        # Each distinct status shape once (distinct.py), in bounded sessions.
        return run_distinct(self._session, definition, facts)

    def classify(self, questions: Mapping[str, StatusQuestion], as_of: dt.date) -> dict[str, Status]:
        facts = [_facts.status_fact(pid, q, as_of) for pid, q in questions.items()]
        found: dict[str, list[str]] = defaultdict(list)
        # Read at call time: the differential tests' negative controls swap the table.
        for fired in self._run_classify(_compile.CLASSIFY, facts):
            for pid in fired.columns["s"]:
                found[pid].append(fired.rule)
        out: dict[str, Status] = {}
        for pid in questions:
            if len(found[pid]) != 1:
                raise EngineError(f"period {pid} got statuses {found[pid]} (expected exactly one)")
            out[pid] = cast("Status", found[pid][0])
        return out
