"""Loading: the bundled data is valid, and every kind of bad input gets its exact message."""

from __future__ import annotations

import hashlib
import re
import shutil
import unicodedata
from pathlib import Path

import pytest
from _cases import CASES, header
from click.testing import CliRunner

from compliance.cli import main
from compliance.load import normalise_quote

ROOT = Path(__file__).resolve().parent.parent
def test_bundled_rules_and_plan_validate(workdir):
    result = CliRunner().invoke(main, ["validate"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("ok: 27 rules")


def test_every_problem_is_reported_in_one_run(workdir):
    cases = [c for c in CASES if header(c)["target"] == ["plan_data/extra.yaml"]
             and c.stem in ("unknown-unit", "waiver-too-long")]
    for n, case in enumerate(cases):
        shutil.copy(case, workdir / f"plan_data/extra{n}.yaml")
        (workdir / f"plan_data/extra{n}.yaml").write_text(
            case.read_text(encoding="utf-8").replace("extra-", f"extra{n}-"), encoding="utf-8")
    shutil.copy(next(c for c in CASES if c.stem == "wrong-type"), workdir / "rules/extra.yaml")
    result = CliRunner().invoke(main, ["validate"])
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if re.match(r"^[^:]+:\d+:\d+: ", line)]
    assert len(lines) == 3
    assert "3 problems found" in result.stderr


def test_bad_input_writes_no_report(workdir):
    (workdir / "plan_data/records.yaml").write_text("", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--as-of", "2023-06-30", "-o", "report.txt"])
    assert result.exit_code == 2
    assert not (workdir / "report.txt").exists()


def test_every_quote_is_verbatim_in_the_plan(bundle):
    plan_text = (ROOT / "plan_data/source/plan-112.txt").read_text(encoding="utf-8")
    plan = normalise_quote(plan_text)
    assert len(bundle.rules) >= 25
    for rule in bundle.rules.values():
        assert normalise_quote(rule.source.quote) in plan, rule.id
        assert len(normalise_quote(rule.source.quote)) >= 4, rule.id


def test_quote_check_uses_nfkc():
    # The plan text holds CJK compatibility ideographs (e.g. U+F9B4 領) that NFKC folds.
    assert unicodedata.normalize("NFKC", "\uf9b4") == "領"
    assert normalise_quote("初 \uf9b4\n身分證") == "初領身分證"


SEED_SHA256 = "8a39d188bda33f9ec3c5b5ad4580ab128369d84513882d2a99d66c4735da3bf4"  # shared/seed/000_53d9f515754f6f91.txt


def test_plan_copy_is_the_seed(bundle):
    # Checked in every clone: the digest of the seed copy is recorded in plan.yaml, not fetched.
    text = (ROOT / "plan_data/source/plan-112.txt").read_bytes()
    assert bundle.plan.source_sha256 == SEED_SHA256 == hashlib.sha256(text).hexdigest()


def test_a_changed_plan_text_is_refused(workdir):
    from compliance.errors import InputError
    from compliance.load import load_bundle

    text = workdir / "plan_data/source/plan-112.txt"
    text.write_bytes(text.read_bytes() + b"\n")  # one added line break: quotes still match
    with pytest.raises(InputError) as caught:
        load_bundle(workdir / "rules", workdir / "plan_data")
    (problem,) = caught.value.problems
    assert problem.path.endswith("plan.yaml") and "source_sha256" in str(problem)
    assert "is not the adopted plan text" in str(problem)


def test_bundled_yaml_files_point_at_their_schema():
    for folder, name in (("rules", "rules"), ("plan_data", "plan")):
        for file in (ROOT / folder).glob("*.yaml"):
            first = file.read_text(encoding="utf-8").splitlines()[0]
            assert first == f"# yaml-language-server: $schema=../schemas/{name}.schema.json", file


def test_file_models_have_no_checks_of_their_own():
    """Plan and rule files are validated entry by entry (so every problem shows in one run);
    a check on a whole file model or on a list's length would be skipped, so there is none."""
    from compliance import models as m

    for model in (m.PlanFile, m.RuleFile):
        decorators = model.__pydantic_decorators__
        assert not decorators.model_validators and not decorators.field_validators, model
        for name, info in model.model_fields.items():
            assert not info.metadata, f"{model.__name__}.{name} has constraints load.py would skip"


def test_error_messages_say_what_a_text_must_look_like_not_its_regex():
    """The spreadsheet import places pydantic's errors itself (``error_messages``): a bad id,
    staff number or period reads as what to write, one message for a union's kinds."""
    from pydantic import ValidationError

    from compliance import models as m
    from compliance.i18n import translate
    from compliance.load import error_messages

    with pytest.raises(ValidationError) as caught:
        m.Record.model_validate({"id": "Bad_Id", "activity": "a", "date": "2023-03-10",
                                 "staff": "s1", "period": "Q1-2023"})
    got = dict(error_messages(caught.value))
    assert got[("id",)] == "'Bad_Id' is not an id like 'unit-admin' (lower-case letters and digits joined by '-')"
    assert got[("staff",)].startswith("'s1' is not a staff number like 'A01'")
    period = got[("period",)]
    assert period.startswith("'Q1-2023' is not a period key (`2023` / ") and " or an id like" in period
    assert not any("pattern" in message or "^" in message for message in got.values())
    assert translate(period, "zh-TW").startswith("'Q1-2023' 不是期間代碼（`2023`、")
