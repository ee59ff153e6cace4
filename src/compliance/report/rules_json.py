"""The rule list as JSON: every rule in full (both languages, basis, law or decision,
schedule, conditions, lead time, interpretation), for other tools."""

from __future__ import annotations

import json
from typing import Any

from compliance import models as m
from compliance.bundle import RuleBook


def render(book: RuleBook, lang: str) -> str:
    items = [rule_dict(r) for r in book.rules.values()]
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


def rule_dict(r: m.Rule) -> dict[str, Any]:
    """Everything a rule says, under the names the rule files use."""
    return {
        "id": r.id,
        "title": {"zh-TW": r.title.zh_TW, "en": r.title.en},
        "unit": r.unit,
        "severity": r.severity,
        "basis": r.basis,
        **({"law": {"article": r.law.article, "text": " ".join(r.law.text.split())}} if r.law else {}),
        **({"decided": {"by": r.decided.by, "on": r.decided.on.isoformat(),
                        "minutes": r.decided.minutes}} if r.decided else {}),
        "source": {"clause": r.source.clause, "quote": r.source.quote},
        **({"also": [{"clause": s.clause, "quote": s.quote} for s in r.also]} if r.also else {}),
        "activity": r.activity,
        "every": r.kind,
        "months": r.months,
        "by": r.by,
        **({"by_year": r.by_year, "shift": r.shift} if r.by else {}),
        "after": r.after.model_dump(exclude_none=True) if r.after else None,
        "constraint": r.constraint.model_dump(by_alias=True, exclude_none=True) if r.constraint else None,
        "at_least": r.at_least,
        "for_each": r.for_each,
        "total": r.total.model_dump() if r.total else None,
        "where": [c.model_dump(by_alias=True, exclude_none=True) for c in r.where],
        "lead_days": r.lead_days,
        "interpretation": ({"zh-TW": " ".join(r.interpretation.zh_TW.split()),
                            "en": " ".join(r.interpretation.en.split())} if r.interpretation else None),
    }
