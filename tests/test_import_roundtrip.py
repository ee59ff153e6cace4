"""Template -> fill in -> import, and export -> import: nothing lost, nothing run."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from compliance.cli import main
from compliance.load import load_bundle

from _standards import validate_odf

DAILY = Path("plan_data/records-daily.yaml")


def run(*args: str):
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result


def plan():
    return load_bundle(Path("rules"), Path("plan_data"))


def daily_records(bundle):
    return {rid: r for rid, r in bundle.records.items()
            if bundle.origin("record", rid).path.endswith("records-daily.yaml")}


def empty_daily_file():
    DAILY.write_text("# The daily booking checks, imported from the office's log.\nrecords: []\n", encoding="utf-8")


def fill(template: Path, rows: list[list], out: Path) -> Path:
    book = openpyxl.load_workbook(template)
    sheet = book["工作紀錄"]
    for row in rows:
        sheet.append(row)
    book.save(out)
    return out


@pytest.mark.parametrize("with_ids", [True, False])
def test_daily_booking_checks_regenerate_from_a_template_workbook(workdir, with_ids):
    bundle = plan()
    original = daily_records(bundle)
    assert len(original) > 240
    run("template", "--format", "xlsx", "--lang", "zh-TW", "-o", "範本.xlsx")
    title = bundle.activities["online-booking-check"].title.zh_TW
    rows = [[r.id if with_ids else None, r.date, title, bundle.units[r.unit].name.zh_TW]
            for r in sorted(original.values(), key=lambda r: r.date)]
    fill(Path("範本.xlsx"), rows, Path("每日查閱.xlsx"))
    empty_daily_file()
    result = run("import", "每日查閱.xlsx", "--into", str(DAILY), "--lang", "zh-TW")
    assert f"讀取 {len(rows)} 列，新增 {len(rows)} 筆" in result.stdout
    again = daily_records(plan())
    if with_ids:
        assert again == original
    else:  # ids made from the content; everything else the same
        def strip(records):
            return sorted(repr(r.model_dump(exclude={"id"})) for r in records.values())
        assert strip(again) == strip(original)
        assert "online-booking-check-2023-01-03-registration" in again


def test_template_has_lists_date_format_and_zh_tw_instructions(workdir):
    run("template", "--format", "xlsx", "--lang", "zh-TW", "-o", "t.xlsx")
    book = openpyxl.load_workbook("t.xlsx")
    assert book.sheetnames == ["說明", "工作紀錄", "清單"]
    assert book["清單"].sheet_state == "hidden"
    sheet = book["工作紀錄"]
    assert [c.value for c in sheet[1]] == ["編號", "日期", "工作項目", "課室", "承辦人", "時數", "對應期間",
                                          "文號", "附件", "連結", "備註"]
    ranges = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    bundle = plan()
    sizes = [len(bundle.activities), len(bundle.units), len(bundle.staff)]
    assert ranges == {"C2:C1001": f"'清單'!$A$2:$A${sizes[0] + 1}", "D2:D1001": f"'清單'!$B$2:$B${sizes[1] + 1}",
                      "E2:E1001": f"'清單'!$C$2:$C${sizes[2] + 1}"}
    lists = book["清單"]
    assert lists["A2"].value == "計畫訂定及各課重點" or lists["A2"].value  # the plan's first activity
    assert lists["B3"].value == "戶籍資料課" and lists["C2"].value == "S01"
    assert sheet.column_dimensions["B"].number_format == "yyyy/mm/dd"
    text = "\n".join(str(r[0].value or "") for r in book["說明"].iter_rows())
    assert "112年度提升服務品質執行計畫" in text and "compliance import" in text
    # Chinese throughout; Latin letters only where a clerk types them (command, ids, examples)
    typed = {"compliance", "import", "check", "xlsx", "online-booking-check", "registration", "S08",
             "training-0310-a", "Q2", "H1"}
    assert set(re.findall(r"[A-Za-z][A-Za-z0-9-]*", text)) <= typed


def test_ods_template_has_validations_and_imports_cleanly(workdir):
    run("template", "--format", "ods", "--lang", "zh-TW", "-o", "t.ods")
    validate_odf("t.ods")
    content = zipfile.ZipFile("t.ods").read("content.xml").decode("utf-8")
    last = len(plan().activities) + 1
    assert f"of:cell-content-is-in-list([$'清單'.$A$2:$A${last}])" in content
    assert 'table:content-validation-name="list-activity"' in content
    assert 'table:display="false"' in Path("t.ods").read_bytes().decode("utf-8", "replace") or \
        'table:display="false"' in content
    result = run("import", "t.ods", "--lang", "en")
    assert "0 rows read, 0 records added" in result.stdout


# (A tab or carriage return at the start is neutralised too, see test_export_neutralises_tabs, but
# import trims cell text, so those two cannot round-trip.)
DANGEROUS = ["=HYPERLINK(\"http://evil\",\"x\")", "+1+1", "-2+3", "@SUM(A1)"]


def _add_dangerous_notes():
    lines = ["records:"]
    for i, note in enumerate(DANGEROUS):
        escaped = note.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")
        lines.append(f'  - {{id: danger-{i}, activity: online-booking-check, date: 2023-12-2{i}, '
                     f'note: "{escaped}"}}')
    Path("plan_data/records-danger.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize("fmt", ["xlsx", "ods", "csv"])
def test_export_then_import_loses_nothing(workdir, fmt):
    _add_dangerous_notes()
    run("export", "records", "--format", fmt, "--lang", "zh-TW", "-o", f"out.{fmt}")
    before = {p: p.read_bytes() for p in Path("plan_data").glob("*.yaml")}
    total = len([r for r in plan().records if not r.startswith("meeting:")])
    result = run("import", f"out.{fmt}", "--lang", "en")
    assert f"{total} rows read, 0 records added, {total} unchanged, 0 conflicts" in result.stdout
    assert before == {p: p.read_bytes() for p in Path("plan_data").glob("*.yaml")}


def test_export_writes_formula_like_text_as_text(workdir):
    _add_dangerous_notes()
    run("export", "records", "--format", "xlsx", "-o", "out.xlsx")
    run("export", "records", "--format", "ods", "-o", "out.ods")
    run("export", "records", "--format", "csv", "-o", "out.csv")
    sheet_xml = zipfile.ZipFile("out.xlsx").read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet_xml and b"<f " not in sheet_xml
    notes = {c.value for row in openpyxl.load_workbook("out.xlsx").worksheets[0].iter_rows() for c in row
             if c.data_type == "s"}
    assert set(DANGEROUS) <= notes
    assert b"table:formula" not in zipfile.ZipFile("out.ods").read("content.xml")
    validate_odf("out.ods")
    rows = list(csv.reader(io.StringIO(Path("out.csv").read_text(encoding="utf-8-sig"))))
    cells = {c for row in rows for c in row}
    assert {"'" + d for d in DANGEROUS} <= cells and not set(DANGEROUS) & cells


def test_export_csv_to_standard_output(workdir):
    result = run("export", "records", "--format", "csv", "--lang", "en")
    first = result.stdout_bytes.decode("utf-8-sig").splitlines()[0]
    assert first == "id,date,activity,unit,staff,hours,period,doc_no,file,url,note"


def test_export_neutralises_tabs_and_carriage_returns():
    from compliance.intake.workbook import _csv_cell, _dangerous

    assert _csv_cell("\tcmd") == "'\tcmd" and _csv_cell("\rcmd") == "'\rcmd"
    assert _dangerous("\tx") and _dangerous("\rx") and not _dangerous("a=b") and not _dangerous(3)


@pytest.mark.parametrize("fmt", ["xlsx", "ods", "csv"])
def test_cases_and_declared_numbers_export_and_import_without_loss(plan113, fmt):
    """Issue 14's record fields in the sheet: a 案件 column when a rule tracks cases, a column
    per declared number (by its title), and both read back as they were written."""
    bundle = load_bundle(Path("rules"), Path("plan_data"))
    assert any(r.case for r in bundle.records.values()) and any(r.values for r in bundle.records.values())
    run("export", "records", "--format", fmt, "--lang", "zh-TW", "-o", f"out.{fmt}")
    if fmt == "xlsx":
        headers = [c.value for c in openpyxl.load_workbook("out.xlsx")["工作紀錄"][1]]
        assert headers[headers.index("對應期間") + 1] == "案件" and headers[-1] == "抽查件數"
    before = {p: p.read_bytes() for p in Path("plan_data").glob("*.yaml")}
    total = len([r for r in bundle.records if not r.startswith("meeting:")])
    result = run("import", f"out.{fmt}", "--lang", "en")
    assert f"{total} rows read, 0 records added, {total} unchanged, 0 conflicts" in result.stdout
    assert before == {p: p.read_bytes() for p in Path("plan_data").glob("*.yaml")}


def test_a_filled_template_adds_case_follow_ups_and_counts(plan113):
    run("template", "--format", "xlsx", "--lang", "zh-TW", "-o", "t.xlsx")
    headers = [c.value for c in openpyxl.load_workbook("t.xlsx")["工作紀錄"][1]]
    assert "案件" in headers and "抽查件數" in headers
    row = dict.fromkeys(headers)
    follow_up = {**row, "日期": "113/03/15", "工作項目": "complaint-tracking", "課室": "admin",
                 "案件": "complaint-1"}
    audit = {**row, "日期": "113/03/20", "工作項目": "case-audit", "課室": "registration", "抽查件數": 15}
    fill(Path("t.xlsx"), [list(follow_up.values()), list(audit.values())], Path("filled.xlsx"))
    run("import", "filled.xlsx", "--lang", "en")
    records = load_bundle(Path("rules"), Path("plan_data")).records
    assert records["complaint-tracking-2024-03-15-admin-complaint-1"].case == "complaint-1"
    assert records["case-audit-2024-03-20-registration"].values == {"cases": 15}


def test_a_bad_count_is_a_problem_at_its_cell_named_by_its_title(plan113):
    Path("log.csv").write_text("日期,工作項目,課室,抽查件數\n113/03/20,case-audit,registration,很多\n",
                               encoding="utf-8")
    result = CliRunner().invoke(main, ["import", "log.csv", "--lang", "zh-TW"])
    assert result.exit_code == 2
    assert "log.csv:D2: 抽查件數: 「很多」不是 0 到 1,000,000 之間的數字" in result.stderr


def test_a_changed_count_is_a_conflict_that_names_the_field(plan113):
    """A row whose declared number differs from the plan's record is a conflict (named,
    never written over), like any other field."""
    Path("log.csv").write_text("編號,日期,工作項目,課室,抽查件數\n"
                               "case-audit-2024-01,113/01/23,case-audit,registration,13\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["import", "log.csv", "--lang", "zh-TW"])
    assert result.exit_code == 2
    assert "內容不同（抽查件數「12」→「13」）" in result.stderr


def test_a_mapping_to_a_number_the_plan_does_not_declare_is_a_problem_at_its_header(plan113):
    Path("map.yaml").write_text("columns:\n  查核數: values.pages\n  件數: values.cases\n", encoding="utf-8")
    Path("log.csv").write_text("日期,工作項目,課室,查核數,件數\n113/03/20,case-audit,registration,3,15\n",
                               encoding="utf-8")
    result = CliRunner().invoke(main, ["import", "log.csv", "--mapping", "map.yaml", "--lang", "en"])
    assert result.exit_code == 2
    assert "log.csv:D1: 查核數: the plan data declares no number 'pages'; declared: cases" in result.stderr
    Path("map.yaml").write_text("columns:\n  件數: values.cases\n  查核數: null\n", encoding="utf-8")
    run("import", "log.csv", "--mapping", "map.yaml", "--lang", "en")
    assert load_bundle(Path("rules"), Path("plan_data")).records[
        "case-audit-2024-03-20-registration"].values == {"cases": 15}
