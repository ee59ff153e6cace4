"""The words of the plan that state a schedule, one table for the whole checker.

A rule whose ``basis`` is ``plan`` claims that its frequency, date or window is in the
quoted plan text itself; ``validate`` holds it to that claim with this table. A quote
without such a word (定期, 年度開始時, or no frequency at all) is the office's choice
(``basis: office``) or a law's (``basis: law``).
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from compliance.models import Rule

# Words that state each recurrence or trigger, as the plan writes them. "年度" is not one:
# it names the plan year (年度提升服務品質執行計畫), not a frequency.
WORDS: dict[str, tuple[str, ...]] = {
    "year": ("每年", "每一年", "全年"),
    "half-year": ("每半年", "上半年", "下半年"),
    "quarter": ("按季", "每季"),
    "month": ("每月", "每個月"),
    "week": ("每週", "每周", "每星期"),
    "workday": ("每日", "每天"),
    "trigger": ("第一時間", "立即", "即時", "隨即"),
}


def _plain(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def schedule_word_missing(rule: Rule) -> str | None:
    """What the quote lacks for the rule's schedule (e.g. "每月"), or None when it has it."""
    quote = _plain(rule.source.quote)
    kind = rule.kind
    if kind == "constraint":
        return None  # a standing requirement: no schedule to state
    if kind == "fixed-date":
        month, day = (int(x) for x in (rule.by or "").split("-"))
        wanted = f"{month}月{day}日"
        return None if wanted in quote else wanted
    words = WORDS[kind]
    if not any(w in quote for w in words):
        return " / ".join(words)
    if rule.months:
        for month in (rule.months[0], rule.months[-1]):
            if f"{month}月" not in quote:
                return f"{month}月"
    return None
