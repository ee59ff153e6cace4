"""Sessions of durable-rules 2.0.28: the one module that calls the engine itself.

durable-rules has measured traps (see ``docs/architecture.md``, from the project's notes on
durable-rules); each is neutralised here, once, so the rest of the package sees a plain
function ``run(definition, facts) -> firings``:

- P1 order-dependent negation: every rule must start with ``GO`` and the go fact is
  asserted last, after all other facts (``compile`` enforces the first part).
- P2 background threads: ``_Host._run`` is a no-op, so no timer thread ever starts and
  every action runs on the calling thread, inside the assert that triggered it.
- P3 batch asserts drop actions: the Python wrapper raises on an unhandled fact before
  running any action, and a batch mixing sessions runs only the last one's actions. Here
  a session's facts go to the C engine in one batch, all of one session, with no action
  possible before the go fact (every rule starts with it), and the go fact is asserted
  on its own; the engine's code for the batch is checked here, not by the wrapper.
- P4 32-bit FNV-1a id hashing: callers' ids never reach the engine; each fact gets an
  engine id chosen so that no two hashes collide in the session, and session ids are
  checked the same way; ``MessageObservedException`` is a hard error.
- P5 swallowed action errors: actions are run by ``_assert_go``'s own loop over the
  engine's C API, not durable's dispatch; any error abandons the action and is raised
  as ``EngineError`` (with its cause).
- B1/B2 join conditions: enforced by ``compile`` (terminating always-true conjunct, no
  nested groups in joins); ``check_definition`` verifies it before registering.
- B3 ``delete_state`` on a session where no action ran: a sentinel rule on the go fact
  guarantees one action per session; a session aborted before go is never deleted.
- B4 1,024 live sessions and memory never freed: exactly one live session at a time,
  deleted after each run; rulesets are cached (bounded) and unregistered on eviction.
- Fixed-size limits (256 beta links per alpha node, error 108; a 64-entry stack per
  asserted fact, error 303): ``partition`` keeps rulesets and sessions below them, and
  any error code the engine returns becomes an ``EngineError`` that names it.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections import OrderedDict
from collections.abc import Callable, Sequence
from json import dumps as _dumps
from typing import Any, NamedTuple, Protocol

import durable_rules_engine as _dre
from durable import engine as _durable

from compliance.errors import EngineError

GO_TYPE = "go"
GO_ID = "go"
GO_ALIAS = "g"
GO = {GO_ALIAS: {"t": GO_TYPE}}  # first pattern of every rule (P1)
ALWAYS_TRUE = {"$neq": {"t": {"p": "t"}}}  # last conjunct of every join (B1)
ACTION = "collect"
_SENTINEL = "__sentinel"
# Registered rulesets kept: a 1,000-obligation rulebook is cut into ~36 (partition.py);
# all of them must stay registered across plans, or each plan would register them anew.
_MAX_RULESETS = 64
CAP = 1000
# What the engine's error codes mean (durable-rules 2.0.28, src/rules/rules.h).
_CODES = {
    108: "more than 256 rules hang off one condition (ERR_RULE_BETA_LIMIT_EXCEEDED)",
    303: "one fact reaches more than 64 rules at once (ERR_MAX_STACK_SIZE)",
    101: "the engine ran out of memory (ERR_OUT_OF_MEMORY)",
}


class Encoded(Protocol):
    """A fact already encoded for the engine: its id, and its other members as JSON text
    without the braces, the id and the session id (``"t": "record", "date": 738900``)."""

    @property
    def id(self) -> str: ...

    @property
    def text(self) -> str: ...


SessionFact = dict[str, Any] | Encoded


class Fired(NamedTuple):
    """One action the engine ran: a rule and the frames it fired for, as columns.

    ``columns[alias][k]`` is the caller's id of the fact bound to ``alias`` in frame ``k``
    (the go pattern left out). Columns, not a dict per frame: a large plan fires ~100,000
    frames, and readers want one alias's ids at a time."""

    rule: str
    columns: dict[str, list[str]]

    def frames(self) -> list[dict[str, str]]:
        """The frames one by one, ``{alias: id}`` each (for readers that want rows)."""
        aliases = list(self.columns)
        return [dict(zip(aliases, row)) for row in zip(*self.columns.values())]


