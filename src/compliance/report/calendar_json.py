"""Calendar as JSON (dates ISO), for other tools: one item per period, as the text calendar
lists it — the period's key, its actual due date (moved off a day off where the rule says
so, ``nominal_due`` then being the day before the move) and, for a rule whose ``due`` is not
the span's last working day, that ``due`` as written."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from compliance.bundle import Bundle
from compliance.periods import Period


def render(bundle: Bundle, periods: Sequence[Period], lang: str) -> str:
    return json.dumps([_item(bundle, p) for p in periods], ensure_ascii=False, indent=2) + "\n"


def _item(bundle: Bundle, p: Period) -> dict[str, Any]:
    rule = bundle.rules[p.rule]
    item: dict[str, Any] = {"rule": p.rule, "every": rule.kind, "basis": rule.basis, "period": p.key,
                            "start": p.start.isoformat(), "end": p.end.isoformat(), "due": p.due.isoformat()}
    if p.due_moved:
        item["nominal_due"] = p.nominal_due.isoformat()
    if rule.due is not None:
        item["due_rule"] = rule.due.model_dump(exclude_none=True)
    if p.entity:
        item["entity"] = p.entity
    return item
