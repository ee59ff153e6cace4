"""Dates as the office writes them: ISO (2023-03-10) or ROC (112/03/10, 112-03-10,
112.03.10, 112年3月10日), and back again for zh-TW output."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

ROC_OFFSET = 1911

# Every date the program accepts, in files and on the command line. ROC year 1 is the
# first year a ROC date can name; 2100 is the last year the `holidays` package has a
# Taiwan calendar for, and keeps date arithmetic (a waiver's year, the next working day)
# far from Python's year 9999 limit.
EARLIEST = dt.date(1912, 1, 1)
LATEST = dt.date(2100, 12, 31)

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_ROC = re.compile(r"^(?:民國)?\s*(\d{1,3})\s*([/.\-])\s*(\d{1,2})\s*\2\s*(\d{1,2})$")
_ROC_CJK = re.compile(r"^(?:民國)?\s*(\d{1,3})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?$")


class DateFormatError(ValueError):
    """Text is not a date in a form we accept, or names a day that does not exist."""


def parse_date(value: object) -> dt.date:
    """Parse an ISO or ROC date; ``datetime.date`` passes through (YAML may give one)."""
    if isinstance(value, dt.datetime):
        raise DateFormatError(f"expected a date without a time, got {value!r}")
    if isinstance(value, dt.date):
        return in_range(value)
    if not isinstance(value, str):
        raise DateFormatError(f"expected a date such as 2023-03-10 or 112/03/10, got {value!r}")
    return in_range(_parse_text(value), value)


def in_range(day: dt.date, text: str | None = None) -> dt.date:
    """``day`` itself, or an error when it is outside the years the program handles."""
    if not EARLIEST <= day <= LATEST:
        raise _out_of_range(text or day.isoformat())
    return day


def _out_of_range(text: str) -> DateFormatError:
    return DateFormatError(f"{text!r} is out of range; dates must lie between "
                           f"{EARLIEST.isoformat()} and {LATEST.isoformat()} (ROC years "
                           f"{roc_year(EARLIEST)} to {roc_year(LATEST)})")


def year_from_option(year: int) -> int:
    """A Gregorian year from ``--year`` given as Gregorian (2023) or ROC (112)."""
    gregorian = year + ROC_OFFSET if 0 < year < 1000 else year
    if not EARLIEST.year <= gregorian <= LATEST.year:
        raise DateFormatError(f"year {year} is out of range; give a year between {EARLIEST.year} "
                              f"and {LATEST.year} (ROC {roc_year(EARLIEST)} to {roc_year(LATEST)})")
    return gregorian


@lru_cache(maxsize=8192)
def _parse_text(value: str) -> dt.date:
    # Cached: plan files repeat the same dates many times (daily records, meetings).
    text = value.strip()
    for pattern, roc in ((_ROC, True), (_ISO, False), (_ROC_CJK, True)):
        m = pattern.match(text)
        if m:
            groups = [g for g in m.groups() if g not in ("/", ".", "-")]
            year, month, day = (int(g) for g in groups)
            if roc:
                year += ROC_OFFSET
            if not 1 <= year <= 9999:  # 0000-01-01 or ROC year 9000 are not days at all
                raise _out_of_range(value)
            try:
                return dt.date(year, month, day)
            except ValueError:
                raise DateFormatError(f"{value!r} is not a real day ({month:02d}/{day:02d} "
                                      f"does not exist in {year})") from None
    raise DateFormatError(
        f"{value!r} is not a date; write 2023-03-10, 112/03/10, 112-03-10, 112.03.10 or 112年3月10日"
    )


def roc_year(day: dt.date) -> int:
    return day.year - ROC_OFFSET


@lru_cache(maxsize=4096)
def format_roc(day: dt.date) -> str:
    """112/03/10: the compact form used in tables."""
    return f"{roc_year(day)}/{day.month:02d}/{day.day:02d}"


@lru_cache(maxsize=1024)
def format_roc_long(day: dt.date) -> str:
    """112年3月10日: the form used in running text."""
    return f"{roc_year(day)}年{day.month}月{day.day}日"


def format_date(day: dt.date, lang: str) -> str:
    return format_roc(day) if lang == "zh-TW" else day.isoformat()