def fnv1a32(text: str) -> int:
    """The hash durable-rules compares ids and sids by (P4)."""
    h = 0x811C9DC5
    for byte in text.encode("utf-8"):
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h


class _Host(_durable.Host):
    """A Host that starts no threads (P2) and resolves every action to the collector."""

    def __init__(self, collector: _Collector):
        self._collector = collector
        super().__init__()

    def _run(self) -> None:  # no dispatch or timer threads
        return None

    def get_action(self, action_name: str):
        # The rule's name rides in its action name, so the collector knows what fired.
        prefix, _, rule = action_name.partition(":")
        if prefix != ACTION:
            raise EngineError(f"unknown action {action_name!r}")
        collector = self._collector
        return lambda c: collector(rule, c)

    def unregister(self, name: str) -> None:
        ruleset = self._ruleset_directory.pop(name)
        self._ruleset_list.remove(ruleset)
        _dre.delete_ruleset(ruleset._handle)


class _Collector:
    """The action every rule is registered with. It never runs: ``_assert_go`` runs the
    actions itself (P5)."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def __call__(self, rule: str, c: Any) -> None:
        """What durable's Host would call for an action. Actions run in ``_assert_go``,
        never through the Host, so reaching this is an error, raised after the assert
        (P5: durable itself would swallow an exception raised here)."""
        self.errors.append(f"rule {rule!r} fired through durable's Host, not _assert_go")


def _json_encoder() -> Callable[[Any], str]:
    """json's C encoder built once: json.dumps rebuilds it on every call, which costs
    more than encoding a small fact."""
    from json import encoder

    c_make_encoder = getattr(encoder, "c_make_encoder", None)  # private to json, may be absent
    if c_make_encoder is None:
        return lambda obj: _dumps(obj, ensure_ascii=False)
    make = c_make_encoder(None, None, encoder.encode_basestring, None, ": ", ", ", False, False, True)
    return lambda obj: "".join(make(obj, 0))


_encode = _json_encoder()


_encode_text: Callable[[str], str] = json.encoder.encode_basestring  # what _encode uses for text


def encode_json(value: Any) -> str:
    """``value`` as JSON text, exactly as the engine's facts are encoded (text, most values,
    by the encoder's own string function; anything else through the encoder)."""
    return _encode_text(value) if type(value) is str else _encode(value)


def engine_failure(exc: Exception, doing: str) -> EngineError:
    """The engine's bare ``Exception("... error code: N")`` as an EngineError with a reason."""
    text = str(exc)
    code = text.rpartition("error code: ")[2]
    reason = _CODES.get(int(code)) if code.isdigit() else None
    return EngineError(f"durable-rules failed while {doing}: {text}"
                       + (f" -- {reason}" if reason else ""))


# Where a fact starts inside a firing's frame: after its alias, the fact with its engine
# id first (``_engine_fact`` puts it there). Inside a JSON string every quote is escaped,
# so this text can only be the start of a fact, never part of a value.
_FACT_START = '":{"id": "'


