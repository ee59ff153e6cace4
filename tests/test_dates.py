import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from compliance.dates import (
    EARLIEST,
    LATEST,
    DateFormatError,
    format_roc,
    format_roc_long,
    parse_date,
    year_from_option,
)


@pytest.mark.parametrize("text", ["2023-03-10", "112/03/10", "112-03-10", "112.03.10", "112年3月10日",
                                  "民國112年03月10日", "112/3/10"])
def test_accepted_forms(text):
    assert parse_date(text) == dt.date(2023, 3, 10)


@pytest.mark.parametrize("text, words", [("112/02/30", "not a real day"), ("2023-13-01", "not a real day"),
                                         ("112/02/29", "not a real day"), ("tomorrow", "not a date"),
                                         ("112/03-10", "not a date")])
def test_rejected_forms(text, words):
    with pytest.raises(DateFormatError, match=words):
        parse_date(text)


def test_leap_day_in_roc_113():
    assert parse_date("113/02/29") == dt.date(2024, 2, 29)


@given(st.dates(min_value=EARLIEST, max_value=LATEST))
def test_roc_round_trip(day):
    assert parse_date(format_roc(day)) == day
    assert parse_date(format_roc_long(day)) == day
    assert parse_date(day.isoformat()) == day


def test_formats():
    assert format_roc(dt.date(2023, 3, 10)) == "112/03/10"
    assert format_roc_long(dt.date(2023, 3, 10)) == "112年3月10日"


@pytest.mark.parametrize("value", ["9999-12-31", "0000-01-01", "0/01/01", "190/01/01", "1911-12-31",
                                   "2101-01-01", dt.date(9999, 12, 31)])
def test_out_of_range_dates_are_refused(value):
    with pytest.raises(DateFormatError, match="is out of range; dates must lie between 1912-01-01 "
                                              "and 2100-12-31"):
        parse_date(value)


def test_range_edges_are_accepted():
    assert parse_date("1/01/01") == EARLIEST and parse_date("189/12/31") == LATEST


@pytest.mark.parametrize("year, gregorian", [(112, 2023), (2023, 2023), (1, 1912), (189, 2100)])
def test_year_option(year, gregorian):
    assert year_from_option(year) == gregorian


@pytest.mark.parametrize("year", [0, 190, 1911, 2101, 10000, -5])
def test_year_option_out_of_range(year):
    with pytest.raises(DateFormatError, match=f"year {year} is out of range"):
        year_from_option(year)
