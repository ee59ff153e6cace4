"""The benchmark's peer: the same obligations run on CLIPS (clipspy), for comparison only.

``ClipsSession`` has the durable session's ``run(definition, facts) -> firings`` and
translates the very rulesets ``compliance.engine.durable.compile`` generates (the match
ruleset and CLASSIFY) into CLIPS ``defrule``s; ``ClipsEngine`` is the durable adapter of
the engine port with that session, so ``evaluate(bundle, as_of, engine=ClipsEngine())``
runs the same obligations on the same facts, and its findings can
be compared with the durable-rules path for equality (``bench/run.py --engine clips
--check``). clipspy is a bench-only dependency (``pip install -e .[bench]``), never a runtime
one.

Only the JSON forms the compiler emits are translated; anything else raises
``NotImplementedError`` (so the peer can never silently drop a condition):

- ``{"t": X}`` picks the fact's template; ``{"f": v}`` equality; ``$neq`` (never true on a
  missing field or one of another type, as in durable-rules); ``$lt $lte $gt $gte`` on
  numbers; ``$ex``/``$nex``; ``$and``/``$or``; joins ``{"p": "f"}`` to an earlier pattern
  (an equality join becomes a shared variable, which CLIPS hashes); same-fact
  comparisons ``{"$m": "f"}``; the always-true conjunct durable-rules needs (B1) is dropped.
- Strings are CLIPS strings, numbers numbers; a missing field is the symbol ``nil``.
- There is no ``go`` fact: CLIPS's negation is not order-dependent and nothing here
  negates anyway; facts are loaded in one ``load-facts`` call, then ``(run)``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections import OrderedDict
from typing import Any

import clips

from compliance.engine.durable import DurableEngine
from compliance.engine.durable.compile import compile_match
from compliance.engine.durable.distinct import run_distinct
from compliance.engine.durable.facts import RecordFact
from compliance.engine.durable.session import ALWAYS_TRUE, GO, Fired

_COMPARE = {"$lt": "<", "$lte": "<=", "$gt": ">", "$gte": ">="}
_MAX_ENVIRONMENTS = 8
_SCRATCH = "/dev/shm" if os.path.isdir("/dev/shm") else tempfile.gettempdir()


def _atom(value: Any) -> str:
    """A Python value as CLIPS source text."""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    raise NotImplementedError(f"no CLIPS form for {value!r}")


def _var(alias: str, field: str) -> str:
    return f"?{alias}__{field}"


class _Pattern:
    """One pattern of a rule: its template, literal slot tests, and predicate expressions."""

    def __init__(self, alias: str, cond: dict[str, Any]):
        self.alias = alias
        self.template: str | None = None
        self.literals: dict[str, str] = {}
        self.shared: dict[str, str] = {}  # slot -> variable of an earlier pattern (equality join)
        self.exprs: list[str] = []
        self.used: set[str] = set()  # own slots the expressions read
        for conjunct in cond.get("$and", [cond]) if set(cond) == {"$and"} else [cond]:
            self._top(conjunct)
        if self.template is None:
            raise NotImplementedError(f"pattern {alias!r} names no fact type")

    def _top(self, c: dict[str, Any]) -> None:
        if c == ALWAYS_TRUE:
            return
        if len(c) == 1:
            (key, value), = c.items()
            if key == "t":
                self.template = value
                return
            if not key.startswith("$") and isinstance(value, str):
                self.literals[key] = _atom(value)
                return
            if not key.startswith("$") and isinstance(value, dict) and set(value) == {"p"}:
                self.shared[key] = _var("p", value["p"])  # the compiler joins to "p" only
                return
        self.exprs.append(self.expr(c))

    def slots(self) -> set[str]:
        return {"id", *self.literals, *self.used, *self.shared}

    def own(self, field: str) -> str:
        self.used.add(field)
        return _var(self.alias, field)

    def operand(self, value: Any) -> str:
        if isinstance(value, dict) and set(value) == {"p"}:
            return _var("p", value["p"])
        if isinstance(value, dict) and set(value) == {"$m"}:
            return self.own(value["$m"])
        return _atom(value)

    def expr(self, c: dict[str, Any]) -> str:
        if len(c) != 1:
            return "(and " + " ".join(self.expr({k: v}) for k, v in c.items()) + ")"
        (key, value), = c.items()
        if key in ("$and", "$or"):
            return f"({key[1:]} " + " ".join(self.expr(x) for x in value) + ")"
        if key in ("$ex", "$nex"):
            (field,) = value
            return f"({'neq' if key == '$ex' else 'eq'} {self.own(field)} nil)"
        if key in _COMPARE:
            ((field, right),) = value.items()
            mine, other = self.own(field), self.operand(right)
            return f"(and (numberp {mine}) (numberp {other}) ({_COMPARE[key]} {mine} {other}))"
        if key == "$neq":
            ((field, right),) = value.items()
            return self._neq(self.own(field), right)
        if key.startswith("$"):
            raise NotImplementedError(f"operator {key}")
        return self._eq(self.own(key), value)

    def _eq(self, mine: str, value: Any) -> str:
        if isinstance(value, str):
            return f"(eq {mine} {_atom(value)})"
        if isinstance(value, (int, float)):
            return f"(and (numberp {mine}) (= {mine} {_atom(value)}))"
        if isinstance(value, dict) and set(value) == {"p"}:
            return f"(eq {mine} {self.operand(value)})"
        raise NotImplementedError(f"equality with {value!r}")

    def _neq(self, mine: str, value: Any) -> str:
        if isinstance(value, str):
            return f"(and (stringp {mine}) (neq {mine} {_atom(value)}))"
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return f"(and (numberp {mine}) (<> {mine} {_atom(value)}))"
        raise NotImplementedError(f"$neq with {value!r}")

    def source(self, slots: list[str], bound_here: set[str]) -> str:
        """CLIPS text of the pattern; ``bound_here``: own slots a later pattern joins on."""
        parts = []
        for slot in slots:
            terms = []
            if slot in self.used or slot in bound_here or slot == "id":
                terms.append(_var(self.alias, slot))
            if slot in self.literals:
                terms.append(self.literals[slot])
            if slot in self.shared:
                terms.append(self.shared[slot])
            if slot == "id":
                terms += [f":{e}" for e in self.exprs]
            if terms:
                parts.append(f"({slot} {'&'.join(terms)})")
        return f"({self.template} " + " ".join(parts) + ")"


def _slot_order(template_slots: list[str]) -> list[str]:
    # "id" last: its predicates may read every other slot of the pattern.
    return [s for s in template_slots if s != "id"] + ["id"]


class _Program:
    """One CLIPS environment holding a translated ruleset."""

    def __init__(self, definition: dict[str, Any]):
        self.env = clips.Environment()
        self.names: list[str] = []
        rules = []
        for name, body in definition.items():
            patterns = body["all"]
            if patterns[0] != GO:
                raise NotImplementedError(f"rule {name!r} does not start with go")
            rules.append((name, [_Pattern(alias, cond)
                                 for p in patterns[1:] for alias, cond in p.items()]))
        joined = {v[len("?p__"):] for _, ps in rules for p in ps for v in _join_vars(p)}
        slots: dict[str, set[str]] = {}
        for pattern in (p for _, ps in rules for p in ps):
            slots.setdefault(pattern.template, set()).update(
                pattern.slots() | (joined if pattern.alias == "p" else set()))
        # Only the slots some rule reads: other fields of a fact are not loaded at all.
        self.slots = {t: _slot_order(sorted(fields)) for t, fields in slots.items()}
        for template, fields in self.slots.items():
            self.env.build(f"(deftemplate {template} "
                           + " ".join(f"(slot {f} (default nil))" for f in fields) + ")")
        self.aliases = sorted({p.alias for _, ps in rules for p in ps})
        self.env.build("(deftemplate firing (slot rule) "
                       + " ".join(f"(slot {a} (default nil))" for a in self.aliases) + ")")
        for n, (name, parsed) in enumerate(rules):
            lhs = " ".join(p.source(self.slots[p.template], joined if p.alias == "p" else set())
                           for p in parsed)
            rhs = " ".join(f"({p.alias} {_var(p.alias, 'id')})" for p in parsed)
            self.env.build(f"(defrule r{n} {lhs} => (assert (firing (rule {n}) {rhs})))")
            self.names.append(name)
        self.firing = self.env.find_template("firing")
        # clipspy's Python error router is queried for every character CLIPS reads, which
        # makes load-facts 5x slower; the rules are built, so errors can go to stderr now.
        for router in list(self.env.routers()):
            router.delete()
        self.out = os.path.join(_SCRATCH, f"clips-firings-{os.getpid()}-{id(self)}.clp")

    def run(self, facts: list[Any]) -> list[Fired]:
        self.env.reset()
        text = []
        for fact in facts:
            if isinstance(fact, RecordFact):  # encoded for durable-rules: its fields back
                fact = fact.fields()
            fields = self.slots.get(fact["t"])
            if fields is None:
                continue  # no rule looks at this type
            text.append(f"({fact['t']} " + " ".join(
                f"({k} {_atom(v)})" for k, v in fact.items() if k in fields) + ")")
        if text:
            self.env.load_facts("\n".join(text))
        self.env.run()
        # Reading facts back through clipspy costs ~15 us a slot; CLIPS writes them out in C.
        self.env.eval(f'(save-facts "{self.out}" local firing)')
        with open(self.out, encoding="utf-8") as fh:
            saved = fh.read()
        os.remove(self.out)
        self.env.reset()
        by_rule: dict[str, dict[str, list[str]]] = {}  # the port's shape: columns per rule
        for line in saved.splitlines():
            slots = dict(_SLOT.findall(line))
            if "rule" in slots:
                columns = by_rule.setdefault(self.names[int(slots["rule"])], {})
                for alias, value in slots.items():
                    if alias != "rule" and value != "nil":
                        columns.setdefault(alias, []).append(_unquote(value))
        return [Fired(rule, columns) for rule, columns in by_rule.items()]


_SLOT = re.compile(r'\((\w+) (nil|-?\d+|"(?:[^"\\]|\\.)*")\)')


def _unquote(value: str) -> str:
    return value[1:-1].replace('\\"', '"').replace("\\\\", "\\")


def _join_vars(pattern: _Pattern) -> list[str]:
    found = list(pattern.shared.values())
    found += [tok for e in pattern.exprs for tok in e.replace("(", " ").replace(")", " ").split()
              if tok.startswith("?p__")]
    return found


class ClipsSession:
    """``run(definition, facts)`` on CLIPS; one environment per ruleset, cached."""

    def __init__(self) -> None:
        self._programs: OrderedDict[str, _Program] = OrderedDict()

    def run(self, definition: dict[str, Any], facts: list[dict[str, Any]]) -> list[Fired]:
        key = hashlib.sha256(json.dumps(definition, sort_keys=True).encode()).hexdigest()
        program = self._programs.get(key)
        if program is None:
            program = _Program(definition)
            self._programs[key] = program
            while len(self._programs) > _MAX_ENVIRONMENTS:
                self._programs.popitem(last=False)
        self._programs.move_to_end(key)
        return program.run(facts)


class ClipsEngine(DurableEngine):
    """The engine port (``match``, ``classify``) with the durable adapter's facts (records
    equal but for their ids asserted once, as for durable-rules) and
    compiled rules, run on CLIPS. CLIPS needs no partitioning: the whole match ruleset
    runs in one session; the single-fact CLASSIFY ruleset gets the same distinct-fact
    reduction as durable-rules (distinct.py), so both do the same work."""

    def __init__(self) -> None:
        self._session = ClipsSession()  # type: ignore[assignment]

    def _run_match(self, rules: list, facts: list[Any]) -> list[Fired]:
        return self._session.run(compile_match(rules), facts)

    def _run_classify(self, definition: dict[str, Any], facts: list[dict[str, Any]]) -> list[Fired]:
        return run_distinct(self._session, definition, facts)  # type: ignore[arg-type]
