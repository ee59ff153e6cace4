"""compile: the bundled rules compile to the checked-in golden rulesets, and compilation
obeys the engine's safety shapes (P1, B1, B2) for every kind of rule."""

from __future__ import annotations

import importlib.util
import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compliance import models as m
from compliance.engine.durable.compile import (
    ALWAYS_TRUE,
    CLASSIFY,
    GO,
    compile_match,
    fact_value,
    parse_rule_name,
    pattern_fields,
)
from compliance.engine.durable.facts import field_value, record_builder, record_fields, record_readers
from compliance.engine.durable.session import check_definition

from conftest import ROOT

_spec = importlib.util.spec_from_file_location("regenerate_golden", ROOT / "scripts/regenerate_golden.py")
assert _spec and _spec.loader
regenerate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(regenerate)
EXPECTED = regenerate.compiled()


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_compiled_ruleset_matches_golden(name):
    """On a difference: if the change is intended, run scripts/regenerate_golden.py and review."""
    golden = ROOT / "tests" / "golden" / name
    assert golden.exists(), f"no golden file {name}; run scripts/regenerate_golden.py"
    assert json.loads(golden.read_text(encoding="utf-8")) == json.loads(EXPECTED[name])


def test_no_stale_golden_files():
    assert {p.name for p in (ROOT / "tests" / "golden").glob("*.json")} == set(EXPECTED)


def test_every_compiled_rule_is_safe_for_the_engine(bundle):
    definition = compile_match(list(bundle.rules.values()))
    check_definition(definition)  # raises on P1/B1/B2 shapes
    check_definition(CLASSIFY)
    assert all(body["all"][0] == GO for body in definition.values())


def _rule(**fields) -> m.Rule:
    base = {"id": "r", "title": {"zh-TW": "t", "en": "t"}, "unit": "u", "severity": "low",
            "source": {"clause": "c", "quote": "q"}, "basis": "office",
            "decided": {"by": "b", "on": "2023-01-03", "minutes": "m"}}
    return m.Rule.model_validate({**base, **fields})


def test_in_condition_becomes_one_rule_per_value_and_window():
    rule = _rule(activity="a", every="month", where=[{"field": "unit", "in": ["x", "y"]}])
    names = sorted(compile_match([rule]))
    assert names == ["m|r|d0", "m|r|d1", "m|r|k0", "m|r|k1"]
    assert [parse_rule_name(n)[:2] for n in names] == [("m", "r")] * 4
    for body in compile_match([rule]).values():
        assert body["all"][-1]["r"]["$and"][-1] == ALWAYS_TRUE  # B1


def test_workday_windows_are_an_equality_join():
    body = compile_match([_rule(activity="a", every="workday")])["m|r|d0"]
    assert {"date": {"p": "start"}} in body["all"][-1]["r"]["$and"]


def test_constraint_rules_give_ok_and_broken():
    rule = _rule(constraint={"entity": "document", "require": [{"field": "editable", "equals": True}]})
    assert sorted(compile_match([rule])) == ["c|r|broken", "c|r|ok"]


@pytest.mark.parametrize("value, fact", [(True, 1), (False, 0), ("1", "s:1"), (1, 1), (1.5, 1.5)])
def test_fact_values_keep_strings_and_numbers_apart(value, fact):
    assert fact_value(value) == fact


# Text a record could hold that looks like JSON or like the engine's frames.
_HOSTILE = st.one_of(st.text(max_size=10), st.sampled_from(
    ['"', '\\', '", "sid": "x', '":{"id": "go"', "}{", "戶籍資料課", "\x00", "\u2028"]))


@settings(max_examples=80, deadline=None)
@given(unit=st.sampled_from([None, "u", "x-1"]), note=st.one_of(st.none(), _HOSTILE),
       hours=st.one_of(st.none(), st.floats(0, 1000, allow_nan=False)),
       cases=st.one_of(st.none(), st.integers(0, 10**6)), doc_no=st.one_of(st.none(), _HOSTILE),
       period=st.one_of(st.none(), st.sampled_from(["2023-06", "2023-Q2"])))
def test_encoded_record_fact_is_the_fact_field_by_field(unit, note, hours, cases, doc_no, period):
    """A record's fact is encoded in one pass (``RecordFact``); it must hold exactly the
    fields a dict built from the same readers would: type, activity, date, each tested
    field present (tagged as the engine sees it), one 0/1 per ``matches`` condition."""
    rules = [_rule(activity="a", every="month", where=[
        {"field": "unit", "present": True}, {"field": "note", "matches": "[0-9]+號"},
        {"field": "hours", "at_least": 1}, {"field": "cases", "at_least": 1},
        {"field": "evidence.doc_no", "present": True}])]
    record = m.Record.model_validate({
        "id": "x1", "activity": "a", "date": "2023-06-12", "unit": unit, "note": note, "hours": hours,
        "period": period, "values": None if cases is None else {"cases": cases},
        "evidence": None if not doc_no else {"doc_no": doc_no}})
    got = record_builder(rules)(record)
    want = {"id": "x1", "t": "record", "activity": "a", "date": record.date.toordinal()}
    for key, read in record_readers(record_fields(rules)):
        if read(record) is not None:
            want[key] = read(record)
    for key, (field, pattern) in pattern_fields(rules[0].where).items():
        value = field_value(record, field)
        want[key] = int(isinstance(value, str) and re.fullmatch(pattern, value) is not None)
    assert got.fields() == want
    assert next(iter(got.fields())) == "id"  # the engine id first (parse_message relies on it)
    assert (got.id, got.activity, got.date) == ("x1", "a", want["date"])
    assert got.period == (None if period is None else f"s:{period}")
