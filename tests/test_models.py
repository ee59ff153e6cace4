"""Rule.schedule: one typed schedule per kind, built from the YAML keys, which stay as they are."""

from __future__ import annotations

import json

import pytest

from compliance import models as m
from compliance.schema import schemas

BASE = {"id": "r", "title": {"zh-TW": "t", "en": "t"}, "unit": "u", "severity": "low",
        "source": {"clause": "c", "quote": "q"}, "basis": "office",
        "decided": {"by": "b", "on": "2023-01-03", "minutes": "m"}}


@pytest.mark.parametrize("keys, cls, kind", [
    ({"activity": "a", "every": "month", "months": [3, 9]}, m.Recurring, "month"),
    ({"activity": "a", "by": "01-15"}, m.FixedDate, "fixed-date"),
    ({"activity": "a", "after": {"activity": "b", "within_workdays": 3}}, m.Triggered, "trigger"),
    ({"constraint": {"entity": "document", "require": [{"field": "editable", "equals": True}]}},
     m.DocumentCheck, "constraint"),
])
def test_each_yaml_form_builds_its_schedule(keys, cls, kind):
    rule = m.Rule.model_validate({**BASE, **keys})
    assert type(rule.schedule) is cls and rule.kind == kind
    assert rule.schedule.kind in m.SCHEDULE_KEYS


def test_schedule_fields_are_typed():
    rule = m.Rule.model_validate({**BASE, "activity": "a", "by": "02-29"})
    assert (rule.schedule.month, rule.schedule.day, rule.schedule.text) == (2, 29, "02-29")
    rule = m.Rule.model_validate({**BASE, "activity": "a", "every": "week", "months": [1, 2]})
    assert rule.schedule.months == (1, 2)


def test_the_yaml_has_no_schedule_key():
    rule_schema = json.loads(schemas()["rules.schema.json"])["$defs"]["Rule"]["properties"]
    assert "schedule" not in rule_schema and {"every", "by", "after", "constraint"} <= set(rule_schema)
    with pytest.raises(ValueError, match="schedule"):
        m.Rule.model_validate({**BASE, "activity": "a", "every": "month", "schedule": {}})
