"""Bounded rulesets and sessions: any number of rules and records, cost linear in both.

durable-rules has fixed-size structures that a growing rulebook or plan runs into
(measured; see ``docs/performance.md``):

- at most 256 beta links per alpha node (error 108 when the ruleset is registered):
  every rule hangs off the go pattern, so one ruleset holds at most ~128 obligations;
- at most 64 entries on the stack that carries one fact through the network (error 303
  when a fact is asserted): 65 rules with the same record pattern fail;
- its indexes are fixed-size, so a session's cost per fact grows with the facts in it
  (n^1.23 from 4,500 to 45,000 records per plan).

So the match rules are cut into *rulesets* of at most ``MAX_RULES`` engine rules (whole
activities together where they fit), and the facts into *sessions* of at most
``MAX_RECORDS`` records of those activities, each with only the periods that its
records can count for. A record and a period meet in exactly one session whenever some
rule could join them, so the union of the sessions' firings is the single session's.
"""

from __future__ import annotations

import operator
from collections import OrderedDict, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from compliance import models as m
from compliance.engine.durable.compile import compile_match
from compliance.engine.durable.facts import Fact, RecordFact
from compliance.engine.durable.session import Engine, Fired
from compliance.errors import EngineError

# Engine rules per ruleset: with the sentinel, no alpha node gets more than 64 beta links,
# so neither error 108 (256) nor 303 (64) can be reached. The bundled rulebook compiles to
# 56 engine rules: one ruleset.
MAX_RULES = 60
# Records (or documents, or status facts) per session: a plan of the bundled shape has
# ~450 and runs in one session; from here on the engine's cost per fact stays flat.
MAX_RECORDS = 1000
_DOCUMENTS = "\x00documents"  # the group of constraint rules (documents, staff, units, ...)
_CACHE = 8  # compiled partitions kept, per rule list


@dataclass(frozen=True)
class _Ruleset:
    """One registered ruleset: its definition and the rules whose periods it joins."""

    definition: dict[str, Any]
    members: dict[str, tuple[str, ...]]  # activity (or _DOCUMENTS) -> ids of its rules here


_PARTITIONS: OrderedDict[tuple[int, ...], tuple[list[m.Rule], list[_Ruleset]]] = OrderedDict()


def run_match(engine: Engine, rules: list[m.Rule], facts: Sequence[Fact | RecordFact]) -> list[Fired]:
    """The match ruleset of ``rules`` run on ``facts`` in bounded rulesets and sessions."""
    by_group: dict[str, list[Any]] = defaultdict(list)
    periods: dict[str, list[Fact]] = defaultdict(list)
    for fact in facts:
        if isinstance(fact, RecordFact):
            by_group[fact.activity].append(fact)
        elif fact["t"] == "period":
            periods[fact["rule"]].append(fact)
        else:  # a document, staff member, unit or work item: what constraints look at
            by_group[_DOCUMENTS].append(fact)
    firings: list[Fired] = []
    for ruleset in partition(rules):
        for session in _sessions(ruleset, by_group, periods):
            firings += engine.run(ruleset.definition, session)
    return firings


def run_chunked(engine: Engine, definition: dict[str, Any],
                facts: list[dict[str, Any]]) -> list[Fired]:
    """A ruleset whose rules each look at one fact, run in sessions of ``MAX_RECORDS``."""
    firings: list[Fired] = []
    for start in range(0, max(len(facts), 1), MAX_RECORDS):
        firings += engine.run(definition, facts[start:start + MAX_RECORDS])
    return firings


def partition(rules: list[m.Rule]) -> list[_Ruleset]:
    """``rules`` compiled into rulesets of at most ``MAX_RULES`` engine rules, cached: the
    same rule objects give the same definition objects (the engine caches by them)."""
    key = tuple(id(r) for r in rules)
    hit = _PARTITIONS.get(key)
    if hit is not None:
        _PARTITIONS.move_to_end(key)
        return hit[1]
    out = [_ruleset(chunk) for chunk in _packed(_grouped(rules))]
    _PARTITIONS[key] = (list(rules), out)  # the rules are kept so their ids stay unique
    while len(_PARTITIONS) > _CACHE:
        _PARTITIONS.popitem(last=False)
    return out


