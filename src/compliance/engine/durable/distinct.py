"""Single-fact rulesets (``CLASSIFY``) run once per distinct fact, not once per fact.

A rule that looks at one fact and compares some of its fields only with each other
(``{"$lte": {"start": {"$m": "as_of"}}}``) sees the same thing in any two facts whose
such fields stand in the same order: replacing them by their dense ranks within the
fact keeps every such comparison. A period's status depends on five dates and a flag,
so a plan's ~450 periods come down to a few dozen distinct facts, and the engine decides
each of those once; every period gets the firings of its representative. Fields that
are also tested against a literal, for presence or in a join keep their values.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from compliance.engine.durable.session import GO, Engine, Fired

_COMPARE = ("$lt", "$lte", "$gt", "$gte", "$eq", "$neq")


def run_distinct(engine: Engine, definition: dict[str, Any],
                 facts: list[dict[str, Any]]) -> list[Fired]:
    """``definition`` on ``facts``, each distinct fact shape asserted once."""
    from compliance.engine.durable.partition import run_chunked  # (partition imports session)

    relative = relative_fields(definition)
    if not relative:
        return run_chunked(engine, definition, facts)
    members: dict[tuple[Any, ...], list[str]] = {}
    shapes: list[dict[str, Any]] = []
    for fact in facts:
        shape = canonical(fact, relative)
        key = tuple(sorted(shape.items()))
        if key not in members:
            members[key] = []
            shapes.append({**shape, "id": fact["id"]})
        members[key].append(fact["id"])
    by_first = {ids[0]: ids for ids in members.values()}
    out = []
    for fired in run_chunked(engine, definition, shapes):
        ((alias, firsts),) = fired.columns.items()  # one fact per rule (relative_fields)
        out.append(Fired(fired.rule, {alias: [fid for first in firsts for fid in by_first[first]]}))
    return out


def canonical(fact: dict[str, Any], relative: frozenset[str]) -> dict[str, Any]:
    """``fact`` without its id, its ``relative`` fields replaced by their dense ranks
    (numbers only; a fact with any other value there is kept as it is, id included)."""
    values = {k: v for k, v in fact.items() if k in relative}
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values.values()):
        return dict(fact)
    rank = {v: n for n, v in enumerate(sorted(set(values.values())))}
    return {k: rank[v] if k in relative else v for k, v in fact.items() if k != "id"}


def relative_fields(definition: dict[str, Any]) -> frozenset[str]:
    """Fields that every rule of ``definition`` only compares with another field of the same
    fact; empty unless every rule looks at exactly one fact."""
    compared: set[str] = set()
    other: set[str] = set()
    for body in definition.values():
        patterns = body["all"]
        if patterns[0] != GO or len(patterns) != 2:
            return frozenset()
        ((_, cond),) = patterns[1].items()
        for field, same_fact in _uses(cond):
            (compared if same_fact else other).add(field)
    return frozenset(compared - other - {"id", "t", "sid"})


def _uses(cond: Any) -> Iterator[tuple[str, bool]]:
    """(field, compared only with another field of the fact) for every field ``cond`` uses."""
    if not isinstance(cond, dict):
        return
    for key, value in cond.items():
        if key in ("$and", "$or"):
            for part in value:
                yield from _uses(part)
        elif key in _COMPARE and isinstance(value, dict):
            for field, right in value.items():
                same = isinstance(right, dict) and set(right) == {"$m"}
                yield field, same
                if same:
                    yield right["$m"], True
                elif isinstance(right, dict):
                    yield from ((f, False) for f in right.values() if isinstance(f, str))
        elif key.startswith("$"):
            yield from ((f, False) for f in (value if isinstance(value, dict) else {}))
        else:
            yield key, False  # equality with a literal or a join
