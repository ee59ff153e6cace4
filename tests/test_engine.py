"""The durable-rules sessions are immune to each measured trap (docs/architecture.md lists them)."""

from __future__ import annotations

import contextlib
import itertools
import json
import random
import threading
from pathlib import Path

import pytest
from durable import engine as raw
from hypothesis import given, settings
from hypothesis import strategies as st

from compliance.engine.durable import partition, session
from compliance.engine.durable.compile import CLASSIFY, compile_match
from compliance.engine.durable.distinct import canonical, relative_fields, run_distinct
from compliance.engine.durable.session import ALWAYS_TRUE, GO, Engine, check_definition, fnv1a32
from compliance.errors import EngineError
from compliance.load import load_rules

from _helpers import rss_mb

JOIN = {"m": {"all": [GO, {"p": {"t": "period"}},
                      {"r": {"$and": [{"t": "record"}, {"activity": {"p": "activity"}},
                                      {"$gte": {"date": {"p": "start"}}},
                                      {"$lte": {"date": {"p": "close"}}}, ALWAYS_TRUE]}}]}}
# A negation: periods with no record of their activity (the P1 trap's shape).
MISSING = {"missing": {"all": [GO, {"p": {"t": "period"}},
                               {"r$not": {"$and": [{"t": "record"}, {"activity": {"p": "activity"}},
                                                   ALWAYS_TRUE]}}]}}


class QuietHost(raw.Host):
    """The raw engine without its dispatch threads (P2 is tested separately), so tests
    that show raw traps leave no timers running behind them."""

    def _run(self):
        return None


def facts(n_periods: int = 20, n_records: int = 60, seed: int = 1) -> list[dict]:
    rnd = random.Random(seed)
    out = [{"id": f"P{i}", "t": "period", "activity": f"a{i % 12}", "start": i * 10, "close": i * 10 + 9}
           for i in range(n_periods)]
    out += [{"id": f"R{i}", "t": "record", "activity": f"a{rnd.randrange(9)}",
             "date": rnd.randrange(n_periods * 10)} for i in range(n_records)]
    return out


def expected_matches(fs: list[dict]) -> set[tuple[str, str]]:
    periods = [f for f in fs if f["t"] == "period"]
    records = [f for f in fs if f["t"] == "record"]
    return {(p["id"], r["id"]) for p in periods for r in records
            if r["activity"] == p["activity"] and p["start"] <= r["date"] <= p["close"]}


def rows(fired) -> list[tuple[str, dict[str, str]]]:
    """(rule, {alias: id}) for every frame the engine fired."""
    return [(f.rule, frame) for f in fired for frame in f.frames()]


def matches(fired) -> set[tuple[str, str]]:
    return {(frame["p"], frame["r"]) for _, frame in rows(fired)}


def test_join_matches_plain_python():
    fs = facts()
    assert matches(Engine().run(JOIN, fs)) == expected_matches(fs)
    assert expected_matches(fs)  # the case is not vacuous


@pytest.mark.parametrize("seed", range(5))
def test_p1_negation_does_not_depend_on_fact_order(seed):
    fs = facts(seed=seed)
    rnd = random.Random(seed)
    engine = Engine()
    want = {p["id"] for p in fs if p["t"] == "period"
            and not any(r["t"] == "record" and r["activity"] == p["activity"] for r in fs)}
    for order in (fs, fs[::-1], rnd.sample(fs, len(fs))):
        got = {frame["p"] for _, frame in rows(engine.run(MISSING, order))}
        assert got == want
    assert want, "the data must leave some period without records"


