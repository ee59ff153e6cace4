"""Compile rules into durable-rules JSON rulesets (no hand-written Python per rule).

Two rulesets:
- the *match* ruleset, generated from the rules: joins each period of an obligation
  with the records that can count for it, and each entity of a constraint rule with
  its verdict;
- the *classify* ruleset, fixed: decides the status of every period from its dates.
Facts are flat: dates as ordinal day numbers, booleans as 0/1, absent values left out.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable, Iterable
from typing import Any

from compliance import models as m
from compliance.engine.durable.session import ALWAYS_TRUE, GO

NEVER = 10**8  # ordinal "met on" of a period whose requirement is not met


def fact_value(value: Any) -> Any:
    """A value as the engine sees it. durable-rules compares a string and a number by
    their text ("1" would equal 1), so strings are tagged; booleans become 1/0."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, str):
        return "s:" + value
    return value


# Every field a model of the plan data has: a condition naming anything else on a record
# tests a number the plan data declares (``record_fields``, carried in ``values``).
_MODEL_FIELDS = frozenset(
    {name for model in (m.Record, m.Document, m.Staff, m.Unit, m.WorkItem) for name in model.model_fields}
    | {f"evidence.{name}" for name in m.Evidence.model_fields})


def fact_field(field: str) -> str:
    """The fact field a condition's field is kept in: a field of the record's evidence
    (``evidence.doc_no``) flat as ``evidence_doc_no``; a declared number (``cases``, from
    the record's ``values``) as ``v_cases``, so no declared id can overwrite a fact's own
    keys (``t``); an entity's ``id`` as ``e_id`` (the fact's ``id`` is the engine's); any
    other field as itself."""
    if field == "id":
        return "e_id"
    if field not in _MODEL_FIELDS:
        return "v_" + field
    return field.replace(".", "_")


def pattern_field(field: str, pattern: str) -> str:
    """The fact field holding 1 when ``field``'s text fully matches ``pattern``, else 0.

    A pattern is decided in Python when the fact is built (``facts``), not by the engine:
    durable-rules' ``$mt`` disagrees with ``re`` on Chinese text after a quantifier
    (``\\d+號`` against ``1號``). The engine then tests this 0/1 field like any other."""
    digest = hashlib.sha256(f"{field}\0{pattern}".encode()).hexdigest()[:16]
    return f"re_{digest}"


def pattern_fields(conds: Iterable[m.Condition]) -> dict[str, tuple[str, str]]:
    """Fact field -> (record or entity field, pattern) of each ``matches`` condition."""
    return {pattern_field(c.field, c.matches): (c.field, c.matches)
            for c in conds if c.matches is not None}


def _options(cond: m.Condition) -> list[list[dict[str, Any]]]:
    """A condition as alternatives, each a list of plain conjuncts (``in`` becomes one
    alternative per value, B2: no group nested in a join)."""
    if cond.matches is not None:
        return [[{pattern_field(cond.field, cond.matches): 1}]]
    if cond.present is not None:
        return [[{"$ex" if cond.present else "$nex": {fact_field(cond.field): 1}}]]
    if cond.in_ is not None:
        return [[{fact_field(cond.field): fact_value(v)}] for v in cond.in_]
    if cond.ranged:
        # A missing field never matches $gte/$lte; text is tagged, so never a number.
        return [[*([{"$gte": {fact_field(cond.field): cond.at_least}}] if cond.at_least is not None else []),
                 *([{"$lte": {fact_field(cond.field): cond.at_most}}] if cond.at_most is not None else [])]]
    return [[{fact_field(cond.field): fact_value(cond.equals)}]]


def _alternatives(conds: list[m.Condition]) -> list[list[dict[str, Any]]]:
    return [[c for part in combo for c in part]
            for combo in itertools.product(*(_options(c) for c in conds))]


def match_rule_name(rule_id: str, variant: str) -> str:
    return f"m|{rule_id}|{variant}"


def constraint_rule_name(rule_id: str, verdict: str) -> str:
    return f"c|{rule_id}|{verdict}"


def parse_rule_name(name: str) -> tuple[str, str, str]:
    kind, rule_id, rest = name.split("|", 2)
    return kind, rule_id, rest


def compile_match(rules: list[m.Rule]) -> dict[str, Any]:
    definition: dict[str, Any] = {}
    for rule in sorted(rules, key=lambda r: r.id):
        definition.update(_COMPILERS[rule.schedule.kind](rule))
    return definition


def _obligation(rule: m.Rule) -> dict[str, Any]:
    """One engine rule per way a record can count (B2: no disjunction inside a join).

    A record without ``period`` counts when dated inside the period's window; a record
    naming a ``period`` counts only for that period, from its start on (done late).
    """
    period = {"$and": [{"t": "period"}, {"rule": rule.id}]}
    entity = {"unit": {"unit": {"p": "entity"}}, "staff": {"staff": {"p": "entity"}},
              "case": {"case": {"p": "entity"}}}
    dated: list[dict[str, Any]] = [{"$gte": {"date": {"p": "start"}}}, {"$lte": {"date": {"p": "close"}}}]
    if rule.schedule.kind == "every" and rule.schedule.every == "workday":
        # A one-day window: an equality join, which the engine does far faster than a range.
        dated = [{"date": {"p": "start"}}]
    windows: dict[str, list[dict[str, Any]]] = {
        "d": [{"$nex": {"period": 1}}, *dated],
        "k": [{"period": {"p": "key"}}, {"$gte": {"date": {"p": "start"}}}],
    }
    # Whose records count: the period's unit or staff member (for_each), the staff member
    # whose hire date opened it, or those naming the case it tracks (case: <opening record>).
    owner: str | None = rule.for_each or ("staff" if rule.after and rule.after.staff else None)
    if rule.schedule.kind == "case":
        owner = "case"
    out = {}
    for n, extra in enumerate(_alternatives(rule.where)):
        for tag, window in windows.items():
            record = [
                {"t": "record"},
                {"activity": rule.activity},
                *window,
                *([entity[owner]] if owner else []),
                *extra,
                ALWAYS_TRUE,  # B1
            ]
            out[match_rule_name(rule.id, f"{tag}{n}")] = {
                "all": [GO, {"p": period}, {"r": {"$and": record}}]}
    return out


