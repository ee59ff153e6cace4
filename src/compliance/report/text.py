"""Text report for people: grouped by unit, violations first, with lights and clauses."""

from __future__ import annotations

from collections import defaultdict
from typing import IO

from compliance.bundle import Bundle
from compliance.dates import format_date
from compliance.findings import RANK, Evaluation, Finding
from compliance.ownership import owner, unit_order
from compliance.report import Options
from compliance.report._messages import (
    LIGHT,
    LIGHT_MARK,
    STATUS,
    entity_name,
    long_date,
    message,
    period_label,
    rule_title,
)

# Shown one by one; the rest are counted in the summary unless --all is given.
NOTABLE = ("violation", "reminder", "late")

_HEAD = {
    "zh-TW": {"as_of": "檢核基準日", "summary": "統計", "clause": "依據", "none": "無待處理事項",
              "period": "期間", "due": "期限", "broken": "不符規定",
              "hidden": "另有 {n} 筆（已完成、辦理中、免辦或尚未開始）未列出，加上 --all 可全部列出"},
    "en": {"as_of": "as of", "summary": "summary", "clause": "source", "none": "nothing to act on",
           "period": "period", "due": "due", "broken": "does not comply",
           "hidden": "{n} more findings (satisfied, open, waived or upcoming) not listed; "
                     "use --all to list them"},
}


def write(bundle: Bundle, evaluation: Evaluation, stream: IO[str], options: Options) -> None:
    lang, show_all = options.lang, options.show_all
    h = _HEAD[lang]
    plan = bundle.plan
    stream.write(f"{plan.agency} {plan.title}\n")
    stream.write(f"{h['as_of']}: {long_date(evaluation.as_of, lang)}\n")
    summary = evaluation.summary()
    parts = [f"{STATUS[lang][s]} {n}" for s, n in summary.items() if n]
    stream.write(f"{h['summary']}: {', '.join(parts) or '-'}\n")
    shown = [f for f in evaluation.findings if show_all or f.status in NOTABLE
             or any(not w.covers for w in f.waivers)]
    by_unit: dict[str, list[Finding]] = defaultdict(list)
    for f in shown:
        by_unit[owner(bundle, f)].append(f)
    for unit_id in sorted(by_unit, key=lambda u: unit_order(bundle, u)):
        unit = bundle.units.get(unit_id)
        stream.write(f"\n== {unit.name.get(lang) if unit else unit_id} ==\n")
        for f in sorted(by_unit[unit_id], key=lambda f: (RANK[f.status], f.due, f.rule, f.entity or "")):
            _finding(bundle, f, stream, lang)
    if not shown:
        stream.write(f"\n{h['none']}\n")
    hidden = len(evaluation.findings) - len(shown)
    if hidden:
        stream.write("\n" + h["hidden"].format(n=hidden) + "\n")


def _finding(bundle: Bundle, f: Finding, stream: IO[str], lang: str) -> None:
    rule = bundle.rules[f.rule]
    h = _HEAD[lang]
    light = f"{LIGHT_MARK[f.light]} {LIGHT[lang][f.light]}"
    entity = f" [{entity_name(bundle, f, lang)}]" if f.entity else ""
    status = h["broken"] if rule.constraint and f.status == "violation" else STATUS[lang][f.status]
    stream.write(f"{light} {status}  {rule_title(rule, lang)}{entity}\n")
    stream.write(f"    {h['period']} {period_label(f, lang)} · {h['due']} {format_date(f.due, lang)}"
                 f" · {f.rule}\n")
    stream.write(f"    {message(bundle, f, lang)}\n")
    stream.write(f"    {h['clause']}: {rule.source.clause}「{rule.source.quote}」\n")
