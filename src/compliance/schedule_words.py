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
    # A count after an event states a trigger's deadline: 收件後7日內, 3個工作天內, 到職1個月內.
    "trigger": ("第一時間", "立即", "即時", "隨即", "日內", "工作天內", "工作日內", "個月內"),
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
    if kind == "window" and rule.window is not None:
        # 每年3月至5月間: both months are the plan's words
        for edge in (rule.window.from_, rule.window.to):
            if (wanted := f"{int(edge[:2])}月") not in quote:
                return wanted
        return None
    words = WORDS[kind]
    if rule.months or (rule.due and rule.due.day):
        # 每年3月、9月各辦理1次 / 每年6月30日及12月31日前: the year, with its months or days
        words = (*words, *WORDS["year"])
    if not any(w in quote for w in words):
        return " / ".join(words)
    if rule.due and rule.due.day and f"{rule.due.day}日" not in quote:
        return f"{rule.due.day}日"
    if rule.months:
        for month in (rule.months[0], rule.months[-1]):
            if f"{month}月" not in quote:
                return f"{month}月"
    return None
