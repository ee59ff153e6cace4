"""What changed since the previous nightly run, as Markdown (``changes.md``)."""

from __future__ import annotations

from compliance.bundle import Bundle
from compliance.history import Changes


def changes_markdown(bundle: Bundle, c: Changes, lang: str) -> str:
    zh = lang == "zh-TW"
    heads = (("新增逾期", "New violations"), ("已改善", "Resolved violations"), ("新增即將到期", "New reminders"))
    lines = [f"# {bundle.plan.title}: {'與上次執行相比' if zh else 'changes since the previous run'}"
             f" ({c.previous_as_of or ('首次執行' if zh else 'first run')})", ""]
    for (hz, he), keys in zip(heads, (c.new_violations, c.resolved_violations, c.new_reminders)):
        lines.append(f"## {hz if zh else he} ({len(keys)})")
        for rule, period, entity in keys:
            title = bundle.rules[rule].title.get(lang) if rule in bundle.rules else rule
            lines.append(f"- {title} — {period}" + (f" [{entity}]" if entity else ""))
        lines.append("")
    return "\n".join(lines)