def parse_message(message: str, back: dict[str, str] | None = None) -> tuple[str, dict[str, list[str]]]:
    """(rule, its frames as columns: alias -> engine id per frame) from a pending action's
    JSON text; with ``back``, the caller's ids (engine ids mapped back).

    The text is ``{"<rule>": frame}`` or ``{"<rule>": [frame, ...]}`` (one action per
    message), each frame ``{"g":{go fact},"<alias>":{fact},...}`` with the go pattern first
    in every rule (P1). Only the aliases and ids are needed: decoding every fact into dicts
    (``json.loads``) cost 2.4x as much as cutting the text at each fact's start. The frames
    of one action all have their rule's aliases in the same order, which is checked; a test
    holds this equal to ``json.loads`` on hostile values; text in any other layout is
    decoded with ``json.loads``. The go fact's column is left out.
    """
    end = message.index('":') + 1  # the key's closing quote (a quote inside it is escaped)
    rule = json.loads(message[1:end])
    parts = message.split(_FACT_START)
    aliases = [part[part.rfind('"') + 1:] for part in parts[:-1]]  # the key before each fact
    frames = aliases.count(GO_ALIAS)
    width = len(aliases) // frames if frames else 0
    layout = aliases[:width]
    if not frames or layout[:1] != [GO_ALIAS] or aliases != layout * frames:
        return rule, _decoded_columns(json.loads(message)[rule], back)
    ids = parts[1:]  # each starts with its fact's engine id and a closing quote
    if back is None:
        return rule, {a: [i[:i.index('"')] for i in ids[k::width]]
                      for k, a in enumerate(layout) if a != GO_ALIAS}
    return rule, {a: [back[i[:i.index('"')]] for i in ids[k::width]]
                  for k, a in enumerate(layout) if a != GO_ALIAS}


def _decoded_columns(frames: dict[str, Any] | list[dict[str, Any]],
                     back: dict[str, str] | None) -> dict[str, list[str]]:
    rows = [frames] if isinstance(frames, dict) else frames
    rows = [row["m"] if len(row) == 1 and "m" in row else row for row in rows]
    layout = [a for a in rows[0] if a != GO_ALIAS] if rows else []
    if any([a for a in row if a != GO_ALIAS] != layout for row in rows):
        raise EngineError("the frames of one action bind different patterns")
    return {a: [row[a]["id"] if back is None else back[row[a]["id"]] for row in rows] for a in layout}


def _engine_fact(fact: dict[str, Any], eid: str, sid: str) -> dict[str, Any]:
    """The fact as the engine gets it: the engine id first (``parse_message`` relies on
    it), the session id last."""
    return {"id": eid, **fact, "id": eid, "sid": sid}  # noqa: F601 (the first "id" places it)


def _fact_id(fact: SessionFact) -> str:
    return fact["id"] if type(fact) is dict else fact.id  # type: ignore[union-attr]


def _batch_text(facts: Sequence[SessionFact], engine_ids: list[str], sid: str) -> str:
    """The session's facts as one JSON array, each with its engine id first (``parse_message``
    relies on it) and the session id last. Facts given as dicts are encoded in one call;
    encoded ones (``Encoded``) only get their two ids around their text. Their order in the
    array does not matter: nothing fires before the go fact (P1)."""
    plain = [_engine_fact(f, eid, sid) for f, eid in zip(facts, engine_ids) if type(f) is dict]
    parts = [_encode(plain)[1:-1]] if plain else []
    parts += [f'{{"id": "{eid}", {f.text}, "sid": "{sid}"}}'  # type: ignore[union-attr]
              for f, eid in zip(facts, engine_ids) if type(f) is not dict]
    return "[" + ", ".join(parts) + "]"


def _assert_batch(handle: Any, facts: Sequence[SessionFact], engine_ids: list[str], sid: str) -> None:
    """A session's facts in one call (P3: all of one session, none can fire before go).

    One encoded array and one C call instead of one each per fact: the engine runs the
    same steps for each fact, and a fact no rule looks at does not stop the rest (code 1,
    proven by ``test_p3_unhandled_facts_do_not_drop_actions``)."""
    if not facts:
        return
    batch = _batch_text(facts, engine_ids, sid)
    try:
        code = _dre.assert_facts(handle, batch)[0]
    except Exception as exc:  # the C extension raises bare Exceptions
        raise engine_failure(exc, f"asserting {len(facts)} facts") from exc
    if code == 2:
        raise EngineError("engine saw a fact twice in one session (id hash collision?)")
    # code 1: some fact no rule looks at; 0 and 3: asserted