def test_p1_negative_control_go_first_is_wrong():
    """Asserting the trigger before the records (what the adapter never does) gives wrong
    answers, so the order test above can fail."""
    fs = facts(seed=3)
    host = QuietHost()
    fired: list[str] = []
    definition = {"missing": {**MISSING["missing"], "run": lambda c: fired.append(c._m["p"]["id"])}}
    host.register_rulesets({"p1control": definition})
    periods = [f for f in fs if f["t"] == "period"]
    records = [f for f in fs if f["t"] == "record"]
    for f in [*periods, {"id": "go", "t": "go"}, *records]:
        with contextlib.suppress(raw.MessageNotHandledException):
            host.assert_fact("p1control", {**f, "sid": "1"})
    with_records = {p["id"] for p in periods if any(r["activity"] == p["activity"] for r in records)}
    assert set(fired) & with_records, "negation decided before the records arrived"


def _timer_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if isinstance(t, threading.Timer)]


def test_p2_no_background_threads_and_all_actions_done_on_return():
    before = set(_timer_threads())
    engine = Engine()
    fs = facts(60, 3000)
    got = engine.run(JOIN, fs)
    assert set(_timer_threads()) == before  # durable's Host would start dispatch Timers
    assert matches(got) == expected_matches(fs)
    assert len(rows(got)) > 200


def test_p3_unhandled_facts_do_not_drop_actions():
    """A session's facts go to the engine in one batch: facts no rule looks at, before,
    between and after the others, neither stop the batch nor lose a firing."""
    fs = facts()
    noise = [{"id": f"N{i}", "t": "noise", "x": i} for i in range(50)]
    mixed = list(itertools.chain.from_iterable(zip(fs, noise))) + fs[len(noise):]
    ends = [{"id": "first", "t": "noise"}, {"id": "last", "t": "record", "activity": "none", "date": -1}]
    assert matches(Engine().run(JOIN, [ends[0], *mixed, ends[1]])) == expected_matches(fs)


def test_p3_negative_control_durables_batch_raises_on_an_unhandled_fact():
    """The trap is real in durable's own Python layer: a batch holding a fact no rule looks
    at raises before any action runs (the adapter checks the C engine's code itself)."""
    host = QuietHost()
    fired: list[str] = []
    host.register_rulesets({"p3raw": {"r": {"all": [{"m": {"t": "record"}}],
                                            "run": lambda c: fired.append(c.m["id"])}}})
    with pytest.raises(raw.MessageNotHandledException):
        host.assert_facts("p3raw", [{"id": "a", "t": "record", "sid": "1"},
                                    {"id": "n", "t": "noise", "sid": "1"}])
    assert fired == []


def colliding_ids() -> tuple[str, str]:
    seen: dict[int, str] = {}
    for n in itertools.count():
        text = f"record-{n}"
        h = fnv1a32(text)
        if h in seen:
            return seen[h], text
        seen[h] = text


def test_p4_fnv_collision_is_real_in_raw_engine():
    a, b = colliding_ids()
    assert a != b and fnv1a32(a) == fnv1a32(b)
    host = QuietHost()
    host.register_rulesets({"p4raw": {"r": {"all": [{"m": {"t": "record"}}], "run": lambda c: None}}})
    host.assert_fact("p4raw", {"id": a, "t": "record", "sid": "1"})
    with pytest.raises(raw.MessageObservedException):
        host.assert_fact("p4raw", {"id": b, "t": "record", "sid": "1"})


def test_p4_adapter_keeps_colliding_ids_apart():
    a, b = colliding_ids()
    fs = [{"id": "P", "t": "period", "activity": "x", "start": 0, "close": 10},
          {"id": a, "t": "record", "activity": "x", "date": 1},
          {"id": b, "t": "record", "activity": "x", "date": 2}]
    assert matches(Engine().run(JOIN, fs)) == {("P", a), ("P", b)}


def test_a_definition_changed_in_place_is_registered_anew():
    """Rulesets are named once per definition object; one changed after a run is not
    mistaken for the old one."""
    engine = Engine()
    definition = json.loads(json.dumps(JOIN))
    fs = facts()
    assert matches(engine.run(definition, fs)) == expected_matches(fs)
    definition["m"]["all"][2]["r"]["$and"][1] = {"activity": "no-such-activity"}
    assert engine.run(definition, fs) == []


