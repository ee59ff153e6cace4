"""What a CI system reads: JUnit, SARIF, GitHub annotations, and `compliance test`."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from click.testing import CliRunner

from compliance.cli import main
from compliance.report.github import _escape_data, _escape_property

from _standards import validate_junit, validate_report, validate_sarif


def run(*args):
    return CliRunner().invoke(main, list(args))


def project_url():
    import tomllib

    from conftest import ROOT

    with open(ROOT / "pyproject.toml", "rb") as fh:
        return tomllib.load(fh)["project"]["urls"]["Homepage"]


def summary(as_of="2023-06-30"):
    doc = json.loads(run("check", "--as-of", as_of, "--format", "json").stdout)
    validate_report(doc)
    return doc["summary"]


def test_junit_one_case_per_rule_and_period(workdir):
    result = run("check", "--as-of", "2023-06-30", "--format", "junit")
    assert result.exit_code == 1
    root = ET.fromstring(result.stdout)
    counts = summary()
    assert int(root.get("tests")) == sum(counts.values()) == len(root.findall(".//testcase"))
    assert int(root.get("failures")) == counts["violation"] == len(root.findall(".//failure"))
    reminder = run("check", "--as-of", "2023-06-30", "--format", "junit", "--fail-on", "reminder")
    assert int(ET.fromstring(reminder.stdout).get("failures")) == counts["violation"] + counts["reminder"]
    location = root.find(".//testcase/failure").text.splitlines()[-1]
    path, line = location.rsplit(":", 1)
    assert path.endswith(".yaml") and int(line) > 0
    validate_junit(result.stdout)
    validate_junit(reminder.stdout)
    assert all(s.get("timestamp") == "2023-06-30T00:00:00" for s in root.findall("testsuite"))


def test_sarif_locates_findings_in_yaml(workdir):
    result = run("check", "--as-of", "2023-06-30", "--format", "sarif")
    doc = json.loads(result.stdout)
    assert doc["version"] == "2.1.0"
    run_ = doc["runs"][0]
    rules = {r["id"] for r in run_["tool"]["driver"]["rules"]}
    assert len(rules) == 27
    results = run_["results"]
    counts = summary()
    assert len(results) == counts["violation"] + counts["reminder"] + counts["late"]
    docx = next(r for r in results if r["ruleId"] == "document-editable-odf")
    loc = docx["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "plan_data/documents.yaml"
    lines = (workdir / "plan_data/documents.yaml").read_text(encoding="utf-8").splitlines()
    assert "doc-form-home-service" in lines[loc["region"]["startLine"] - 1]
    daily = next(r for r in results if r["ruleId"] == "online-booking-daily-check")
    loc = daily["locations"][0]["physicalLocation"]
    rule_lines = (workdir / loc["artifactLocation"]["uri"]).read_text(encoding="utf-8").splitlines()
    assert "online-booking-daily-check" in rule_lines[loc["region"]["startLine"] - 1]
    assert all(r["ruleId"] in rules and r["level"] in ("error", "warning", "note") for r in results)
    validate_sarif(doc)
    assert run_["tool"]["driver"]["informationUri"] == project_url()


def test_github_annotations(workdir):
    out = run("check", "--as-of", "2023-06-30", "--format", "github").stdout.splitlines()
    counts = summary()
    assert sum(line.startswith("::error ") for line in out) == counts["violation"]
    assert sum(line.startswith("::warning ") for line in out) == counts["reminder"]
    assert all("file=" in line and ",line=" in line for line in out)
    assert _escape_data("a%b\nc") == "a%25b%0Ac"
    assert _escape_property("x:y,z") == "x%3Ay%2Cz"


def test_several_reports_from_one_evaluation(workdir):
    result = run("check", "--as-of", "2023-06-30", "--format", "json", "-o", "r.json",
                 "--format", "junit", "-o", "j.xml", "--format", "text", "-o", "-")
    assert result.exit_code == 1
    doc = json.loads((workdir / "r.json").read_text(encoding="utf-8"))
    validate_report(doc)
    validate_junit((workdir / "j.xml").read_text(encoding="utf-8"))
    junit = ET.parse(workdir / "j.xml").getroot()
    assert int(junit.get("tests")) == len(doc["findings"])
    assert "as of" in result.stdout or "檢核基準日" in result.stdout
    bad = run("check", "--format", "json", "--format", "junit", "-o", "only-one.json")
    assert bad.exit_code == 2 and "one --output per --format" in bad.stderr


def test_plan_end_is_stable(workdir):
    a = run("check", "--as-of", "plan-end", "--format", "json").stdout
    b = run("check", "--as-of", "2023-12-31", "--format", "json").stdout
    assert a == b


def test_bundled_rule_cases_pass_and_cover_every_rule(workdir):
    result = run("test")
    assert result.exit_code == 0, result.stdout[-2000:]
    assert "rules no case exercises" not in result.stdout
    assert result.stdout.strip().endswith(", 0 failed")
    assert int(result.stdout.strip().splitlines()[-1].split()[0]) >= 200


def test_a_wrong_expectation_fails(workdir):
    (workdir / "rules/tests/wrong.yaml").write_text(
        "cases:\n"
        "  - name: June report done in June\n"
        "    as_of: 2023-07-10\n"
        "    records:\n"
        "      - {id: r1, activity: population-monthly-report, date: 2023-06-20, unit: records}\n"
        "    expect:\n"
        "      - {rule: population-monthly-report, period: 2023-06, status: late}\n"
        "      - {rule: population-monthly-report, period: 2023-13, status: late}\n",
        encoding="utf-8")
    result = run("test")
    assert result.exit_code == 1
    assert "FAIL rules/tests/wrong.yaml:7 June report done in June — population-monthly-report 2023-06: " \
           "expected late, got satisfied" in result.stdout
    assert "expected late, got no such period" in result.stdout


def test_a_bad_case_file_is_located(workdir):
    (workdir / "rules/tests/bad.yaml").write_text(
        "cases:\n  - name: x\n    as_of: 112/02/30\n    expect: [{rule: website-monthly-update, "
        "period: 2023-01, status: satisfied}]\n", encoding="utf-8")
    result = run("test")
    assert result.exit_code == 2
    assert "rules/tests/bad.yaml:3:12: cases[0].as_of: '112/02/30' is not a real day" in result.stderr


def test_junit_and_sarif_put_a_per_unit_finding_under_its_unit(workdir):
    result = run("check", "--as-of", "2023-06-30", "--format", "junit", "--fail-on", "reminder")
    root = ET.fromstring(result.stdout)
    suite = next(s for s in root.findall("testsuite") if s.get("name").endswith("/ records"))
    names = {(c.get("classname"), c.get("name")) for c in suite.findall("testcase")}
    assert ("records.section-progress-report-monthly", "2023-05 [records]") in names
    sarif = json.loads(run("check", "--as-of", "2023-06-30", "--format", "sarif").stdout)
    late = next(r for r in sarif["runs"][0]["results"] if r["ruleId"] == "section-progress-report-monthly")
    assert late["properties"]["unit"] == "records"