class Engine:
    """Runs compiled rulesets, one session at a time, and returns firings."""

    def __init__(self) -> None:
        self._collector = _Collector()
        self._host = _Host(self._collector)
        self._rulesets: OrderedDict[str, dict[str, Any]] = OrderedDict()
        # Names of definition objects already seen, by identity: the JSON and hash of a
        # 60-rule definition cost more than its session's facts. The object is kept so its
        # id cannot pass to another, and a copy, so one changed in place is named anew.
        self._named: OrderedDict[int, tuple[dict[str, Any], dict[str, Any], str]] = OrderedDict()
        self._sids = itertools.count(1)

    # -- rulesets ---------------------------------------------------------------------

    def _ruleset(self, definition: dict[str, Any]) -> str:
        seen = self._named.get(id(definition))
        if seen is not None and seen[0] is definition and seen[1] == definition:
            name = seen[2]  # the same, unchanged object again (partition caches them)
        else:
            text = json.dumps(definition, sort_keys=True, ensure_ascii=False)
            name = "rs" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]
            self._named[id(definition)] = (definition, json.loads(text), name)  # a copy, in C
            while len(self._named) > _MAX_RULESETS:
                self._named.popitem(last=False)
        if name in self._rulesets:
            self._rulesets.move_to_end(name)
            return name
        check_definition(definition)
        full = {rule: self._with_action(rule, body) for rule, body in definition.items()}
        full[_SENTINEL] = {"all": [GO], "run": f"{ACTION}:{_SENTINEL}"}  # B3: one action per session
        try:
            self._host.register_rulesets({name: full})
        except Exception as exc:  # the C extension raises bare Exceptions
            raise engine_failure(exc, f"registering a ruleset of {len(full)} rules") from exc
        self._rulesets[name] = definition
        while len(self._rulesets) > _MAX_RULESETS:
            old, _ = self._rulesets.popitem(last=False)
            self._host.unregister(old)
        return name

    @staticmethod
    def _with_action(rule: str, body: dict[str, Any]) -> dict[str, Any]:
        # "cap" batches up to CAP frames into one action call instead of one call (and
        # one state round trip through JSON) per firing.
        return {**body, "run": f"{ACTION}:{rule}", "cap": CAP}

    # -- sessions ---------------------------------------------------------------------

    def run(self, definition: dict[str, Any], facts: Sequence[SessionFact]) -> list[Fired]:
        """Assert ``facts`` (each with a unique string ``id`` and a type ``t``; a dict, or
        already encoded) into a fresh session of the ruleset, then the go fact; return every
        firing except the sentinel's."""
        name = self._ruleset(definition)
        sid = f"s{next(self._sids)}"
        engine_ids, back = _engine_ids([_fact_id(f) for f in facts])
        ruleset = self._host.get_ruleset(name)
        collector = self._collector
        collector.errors = []
        reached_go = False
        try:
            # Every rule starts with GO, so nothing can fire before the go fact: the facts
            # go straight to the C engine, without the Host's look for pending actions
            # (the Python wrappers cost as much as the engine's own work).
            _assert_batch(ruleset._handle, facts, engine_ids, sid)
            reached_go = True
            firings = self._assert_go(name, sid, back)
        finally:
            if reached_go:
                ruleset.delete_state(sid)
        if collector.errors:
            raise EngineError("a rule action failed:\n" + "\n".join(collector.errors))
        return firings

    def _assert_go(self, name: str, sid: str, back: dict[str, str]) -> list[Fired]:
        """Assert the go fact, run the actions it makes pending, on this thread, and return
        their firings with the caller's ids (``back``: engine id -> caller's id).

        This is durable's ``Host.assert_fact`` → ``Ruleset.do_actions`` loop, without its
        ``Closure``/``Content`` objects: they reference each other, so each firing left
        cyclic garbage the collector had to find later (131,000 objects, a 0.9 s
        collection, after a 43,000-record plan). The engine calls are the same, in the
        same order: start the pending action, hand the state back unchanged, complete it
        and start the next; an error abandons the action and becomes an ``EngineError``.
        """
        handle = self._host.get_ruleset(name)._handle
        go = _encode(_engine_fact({"t": GO_TYPE}, GO_ID, sid))
        try:
            code, state_handle = _dre.assert_fact(handle, go)[:2]
        except Exception as exc:  # the C extension raises bare Exceptions
            raise engine_failure(exc, "asserting the go fact") from exc
        if code == 2:
            raise EngineError("engine saw the go fact twice (id hash collision?)")
        if code == 1:
            raise EngineError("no rule looks at the go fact")  # impossible: the sentinel does
        try:
            pending = _dre.start_action_for_state(handle, state_handle)
        except Exception as exc:
            raise engine_failure(exc, "starting the rules' actions") from exc
        if not pending:
            raise EngineError("the go fact fired no action")  # impossible: the sentinel does (B3)
        state, message = pending[0], pending[1]  # the state is the session's, unchanged here
        firings: list[Fired] = []
        while message:
            try:
                rule, columns = parse_message(message, back)
                if rule != _SENTINEL:
                    firings.append(Fired(rule, columns))
                _dre.update_state(handle, state)
                message = _dre.complete_and_start_action(handle, state_handle)
            except Exception as exc:  # P5: nothing is swallowed
                _dre.abandon_action(handle, state_handle)
                raise engine_failure(exc, "running the rules' actions") from exc
        return firings


