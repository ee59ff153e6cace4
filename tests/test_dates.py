import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from compliance.dates import DateFormatError, format_roc, format_roc_long, parse_date


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


@given(st.dates(min_value=dt.date(1912, 1, 1), max_value=dt.date(2200, 12, 31)))
def test_roc_round_trip(day):
    assert parse_date(format_roc(day)) == day
    assert parse_date(format_roc_long(day)) == day
    assert parse_date(day.isoformat()) == day


def test_formats():
    assert format_roc(dt.date(2023, 3, 10)) == "112/03/10"
    assert format_roc_long(dt.date(2023, 3, 10)) == "112年3月10日"
