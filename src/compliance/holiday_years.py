"""Which years the `holidays` package has Taiwan's published work calendar for.

Working days come from `holidays`. For years it knows (1998 on) it applies the national
holiday rules; but bridge holidays and make-up working Saturdays (補班) are decided each
year by the DGPA, and the package only has them for the years its maintainers checked
against the DGPA's published calendars (listed in ``TaiwanStaticHolidays``). Outside
those years due dates are still computed, with a warning that says why they may be off.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache


@lru_cache(maxsize=1)
def published_years() -> tuple[int, int]:
    """(first, last) year with a DGPA-checked calendar in the installed `holidays`."""
    from holidays.countries.taiwan import Taiwan, TaiwanStaticHolidays

    # The package lists the DGPA calendars it was checked against in the docstring;
    # its special-holiday table is the fallback (it may lag a year behind).
    listed = [int(y) for y in re.findall(r"\*\s*\[(\d{4})\]", TaiwanStaticHolidays.__doc__ or "")]
    last = max(listed or TaiwanStaticHolidays.special_public_holidays)
    return int(Taiwan.start_year), last


def calendar_warnings(years: Iterable[int]) -> list[str]:
    """One warning per year evaluated without a published holiday calendar."""
    import holidays

    first, last = published_years()
    out = []
    for year in sorted(set(years)):
        if first <= year <= last:
            continue
        out.append(f"no published holiday calendar for {year} in holidays {holidays.__version__} "
                   f"(it has Taiwan's for {first} to {last}); working days of {year} are "
                   "estimated without bridge holidays or make-up working days, so due dates "
                   "may be off")
    return out
