"""`compliance import` as a clerk meets it: located problems, nothing half-written,
idempotent re-imports, conflicts, dry runs (CliRunner, in a copy of the bundled plan)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from _sheets import Formula, xlsx
from click.testing import CliRunner

from compliance.cli import main
from compliance.load import load_bundle


def run(*args: str):
    return CliRunner().invoke(main, list(args))


BOOKING = "查閱網路預約申辦系統"
RECORDS = Path("plan_data/records.yaml")


def good_rows():
    return [
        [None, dt.date(2023, 12, 27), BOOKING, "戶籍登記課", "S08"],
        [None, "112/12/28", "online-booking-check", "registration", "S09", None, None,
         "北市安戶登字第1126001234號", None, None, "=HYPERLINK(\"http://x\")"],
        ["extra-training-a", "112年12月29日", "Check of the online booking system", "Registration Section",
         "S10", 2, "112-12", None, r"\\fs\booking\1229.pdf", "https://example.org/a", "補登"],
    ]


def test_import_adds_records_and_a_second_import_adds_nothing(workdir):
    book = xlsx(workdir / "記錄表.xlsx", good_rows())
    first = run("import", str(book.name), "--lang", "zh-TW")
    assert first.exit_code == 0, first.output
    assert "讀取 3 列，新增 3 筆，未變更 0 筆，衝突 0 筆" in first.stdout
    bundle = load_bundle(Path("rules"), Path("plan_data"))
    rec = bundle.records["online-booking-check-2023-12-27-registration-s08"]
    assert rec.date == dt.date(2023, 12, 27) and rec.unit == "registration" and rec.staff == "S08"
    third = bundle.records["extra-training-a"]
    assert third.hours == 2 and third.period == "2023-12"
    assert third.evidence.file == r"\\fs\booking\1229.pdf" and third.evidence.url == "https://example.org/a"
    second_rec = bundle.records["online-booking-check-2023-12-28-registration-s09"]
    assert second_rec.note == "=HYPERLINK(\"http://x\")"  # kept as text, never evaluated
    before = RECORDS.read_bytes()
    again = run("import", str(book.name), "--lang", "en")
    assert again.exit_code == 0, again.output
    assert "3 rows read, 0 records added, 3 unchanged, 0 conflicts" in again.stdout
    assert RECORDS.read_bytes() == before


def test_import_keeps_the_records_file_byte_for_byte_and_appends(workdir):
    before = RECORDS.read_text(encoding="utf-8")
    xlsx(workdir / "a.xlsx", good_rows()[:1])
    assert run("import", "a.xlsx").exit_code == 0
    after = RECORDS.read_text(encoding="utf-8")
    assert after.startswith(before)
    # records.yaml ends with one-line records, so the new one is written the same way
    assert after[len(before):] == ("  # imported from a.xlsx\n"
                                   "  - {id: online-booking-check-2023-12-27-registration-s08, "
                                   "activity: online-booking-check, date: 2023-12-27, unit: registration, "
                                   "staff: S08}\n")


def test_bad_cells_are_all_reported_at_their_cells_and_nothing_is_written(workdir):
    rows = [
        [None, "112/02/30", BOOKING, "戶籍資料", "S99"],
        [None, None, "查閱網路預約系統", None, None, "many"],
        ["Bad ID!", "2023-03-11", BOOKING, None, None, None, "someday!"],
        [None, dt.datetime(2023, 3, 12, 9, 30), BOOKING],
    ]
    xlsx(workdir / "記錄表.xlsx", rows)
    before = RECORDS.read_bytes()
    zh = run("import", "記錄表.xlsx", "--lang", "zh-TW")
    assert zh.exit_code == 2
    assert RECORDS.read_bytes() == before
    lines = zh.stderr.splitlines()
    assert lines == [
        "記錄表.xlsx:工作紀錄!B2: 日期: 112/02/30 不是有效日期",
        "記錄表.xlsx:工作紀錄!D2: 課室: 不明的課室「戶籍資料」；是否為「戶籍資料課」？",
        "記錄表.xlsx:工作紀錄!E2: 承辦人: 不明的承辦人「S99」；是否為「S09」？",
        "記錄表.xlsx:工作紀錄!B3: 日期: 必填，不可空白",
        "記錄表.xlsx:工作紀錄!C3: 工作項目: 不明的工作項目「查閱網路預約系統」；是否為「查閱網路預約申辦系統」？",
        "記錄表.xlsx:工作紀錄!F3: 時數: 「many」不是 0 到 1000 之間的時數",
        "記錄表.xlsx:工作紀錄!A4: 編號: 「Bad ID!」不能當作編號（只能用小寫英數字與連字號，最長 80 字）",
        "記錄表.xlsx:工作紀錄!G4: 對應期間: 「someday!」不是期間（例如 2023-06、112-06、2023-Q2、2023-W20）或記錄編號",
        "記錄表.xlsx:工作紀錄!B5: 日期: 2023-03-12 09:30:00 含有時間；請只填日期",
        "共 9 個問題；未寫入任何檔案。",
    ]
    en = run("import", "記錄表.xlsx", "--lang", "en")
    assert en.exit_code == 2
    assert "記錄表.xlsx:工作紀錄!B2: date: 112/02/30 is not a valid date" in en.stderr
    assert "記錄表.xlsx:工作紀錄!B3: date: required, but empty" in en.stderr
    assert en.stderr.splitlines()[-1] == "9 problem(s) found; nothing was written."


def test_changed_row_is_a_conflict_never_overwritten(workdir):
    rows = [["booking-note", "2023-12-27", BOOKING, "戶籍登記課", None, None, None, None, None, None, "初次"]]
    xlsx(workdir / "a.xlsx", rows)
    assert run("import", "a.xlsx").exit_code == 0
    before = RECORDS.read_bytes()
    rows[0][-1] = "改過的備註"
    xlsx(workdir / "a.xlsx", rows)
    result = run("import", "a.xlsx", "--lang", "zh-TW")
    assert result.exit_code == 2
    assert RECORDS.read_bytes() == before
    (line,) = [x for x in result.stderr.splitlines() if x.startswith("a.xlsx")]
    assert line.startswith("a.xlsx:工作紀錄!2:2: 編號: 編號 booking-note 已匯入於 plan_data/records.yaml:")
    assert "（備註「初次」→「改過的備註」）" in line
    assert result.stderr.splitlines()[-1] == "共 1 個問題，其中衝突 1 筆；未寫入任何檔案。"


def test_two_rows_for_the_same_record_must_be_told_apart(workdir):
    rows = [[None, "2023-12-27", BOOKING, "戶籍登記課"], [None, "112/12/27", BOOKING, "戶籍登記課"]]
    xlsx(workdir / "a.xlsx", rows)
    result = run("import", "a.xlsx", "--lang", "en")
    assert result.exit_code == 2
    assert ("a.xlsx:工作紀錄!3:3: id: the same record as a.xlsx:工作紀錄!2:2 "
            "(id online-booking-check-2023-12-27-registration)") in result.stderr


def test_dry_run_shows_the_change_and_writes_nothing(workdir):
    xlsx(workdir / "a.xlsx", good_rows()[:1])
    before = RECORDS.read_bytes()
    result = run("import", "a.xlsx", "--dry-run", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert RECORDS.read_bytes() == before
    assert "+  - {id: online-booking-check-2023-12-27-registration-s08, " in result.stdout
    assert "dry run: 1 records would be added to plan_data/records.yaml; nothing was written" in result.stdout


def test_into_another_file_of_the_plan_and_only_there(workdir):
    xlsx(workdir / "a.xlsx", good_rows()[:1])
    result = run("import", "a.xlsx", "--into", "plan_data/records-imported.yaml")
    assert result.exit_code == 0, result.output
    assert "records:\n  # imported from a.xlsx\n" in Path("plan_data/records-imported.yaml").read_text("utf-8")
    outside = run("import", "a.xlsx", "--into", "elsewhere.yaml")
    assert outside.exit_code == 2 and "--into" in outside.output


def test_mapping_file_names_columns_and_gives_defaults(workdir):
    Path("map.yaml").write_text("columns:\n  查核日: date\n  序號: null\n"
                                "defaults:\n  activity: 查閱網路預約申辦系統\n  unit: registration\n",
                                encoding="utf-8")
    xlsx(workdir / "log.xlsx", [[1, "112/12/27", "S08"], [2, "112/12/28", "S09"]], sheet="每日查閱",
         header=["序號", "查核日", "承辦人"])
    without = run("import", "log.xlsx", "--lang", "en")
    assert without.exit_code == 2 and "no header row" in without.stderr
    result = run("import", "log.xlsx", "--mapping", "map.yaml", "--lang", "en")
    assert result.exit_code == 0, result.output
    records = load_bundle(Path("rules"), Path("plan_data")).records
    assert records["online-booking-check-2023-12-28-registration-s09"].unit == "registration"


def test_bad_mapping_file_is_located(workdir):
    Path("map.yaml").write_text("columns:\n  查核日: when\n", encoding="utf-8")
    xlsx(workdir / "log.xlsx", [])
    result = run("import", "log.xlsx", "--mapping", "map.yaml")
    assert result.exit_code == 2
    assert "map.yaml:2:8: columns.查核日: unknown field 'when'" in result.stderr


def test_extra_sheets_hidden_rows_merged_cells_and_missing_columns(workdir):
    xlsx(workdir / "a.xlsx", [[None, "2023-12-27", BOOKING], [None, "2023-12-28", BOOKING]], hidden=(3,),
         merged=("K1:L1",), extra={"統計": [["合計", 3]], "說明": [["template notes are skipped"]]})
    result = run("import", "a.xlsx", "--lang", "zh-TW")
    assert result.exit_code == 2
    err = result.stderr
    assert "a.xlsx:工作紀錄!K1: 標題列有合併儲存格（K1:L1）；請取消合併，每欄一個標題" in err
    assert "a.xlsx:工作紀錄!3:3: 這一列被隱藏；請取消隱藏或刪除（隱藏的列不會被默默匯入）" in err
    assert "a.xlsx:統計: 工作表有內容，但前 10 列找不到標題列" in err
    assert "a.xlsx:說明" not in err
    only = run("import", "a.xlsx", "--sheet", "統計", "--lang", "en")
    assert only.exit_code == 2 and "a.xlsx:統計: the sheet has content but no header row" in only.stderr
    xlsx(workdir / "m.xlsx", [[None, "2023-12-27", BOOKING]], merged=("A1:B1",))  # 日期 merged away
    merged = run("import", "m.xlsx", "--lang", "en")
    assert "m.xlsx:工作紀錄!A1: merged cells in the header row (A1:B1)" in merged.stderr
    xlsx(workdir / "b.xlsx", [["2023-12-27"]], header=["日期", "備註"])
    missing = run("import", "b.xlsx", "--lang", "zh-TW")
    assert missing.stderr.splitlines()[0] == "b.xlsx:工作紀錄!1:1: 工作項目: 缺少「工作項目」欄"
    assert len(missing.stderr.splitlines()) == 2  # the problem and the count, no row noise
    xlsx(workdir / "c.xlsx", [["x", "2023-12-27", BOOKING]], header=["", "日期", "工作項目"])
    unheaded = run("import", "c.xlsx", "--lang", "en")
    assert "c.xlsx:工作紀錄!A2: this column has data but no header" in unheaded.stderr


def test_formula_cells_use_their_saved_value_and_are_reported(workdir):
    book = xlsx(workdir / "a.xlsx", [[None, "2023-12-27", BOOKING, None, None, None, None, None, None, None,
                                      Formula("=1+1")]])
    result = run("import", book.name, "--lang", "zh-TW")
    assert result.exit_code == 0, result.output
    assert "a.xlsx:工作紀錄!K2: 這格是公式但沒有儲存的值" in result.stderr


def test_unusable_files_exit_2_with_a_message(workdir):
    Path("macro.xlsm").write_bytes(b"PK\x03\x04")
    Path("report.xlsx").write_bytes(b"%PDF-1.4 not a workbook")
    Path("notes.txt").write_text("x", encoding="utf-8")
    result = run("import", "macro.xlsm", "report.xlsx", "notes.txt", "missing.xlsx", "--lang", "en")
    assert result.exit_code == 2
    err = result.stderr
    assert "macro.xlsm: '.xlsm' files may hold macros and are refused for safety" in err
    assert "report.xlsx: the extension is .xlsx but the content is not a XLSX file (PDF)" in err
    assert "notes.txt: unsupported file type '.txt'" in err
    assert "missing.xlsx: file not found" in err


def test_a_broken_records_file_is_reported_not_overwritten(workdir):
    RECORDS.write_text("records:\n  - {id: x\n", encoding="utf-8")
    xlsx(workdir / "a.xlsx", good_rows()[:1])
    result = run("import", "a.xlsx")
    assert result.exit_code == 2
    assert RECORDS.read_text(encoding="utf-8") == "records:\n  - {id: x\n"


def test_write_failures_exit_4_never_1(workdir, monkeypatch):
    Path("a-file").write_text("x", encoding="utf-8")
    result = run("template", "-o", "a-file/t.xlsx")
    assert result.exit_code == 4 and "a-file" in result.stderr
    xlsx(workdir / "a.xlsx", good_rows()[:1])

    def refuse(target, payload):  # the disk fills while the new records file is staged
        raise OSError(28, "No space left on device", str(target.real))

    before = (workdir / "plan_data" / "records.yaml").read_bytes()
    monkeypatch.setattr("compliance.atomic._stage", refuse)
    failed = run("import", "a.xlsx")
    assert failed.exit_code == 4
    assert "records.yaml" in failed.stderr and "No space left on device" in failed.stderr
    assert (workdir / "plan_data" / "records.yaml").read_bytes() == before


def test_into_a_subfolder_is_refused_as_the_loader_would_not_read_it(workdir):
    xlsx(workdir / "a.xlsx", good_rows()[:1])
    result = run("import", "a.xlsx", "--into", "plan_data/sub/records.yaml")
    assert result.exit_code == 2


def test_a_hidden_sheet_of_records_is_reported_other_hidden_sheets_are_not(workdir):
    import openpyxl

    xlsx(workdir / "a.xlsx", [[None, "2023-12-27", BOOKING]],
         extra={"舊紀錄": [["日期", "工作項目"], ["2023-12-28", BOOKING]], "計算": [["x", 1]]})
    book = openpyxl.load_workbook("a.xlsx")
    book["舊紀錄"].sheet_state = "hidden"
    book["計算"].sheet_state = "hidden"
    book.save("a.xlsx")
    result = run("import", "a.xlsx", "--lang", "zh-TW")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[:-1] == [
        "a.xlsx:舊紀錄: 這個工作表被隱藏，卻有記錄的標題列；請取消隱藏，或用 --sheet 指定匯入"]
    chosen = run("import", "a.xlsx", "--sheet", "舊紀錄", "--lang", "en")
    assert chosen.exit_code == 0, chosen.output
    assert "a.xlsx:舊紀錄: 1 rows read, 1 records added" in chosen.stdout


def test_ods_hidden_rows_merged_cells_and_formulas_are_found(workdir):
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import CoveredTableCell, Table, TableCell, TableRow
    from odf.text import P

    def cell(value, **attrs):
        c = TableCell(valuetype="string", **attrs)
        c.addElement(P(text=value))
        return c

    doc = OpenDocumentSpreadsheet()
    table = Table(name="紀錄")
    rows = [["日期", "工作項目"], ["2023-12-27", BOOKING], ["2023-12-28", BOOKING]]
    for i, values in enumerate(rows):
        row = TableRow(visibility="collapse") if i == 2 else TableRow()
        for value in values:
            row.addElement(cell(value))
        table.addElement(row)
    merged = TableRow()
    merged.addElement(cell("2023-12-29", numbercolumnsspanned=2))
    merged.addElement(CoveredTableCell())
    table.addElement(merged)
    formula = TableRow()
    formula.addElement(cell("2023-12-30"))
    formula.addElement(cell(BOOKING, formula="of:=\"x\""))
    table.addElement(formula)
    doc.spreadsheet.addElement(table)
    doc.save("a.ods")
    result = run("import", "a.ods", "--lang", "en")
    assert result.exit_code == 2
    assert "a.ods:紀錄!3:3: this row is hidden" in result.stderr
    assert "a.ods:紀錄!A4: merged cells among the records (A4:B4)" in result.stderr
    assert f"a.ods:紀錄!B5: this cell is a formula; its saved value '{BOOKING}' was used" in result.stderr


def test_a_large_sheet_reports_progress_and_a_small_one_does_not(workdir, monkeypatch):
    from contextlib import contextmanager

    from compliance.intake import importer
    from compliance.intake.importer import Request, import_files

    monkeypatch.setattr(importer, "PROGRESS_ROWS", 1200)  # a bar from 1,200 rows, ticks of 500

    seen: dict[str, list[int]] = {}

    @contextmanager
    def progress(label, total):
        seen[label] = [total]
        yield seen[label].append

    day = dt.date(2023, 1, 1)
    big = [[f"r-{i}", day + dt.timedelta(days=i % 365), BOOKING] for i in range(1200)]
    xlsx(workdir / "big.xlsx", big)
    xlsx(workdir / "small.xlsx", [[f"s-{i}", day, BOOKING] for i in range(10)])
    bundle = load_bundle(Path("rules"), Path("plan_data"))
    request = Request([Path("big.xlsx"), Path("small.xlsx")], Path("rules"), Path("plan_data"), RECORDS,
                      progress=progress)
    report = import_files(request, bundle)
    assert report.problems == []
    (label,) = seen
    total, *ticks = seen[label]
    assert label == "reading big.xlsx:工作紀錄" and total == 1201
    assert ticks == [500, 500, 201]  # the last tick fills the bar


def test_a_records_file_with_windows_line_endings_keeps_them(workdir):
    Path("plan_data/records-win.yaml").write_bytes(
        "# 由 Windows 記事本存檔\r\nrecords:\r\n  - {id: w-1, activity: online-booking-check, date: 2023-12-20}\r\n"
        .encode())
    xlsx(workdir / "a.xlsx", good_rows()[:1])
    assert run("import", "a.xlsx", "--into", "plan_data/records-win.yaml").exit_code == 0
    data = Path("plan_data/records-win.yaml").read_bytes()
    assert data.startswith("# 由 Windows 記事本存檔\r\nrecords:\r\n".encode())
    assert data.count(b"\r\n") == data.count(b"\n") == 5


def test_a_records_file_changed_during_the_import_is_not_written_over(workdir, monkeypatch):
    from compliance.intake import importer

    real = importer.import_files

    def meanwhile(request, bundle):
        report = real(request, bundle)
        RECORDS.write_text(RECORDS.read_text(encoding="utf-8") + "# edited meanwhile\n", encoding="utf-8")
        return report

    monkeypatch.setattr(importer, "import_files", meanwhile)
    xlsx(workdir / "a.xlsx", good_rows()[:1])
    result = run("import", "a.xlsx", "--lang", "en")
    assert result.exit_code == 4
    assert "plan_data/records.yaml changed while importing" in result.stderr
    assert RECORDS.read_text(encoding="utf-8").endswith("# edited meanwhile\n")


def test_a_bad_mapping_file_is_reported_in_chinese_too(workdir):
    Path("map.yaml").write_text("columns:\n  查核日: when\n", encoding="utf-8")
    xlsx(workdir / "log.xlsx", [])
    result = run("import", "log.xlsx", "--mapping", "map.yaml", "--lang", "zh-TW")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "map.yaml:2:8: columns.查核日: 不明的欄位「when」；可用：id, date, activity, unit, staff, hours, "
        "period, case, doc_no, file, url, link, note, values.<id> 或 null",
        "共 1 個問題；未寫入任何檔案。"]
