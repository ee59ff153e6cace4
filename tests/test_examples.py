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
    assert result.output.startswith("ok: 29 rules")


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
