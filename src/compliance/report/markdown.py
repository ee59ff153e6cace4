"""Markdown report: what to act on, grouped by unit (for the nightly folder and e-mail)."""

from __future__ import annotations

from collections import defaultdict
from typing import IO

from compliance.bundle import Bundle
from compliance.dates import format_date
from compliance.findings import RANK, Evaluation, Finding
from compliance.ownership import owner
from compliance.report import Options
from compliance.report._messages import (
    LIGHT,
    STATUS,
    entity_name,
    long_date,
    message,
    period_label,
    rule_title,
)

_H = {"zh-TW": {"as_of": "檢核基準日", "cols": ["燈號", "狀態", "項目", "期間", "期限", "說明", "依據"],
                "none": "無待處理事項"},
      "en": {"as_of": "as of", "cols": ["light", "status", "obligation", "period", "due", "detail", "source"],
             "none": "nothing to act on"}}
NOTABLE = ("violation", "reminder", "late")


def write(bundle: Bundle, evaluation: Evaluation, stream: IO[str], options: Options) -> None:
    lang = options.lang
    h = _H[lang]
    stream.write(f"# {bundle.plan.agency} {bundle.plan.title}\n\n")
    stream.write(f"{h['as_of']}: {long_date(evaluation.as_of, lang)}\n\n")
    stream.write(" · ".join(f"{STATUS[lang][s]} {n}" for s, n in evaluation.summary().items() if n) + "\n")
    by_unit: dict[str, list[Finding]] = defaultdict(list)
    for f in evaluation.findings:
        if options.show_all or f.status in NOTABLE:
            by_unit[owner(bundle, f)].append(f)
    if not by_unit:
        stream.write(f"\n{h['none']}\n")
    for unit_id, unit in bundle.units.items():
        if unit_id not in by_unit:
            continue
        stream.write(f"\n## {unit.name.get(lang)}\n\n| " + " | ".join(h["cols"]) + " |\n")
        stream.write("|" + "---|" * len(h["cols"]) + "\n")
        for f in sorted(by_unit[unit_id], key=lambda f: (RANK[f.status], f.due, f.rule)):
            rule = bundle.rules[f.rule]
            cells = [LIGHT[lang][f.light], STATUS[lang][f.status],
                     rule_title(rule, lang) + (f" [{entity_name(bundle, f, lang)}]" if f.entity else ""),
                     period_label(f, lang), format_date(f.due, lang), message(bundle, f, lang),
                     rule.source.clause]
            stream.write("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |\n")
