"""`compliance rules`: each rule in full (JSON) or one line per rule (text)."""

from __future__ import annotations

from typing import Any

from compliance import models as m
from compliance.report._messages import BASIS, KIND, SEVERITY, rule_title


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


def rule_line(r: m.Rule, lang: str, unit_name: str | None = None) -> str:
    kind = KIND[lang].get(r.kind, r.kind)
    severity = SEVERITY[lang].get(r.severity, r.severity)
    basis = BASIS[lang][r.basis]
    return f"{r.id:48} {kind:8} {unit_name or r.unit:10} {severity:6} {basis:8} {rule_title(r, lang)}"