def _group(rule: m.Rule) -> str:
    return _DOCUMENTS if rule.constraint else str(rule.activity)


def _grouped(rules: list[m.Rule]) -> list[list[tuple[m.Rule, int]]]:
    """Rules by the facts they join (an activity's records, or documents), with the number
    of engine rules each compiles to."""
    groups: dict[str, list[tuple[m.Rule, int]]] = defaultdict(list)
    for rule in sorted(rules, key=lambda r: r.id):
        size = len(compile_match([rule]))
        if size > MAX_RULES:
            raise EngineError(f"rule {rule.id!r} compiles to {size} engine rules; at most "
                              f"{MAX_RULES} fit in one ruleset (fewer 'in' values in 'where')")
        groups[_group(rule)].append((rule, size))
    return [groups[k] for k in sorted(groups)]


def _packed(groups: list[list[tuple[m.Rule, int]]]) -> Iterator[list[m.Rule]]:
    """Whole groups together while they fit; a group too big for one ruleset is split."""
    current: list[m.Rule] = []
    used = 0
    for group in groups:
        total = sum(size for _, size in group)
        if used + total > MAX_RULES and current:
            yield current
            current, used = [], 0
        for rule, size in group:
            if used + size > MAX_RULES:
                yield current
                current, used = [], 0
            current.append(rule)
            used += size
    if current:
        yield current


def _ruleset(rules: list[m.Rule]) -> _Ruleset:
    members: dict[str, list[str]] = defaultdict(list)
    for rule in rules:
        members[_group(rule)].append(rule.id)
    return _Ruleset(definition=compile_match(rules),
                    members={g: tuple(ids) for g, ids in sorted(members.items())})


def _sessions(ruleset: _Ruleset, by_group: dict[str, list[Any]],
              periods: dict[str, list[Fact]]) -> Iterator[list[Any]]:
    """Facts for each session of ``ruleset``: at most ``MAX_RECORDS`` records (groups packed
    together while they fit, a big group cut by date), each with its candidate periods.
    The documents' group (constraints) joins no period."""
    current: list[Any] = []
    count = 0
    for group, rule_ids in ruleset.members.items():
        records = by_group.get(group)
        if not records:
            continue  # no record: no obligation of this group can match anything
        mine = [p for rule in rule_ids for p in periods.get(rule, ())]
        # Cut by date, so each chunk's candidate periods are few; one chunk needs no order.
        dated = group != _DOCUMENTS
        ordered = records if len(records) <= MAX_RECORDS or not dated else sorted(records, key=_DATE)
        for n, start in enumerate(range(0, len(ordered), MAX_RECORDS)):
            chunk = ordered[start:start + MAX_RECORDS]
            if current and (n > 0 or count + len(chunk) > MAX_RECORDS):
                yield current  # never two chunks of one group in a session (ids repeat)
                current, count = [], 0
            current += chunk
            if dated:
                current += _candidates(mine, chunk)
            count += len(chunk)
    if current:
        yield current


_DATE = operator.attrgetter("date")


def _candidates(periods: list[Fact], chunk: list[RecordFact]) -> list[Fact]:
    """The periods a record of ``chunk`` can count for: a record without ``period`` counts
    inside [start, close], one naming a period counts for it from its start on
    (``compile._obligation``). Any superset gives the same firings; this one keeps a
    session's facts proportional to its records."""
    dates = [f.date for f in chunk]
    low, high = min(dates), max(dates)
    named = {f.period for f in chunk} - {None}
    return [p for p in periods if p["start"] <= high and (p["close"] >= low or p["key"] in named)]
