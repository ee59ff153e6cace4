"""The rule list as aligned text columns: id, schedule, unit, severity, basis, title (in
zh-TW the words are Chinese; ids stay, they are what --rule and --unit take)."""

from __future__ import annotations

from compliance import models as m
from compliance.bundle import RuleBook
from compliance.report._messages import BASIS, KIND, SEVERITY, rule_title


def render(book: RuleBook, lang: str) -> str:
    return "".join(rule_line(r, lang) + "\n" for r in book.rules.values())


def rule_line(r: m.Rule, lang: str) -> str:
    kind = KIND[lang].get(r.kind, r.kind)
    severity = SEVERITY[lang].get(r.severity, r.severity)
    basis = BASIS[lang][r.basis]
    return f"{r.id:48} {kind:11} {r.unit:13} {severity:6} {basis:8} {rule_title(r, lang)}"
