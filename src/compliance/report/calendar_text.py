"""Calendar as text: one line per due date, in the output language's date form."""

from __future__ import annotations

from collections.abc import Sequence

from compliance.bundle import Bundle
from compliance.dates import format_date
from compliance.periods import Period


def render(bundle: Bundle, periods: Sequence[Period], lang: str) -> str:
    lines = [f"{format_date(p.due, lang)}  {bundle.rules[p.rule].title.get(lang)}"
             f"{' [' + p.entity + ']' if p.entity else ''}  ({p.key})" for p in periods]
    return "\n".join(lines) + ("\n" if lines else "")
