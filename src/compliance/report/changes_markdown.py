"""What changed since the previous nightly run, as Markdown (``changes.md``): in zh-TW with
ROC dates and period names (112年5月, 112/05/15–112/05/21), units and staff by name."""

from __future__ import annotations

from compliance.bundle import Bundle
from compliance.dates import format_date, parse_date
from compliance.history import Changes
from compliance.report._messages import entity_label, period_name, rule_title


def changes_markdown(bundle: Bundle, c: Changes, lang: str) -> str:
    zh = lang == "zh-TW"
    heads = (("新增逾期", "New violations"), ("已改善", "Resolved violations"), ("新增即將到期", "New reminders"))
    previous = format_date(parse_date(c.previous_as_of), lang) if c.previous_as_of else None
    lines = [f"# {bundle.plan.title}: {'與上次執行相比' if zh else 'changes since the previous run'}"
             f" ({previous or ('首次執行' if zh else 'first run')})", ""]
    for (hz, he), keys in zip(heads, (c.new_violations, c.resolved_violations, c.new_reminders)):
        lines.append(f"## {hz if zh else he} ({len(keys)})")
        for rule, period, entity in keys:
            title = rule_title(bundle.rules[rule], lang) if rule in bundle.rules else rule
            who = f" [{entity_label(bundle, rule, entity, lang)}]" if entity else ""
            lines.append(f"- {title} — {period_name(bundle, period, lang)}{who}")
        lines.append("")
    # Evidence present at the previous run and gone now: a truncated or overwritten file
    # can otherwise pass as valid and even "resolve" a violation.
    kinds = {"record": ("紀錄", "record"), "document": ("文件", "document"),
             "waiver": ("豁免", "waiver"), "meeting": ("會議", "meeting")}
    lines.append(f"## {'前次執行時存在、現已不見的佐證' if zh else 'Evidence gone since the previous run'}"
                 f" ({len(c.disappeared)})")
    for kind, ident in c.disappeared:
        lines.append(f"- {kinds[kind][0 if zh else 1]} {ident}")
    lines.append("")
    return "\n".join(lines)
