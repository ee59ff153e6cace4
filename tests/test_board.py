"""The board (管制表): the grid as data, the HTML page's contract and safety, the CLI, the
ODS spreadsheet. The page in a real browser is tested in test_board_browser.py."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import hashlib
import io
import re
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

import pytest
import yaml
from _board import expected_cells, first_violation, json_report, leaf_statuses, parse_cells, run

from compliance.board import AFTER, BEFORE, build
from compliance.evaluate import evaluate
from compliance.findings import STATUSES, Evaluation
from compliance.ownership import owner
from compliance.report import board_html, board_ods
from compliance.report.board_view import SYMBOL, column_label, safe_href

JUNE = dt.date(2023, 6, 30)


@pytest.fixture(scope="module")
def june(bundle):
    return evaluate(bundle, JUNE)


def page(*args: str) -> str:
    result = run("board", *args)
    assert result.exit_code == 0, result.output
    return result.stdout


# --- the grid as data --------------------------------------------------------------------


def test_every_finding_sits_once_in_the_cell_of_its_owner_rule_entity_and_due_month(bundle, june):
    board = build(bundle, june)
    placed = []
    for unit in board.units:
        for row in unit.rows:
            for leaf in row.children or (row,):
                for key, cell in leaf.cells.items():
                    for f in cell.findings:
                        assert owner(bundle, f) == unit.unit
                        assert f.entity == leaf.entity or (leaf.entity is None and f.entity is None)
                        assert key == (AFTER if f.due > bundle.plan.last_day else
                                       BEFORE if f.due < bundle.plan.first_day else f.due.strftime("%Y-%m"))
                        placed.append(f.key)
    assert sorted(placed) == sorted(f.key for f in june.findings)


def test_a_cell_shows_its_worst_status_and_summary_rows_cover_their_entities(bundle, june):
    board = build(bundle, june)
    cells = [c for u in board.units for r in u.rows for c in r.cells.values()]
    mixed = [c for c in cells if len({f.status for f in c.findings}) > 1]
    assert mixed  # the daily and weekly obligations mix statuses within a month
    for cell in mixed:
        assert cell.status == min((f.status for f in cell.findings), key=STATUSES.index)
    records = next(u for u in board.units if u.unit == "records")
    staff = next(r for r in records.rows if r.rule.id == "env-education-staff-hours")
    assert {c.entity for c in staff.children} == {s.id for s in bundle.staff.values() if s.unit == "records"}
    assert len(staff.cells["2023-12"].findings) == len(staff.children)


def test_periods_due_after_the_year_go_to_the_after_column_from_their_due_date(bundle, june):
    # Not a list of rules: any finding whose due date is past the plan year lands there.
    moved = [dataclasses.replace(f, due=dt.date(2024, 1, 31)) if f.rule == "moi-annual-reports" else f
             for f in june.findings]
    board = build(bundle, Evaluation(JUNE, moved))
    row = next(r for u in board.units for r in u.rows if r.rule.id == "moi-annual-reports")
    assert set(row.cells) == {AFTER} and row.cells[AFTER].month == "2024-01"
    html = board_html.render(bundle, board, "zh-TW")
    assert 'data-rule="moi-annual-reports" data-month="2024-01"' in html
    assert ">113年以後</th>" in html


def test_unit_selection_and_today_column(bundle, june):
    board = build(bundle, june, ["records"])
    assert [u.unit for u in board.units] == ["records"] and board.today == "2023-06"
    assert sum(board.summary.values()) == sum(1 for f in june.findings if owner(bundle, f) == "records")
    assert build(bundle, evaluate(bundle, dt.date(2024, 2, 1))).today == AFTER


def test_a_plan_across_two_years_labels_its_months_with_the_year(bundle, june):
    plan = bundle.plan.model_copy(update={"start": dt.date(2023, 7, 1), "end": dt.date(2024, 6, 30)})
    shifted = dataclasses.replace(bundle, plan=plan)
    board = build(shifted, june)
    labels = [column_label(c, board.columns, "zh-TW") for c in board.columns]
    assert labels[0] == "112年6月以前" and labels[1] == "112年7月" and labels[7] == "113年1月"
    assert labels[-2:] == ["113年6月", "113年7月以後"]
    assert [column_label(c, board.columns, "en") for c in board.columns][-1] == "From Jul 2024"
    before = next(u for u in board.units for r in u.rows if r.rule.id == "moi-monthly-reports")
    row = next(r for r in before.rows if r.rule.id == "moi-monthly-reports")
    assert len(row.cells[BEFORE].findings) == 6  # January to June 2023 fall before this plan


def test_an_annex_row_whose_months_were_lost_is_listed_without_marks(bundle, june):
    item = next(w for w in bundle.work_items.values() if not w.rules)
    lost = item.model_copy(update={"months": None})  # 月份未載: the plan text lost them
    shifted = dataclasses.replace(bundle, work_items={**bundle.work_items, item.id: lost})
    board = build(shifted, june)
    html = board_html.render(shifted, board, "zh-TW")
    row = re.search(rf'<tr [^>]*data-item="{item.id}".*?</tr>', html).group(0)
    assert "（月份未載）" in row and 'data-status="by-hand"' not in row
    sheet = board_ods.render(shifted, board, "zh-TW")
    assert "（月份未載）" in zipfile.ZipFile(io.BytesIO(sheet)).read("content.xml").decode()


def test_annex_rows_without_a_rule_are_listed_by_hand_per_unit(bundle, june):
    board = build(bundle, june)
    by_hand = {w.id for u in board.units for w in u.by_hand}
    assert by_hand == {w.id for w in bundle.work_items.values() if not w.rules}
    assert all(w.unit == u.unit for u in board.units for w in u.by_hand)


# --- the page's contract ---------------------------------------------------------------


def test_cells_agree_with_the_json_report_for_every_status(workdir):
    html = page("--as-of", "2023-06-30", "--lang", "en")
    cells = parse_cells(html)
    expected = expected_cells(json_report("2023-06-30"), dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    assert leaf_statuses(cells) == expected
    assert expected["violation"] and expected["satisfied"] and expected["upcoming"]
    for c in cells.cells:
        assert re.fullmatch(r"\d{4}-\d{2}", c["data-month"]), c
        assert ("data-rule" in c) != ("data-item" in c), c
        assert c["data-status"] in (*SYMBOL, "none", "by-hand"), c


def test_zh_tw_page_speaks_chinese_with_roc_dates(workdir):
    html = page("--as-of", "112/06/30", "--lang", "zh-TW")
    text = re.sub(r"<(style|script)>.*?</\1>", "", html, flags=re.DOTALL)
    text = re.sub(r"<code>.*?</code>|<[^>]+>", " ", text)  # ids (in <code>) are typed, not read
    assert "檢核基準日：112年6月30日" in text and "6月" in text and "113年以後" in text
    assert not re.search(r"(?<![\w-])\d{4}-\d{2}-\d{2}(?![\w-])", text)  # no ISO date is read
    assert "violation" not in text and "Overdue" not in text
    assert "期限 112/05/" in text


def test_full_year_page_is_under_one_megabyte(workdir):
    html = page("--as-of", "plan-end", "--lang", "zh-TW")
    assert html.count('data-rule="online-booking-daily-check"') >= 13
    assert len(html.encode("utf-8")) < 1_000_000


def test_csp_allows_exactly_the_inline_style_and_script_and_no_handlers(workdir):
    html = page("--as-of", "2023-06-30")
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1)
    digest = lambda s: base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()
    style = re.search(r"<style>(.*?)</style>", html, re.DOTALL).group(1)
    script = re.search(r"<script>(.*?)</script>", html, re.DOTALL).group(1)
    assert f"script-src 'sha256-{digest(script)}'" in csp
    assert f"style-src 'sha256-{digest(style)}'" in csp
    assert "default-src 'none'" in csp and "unsafe" not in csp
    assert not re.search(r"\son[a-z]+\s*=", html) and " style=" not in html
    assert html.count("<script") == 1 and "src=" not in html


HOSTILE = '"><img src=x onerror=alert(1)><script>alert(2)</script>'


def make_hostile(root: Path) -> None:
    """A record note, evidence, a document title and a unit name holding markup."""
    path = root / "plan_data" / "records.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["records"].append({"id": "hostile-1", "activity": "population-monthly-report",
                            "date": "2023-06-28", "note": HOSTILE,
                            "evidence": {"doc_no": HOSTILE, "file": HOSTILE, "url": "javascript:alert(3)"}})
    data["records"].append({"id": "hostile-2", "activity": "website-update", "date": "2023-06-20",
                            "evidence": {"url": "https://example.org/a?b=1&c=\"2\"", "file": "scans/x y.pdf"}})
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    docs = root / "plan_data" / "documents.yaml"
    data = yaml.safe_load(docs.read_text(encoding="utf-8"))
    data["documents"].append({"id": "hostile-doc", "title": HOSTILE, "format": "docx", "editable": True,
                              "published": "2023-03-01", "url": "javascript:alert(4)"})
    docs.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    plan = root / "plan_data" / "plan.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("zh-TW: 戶籍資料課", "zh-TW: 戶籍資料課" + "<b>x</b>"),
                    encoding="utf-8")


def test_hostile_values_show_as_text_and_only_http_or_relative_links(workdir):
    make_hostile(workdir)
    html = page("--as-of", "2023-06-30", "--lang", "zh-TW")
    assert "hostile-1" in html and "hostile-doc" in html and "<img" not in html and "<b>x" not in html
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;alert(2)&lt;/script&gt;" in html
    assert html.count("<script") == 1 and '<span class="nolink">javascript:alert(3)</span>' in html
    assert not re.search(r'href="\s*javascript', html)
    assert 'href="https://example.org/a?b=1&amp;c=&quot;2&quot;"' in html
    assert 'href="scans/x%20y.pdf"' in html


@pytest.mark.parametrize("value, href", [
    ("https://dahr.gov.taipei/a.pdf", "https://dahr.gov.taipei/a.pdf"),
    ("http://x.test/", "http://x.test/"),
    ("scans/112-05.pdf", "scans/112-05.pdf"),
    ("公文/112年.pdf", "%E5%85%AC%E6%96%87/112%E5%B9%B4.pdf"),
    ("javascript:alert(1)", None), (" JavaScript:alert(1)", None), ("java\tscript:alert(1)", None),
    ("data:text/html,<script>", None), ("file:///etc/passwd", None), ("/etc/passwd", None),
    ("//evil.test/x", None), ("C:\\scans\\a.pdf", None), ("\\\\server\\share", None),
    ("https://", None), ("a\x00b", None), ("", None),
])
def test_safe_href(value, href):
    assert safe_href(value) == href


# --- the command --------------------------------------------------------------------------


def test_board_command_unit_filter_and_exit_codes(workdir):
    html = page("--as-of", "2023-06-30", "--unit", "records", "--lang", "en")
    assert 'data-unit="records"' in html and 'data-unit="registration"' not in html
    by_name = page("--as-of", "2023-06-30", "--unit", "戶籍資料課", "--lang", "en")
    assert 'data-unit="records"' in by_name and 'data-unit="admin"' not in by_name
    bad = run("board", "--as-of", "2023-06-30", "--unit", "nowhere")
    assert bad.exit_code == 2 and "unknown unit" in bad.output
    assert run("board", "--as-of", "2023-13-01").exit_code == 2
    out = workdir / "out" / "board.html"
    ok = run("board", "--as-of", "plan-end", "-o", str(out))  # findings do not make it fail
    assert ok.exit_code == 0 and out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


# --- ODS ------------------------------------------------------------------------------------


def validate_odf(data: bytes) -> None:
    from _standards import validate_odf as validate

    validate(io.BytesIO(data))


def ods(*args: str) -> bytes:
    result = run("board", "--format", "ods", *args)
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


def test_ods_is_valid_odf_and_reads_back_to_the_pages_grid(workdir):
    from python_calamine import CalamineWorkbook

    data = ods("--as-of", "2023-06-30", "--lang", "zh-TW")
    validate_odf(data)
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    assert book.sheet_names == ["戶籍登記課", "戶籍資料課", "行政庶務課", "統計"]
    status_of = {symbol: status for status, symbol in SYMBOL.items()}
    html_rows = [[c["data-status"] for c in row] for row in parse_cells(page("--as-of", "2023-06-30")).rows
                 if row and "data-rule" in row[0]]
    ods_rows = []
    for name in book.sheet_names[:-1]:
        for values in book.get_sheet_by_name(name).to_python()[2:]:
            if values[1] == "人工管制（無對應規則）":
                continue
            ods_rows.append([status_of[v.split()[0]] if v else "none" for v in values[2:]])
    assert ods_rows == html_rows
    summary = book.get_sheet_by_name("統計").to_python()
    totals = dict(zip(summary[2][1:], summary[-1][1:]))
    report = json_report("2023-06-30")
    assert totals["✗ 逾期未辦"] == report["summary"]["violation"] > 0
    assert totals["合計"] == len(report["findings"])


def test_ods_cells_carry_the_details_as_annotations(workdir, bundle, june):
    data = ods("--as-of", "2023-06-30", "--lang", "zh-TW")
    content = zipfile.ZipFile(io.BytesIO(data)).read("content.xml").decode("utf-8")
    assert content.count("<office:annotation") > 100
    finding = first_violation(json_report("2023-06-30", "zh-TW"), dt.date(2023, 12, 31))
    assert xml_escape(finding["message"]) in content  # what is missing, as every report says it
    # Rows of several entities (staff hours in each unit, documents) fold in Calc.
    folding = [r for u in build(bundle, june).units for r in u.rows if r.children]
    assert len(folding) >= 3 and content.count("<table:table-row-group") == len(folding)


def test_ods_escapes_hostile_values(workdir):
    make_hostile(workdir)
    data = ods("--as-of", "2023-06-30")
    validate_odf(data)  # markup in the data stays text: the XML is still valid
    assert b"<img" not in zipfile.ZipFile(io.BytesIO(data)).read("content.xml")


def test_sheet_names_calc_accepts():
    assert board_ods.sheet_name("a/b:c[d]*?'") == "a_b_c_d___"


# --- nightly ---------------------------------------------------------------------------------


def test_nightly_writes_each_plans_board_and_an_index_linking_them(workdir):
    from test_nightly import make_plans

    plans = make_plans(workdir, 2)
    result = run("nightly", "--as-of", "2023-06-30", "--out", "out", "--lang", "zh-TW", *plans)
    assert result.exit_code == 0, result.output
    day = workdir / "out" / "2023-06-30"
    index = (day / "index.html").read_text(encoding="utf-8")
    assert "夜間檢核：112年6月30日" in index and "Content-Security-Policy" in index
    for k in range(2):
        assert f'<a href="plan{k}/board.html">管制表</a>' in index
        assert f"示範戶政事務所{k} 112" in index
        board = (day / f"plan{k}" / "board.html").read_text(encoding="utf-8")
        assert f"示範戶政事務所{k}" in board and 'aria-current="date">6月<' in board
    report = json_report("2023-06-30")
    row = re.search(r'<tr data-plan="plan0">(.*?)</tr>', index).group(1)
    counts = [int(n) for n in re.findall(r"<td[^>]*>(\d+)</td>", row)]
    assert counts[:7] == list(report["summary"].values())
    same = run("board", "--as-of", "2023-06-30", "--lang", "zh-TW", "--plan", "plan0")
    assert same.stdout == (day / "plan0" / "board.html").read_text(encoding="utf-8")  # one page, two ways
    total = 2 * report["summary"]["violation"]  # the same plan twice
    assert f"<td>{total}</td>" in index.split("<tfoot>")[1]


@pytest.mark.slow  # seconds each: CI runs it, the quick loop does not
def test_libreoffice_calc_opens_the_ods_to_the_same_first_sheet(workdir, tmp_path):
    import csv
    import os
    import shutil
    import subprocess

    from python_calamine import CalamineWorkbook

    soffice = shutil.which("soffice")
    calc = Path("/usr/lib/libreoffice/program/libsclo.so")
    if not soffice or not calc.exists():
        if os.environ.get("CI"):
            pytest.fail("CI must have LibreOffice Calc (.ci/run installs libreoffice-calc-nogui)")
        pytest.skip("LibreOffice Calc not installed")
    (workdir / "board.ods").write_bytes(ods("--as-of", "2023-06-30", "--lang", "zh-TW"))
    profile = tmp_path / "lo-profile"
    subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
                    "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(tmp_path),
                    str(workdir / "board.ods")], check=True, capture_output=True, timeout=180)
    with open(tmp_path / "board.csv", encoding="utf-8", newline="") as fh:
        from_calc = list(csv.reader(fh))
    book = CalamineWorkbook.from_path(str(workdir / "board.ods"))
    first = [[str(v) for v in row] for row in book.get_sheet_by_name(book.sheet_names[0]).to_python()]
    assert from_calc[1:] == [row[:len(from_calc[1])] for row in first[1:]]
    assert any(v.split(" ")[0] in SYMBOL.values() for row in from_calc[2:] for v in row if v)


def test_index_lists_plans_worst_first_escaped_with_relative_links():
    from compliance.report import board_index

    counts = dict.fromkeys(SYMBOL, 0)
    plans = [{"plan": "甲所 <b>112</b>", "folder": "2023-06-30/a", "summary": {**counts, "violation": 1},
              "new_violations": 0},
             {"plan": "乙所 112", "folder": "2023-06-30/b", "summary": {**counts, "violation": 5},
              "new_violations": 2}]
    html = board_index.render(dt.date(2023, 6, 30), plans, "zh-TW")
    assert html.index('data-plan="b"') < html.index('data-plan="a"')  # most violations first
    assert "甲所 &lt;b&gt;112&lt;/b&gt;" in html and "<b>112" not in html
    assert '<a href="a/board.html">管制表</a>' in html and "合計（2）" in html


def test_a_cells_details_list_the_worst_period_first(bundle, june):
    from compliance.report.board_view import cell_details

    board = build(bundle, june)
    cells = [c for u in board.units for r in u.rows for c in r.cells.values()]
    # A month whose first period is not its worst: listing by date would bury the worst one.
    buried = [c for c in cells if c.findings[0].status != c.status]
    assert buried
    for cell in buried:
        details = cell_details(bundle, cell, "zh-TW")
        assert details[0].status == cell.status
        assert [d.status for d in details] == sorted((d.status for d in details), key=STATUSES.index)
