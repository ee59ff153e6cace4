"""Calendar as text: one line per due date, in the output language's date form, with the
obligation, for whom, and the period by name (zh-TW: 112年5月, 112/05/15–112/05/21)."""

from __future__ import annotations

from collections.abc import Sequence

from compliance.bundle import Bundle
from compliance.dates import format_date
from compliance.periods import Period
from compliance.report._messages import entity_label, period_name, rule_title


def render(bundle: Bundle, periods: Sequence[Period], lang: str) -> str:
    lines = [calendar_line(bundle, p, lang) for p in periods]
    return "\n".join(lines) + ("\n" if lines else "")


def calendar_line(bundle: Bundle, p: Period, lang: str) -> str:
    rule = bundle.rules[p.rule]
    entity = entity_label(bundle, p.rule, p.entity, lang) if p.entity else ""
    who = f"（{entity}）" if entity and lang == "zh-TW" else f" [{entity}]" if entity else ""
    due = format_date(p.due, lang)
    name = period_name(bundle, p.key, lang)
    return f"{due}  {rule_title(rule, lang)}{who}" + (f"  {name}" if name != due else "")
