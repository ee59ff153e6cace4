"""The example 113 plan (examples/plan-113) validates, passes its rule tests and checks,
as CI runs it (.ci/run): written in YAML alone, with every schedule form of the cookbook."""

from __future__ import annotations

from click.testing import CliRunner

from compliance.cli import main

from conftest import ROOT

EXAMPLE = ROOT / "examples/plan-113"
DATA = ["--rules", str(EXAMPLE / "rules"), "--plan", str(EXAMPLE / "plan_data")]


def test_the_example_validates():
    result = CliRunner().invoke(main, ["validate", *DATA])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("ok: 31 rules")


def test_the_example_rule_tests_pass_and_cover_every_rule():
    result = CliRunner().invoke(main, ["test", *DATA])
    assert result.exit_code == 0, result.output
    assert " 0 failed" in result.output
    assert "rules no case exercises" not in result.output


def test_the_example_is_checked():
    result = CliRunner().invoke(main, ["check", *DATA, "--as-of", "113/02/20", "--lang", "en", "--fail-on", "never"])
    assert result.exit_code == 0, result.output
    assert "as of: 2024-02-20" in result.output
    # January's statistics were sent 2/15, on time after the Lunar New Year holidays; the
    # weekly check of 2/19 is missing.
    assert "violation 8" in result.output


def test_calendar_json_names_the_period_and_its_actual_due_date():
    """A rule with 'due' lists the period it is about and the day it is really due, as the
    text calendar does: January's statistics (every: month, due 10 days after) are due
    2/15, the 10th moved off the Lunar New Year holidays."""
    import json

    items = json.loads(CliRunner().invoke(main, ["calendar", *DATA, "--format", "json"]).output)
    jan = next(i for i in items if i["rule"] == "monthly-stats-report" and i["period"] == "2024-01")
    assert (jan["due"], jan["nominal_due"], jan["due_rule"]) == ("2024-02-15", "2024-02-10",
                                                                   {"after_end": {"days": 10}})
    text = CliRunner().invoke(main, ["calendar", *DATA, "--lang", "en"]).output
    assert "2024-02-15  Send last month's statistics by the 10th  2024-01" in text.splitlines()
    assert all("period" in i for i in items)
