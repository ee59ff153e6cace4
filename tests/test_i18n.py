"""Bad-input messages in zh-TW: every case of the bad-input folder, run with --lang zh-TW,
must come out Chinese. A new message without a catalogue entry fails here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from _cases import CASES, apply
from click.testing import CliRunner

from compliance.cli import main
from compliance.errors import Problem
from compliance.i18n import CATALOGUE, problem, translate

HERE = Path(__file__).parent
ALLOWED = {"YAML", "UTF", "Big5", "CP950", "NFKC", "MM", "DD"}


def untranslated(message: str) -> list[str]:
    """Latin words left once quoted values, code in backticks, keys and paths are removed."""
    text = re.sub(r"'[^']*'|\"[^\"]*\"|`[^`]*`", " ", message)
    text = re.sub(r"\S+\.(?:yaml|txt)\b|\S+/\S+|0x[0-9A-F]+", " ", text)
    text = re.sub(r"\b[a-z_]+(?:\[\d+\])?(?:\.[a-z_]+(?:\[\d+\])?)*:", " ", text)  # a field path
    text = re.sub(r"\(has [a-z, ]+\)|（目前有 [a-z, ]+）", " ", text)  # key names listed
    return [w for w in re.findall(r"[A-Za-z][A-Za-z0-9]+", text) if w not in ALLOWED]


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_every_bad_input_message_is_translated(workdir, case):
    apply(case, workdir)
    result = CliRunner().invoke(main, ["validate", "--lang", "zh-TW"])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines and re.match(r"^共 \d+ 個問題；未進行評估。$", lines[-1])
    for line in lines[:-1]:
        message = line.split(": ", 1)[-1]
        assert not untranslated(message), f"untranslated: {line}"


def test_english_is_unchanged_and_positions_are_kept():
    p = Problem("plan_data/x.yaml", 4, 81, "records[0].unit",
                "unknown unit 'registraton'; did you mean 'registration'?")
    assert problem(p, "en") == p
    zh = problem(p, "zh-TW")
    assert (zh.path, zh.line, zh.column, zh.field) == (p.path, p.line, p.column, p.field)
    assert zh.message == "未知的課室 'registraton'；是否為 'registration'？"


def test_an_unknown_message_stays_english_and_is_caught():
    assert translate("a brand new problem", "zh-TW") == "a brand new problem"
    assert untranslated("a brand new problem")


@pytest.mark.parametrize("english, chinese", [
    ("'112/02/30' is not a real day (02/30 does not exist in 2023)",
     "'112/02/30' 不是實際存在的日期（民國112年沒有 02/30）"),
    ("no published holiday calendar for 2027 in holidays 0.109 (it has Taiwan's for 1998 to "
     "2026); working days of 2027 are estimated without bridge holidays or make-up working "
     "days, so due dates may be off",
     "`holidays` 0.109 沒有民國116年公布的行事曆（臺灣只有民國87至民國115年）；"
     "民國116年的上班日係在不含調整放假及補班的情況下推估，期限可能有誤"),
])
def test_years_a_clerk_reads_are_roc_years(english, chinese):
    assert translate(english, "zh-TW") == chinese


def test_templates_and_translations_have_the_same_placeholders():
    for english, chinese in CATALOGUE.items():
        assert set(re.findall(r"\{(\w+)\}", english)) == set(re.findall(r"\{(\w+)\}", chinese)), english


@pytest.mark.parametrize("args, words", [
    (["check", "--unit", "nobody"], "--unit：未知的課室 'nobody'；可用："),
    (["check", "--as-of", "112/02/30"], "'112/02/30' 不是實際存在的日期"),
    (["explain", "nothing"], "未知的規則 'nothing'"),
])
def test_usage_errors_in_zh_tw(workdir, args, words):
    result = CliRunner().invoke(main, [*args, "--lang", "zh-TW"])
    assert result.exit_code == 2 and words in result.stderr


def test_a_changed_plan_text_is_refused_in_zh_tw(workdir):
    text = workdir / "plan_data/source/plan-112.txt"
    text.write_text(text.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", "--lang", "zh-TW"])
    assert result.exit_code == 2 and "不是奉核之計畫全文" in result.stderr
