"""The command line as users meet it (CliRunner, no subprocesses except for --help)."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner

from compliance.cli import main, taipei_today

from _standards import validate_report


def run(*args, env=None):
    return CliRunner(env=env).invoke(main, list(args))


def check_json(*args):
    result = run("check", "--format", "json", *args)
    assert result.exit_code in (0, 1), result.output
    doc = json.loads(result.stdout)
    validate_report(doc)
    return result, doc


def test_check_json_shape_and_believable_mix(workdir):
    result, doc = check_json("--as-of", "2023-06-30")
    assert result.exit_code == 1  # there are violations
    assert doc["as_of"] == "2023-06-30"
    assert doc["plan"]["roc_year"] == 112
    s = doc["summary"]
    for status in ("violation", "reminder", "late", "open", "satisfied", "upcoming"):
        assert s[status] > 0, status
    f = doc["findings"][0]
    for key in ("rule", "title", "unit", "status", "light", "period", "due", "required", "count",
                "records", "source", "message"):
        assert key in f
    assert set(f["title"]) == {"zh-TW", "en"} and set(f["source"]) == {"clause", "quote"}
    assert sum(s.values()) == len(doc["findings"])


def test_roc_and_iso_as_of_agree(workdir):
    _, iso = check_json("--as-of", "2023-06-30")
    _, roc = check_json("--as-of", "112/06/30")
    _, cjk = check_json("--as-of", "112年6月30日")
    assert iso == roc == cjk


def test_moved_deadline_in_json(workdir):
    _, doc = check_json("--as-of", "2023-06-30", "--rule", "year-end-population-changes-by-occurrence-report")
    (f,) = doc["findings"]
    assert f["due"] == "2023-04-17" and f["nominal_due"] == "2023-04-15"
    assert f["status"] == "late" and f["light"] == "yellow"


def test_per_entity_findings_carry_entity(workdir):
    _, doc = check_json("--as-of", "2023-06-30", "--rule", "section-progress-report-monthly")
    # 戶籍資料課 missed May's meeting report and gave it at the June meeting (補提): late.
    behind = [f for f in doc["findings"] if f["status"] in ("violation", "late")]
    assert [(f["period"]["key"], f["entity"], f["status"]) for f in behind] == [("2023-05", "records", "late")]


def test_fail_on_levels(workdir):
    assert run("check", "--as-of", "2023-06-30", "--fail-on", "never").exit_code == 0
    assert run("check", "--as-of", "2023-06-30").exit_code == 1
    # Nothing is overdue on the first day of the year, but something is due soon.
    assert run("check", "--as-of", "2023-01-02", "--rule", "year-end-population-stats-report").exit_code == 0
    assert run("check", "--as-of", "2023-01-02", "--rule", "year-end-population-stats-report",
               "--fail-on", "reminder").exit_code == 1


def test_records_after_as_of_are_not_counted(workdir):
    _, early = check_json("--as-of", "2023-01-13", "--rule", "year-end-population-stats-report")
    _, before = check_json("--as-of", "2023-01-12", "--rule", "year-end-population-stats-report")
    assert early["findings"][0]["status"] == "satisfied"
    assert before["findings"][0]["status"] == "reminder"


def test_text_report_zh_tw_uses_roc_dates(workdir):
    result = run("check", "--as-of", "2023-06-30", "--lang", "zh-TW")
    out = result.stdout
    assert "檢核基準日: 112年6月30日" in out
    assert "● 紅燈" in out and "112/04/17" in out and "依行政程序法第 48 條順延" in out
    assert out.index("● 紅燈") < out.index("◐ 黃燈")
    assert not re.search(r"\b20\d\d-\d\d-\d\d\b", out)


def test_text_report_en_uses_iso_dates(workdir):
    out = run("check", "--as-of", "2023-06-30", "--lang", "en").stdout
    assert "as of: 2023-06-30" in out and "red" in out and "112/" not in out


@pytest.mark.parametrize("lang_env, expected", [("zh_TW.UTF-8", "檢核基準日"), ("en_US.UTF-8", "as of")])
def test_language_follows_lang(workdir, lang_env, expected):
    result = run("check", "--as-of", "2023-06-30", env={"LANG": lang_env, "LC_ALL": None, "LC_MESSAGES": None})
    assert expected in result.stdout


def test_unit_filter(workdir):
    _, doc = check_json("--as-of", "2023-06-30", "--unit", "records")
    assert doc["findings"] and {f["unit"] for f in doc["findings"]} == {"records"}


def test_unit_filter_follows_ownership_and_accepts_names(workdir):
    """A per-unit obligation's finding belongs to that unit: --unit records shows the
    records section's own May progress report although 行政庶務課 owns the rule."""
    _, by_id = check_json("--as-of", "2023-06-30", "--unit", "records")
    mine = {(f["rule"], f["period"]["key"]) for f in by_id["findings"]}
    assert ("section-progress-report-monthly", "2023-05") in mine
    assert all(f["rule_unit"] == "admin" for f in by_id["findings"]
               if f["rule"] == "section-progress-report-monthly")
    _, by_name = check_json("--as-of", "2023-06-30", "--unit", "戶籍資料課")
    assert by_name == by_id
    text = run("check", "--as-of", "2023-06-30", "--unit", "records", "--lang", "zh-TW").stdout
    section = text.split("== 戶籍資料課 ==")[1]
    assert "各課室每月於會議中提出工作執行情形及進度報告" in section
    assert "== 行政庶務課 ==" not in text


