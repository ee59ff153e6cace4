"""The checked-in JSON Schemas are the generated ones, and the JSON report honours its own."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from compliance.cli import main
from compliance.report.json_model import SCHEMA_VERSION
from compliance.schema import schemas

from _standards import validate_report
from conftest import ROOT

OPTIONAL = ("nominal_due", "required_total", "total", "entity", "trigger", "waivers", "explanations")


@pytest.mark.parametrize("name", sorted(schemas()))
def test_checked_in_schema_is_the_generated_one(name):
    # `compliance schema` regenerates them; a model change without it fails here.
    assert (ROOT / "schemas" / name).read_text(encoding="utf-8") == schemas()[name]


def test_every_optional_field_of_the_report_is_validated(workdir):
    result = CliRunner().invoke(main, ["check", "--as-of", "plan-end", "--format", "json"])
    doc = json.loads(result.stdout)
    assert doc["schema_version"] == SCHEMA_VERSION
    validate_report(doc)
    seen = {key for f in doc["findings"] for key in f}
    assert set(OPTIONAL) <= seen, set(OPTIONAL) - seen


@pytest.mark.parametrize("damage", [
    lambda d: d.pop("schema_version"),
    lambda d: d["findings"][0].update(status="fine"),
    lambda d: d["findings"][0].update(surprise=1),
    lambda d: d["findings"][0]["period"].update(start="112/01/01"),
])
def test_the_schema_rejects_a_damaged_report(workdir, damage):
    doc = json.loads(CliRunner().invoke(main, ["check", "--as-of", "2023-06-30", "--format", "json"]).stdout)
    damage(doc)
    with pytest.raises(AssertionError):
        validate_report(doc)
