"""zh-TW first: every command run in zh-TW prints Chinese with ROC dates.

What a person reads may hold ids only where a person must type one (rule, unit and
record ids, staff ids such as S05, command options), file names and URLs; any other
Latin word, and any ISO date or ISO week, fails the test.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from compliance.cli import main
from compliance.load import load_bundle

ROOT = Path(__file__).resolve().parent.parent
ENV = {"LANG": "zh_TW.UTF-8", "LC_ALL": None, "LC_MESSAGES": None}
ISO = re.compile(r"20\d\d-\d\d-\d\d|20\d\d-W\d\d")
# Names of formats and standards that Chinese text writes in Latin letters too.
ALLOWED = {"ODF", "PDF", "SOP", "YAML", "UTF", "Big5", "CP950", "odt", "ods", "odp", "pdf", "doc", "docx",
           "xls", "xlsx", "ppt", "pptx", "html", "NFKC", "voting"}


def typed_ids(bundle) -> set[str]:
    """Ids a person may have to type (a rule on the command line, a record's period, ...)."""
    ids = set(bundle.rules) | set(bundle.units) | set(bundle.records) | set(bundle.activities)
    ids |= set(bundle.documents) | set(bundle.meetings) | set(bundle.waivers) | set(bundle.roles)
    for rule in bundle.rules.values():
        ids |= {k.id for k in rule.constraint.published} if rule.constraint else set()
    return ids


def english(text: str, ids: set[str]) -> list[str]:
    """Latin words and ISO dates a person would read, once ids, files and URLs are removed."""
    found = ISO.findall(text)
    text = re.sub(r"https?://\S+|</?[a-z]+>", " ", text)  # URLs, markup such as <br>
    text = re.sub(r"\S+\.(?:pdf|ods|odt|odp|docx?|yaml|sqlite|json|ics|md)\b", " ", text)
    text = re.sub(r"--[a-z][a-z-]*", " ", text)  # a command-line option
    text = re.sub(r"[A-Za-z0-9:_]+(?:[-:][A-Za-z0-9_]+)+", lambda m: " " if _is_id(m.group(), ids) else m.group(),
                  text)
    words = re.findall(r"[A-Za-z]{2,}", text)
    return found + [w for w in words if w not in ALLOWED and w not in ids]


def _is_id(token: str, ids: set[str]) -> bool:
    return token in ids or token.startswith("meeting:") or bool(re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)+", token))


@pytest.fixture(scope="module")
def ids():
    return typed_ids(load_bundle(ROOT / "rules", ROOT / "plan_data"))


def run(*args):
    result = CliRunner(env=ENV).invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def assert_chinese(text: str, ids: set[str], what: str) -> None:
    bad = english(text, ids)
    assert not bad, f"{what}: English or ISO dates a person reads: {sorted(set(bad))[:20]}"


def test_the_detector_catches_english_and_iso_dates(ids):
    assert english("Overdue: 1 record due by 2023-05-19", ids)
    assert english("期間 2023-W20", ids) == ["2023-W20"]
    assert not english("依據 online-booking-daily-check；S05 課長；檔案 minutes/112-01所務會議紀錄.pdf", ids)


@pytest.mark.parametrize("args", [
    ["validate"],
    ["rules"],
    ["check", "--as-of", "112/06/30"],
    ["check", "--as-of", "112/12/31", "--all"],
    ["check", "--as-of", "113/02/01", "--unit", "戶籍資料課"],
    ["calendar", "--year", "112", "--format", "text"],
    ["checklist", "--meeting", "112/06/14", "--format", "text"],
    ["checklist", "--meeting", "112/12/13", "--format", "markdown"],
    ["checklist", "--meeting", "113/01/10", "--format", "markdown"],
], ids=lambda a: " ".join(a))
def test_every_command_reads_chinese(workdir, ids, args):
    result = run(*args, *(["--lang", "zh-TW"] if args[0] != "validate" else []))
    assert result.exit_code in (0, 1), result.output
    assert_chinese(result.stdout, ids, " ".join(args))


def test_explain_of_every_rule_reads_chinese(workdir, ids):
    from compliance.load import load_rules

    for rule in load_rules(ROOT / "rules").rules:
        for as_of in ("112/06/30", "112/12/31"):
            out = run("explain", rule, "--as-of", as_of, "--lang", "zh-TW").stdout
            assert_chinese(out, ids, f"explain {rule} --as-of {as_of}")


def test_calendar_ics_descriptions_read_chinese(workdir, ids):
    from icalendar import Calendar

    ics = run("calendar", "--year", "112", "--format", "ics", "--lang", "zh-TW").stdout
    events = list(Calendar.from_ical(ics).walk("VEVENT"))
    assert events
    for e in events:
        for field in ("summary", "description", "categories"):
            value = e.get(field)
            text = " ".join(str(c) for c in value.cats) if field == "categories" else str(value)
            assert_chinese(text, ids, f"ics {field}")


def test_nightly_reports_read_chinese(workdir, ids):
    run("nightly", "--as-of", "112/06/29", "--out", "out", "--lang", "zh-TW")
    result = run("nightly", "--as-of", "112/06/30", "--out", "out", "--lang", "zh-TW")
    assert result.exit_code == 0, result.output
    folder = next(p for p in (workdir / "out" / "2023-06-30").iterdir() if p.is_dir())
    for name in ("changes.md", "report.md"):
        assert_chinese((folder / name).read_text(encoding="utf-8"), ids, name)


def test_bad_input_reads_chinese(workdir, ids):
    shutil.copy(ROOT / "tests" / "bad_inputs" / "unknown-unit.yaml", workdir / "plan_data" / "extra.yaml")
    result = run("validate", "--lang", "zh-TW")
    assert result.exit_code == 2
    # The message, without the path, the field path and the quoted values the user wrote.
    messages = [re.sub(r"'[^']*'", "", line.split(": ", 2)[-1]) for line in result.stderr.splitlines()]
    assert_chinese("\n".join(messages), ids, "validate")


@pytest.mark.parametrize("args", [
    ["check", "--nosuch"], ["check", "--format", "x"], ["explain"], ["check", "extra"],
    ["calendar", "--year", "abc"], ["check", "--unit", "x"],
])
def test_click_refusals_read_chinese_and_exit_2(workdir, args):
    zh = CliRunner().invoke(main, [*args, "--lang", "zh-TW"])
    assert zh.exit_code == 2
    assert zh.stderr.startswith("用法：") and "錯誤：" in zh.stderr
    assert not re.search(r"\b(Usage|Error|Invalid|Missing|such|Got)\b", zh.stderr), zh.stderr
    en = CliRunner().invoke(main, [*args, "--lang", "en"])
    assert en.exit_code == 2 and en.stderr.startswith("Usage:") and "Error:" in en.stderr


def test_rule_tests_report_in_the_language_asked(workdir):
    zh = CliRunner().invoke(main, ["test", "--lang", "zh-TW"])
    en = CliRunner().invoke(main, ["test", "--lang", "en"])
    assert zh.exit_code == en.exit_code == 0
    assert re.search(r"^\d+ 項通過，0 項未通過$", zh.stdout, re.M) and "PASS" not in zh.stdout
    assert re.search(r"^\d+ passed, 0 failed$", en.stdout, re.M) and "通過" not in en.stdout


def test_failed_rule_tests_name_statuses_in_chinese_with_the_word_to_write(workdir, tmp_path):
    """A failed case's line reads Chinese: the expected and actual statuses by their labels,
    each with the word the case file uses, and a missing period in words."""
    (tmp_path / "c.yaml").write_text("""cases:
  - name: wrong on purpose
    as_of: 2023-06-30
    expect:
      - {rule: document-quality-quarterly-review, period: 2023-Q1, status: satisfied}
      - {rule: document-quality-quarterly-review, period: 2023-06, status: violation}
      - {rule: document-quality-quarterly-review, period: 2023-Q2, status: none}
""", encoding="utf-8")
    zh = CliRunner().invoke(main, ["test", str(tmp_path), "--lang", "zh-TW"])
    assert zh.exit_code == 1
    assert "預期「已完成」(satisfied)，實際「逾期未辦」(violation)" in zh.stdout
    assert "預期「逾期未辦」(violation)，實際「無此期間」" in zh.stdout
    assert "預期「無此期間」(none)，實際「即將到期」(reminder)" in zh.stdout
    assert not re.search(r"expected|got|no such", zh.stdout)
    en = CliRunner().invoke(main, ["test", str(tmp_path), "--lang", "en"])
    assert "expected satisfied, got violation" in en.stdout and "got no such period" in en.stdout


EXAMPLE = ROOT / "examples/plan-113"
EXAMPLE_DATA = ["--rules", str(EXAMPLE / "rules"), "--plan", str(EXAMPLE / "plan_data")]


@pytest.mark.parametrize("args", [
    ["check", "--as-of", "113/06/20", "--all"],
    ["calendar", "--year", "113"],
    ["explain", "complaint-tracking-monthly", "--as-of", "113/06/20"],
    ["explain", "complaint-tracking-monthly", "--as-of", "113/06/20", "--period", "113/02/10"],
    ["explain", "case-audit-monthly-ten", "--as-of", "113/06/20"],
    ["checklist", "--meeting", "113/06/12", "--format", "text"],
    ["checklist", "--meeting", "113/06/12", "--format", "markdown"],
    ["check", "--as-of", "113/06/20", "--format", "markdown"],
], ids=lambda a: " ".join(a))
def test_cases_tracked_until_closed_read_chinese(args):
    """Issue 14: a case tracked every month until closed is named 案件 <id>：<ROC date>
    <activity>, its month 113年3月; conditions on declared numbers explain in Chinese."""
    ids = typed_ids(load_bundle(EXAMPLE / "rules", EXAMPLE / "plan_data"))
    result = run(*args, *EXAMPLE_DATA, "--lang", "zh-TW")
    assert result.exit_code in (0, 1), result.output
    assert_chinese(result.stdout, ids, " ".join(args))
    if "complaint-tracking-monthly" in args or args[0] in ("check", "calendar"):
        assert re.search(r"案件 complaint-\d：113/0\d/\d\d 陳情案件列管", result.stdout)
