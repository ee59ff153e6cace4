"""Cells -> record fields: every date form, names by id or title, periods, stable ids."""

from __future__ import annotations

import datetime as dt

import pytest

from compliance.intake.cells import Place, a1, column_letter
from compliance.intake.columns import Mapping, find_columns, normalise_header
from compliance.intake.read import Sheet
from compliance.intake.rows import Names, cell_date, derived_id, period_key, sheet_records

D = dt.date(2023, 3, 10)


@pytest.mark.parametrize("value", [
    D, dt.datetime(2023, 3, 10), 44995, 44995.0, "2023-03-10", "112/03/10", "112-03-10", "112.03.10",
    "112年3月10日", "民國112年3月10日", " 112/3/10 ",
    dt.date(112, 3, 10),  # 112/03/10 typed into a date cell, which took it for the year 112
])
def test_every_date_form_gives_the_same_day(value):
    failures = []
    assert cell_date(value, lambda key, **p: failures.append(key)) == D
    assert failures == []


@pytest.mark.parametrize(("value", "key"), [
    ("112/02/30", "bad_date"), ("2023-02-29", "bad_date"), ("tomorrow", "bad_date"), (True, "bad_date"),
    (dt.datetime(2023, 3, 10, 14, 0), "date_time"), (44995.5, "date_time"), (0, "bad_serial"),
    (3_000_000, "bad_serial"), (1120310, "bad_serial"), (dt.date(88, 2, 29), "bad_date"),
])
def test_impossible_dates_name_their_problem(value, key):
    failures = []
    assert cell_date(value, lambda k, **p: failures.append(k)) is None
    assert failures == [key]


@pytest.mark.parametrize(("value", "key"), [
    ("2023-06", "2023-06"), ("112-06", "2023-06"), ("112/6", "2023-06"), ("112年6月", "2023-06"),
    ("112-Q2", "2023-Q2"), ("112-h1", "2023-H1"), ("2023-W20", "2023-W20"), (112, "2023"), (2023.0, "2023"),
    ("112/06/30", "2023-06-30"), ("pop-year-end-112", "pop-year-end-112"), ("soon!", None), ("112-13", None),
])
def test_periods_in_iso_roc_or_as_a_record_id(value, key):
    assert period_key(value) == key


def test_derived_ids_are_stable_readable_and_short_enough():
    data = {"activity": "online-booking-check", "date": D, "unit": "registration", "staff": "S08"}
    assert derived_id(data) == "online-booking-check-2023-03-10-registration-s08"
    assert derived_id(dict(data)) == derived_id(data)
    long = derived_id({**data, "activity": "a" * 79})
    assert len(long) <= 80 and long != derived_id({**data, "activity": "a" * 78})


def test_cells_are_named_as_spreadsheets_name_them():
    assert [column_letter(n) for n in (1, 26, 27, 52, 703)] == ["A", "Z", "AA", "AZ", "AAA"]
    assert (a1(12, 2), a1(12, 0), a1(0, 3)) == ("B12", "12:12", "C:C")
    assert Place("記錄表.xlsx", "工作紀錄").cell(12, 2) == "記錄表.xlsx:工作紀錄!B12"
    assert Place("記錄表.csv").cell(3, 1) == "記錄表.csv:A3"
    assert normalise_header(" 附件 / 連結 ") == normalise_header("附件／連結") == "附件連結"
    assert normalise_header("File/URL") == "fileurl"


def _sheet(header, *rows):
    return Sheet(Place("t.xlsx", "S"), [(i, list(r)) for i, r in enumerate([header, *rows], start=1)])


def test_names_ids_titles_in_either_language_and_a_link_column(bundle):
    sheet = _sheet(["Date", "Activity", "Unit", "Staff", "File/URL", "Note"],
                   ["2023-03-10", "Check of the online booking system", "Records Section", "s11",
                    "https://example.org/x", "fine"],
                   ["2023-03-10", "查閱網路預約申辦系統", "records", "S12", r"C:\docs\a.pdf", None])
    cols = find_columns(sheet, Mapping(), "en")
    result = sheet_records(sheet, cols, Mapping(), Names(bundle, "en"))
    assert result.problems == []
    first, second = (r.record for r in result.records)
    assert (first.activity, first.unit, first.staff) == ("online-booking-check", "records", "S11")
    assert first.evidence.url == "https://example.org/x" and first.evidence.file is None
    assert second.evidence.file == r"C:\docs\a.pdf" and second.evidence.url is None


def test_a_repeated_column_is_a_problem_at_the_second_header(bundle):
    sheet = _sheet(["日期", "工作項目", "日期"], ["2023-03-10", "online-booking-check", "2023-03-11"])
    cols = find_columns(sheet, Mapping(), "zh-TW")
    assert [str(p) for p in cols.problems] == ["t.xlsx:S!C1: 日期: 「日期」欄重複（另見 t.xlsx:S!A1）"]
