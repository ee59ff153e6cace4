"""Which years the `holidays` package has Taiwan's published work calendar for.

Working days come from `holidays`. For years it knows (1998 on) it applies the national
holiday rules; but bridge holidays and make-up working Saturdays (補班) are decided each
year by the DGPA, and the package only has them for the years its maintainers checked
against the DGPA's published calendars (listed in ``TaiwanStaticHolidays``). Outside
those years due dates are still computed, with a warning that says why they may be off.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from collections.abc import Iterable
from functools import lru_cache
from types import ModuleType
from typing import Any

from compliance import calendar_cache

_TAIWAN = "holidays.countries.taiwan"


@lru_cache(maxsize=1)
def taiwan_module() -> ModuleType:
    """The `holidays` module that defines Taiwan's calendar, loaded on its own.

    ``import holidays.countries.taiwan`` first runs ``holidays/countries/__init__.py``,
    which imports every country's calendar (~200 modules, 45–80 ms of a 0.4 s ``check``
    process). Taiwan's module imports nothing from that package, so it is executed alone
    from the installed package's own file. Where the package's layout differs (or the full
    package is already imported), the ordinary import is used. A test compares its working
    days with ``holidays.country_holidays("TW")`` for every year the package knows.
    """
    if _TAIWAN in sys.modules:
        return sys.modules[_TAIWAN]
    try:
        spec = importlib.util.find_spec("holidays")
        if spec is None or not spec.submodule_search_locations:
            raise ImportError("holidays is not a package")
        folder = next(iter(spec.submodule_search_locations))
        own = importlib.util.spec_from_file_location(
            "compliance._holidays_taiwan", f"{folder}/countries/taiwan.py")
        if own is None or own.loader is None:
            raise ImportError("no loader for holidays/countries/taiwan.py")
        module = importlib.util.module_from_spec(own)
        own.loader.exec_module(module)
        module.Taiwan  # noqa: B018 - the class this project needs must be there
        return module
    except Exception:  # any surprise in the package's layout: the documented import
        from importlib import import_module

        return import_module(_TAIWAN)


def taiwan(years: int) -> Any:
    """Taiwan's holidays (and make-up working days) of one year, as `holidays` computes them."""
    return taiwan_module().Taiwan(years=years)


@lru_cache(maxsize=1)
def published_years() -> tuple[int, int]:
    """(first, last) year with a DGPA-checked calendar in the installed `holidays` (kept
    on disk with the working days when asked to, so a warm process need not import it)."""
    kept = calendar_cache.read("published-TW", "published")
    if kept is not None and len(kept) == 2 and all(x.isdigit() for x in kept):
        return int(kept[0]), int(kept[1])
    first, last = _published_years()
    calendar_cache.write("published-TW", "published", (str(first), str(last)))
    return first, last


def _published_years() -> tuple[int, int]:
    module = taiwan_module()
    Taiwan, TaiwanStaticHolidays = module.Taiwan, module.TaiwanStaticHolidays
    # The package lists the DGPA calendars it was checked against in the docstring;
    # its special-holiday table is the fallback (it may lag a year behind).
    listed = [int(y) for y in re.findall(r"\*\s*\[(\d{4})\]", TaiwanStaticHolidays.__doc__ or "")]
    last = max(listed or TaiwanStaticHolidays.special_public_holidays)
    return int(Taiwan.start_year), last


def calendar_warnings(years: Iterable[int]) -> list[str]:
    """One warning per year evaluated without a published holiday calendar."""
    first, last = published_years()
    out = []
    for year in sorted(set(years)):
        if first <= year <= last:
            continue
        from holidays.version import __version__  # only to name it in the warning

        out.append(f"no published holiday calendar for {year} in holidays {__version__} "
                   f"(it has Taiwan's for {first} to {last}); working days of {year} are "
                   "estimated without bridge holidays or make-up working days, so due dates "
                   "may be off")
    return out