def test_p4_duplicate_ids_are_refused():
    fs = facts()
    with pytest.raises(EngineError, match="duplicate"):
        Engine().run(JOIN, fs + [fs[0]])


def test_p5_action_errors_are_raised_not_swallowed(monkeypatch):
    def fail(*args):
        raise RuntimeError("injected action failure")

    engine = Engine()
    with monkeypatch.context() as patch:
        patch.setattr(session, "parse_message", fail)  # fails inside the action loop
        with pytest.raises(EngineError, match="injected"):
            engine.run(JOIN, facts())
    # and the engine is usable afterwards
    fs = facts()
    assert matches(engine.run(JOIN, fs)) == expected_matches(fs)


@pytest.mark.parametrize("definition, trap", [
    ({"x": {"all": [{"p": {"t": "period"}}, GO]}}, "P1"),
    ({"x": {"all": [GO, {"p": {"t": "period"}},
                    {"r": {"$and": [{"t": "record"}, {"$gte": {"date": {"p": "start"}}}]}}]}}, "B1"),
    ({"x": {"all": [GO, {"p": {"t": "period"}},
                    {"r": {"$and": [{"$or": [{"a": 1}, {"$gte": {"date": {"p": "start"}}}]},
                                    ALWAYS_TRUE]}}]}}, "B2"),
])
def test_b1_b2_unsafe_shapes_are_refused(definition, trap):
    with pytest.raises(EngineError, match=trap):
        check_definition(definition)


def test_b3_session_where_nothing_matched_is_deleted_safely():
    engine = Engine()
    for _ in range(20):
        assert engine.run(JOIN, [{"id": "x", "t": "noise"}]) == []


@pytest.mark.slow
def test_b4_more_than_1024_sessions_in_one_process():
    engine = Engine()
    fs = facts(3, 6)
    want = expected_matches(fs)
    for _ in range(1100):
        assert matches(engine.run(JOIN, fs)) == want


def test_many_rulesets_are_evicted_and_unregistered():
    engine = Engine()
    fs = facts(5, 20)
    for n in range(session._MAX_RULESETS + 24):
        variant = {f"m{n}": JOIN["m"]}
        assert matches(engine.run(variant, fs)) == expected_matches(fs)
    assert len(engine._rulesets) == session._MAX_RULESETS
    assert len(engine._host._ruleset_list) == session._MAX_RULESETS  # unregistered, too


# --- fixed-size limits: never a raw traceback, and partition keeps clear of them ---------

def _same_pattern(n: int) -> dict:
    """``n`` rules whose record patterns are identical (one alpha node, n joins)."""
    record = {"$and": [{"t": "record"}, {"activity": "a0"}, {"$gte": {"date": {"p": "start"}}},
                       ALWAYS_TRUE]}
    return {f"r{i}": {"all": [GO, {"p": {"$and": [{"t": "period"}, {"n": i}]}}, {"r": record}]}
            for i in range(n)}


def _distinct_patterns(n: int) -> dict:
    return {f"r{i}": {"all": [GO, {"p": {"$and": [{"t": "period"}, {"n": i}]}},
                              {"r": {"$and": [{"t": "record"}, {"activity": f"a{i}"},
                                              {"$gte": {"date": {"p": "start"}}}, ALWAYS_TRUE]}}]}
            for i in range(n)}


LIMIT_FACTS = [{"id": "P", "t": "period", "n": 0, "start": 0},
               {"id": "R", "t": "record", "activity": "a0", "date": 5}]


@pytest.mark.parametrize("definition, code", [
    (_distinct_patterns(300), "108"),  # > 256 beta links on the go pattern: at registration
    (_same_pattern(65), "303"),  # one record reaches 65 joins: when it is asserted
])
def test_engine_limits_are_engine_errors_with_a_reason(definition, code):
    engine = Engine()
    with pytest.raises(EngineError, match=f"error code: {code} -- .*(256|64)"):
        engine.run(definition, LIMIT_FACTS)
    assert matches(engine.run(JOIN, facts())) == expected_matches(facts())  # still usable


