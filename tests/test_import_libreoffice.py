"""Workbooks made by LibreOffice itself, the program the office uses, imported."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from _sheets import csv_bytes
from click.testing import CliRunner

from compliance.cli import main
from compliance.load import load_bundle

pytestmark = pytest.mark.slow


def soffice() -> str:
    found = shutil.which("soffice")
    if not found:
        if os.environ.get("CI"):
            pytest.fail("CI must have LibreOffice calc (.ci/run installs it)")
        pytest.skip("LibreOffice not installed")
    return found


def convert(sources: list[Path], fmt: str, tmp_path: Path, infilter: str | None = None) -> None:
    """``soffice --convert-to`` beside the sources; one process for all of them."""
    profile = tmp_path / "lo-profile"
    args = [soffice(), f"-env:UserInstallation=file://{profile}", "--headless"]
    if infilter:
        args.append(f"--infilter={infilter}")
    subprocess.run([*args, "--convert-to", fmt, "--outdir", str(sources[0].parent), *map(str, sources)],
                   check=True, capture_output=True, timeout=240)


def run(*args: str):
    return CliRunner().invoke(main, list(args))


ROWS = [
    ["", "112/12/27", "查閱網路預約申辦系統", "戶籍登記課", "S08", "", "", "北市安戶登字第1126001234號", "", "",
     "=HYPERLINK(\"http://x\")"],
    ["", "2023-12-28", "online-booking-check", "registration", "S09", "1.5", "112-12", "", "", "", "補登"],
]


def test_csv_converted_by_libreoffice_to_xlsx_and_ods_imports_the_same(workdir, tmp_path):
    source = workdir / "紀錄.csv"
    source.write_text(csv_bytes(ROWS), encoding="utf-8")
    # 44,34,76: comma, double quote, UTF-8; LibreOffice then types dates and numbers itself
    convert([source], "xlsx", tmp_path, infilter="CSV:44,34,76,1")
    convert([source], "ods", tmp_path, infilter="CSV:44,34,76,1")
    results = {}
    for fmt in ("xlsx", "ods"):
        result = run("import", f"紀錄.{fmt}", "--dry-run", "--lang", "zh-TW")
        assert result.exit_code == 0, result.output
        assert "讀取 2 列，新增 2 筆" in result.stdout
        # LibreOffice's CSV import turned the note into a formula: its saved value is used, and said
        assert f"紀錄.{fmt}:紀錄!K2: 這格是公式，採用其儲存的值「http://x」" in result.stderr
        results[fmt] = [x for x in result.stdout.splitlines() if x.startswith("+  - ")]
    assert results["xlsx"] == results["ods"] and len(results["xlsx"]) >= 2
    result = run("import", "紀錄.ods", "--lang", "zh-TW")
    assert result.exit_code == 0, result.output
    records = load_bundle(Path("rules"), Path("plan_data")).records
    second = records["online-booking-check-2023-12-28-registration-s09"]
    assert second.hours == 1.5 and second.period == "2023-12"
    first = records["online-booking-check-2023-12-27-registration-s08"]
    assert first.note == "http://x" and first.evidence.doc_no == "北市安戶登字第1126001234號"


def test_template_edited_and_saved_by_libreoffice_imports(workdir, tmp_path):
    assert run("template", "--format", "xlsx", "--lang", "zh-TW", "-o", "範本.xlsx").exit_code == 0
    book = openpyxl.load_workbook("範本.xlsx")
    book["工作紀錄"].append([None, "112/02/30", "查閱網路預約申辦系統", "戶籍登記課"])
    book["工作紀錄"].append([None, "112/12/29", "查閱網路預約申辦系統", "戶籍登記課"])
    book.save("範本.xlsx")
    convert([workdir / "範本.xlsx"], "ods", tmp_path)
    result = run("import", "範本.ods", "--lang", "zh-TW")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == "範本.ods:工作紀錄!B2: 日期: 112/02/30 不是有效日期"
