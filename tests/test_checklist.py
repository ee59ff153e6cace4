"""The pre-meeting checklist: content per unit, explanations, and an ODT LibreOffice opens."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import zipfile

import pytest
from click.testing import CliRunner

from compliance.cli import main

from _standards import validate_odf


def run(*args):
    return CliRunner().invoke(main, list(args))


def checklist_json(meeting):
    result = run("checklist", "--meeting", meeting, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def unit(doc, unit_id):
    return next(u for u in doc["units"] if u["unit"] == unit_id)


def test_sections_and_meeting_dates(workdir):
    doc = checklist_json("112/06/14")
    assert doc["meeting"] == "2023-06-14" and doc["previous_meeting"] == "2023-05-10"
    assert doc["next_meeting"] == "2023-07-12" and not doc["next_meeting_estimated"]
    assert [u["unit"] for u in doc["units"]] == ["registration", "records", "admin"]
    records = unit(doc, "records")
    overdue = {(o["rule"], o["period"]["key"]): o["needs_explanation"] for o in records["overdue"]}
    # The W20 list is missing and explained only at this meeting; May's progress report,
    # missed at the May meeting, is given at this one (補提): done, late, not overdue.
    assert overdue[("school-age-children-list-weekly", "2023-W20")] is True
    assert ("section-progress-report-monthly", "2023-05") not in overdue
    due_rules = {g["rule"] for g in records["due_soon"]}
    assert "population-monthly-report" in due_rules
    done = {g["rule"] for g in records["done"]}
    assert {"school-age-children-list-weekly", "section-progress-report-monthly"} <= done
    scheduled = {i["number"]: i for i in records["scheduled"]}
    assert scheduled["5"]["tracked"] and scheduled["5"]["records"]


def test_explanation_recorded_at_a_meeting_shows_on_the_next_checklist(workdir):
    july = checklist_json("112/07/12")
    overdue = {(o["rule"], o["period"]["key"]): o for o in unit(july, "registration")["overdue"]}
    item = overdue[("online-booking-daily-check", "2023-05-24")]
    assert item["needs_explanation"] is False
    assert item["explanations"][0]["meeting"] == "office-meeting-2023-06"
    out = run("checklist", "--meeting", "112/07/12", "--lang", "zh-TW").stdout
    assert "已說明（112/06/14）" in out


def test_markdown_zh_tw_header(workdir):
    out = run("checklist", "--meeting", "112/06/14", "--lang", "zh-TW").stdout
    assert out.startswith("# 所務會議")
    assert "- **會議日期**: 112年6月14日" in out
    assert "## 戶籍登記課" in out and "★ 須於本次會議提出說明" in out
    assert out.index("一、逾期未辦事項") < out.index("二、下次會議前到期事項") < out.index("三、") < out.index("四、")


def test_default_meeting_is_the_next_one_in_the_plan(workdir, monkeypatch):
    import datetime as dt

    import compliance.cli as cli

    monkeypatch.setattr(cli, "taipei_today", lambda now=None: dt.date(2023, 6, 20))
    doc = json.loads(run("checklist", "--format", "json").stdout)
    assert doc["meeting"] == "2023-07-12"
    monkeypatch.setattr(cli, "taipei_today", lambda now=None: dt.date(2024, 1, 20))
    doc = json.loads(run("checklist", "--format", "json").stdout)
    assert doc["meeting"] == "2024-01-20" and doc["next_meeting_estimated"]


WORD_JOINER = "\u2060"


def odt_text(path) -> str:
    from odf import teletype
    from odf.opendocument import load
    from odf.text import H, P

    doc = load(str(path))
    text = "\n".join(teletype.extractText(e) for e in [*doc.getElementsByType(H), *doc.getElementsByType(P)])
    return text.replace(WORD_JOINER, "")


def test_odt_is_an_editable_text_document_with_headings_and_tables(workdir):
    result = run("checklist", "--meeting", "112/06/14", "--lang", "zh-TW", "--format", "odt", "-o", "cl.odt")
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(workdir / "cl.odt") as z:
        assert z.read("mimetype") == b"application/vnd.oasis.opendocument.text"
        content = z.read("content.xml").decode("utf-8")
    assert content.count("<table:table ") >= 8 and "text:outline-level=\"2\"" in content
    text = odt_text(workdir / "cl.odt")
    assert "戶籍資料課" in text and "112年6月14日" in text
    validate_odf(workdir / "cl.odt")


@pytest.mark.parametrize("lang, western", [("zh-TW", ('fo:language="zh"', 'fo:country="TW"')),
                                           ("en", ('fo:language="en"', 'fo:country="US"'))])
def test_odt_declares_its_language_so_chinese_gets_traditional_glyphs(workdir, lang, western):
    run("checklist", "--meeting", "112/06/14", "--lang", lang, "--format", "odt", "-o", "cl.odt")
    with zipfile.ZipFile(workdir / "cl.odt") as z:
        styles = z.read("styles.xml").decode("utf-8")
        meta = z.read("meta.xml").decode("utf-8")
    default = styles.split('<style:default-style style:family="paragraph">')[1].split("</style:default-style>")[0]
    for attribute in (*western, 'style:language-asian="zh"', 'style:country-asian="TW"',
                      'style:font-name-asian="Noto Sans CJK TC"'):
        assert attribute in default, attribute
    assert f"<dc:language>{lang}</dc:language>" in meta
    validate_odf(workdir / "cl.odt")


def test_odt_repeats_table_headers_and_keeps_dates_on_one_line(workdir):
    run("checklist", "--meeting", "112/06/14", "--lang", "zh-TW", "--format", "odt", "-o", "cl.odt")
    with zipfile.ZipFile(workdir / "cl.odt") as z:
        content = z.read("content.xml").decode("utf-8")
    tables = content.count("<table:table ")
    assert content.count("<table:table-header-rows>") == tables > 0
    assert f"112{WORD_JOINER}年{WORD_JOINER}6{WORD_JOINER}月{WORD_JOINER}14{WORD_JOINER}日" in content
    assert "112年6月14日" not in content  # no long date is left breakable


def test_odt_is_reproducible(workdir):
    for name in ("a.odt", "b.odt"):
        run("checklist", "--meeting", "112/06/14", "--format", "odt", "-o", name)
    assert (workdir / "a.odt").read_bytes() == (workdir / "b.odt").read_bytes()


@pytest.mark.slow
def test_libreoffice_converts_the_odt_to_pdf_and_the_text_survives(workdir, tmp_path):
    soffice = shutil.which("soffice")
    if not soffice or not shutil.which("pdftotext"):
        if os.environ.get("CI"):
            pytest.fail("CI must have LibreOffice and pdftotext (.ci/run installs them)")
        pytest.skip("LibreOffice or pdftotext not installed")
    run("checklist", "--meeting", "112/06/14", "--lang", "zh-TW", "--format", "odt", "-o", "cl.odt")
    profile = tmp_path / "lo-profile"
    subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(workdir), str(workdir / "cl.odt")], check=True, capture_output=True,
                   timeout=180)
    text = subprocess.run(["pdftotext", str(workdir / "cl.pdf"), "-"], check=True, capture_output=True,
                          text=True).stdout
    squashed = "".join(text.split())
    for needle in ("所務會議提升服務品質執行計畫追蹤管考清單", "戶籍登記課", "戶籍資料課", "行政庶務課",
                   "逾期未辦事項", "須於本次會議提出說明", "112/05/24"):
        assert needle in squashed, needle


def test_annex_months_the_plan_lost_are_not_invented(workdir):
    doc = checklist_json("112/06/14")
    admin = {i["number"]: i for i in unit(doc, "admin")["scheduled"]}
    assert admin["4-2"]["month_known"]  # 每月定期檢核公文: every month, from its own words
    assert not admin["10-1"]["month_known"]  # 財產盤點及清查: the month marks were lost
    records = {i["number"]: i for i in unit(doc, "records")["scheduled"]}
    assert "6-1" not in records  # 1月15日前: January only
    out = run("checklist", "--meeting", "112/06/14", "--lang", "zh-TW").stdout
    assert "月份未載" in out


def test_a_meeting_in_the_next_year_lists_the_plan_obligation_due_then(workdir):
    # Filed 112/12/15, after the December meeting: done since the previous meeting.
    doc = checklist_json("113/01/10")
    assert "env-education-results-report" in {g["rule"] for g in unit(doc, "admin")["done"]}
    assert all(not u["scheduled"] for u in doc["units"])  # the annex months are 112's
    # Not yet filed: due before the next meeting, 113/01/31.
    records = workdir / "plan_data/records.yaml"
    text = records.read_text(encoding="utf-8")
    records.write_text(text.replace("activity: env-education-report", "activity: regulation-review"),
                       encoding="utf-8")
    doc = checklist_json("113/01/10")
    due = {g["rule"]: g["dues"] for g in unit(doc, "admin")["due_soon"]}
    assert due["env-education-results-report"] == ["2024-01-31"]
