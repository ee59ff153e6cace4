"""The rule list as JSON, both languages' titles, for other tools."""

from __future__ import annotations

import json

from compliance.bundle import RuleBook


def render(book: RuleBook, lang: str) -> str:
    items = [{"id": r.id, "title": {"zh-TW": r.title.zh_TW, "en": r.title.en}, "unit": r.unit,
              "severity": r.severity, "every": r.kind,
              "source": {"clause": r.source.clause, "quote": r.source.quote},
              "interpretation": r.interpretation} for r in book.rules.values()]
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"
