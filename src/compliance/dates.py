"""Dates as the office writes them: ISO (2023-03-10) or ROC (112/03/10, 112-03-10,
112.03.10, 112年3月10日), and back again for zh-TW output."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

ROC_OFFSET = 1911

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
        return value
    if not isinstance(value, str):
        raise DateFormatError(f"expected a date such as 2023-03-10 or 112/03/10, got {value!r}")
    return _parse_text(value)


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