@pytest.mark.parametrize("args, words", [
    (["check", "--as-of", "112/02/30"], "not a real day"),
    (["check", "--as-of", "someday"], "not a date"),
    (["check", "--unit", "nobody"], "unknown unit"),
    (["check", "--rule", "nothing"], "unknown rule"),
    (["explain", "nothing"], "unknown rule"),
])
def test_usage_errors_exit_2(workdir, args, words):
    result = run(*args)
    assert result.exit_code == 2 and words in result.stderr
    assert "Traceback" not in result.output


def test_taipei_today_crosses_midnight_before_utc():
    # 00:30 in Taipei is 16:30 UTC the previous day.
    assert taipei_today(dt.datetime(2023, 6, 29, 16, 30, tzinfo=dt.UTC)) == dt.date(2023, 6, 30)
    assert taipei_today(dt.datetime(2023, 6, 29, 15, 59, tzinfo=dt.UTC)) == dt.date(2023, 6, 29)


def sample_days(year: int = 2023, extra: int = 30) -> list[dt.date]:
    """The first and last day of every month, and ``extra`` other days drawn with a fixed seed:
    the edges where periods open and close, and days in between, without all 365."""
    import random

    days = {dt.date(year, m, 1) for m in range(1, 13)}
    days |= {dt.date(year + m // 12, m % 12 + 1, 1) - dt.timedelta(days=1) for m in range(1, 13)}
    every_day = [dt.date(year, 1, 1) + dt.timedelta(days=n) for n in range(365)]
    days |= set(random.Random(year).sample(every_day, extra))
    return sorted(days)


def test_days_across_the_year_evaluate(bundle):
    from compliance.evaluate import evaluate

    previous = None
    for day in sample_days():
        ev = evaluate(bundle, day)
        assert len({f.key for f in ev.findings}) == len(ev.findings)
        if previous is not None:  # periods never disappear as time passes (triggers only add)
            assert len(ev.findings) >= previous
        previous = len(ev.findings)


def test_calendar_json_and_ics(workdir):
    result = run("calendar", "--year", "112", "--format", "json")
    items = json.loads(result.stdout)
    due = {(i["rule"], i["due"]) for i in items}
    assert ("year-end-population-stats-report", "2023-01-16") in due
    assert ("year-end-population-changes-by-occurrence-report", "2023-04-17") in due
    assert sum(1 for i in items if i["rule"] == "school-age-children-list-weekly") == 27
    assert sum(1 for i in items if i["rule"] == "online-booking-daily-check") == 249
    assert set(items[0]) >= {"rule", "every", "start", "end", "due"}
    ics = run("calendar", "--from", "112/01/01", "--to", "112/01/31", "--format", "ics").stdout
    from icalendar import Calendar

    cal = Calendar.from_ical(ics)
    events = list(cal.walk("VEVENT"))
    assert events and all(e.decoded("dtstart") <= dt.date(2023, 1, 31) for e in events)
    assert any("1月15日" in str(e.get("summary")) or "01-15" in str(e.get("description"))
               or "1 月 15 日" in str(e.get("description")) for e in events)


def test_an_empty_calendar_is_still_valid_icalendar(workdir):
    from icalendar import Calendar

    ics = run("calendar", "--year", "2030", "--format", "ics").stdout
    cal = Calendar.from_ical(ics)
    assert not cal.walk("VEVENT")
    # RFC 5545 3.4 and 3.6: a calendar holds at least one component.
    assert [c.name for c in cal.subcomponents] == ["VTIMEZONE"]
    lines = ics.splitlines()
    assert lines[lines.index("BEGIN:VTIMEZONE") + 1] == "TZID:Asia/Taipei"


def test_explain_shows_same_status_as_check(workdir):
    _, doc = check_json("--as-of", "2023-06-30", "--rule", "online-booking-daily-check")
    missed = next(f for f in doc["findings"] if f["status"] == "violation")
    out = run("explain", "online-booking-daily-check", "--as-of", "2023-06-30",
              "--period", missed["period"]["start"], "--lang", "en").stdout
    assert "status: violation" in out and missed["period"]["key"] in out
    late = run("explain", "year-end-population-changes-by-occurrence-report", "--as-of", "2023-06-30",
               "--lang", "en").stdout
    assert "status: late" in late and "moved to the next working day" in late
    assert "✓" in late


def test_explain_mentions_expired_waiver(workdir):
    # The 2/1-2/3 booking checks were approved as exempt; the waiver expired on 3/31 but the
    # days it covered stay waived (they were due before it expired).
    out = run("explain", "online-booking-daily-check", "--as-of", "2023-06-30", "--period", "2023-02-01",
              "--lang", "en").stdout
    assert "expired" in out and "still covers this period" in out and "status: waived" in out


def test_explain_without_period_shows_every_period_not_green(workdir):
    out = run("explain", "online-booking-daily-check", "--as-of", "2023-12-31", "--lang", "en").stdout
    shown = re.findall(r"^period: (\S+)", out, re.M)
    assert shown == ["2023-05-24", "2023-11-20"]  # both missed days, not only the latest period
    assert re.search(r"^247 more periods are green", out, re.M)
    docs = run("explain", "document-editable-odf", "--as-of", "2023-12-31", "--lang", "zh-TW").stdout
    assert "到府服務申請表" in docs and "戶籍登記申請書" not in docs  # the failing document only


def test_rules_json(workdir):
    items = json.loads(run("rules", "--format", "json").stdout)
    assert len(items) == 27
    kinds = {i["every"] for i in items}
    assert {"year", "month", "week", "workday", "quarter", "fixed-date", "trigger", "constraint"} <= kinds
    for i in items:
        assert set(i) >= {"id", "title", "unit", "severity", "basis", "source", "activity", "every",
                          "months", "by", "after", "at_least", "for_each", "total", "where",
                          "lead_days", "interpretation"}
        assert ("law" in i) == (i["basis"] == "law") and ("decided" in i) == (i["basis"] == "office")
    # The office's own choices are labelled and, unless the office says otherwise, low.
    office = {i["id"] for i in items if i["basis"] == "office"}
    assert {"website-monthly-update", "online-document-training", "property-annual-inventory",
            "moi-monthly-reports", "moi-annual-reports", "section-priorities-at-year-start"} == office
    assert all(i["severity"] == "low" and i["decided"]["minutes"] for i in items if i["id"] in office)
    law = next(i for i in items if i["id"] == "env-education-results-report")
    assert law["law"]["article"].startswith("環境教育法第19條") and "翌年一月三十一日" in law["law"]["text"]
    assert law["by"] == "01-31" and law["by_year"] == "next"


def test_every_command_has_help_with_an_example():
    for name, command in main.commands.items():
        assert command.help and "Example" in command.help, name


def test_help_does_not_import_the_engine():
    code = ("import sys; from compliance.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "assert 'durable' not in sys.modules and 'durable_rules_engine' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)


def test_output_file_is_written_whole(workdir):
    result = run("check", "--as-of", "2023-06-30", "--format", "json", "-o", "report.json")
    assert result.exit_code == 1
    assert json.loads((workdir / "report.json").read_text(encoding="utf-8"))["as_of"] == "2023-06-30"
    assert not list(workdir.glob(".report.json.tmp*"))


def test_an_obligation_of_the_plan_due_in_the_next_year_is_shown(workdir):
    """環境教育法第19條: the 112 results are filed by 113/01/31, still this plan's obligation."""
    items = json.loads(run("calendar", "--year", "112", "--format", "json").stdout)
    assert ("env-education-results-report", "2024-01-31") in {(i["rule"], i["due"]) for i in items}
    in_2023 = json.loads(run("calendar", "--from", "112/01/01", "--to", "112/12/31", "--format", "json").stdout)
    assert "env-education-results-report" not in {i["rule"] for i in in_2023}
    text = run("calendar", "--year", "112", "--lang", "zh-TW").stdout
    assert text.splitlines()[-1].startswith("113/01/31  依環境教育法第19條")
    _, doc = check_json("--as-of", "113/02/01", "--rule", "env-education-results-report")
    assert [(f["period"]["key"], f["status"]) for f in doc["findings"]] == [("2024-01-31", "satisfied")]


def test_office_rules_are_labelled_in_every_output(workdir):
    out = run("check", "--as-of", "2023-06-30", "--lang", "zh-TW").stdout
    assert "本所官網資料定期更新維護（本所訂定）" in out and "（期程為本所訂定）" in out
    en = run("check", "--as-of", "2023-06-30", "--lang", "en", "--format", "github").stdout
    assert "(set by the office)" in en
    _, doc = check_json("--as-of", "2023-06-30", "--rule", "website-monthly-update")
    assert {f["basis"] for f in doc["findings"]} == {"office"}


def test_hours_rules_speak_in_hours(workdir):
    _, doc = check_json("--as-of", "2023-12-31", "--rule", "env-education-staff-hours", "--lang", "zh-TW")
    short = next(f for f in doc["findings"] if f["status"] == "violation")
    assert short["message"].startswith("已累計 2 小時，應於 112/12/29 前累計至少 4 小時")