def test_rulesets_at_partition_size_stay_below_the_limits():
    """The worst shape partition can produce: MAX_RULES rules, one record pattern."""
    got = Engine().run(_same_pattern(partition.MAX_RULES), LIMIT_FACTS)
    assert {f.rule for f in got} == {"r0"}  # the only rule with a period (n == 0)


def test_partition_splits_a_large_rulebook_and_loses_no_rule():
    book = load_rules(Path(__file__).resolve().parent.parent / "rules")
    times = -(-1000 // len(book.rules))  # at least 1,000 obligations
    rules = [r.model_copy(update={"id": f"{r.id}-x{k}"}) for k in range(times)
             for r in book.rules.values()]
    parts = partition.partition(rules)
    assert len(rules) >= 1000 and len(parts) > 1
    assert all(len(p.definition) <= partition.MAX_RULES for p in parts)
    merged = {name: body for p in parts for name, body in p.definition.items()}
    assert merged == compile_match(rules)
    assert sum(len(p.definition) for p in parts) == len(merged)  # no rule in two rulesets
    with pytest.raises(EngineError, match="108"):  # what one ruleset of them all would do
        Engine().run(compile_match(rules), [])



@pytest.mark.slow
def test_memory_stays_flat_over_many_sessions():
    engine = Engine()
    fs = facts(40, 200)
    for _ in range(100):
        engine.run(JOIN, fs)
    start = rss_mb()
    for _ in range(1500):
        engine.run(JOIN, fs)
    # Without delete_state each session keeps ~100 KB+ (1500 sessions: > 150 MB).
    assert rss_mb() - start < 40


# --- distinct.py: single-fact rulesets run once per distinct fact shape -------------------

def _status_facts(n: int, seed: int) -> list[dict]:
    """Periods as a plan has them (start <= remind_from <= due), judged on day 20."""
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        start = rnd.randrange(0, 40)
        due = start + rnd.randrange(0, 10)
        met = start + rnd.randrange(0, 15)
        met = met if met <= 20 and rnd.random() < 0.7 else 10**8  # known by as_of, or not met
        out.append({"id": f"S{i}", "t": "status", "start": start, "due": due,
                    "remind_from": max(start, due - rnd.randrange(0, 8)), "as_of": 20,
                    "met_on": met, "waived": int(rnd.random() < 0.1)})
    return out


class _Counting(Engine):
    def __init__(self) -> None:
        super().__init__()
        self.asserted = 0

    def run(self, definition, facts):
        self.asserted += len(facts)
        return super().run(definition, facts)


def test_relative_fields_are_only_those_compared_within_the_fact():
    assert relative_fields(CLASSIFY) == {"start", "due", "remind_from", "as_of", "met_on"}
    literal = {"x": {"all": [GO, {"s": {"$and": [{"t": "status"}, {"$gt": {"due": 3}},
                                                  {"$lt": {"start": {"$m": "due"}}}]}}]}}
    assert relative_fields(literal) == {"start"}  # due is also compared with a literal
    assert relative_fields(JOIN) == frozenset()  # two facts per rule: never reduced


@pytest.mark.parametrize("seed", range(3))
def test_distinct_shapes_give_every_fact_its_own_firings(seed):
    fs = _status_facts(400, seed)
    plain = sorted((rule, frame["s"]) for rule, frame in rows(Engine().run(CLASSIFY, fs)))
    counting = _Counting()
    reduced = sorted((rule, frame["s"]) for rule, frame in rows(run_distinct(counting, CLASSIFY, fs)))
    assert reduced == plain
    assert len(plain) == len(fs) and {s for _, s in plain} == {f["id"] for f in fs}
    assert counting.asserted < 120  # 400 facts, far fewer shapes


def test_distinct_keeps_facts_with_non_numeric_relative_fields_apart():
    fs = [{"id": "a", "t": "status", "start": "s:x", "as_of": 1, "due": 1, "remind_from": 1,
           "met_on": 1, "waived": 0}, *_status_facts(5, 0)]
    assert canonical(fs[0], relative_fields(CLASSIFY))["id"] == "a"
    assert {(rule, frame["s"]) for rule, frame in rows(run_distinct(Engine(), CLASSIFY, fs))} == {
        (rule, frame["s"]) for rule, frame in rows(Engine().run(CLASSIFY, fs))}


# Values a plan could hold that look like the engine's own frame text.
HOSTILE = st.one_of(st.text(max_size=12), st.sampled_from(
    ['"id": "f1"', '":{"id": "go"', '{"g":{"id": "f9"}}', "\\", '\\"', "}{", "戶籍資料課", "\x00"]))


def _message(frames: list[dict[str, dict]], *, single: bool = False, compact: bool = True) -> str:
    """An action's text as the engine writes it: ``{"<rule>": [frame, ...]}``, each frame
    the go fact then the facts by alias, with engine ids f0, f1, ... in order."""
    ids = itertools.count()
    sent = []
    for frame in frames:
        full = {"g": session._engine_fact({"t": "go"}, "go", "s1")}
        full.update({alias: session._engine_fact(fields, f"f{next(ids)}", "s1")
                     for alias, fields in frame.items()})
        sep = ":" if compact else ": "  # the engine's layout, or another one (decoded by json)
        sent.append("{" + ",".join(f'"{a}"{sep}{session._encode(f)}' for a, f in full.items()) + "}")
    body = sent[0] if single and len(sent) == 1 else "[" + ",".join(sent) + "]"
    return '{"m|rule|d0":' + body + "}"


FIELDS = st.dictionaries(st.sampled_from(["activity", "note", "unit", "kind"]),
                         st.one_of(HOSTILE, st.integers()))


@settings(max_examples=60, deadline=None)
@given(st.permutations(["p", "r", "e2"]).flatmap(lambda order: st.integers(1, 3).flatmap(
    lambda width: st.lists(st.tuples(*[FIELDS] * width), min_size=1, max_size=4).map(
        lambda rows: [dict(zip(order[:width], row)) for row in rows]))), st.booleans(), st.booleans())
def test_message_parsing_equals_json_decoding(frames, single, compact):
    """``parse_message`` reads only aliases and ids; it must agree with decoding the whole
    frame, whatever the facts' values hold."""
    text = _message(frames, single=single, compact=compact)
    decoded = json.loads(text)["m|rule|d0"]
    decoded = [decoded] if isinstance(decoded, dict) else decoded
    columns = {alias: [frame[alias]["id"] for frame in decoded] for alias in decoded[0] if alias != "g"}
    assert session.parse_message(text) == ("m|rule|d0", columns)
    back = {f"f{n}": f"caller-{n}" for n in range(12)}
    assert session.parse_message(text, back) == (
        "m|rule|d0", {a: [back[i] for i in ids] for a, ids in columns.items()})


@pytest.mark.parametrize("frames", [
    [{"p": {}, "r": {}}, {"r": {}, "p": {}}],  # same width, other order
    [{"p": {}, "r": {}}, {"p": {}}],
    [{"p": {}}, {"p": {}, "r": {}}, {"r": {}}],
])
@pytest.mark.parametrize("compact", [True, False])
def test_frames_of_one_action_binding_other_patterns_are_refused(frames, compact):
    """The columns assume every frame of an action binds its rule's patterns in one order
    (as the engine writes them); anything else is an error, never ids under wrong aliases."""
    with pytest.raises(EngineError, match="different patterns"):
        session.parse_message(_message(frames, compact=compact))


def test_hostile_values_pass_through_the_engine():
    """The same through the real engine: text values that imitate its frames do not
    confuse the firings."""
    odd = ['"id": "f1"', '":{"id": "go"', '{"r":{"id": "P0"}}', '\\"', "}{"]
    fs = facts()
    for i, f in enumerate(fs):
        f["note"] = odd[i % len(odd)]
    assert matches(Engine().run(JOIN, fs)) == expected_matches(fs)
