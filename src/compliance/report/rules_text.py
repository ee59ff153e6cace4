"""The rule list as aligned text columns: id, schedule kind, unit, severity, title."""

from __future__ import annotations

from compliance.bundle import RuleBook


def render(book: RuleBook, lang: str) -> str:
    return "".join(f"{r.id:48} {r.kind:11} {r.unit:13} {r.severity:6} {r.title.get(lang)}\n"
                   for r in book.rules.values())