_SAFE_IDS: list[str] = []
_SAFE_HASHES: set[int] = {fnv1a32(GO_ID)}


def _safe_ids(n: int) -> list[str]:
    """The first ``n`` engine ids; no two (nor "go") share an FNV-1a-32 hash (P4).
    Computed once per process and reused: the ids do not depend on the facts."""
    while len(_SAFE_IDS) < n:
        k = len(_SAFE_IDS)
        candidate, salt = f"f{k}", 0
        while fnv1a32(candidate) in _SAFE_HASHES:
            salt += 1
            candidate = f"f{k}.{salt}"
        _SAFE_HASHES.add(fnv1a32(candidate))
        _SAFE_IDS.append(candidate)
    return _SAFE_IDS[:n]


def _engine_ids(ids: list[str]) -> tuple[list[str], dict[str, str]]:
    """Engine ids for the caller's ids, and the way back (P4)."""
    if len(set(ids)) != len(ids):
        dupes = sorted({i for i in ids if ids.count(i) > 1})[:5]
        raise EngineError(f"duplicate fact ids: {dupes}")
    out = _safe_ids(len(ids))
    return out, dict(zip(out, ids))


def check_definition(definition: dict[str, Any]) -> None:
    """Refuse rule shapes known to misbehave (P1, B1, B2)."""
    for rule, body in definition.items():
        patterns = body.get("all")
        if not patterns or patterns[0] != GO:
            raise EngineError(f"rule {rule!r}: the go pattern must come first (P1)")
        for pattern in patterns[1:]:
            (cond,) = pattern.values()
            if _is_join(cond):
                conjuncts = cond.get("$and", [cond])
                if conjuncts[-1] != ALWAYS_TRUE:
                    raise EngineError(f"rule {rule!r}: a join must end with the always-true conjunct (B1)")
                if any(k in ("$and", "$or") for c in conjuncts for k in c):
                    raise EngineError(f"rule {rule!r}: no nested groups inside a join (B2)")


def _is_join(cond: Any) -> bool:
    if isinstance(cond, dict):
        if "p" in cond and len(cond) == 1 and isinstance(cond["p"], str):
            return True
        return any(_is_join(v) for v in cond.values())
    if isinstance(cond, list):
        return any(_is_join(v) for v in cond)
    return False
