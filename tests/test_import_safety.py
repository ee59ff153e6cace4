"""Untrusted workbooks: refused by what they are, not what they are called, quickly and
in bounded memory; values are read, nothing is run."""

from __future__ import annotations

import tracemalloc
import zipfile
from pathlib import Path

import pytest
from _sheets import csv_bytes, xlsx

from compliance.intake import guard
from compliance.intake.read import read_workbook

_WORKBOOK = (b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://'
             b'schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" '
             b'r:id="rId1"/></sheets></workbook>')
_RELS = (b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship '
         b'Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
         b'Target="worksheets/sheet1.xml"/></Relationships>')


def handmade_xlsx(path: Path, sheet_chunks, extra: dict[str, bytes] | None = None) -> Path:
    """An xlsx skeleton whose sheet XML is streamed from ``sheet_chunks``."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", _WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", _RELS)
        with zf.open("xl/worksheets/sheet1.xml", "w") as fh:
            for chunk in sheet_chunks:
                fh.write(chunk)
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return path


def refused(path: Path) -> guard.Refused:
    tracemalloc.start()
    try:
        with pytest.raises(guard.Refused) as info:
            read_workbook(path, path.name)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 * 1024 * 1024, f"refusing took {peak / 1e6:.0f} MB"
    return info.value


@pytest.mark.slow  # seconds each: CI runs it, the quick loop does not
def test_zip_bomb_is_refused_in_bounded_memory(tmp_path):
    cells = (b"<c/>" * (1 << 18) for _ in range(100))  # 100 MB of empty cells, ~100 KB compressed
    path = handmade_xlsx(tmp_path / "bomb.xlsx", [b"<worksheet><sheetData><row>", *cells])
    assert path.stat().st_size < 2_000_000
    assert refused(path).key == "zip_bomb"


def test_bomb_in_an_entry_no_sheet_uses_is_refused_too(tmp_path):
    path = handmade_xlsx(tmp_path / "bomb.xlsx", [b"<worksheet><sheetData/></worksheet>"],
                         extra={"xl/media/image1.png": b"\0" * (30 << 20)})
    assert refused(path).key == "zip_bomb"


@pytest.mark.slow  # seconds each: CI runs it, the quick loop does not
def test_a_million_empty_rows_are_refused(tmp_path):
    rows = (b"".join(b'<row r="%d"/>' % i for i in range(start, start + 10_000))
            for start in range(1, 1_000_001, 10_000))
    path = handmade_xlsx(tmp_path / "rows.xlsx", [b"<worksheet><sheetData>", *rows, b"</sheetData></worksheet>"])
    problem = refused(path)
    assert problem.key == "too_many_rows" and problem.params == {"limit": guard.MAX_ROWS}


def _ods(path: Path, table_xml: str) -> Path:
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
               f'<table:table table:name="S">{table_xml}</table:table>'
               '</office:spreadsheet></office:body></office:document-content>')
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", content)
        zf.writestr("META-INF/manifest.xml", '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
                    'opendocument:xmlns:manifest:1.0"/>')
    return path


_HEADER = ('<table:table-row><table:table-cell office:value-type="string"><text:p>日期</text:p>'
           '</table:table-cell><table:table-cell office:value-type="string"><text:p>工作項目</text:p>'
           '</table:table-cell></table:table-row>')


def test_ods_rows_repeated_a_million_times_are_refused_without_expanding_them(tmp_path):
    bomb = ('<table:table-row table:number-rows-repeated="1000000"><table:table-cell '
            'office:value-type="string" table:number-columns-repeated="1000"><text:p>x</text:p>'
            '</table:table-cell></table:table-row>')
    assert refused(_ods(tmp_path / "bomb.ods", _HEADER + bomb)).key == "too_many_rows"


def test_ods_trailing_empty_rows_as_libreoffice_writes_them_are_fine(tmp_path):
    tail = ('<table:table-row table:number-rows-repeated="1048574"><table:table-cell '
            'table:number-columns-repeated="1024"/></table:table-row></table:table>'
            '<table:named-expressions/><table:table table:name="T">')
    book = read_workbook(_ods(tmp_path / "ok.ods", _HEADER + tail), "ok.ods")
    assert [v for _, v in book.sheets[0].rows][:1] == [["日期", "工作項目"]]


def test_ods_with_a_dtd_is_refused(tmp_path):
    path = tmp_path / "dtd.ods"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>')
    assert refused(path).key == "bad_xml"


def test_macros_inside_a_workbook_are_refused(tmp_path):
    path = handmade_xlsx(tmp_path / "m.xlsx", [b"<worksheet/>"], extra={"xl/vbaProject.bin": b"\0" * 10})
    assert refused(path).key == "macro_inside"
    ods = _ods(tmp_path / "m.ods", _HEADER)
    with zipfile.ZipFile(ods, "a") as zf:
        zf.writestr("Basic/Standard/Module1.xml", "<module/>")
    assert refused(ods).key == "macro_inside"


@pytest.mark.parametrize("ext", [".xlsm", ".xlsb", ".xltm", ".xlam"])
def test_macro_formats_are_refused_by_name(tmp_path, ext):
    path = tmp_path / f"a{ext}"
    path.write_bytes(b"PK\x03\x04")
    assert refused(path).key == "macro_ext"


def test_a_file_that_is_not_what_its_extension_says(tmp_path):
    docx = tmp_path / "a.xlsx"
    with zipfile.ZipFile(docx, "w") as zf:
        zf.writestr("word/document.xml", "<w/>")
    assert refused(docx).params["found"] == "DOCX"
    real = xlsx(tmp_path / "real.xlsx", [])
    renamed = tmp_path / "real.ods"
    renamed.write_bytes(real.read_bytes())
    assert refused(renamed).key == "not_kind"
    csv = tmp_path / "real.csv"
    csv.write_bytes(real.read_bytes())
    assert refused(csv).key == "not_kind"
    ole = tmp_path / "old.xlsx"
    ole.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    assert refused(ole).key == "ole2"
    (tmp_path / "n.csv").write_bytes(b"a,b\x00c")
    assert refused(tmp_path / "n.csv").key == "binary_csv"


def test_csv_in_utf8_with_bom_and_in_big5(tmp_path):
    text = csv_bytes([["", "112/03/10", "查閱網路預約申辦系統", "戶籍登記課"]])
    for name, data in (("plain.csv", text.encode("utf-8")), ("bom.csv", b"\xef\xbb\xbf" + text.encode("utf-8")),
                       ("big5.csv", text.encode("cp950"))):
        (tmp_path / name).write_bytes(data)
        book = read_workbook(tmp_path / name, name)
        assert book.sheets[0].rows[0][1][:3] == ["編號", "日期", "工作項目"], name
        assert book.sheets[0].rows[1][1][3] == "戶籍登記課"
        assert book.notes == ([("read_big5", {})] if name == "big5.csv" else [])
    (tmp_path / "latin.csv").write_bytes(b"a,b\n\x81\xff\xfe,x\n")
    problem = refused(tmp_path / "latin.csv")
    assert problem.key == "encoding" and problem.params == {"line": 2}


def test_csv_quote_that_guards_against_formulas_is_removed(tmp_path):
    (tmp_path / "q.csv").write_text("a,b,c\n'=1+1,'-x,'plain\n", encoding="utf-8")
    (row,) = [v for n, v in read_workbook(tmp_path / "q.csv", "q.csv").sheets[0].rows if n == 2]
    assert row == ["=1+1", "-x", "'plain"]


def test_big5_csv_imports_with_a_note_naming_the_encoding(workdir):
    from click.testing import CliRunner

    from compliance.cli import main

    text = csv_bytes([["", "112/12/27", "查閱網路預約申辦系統", "戶籍登記課"]])
    Path("紀錄.csv").write_bytes(text.encode("cp950"))
    result = CliRunner().invoke(main, ["import", "紀錄.csv", "--lang", "zh-TW"])
    assert result.exit_code == 0, result.output
    assert "紀錄.csv: 以 Big5 (CP950) 編碼讀取；建議另存為 UTF-8" in result.stderr
    assert "紀錄.csv：讀取 1 列，新增 1 筆" in result.stdout


def test_an_ods_that_rebinds_the_table_prefix_is_still_counted(tmp_path):
    # calamine matches `table:table-row` as written; a scan that resolved namespaces would
    # count nothing here while calamine expanded a million rows.
    bomb = ('<table:table-row table:number-rows-repeated="1000000"><table:table-cell '
            'table:number-columns-repeated="100"><text:p>x</text:p></table:table-cell></table:table-row>')
    path = _ods(tmp_path / "rebound.ods", _HEADER + bomb)
    with zipfile.ZipFile(path) as zf:
        content = zf.read("content.xml").replace(b"xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:"
                                                 b"table:1.0\"", b'xmlns:table="urn:elsewhere"')
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", content)
        zf.writestr("META-INF/manifest.xml", "<manifest/>")
    assert b"urn:elsewhere" in content
    assert refused(path).key == "too_many_rows"  # text without a value type counts as a value too


def test_two_cells_far_apart_are_refused_before_calamine_fills_the_space_between(tmp_path):
    # calamine holds a sheet as one dense block: A1 and XFD1048576 would be 17 billion cells
    far = (b'<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>'
           b'<row r="90000"><c r="XFD90000" t="inlineStr"><is><t>y</t></is></c></row></sheetData></worksheet>')
    problem = refused(handmade_xlsx(tmp_path / "far.xlsx", [far]))
    assert problem.key == "sheet_area" and problem.params["columns"] == 16384
    row_far = far.replace(b"90000", b"2000000")
    assert refused(handmade_xlsx(tmp_path / "deep.xlsx", [row_far])).key == "too_many_rows"
    cell = ('<table:table-row><table:table-cell table:number-columns-repeated="16000"/>'
            '<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell>'
            '</table:table-row><table:table-row table:number-rows-repeated="5000"><table:table-cell/>'
            '</table:table-row><table:table-row><table:table-cell office:value-type="string"><text:p>y'
            '</text:p></table:table-cell></table:table-row>')
    assert refused(_ods(tmp_path / "far.ods", _HEADER + cell)).key == "sheet_area"


def test_cells_without_addresses_are_placed_one_after_another():
    from compliance.intake.guard import _XlsxScan

    scan = _XlsxScan()
    scan.feed(b'<row r="3"><c><v>1</v></c><c r="B3"><f>1+1</f><v>2</v></c><c/></row><row><c r="E9"/>')
    assert (scan.last_row, scan.last_column, scan.facts.rows) == (9, 5, 2)
    scan.feed(b'<c/><c/></row>')  # the row goes on in the next chunk
    assert (scan.last_row, scan.last_column) == (9, 7)
    assert scan.facts.formulas == {(3, 2)}