HAS = "has:"  # the verdict part of a published-kind rule's name: has:<kind id>


def published_rule_name(rule_id: str, kind: str) -> str:
    return f"c|{rule_id}|{HAS}{kind}"


def _constraint(rule: m.Rule) -> dict[str, Any]:
    assert rule.schedule.kind == "constraint"
    c = rule.schedule.constraint
    kind = {"t": c.entity}
    applies = [_any_of(_options(x)) for x in c.applies]
    if c.published:
        # One engine rule per kind: it fires for each document of that kind; a kind with no
        # firing has no document (absence is read from the firings, not from a negation, P1).
        return {published_rule_name(rule.id, k.id): {
            "all": [GO, {"e": {"$and": [kind, {"kind": fact_value(k.id)}, *applies]}}]}
            for k in c.published}
    require = [_any_of(_options(x)) for x in c.require]
    broken = {"$or": [_negate(x) for x in c.require]} if len(c.require) > 1 else _negate(c.require[0])
    return {
        constraint_rule_name(rule.id, "ok"): {"all": [GO, {"e": {"$and": [kind, *applies, *require]}}]},
        constraint_rule_name(rule.id, "broken"): {"all": [GO, {"e": {"$and": [kind, *applies, broken]}}]},
    }


def _any_of(options: list[list[dict[str, Any]]]) -> dict[str, Any]:
    # Not a join: one fact's condition may nest groups.
    alternatives = [part[0] if len(part) == 1 else {"$and": part} for part in options]
    return alternatives[0] if len(alternatives) == 1 else {"$or": alternatives}


def _negate(cond: m.Condition) -> dict[str, Any]:
    # $neq never matches a missing field, so "not equal" must also accept "absent".
    if cond.matches is not None:  # always 0 or 1 on the fact (0 for a missing field)
        return {pattern_field(cond.field, cond.matches): 0}
    if cond.present is not None:
        return {"$nex" if cond.present else "$ex": {fact_field(cond.field): 1}}
    if cond.ranged:
        # Outside the range, or absent (the loader lets ranges test number fields only).
        return {"$or": [{"$nex": {fact_field(cond.field): 1}}, *_outside(cond)]}
    values = cond.in_ if cond.in_ is not None else [cond.equals]
    unequal = [{"$neq": {fact_field(cond.field): fact_value(v)}} for v in values]
    return {"$or": [{"$nex": {fact_field(cond.field): 1}}, {"$and": unequal} if len(unequal) > 1 else unequal[0]]}


def _outside(cond: m.Condition) -> list[dict[str, Any]]:
    return [*([{"$lt": {fact_field(cond.field): cond.at_least}}] if cond.at_least is not None else []),
            *([{"$gt": {fact_field(cond.field): cond.at_most}}] if cond.at_most is not None else [])]


# One compiler per schedule kind (see models.Schedule): every dated kind joins periods and
# records the same way; a constraint judges documents.
_COMPILERS: dict[str, Callable[[m.Rule], dict[str, Any]]] = {
    "every": _obligation, "by": _obligation, "window": _obligation, "after": _obligation,
    "case": _obligation, "constraint": _constraint,
}


def _status(*conds: dict[str, Any]) -> dict[str, Any]:
    return {"all": [GO, {"s": {"$and": [{"t": "status"}, *conds]}}]}


def _cmp(op: str, left: str, right: str) -> dict[str, Any]:
    return {op: {left: {"$m": right}}}


_STARTED = _cmp("$lte", "start", "as_of")
_UNMET = _cmp("$gt", "met_on", "as_of")

# Exhaustive and mutually exclusive; the evaluator checks exactly one fires per period.
CLASSIFY: dict[str, Any] = {
    "upcoming": _status(_cmp("$gt", "start", "as_of")),
    "waived": _status(_STARTED, {"waived": 1}),
    "satisfied": _status(_STARTED, {"waived": 0}, _cmp("$lte", "met_on", "due")),
    "late": _status(_STARTED, {"waived": 0}, _cmp("$gt", "met_on", "due"),
                    _cmp("$lte", "met_on", "as_of")),
    "violation": _status(_STARTED, {"waived": 0}, _UNMET, _cmp("$lt", "due", "as_of")),
    "reminder": _status(_STARTED, {"waived": 0}, _UNMET, _cmp("$gte", "due", "as_of"),
                        _cmp("$lte", "remind_from", "as_of")),
    "open": _status(_STARTED, {"waived": 0}, _UNMET, _cmp("$gt", "remind_from", "as_of")),
}
