"""The one table of schedule words: `basis: plan` must quote the plan's own schedule."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from compliance import models as m
from compliance.schedule_words import WORDS, schedule_word_missing

BASE = {"id": "r", "title": {"zh-TW": "規則", "en": "rule"}, "unit": "u", "severity": "low",
        "activity": "a", "basis": "plan"}


def rule(quote: str, **schedule) -> dict:
    return {**BASE, "source": {"clause": "c", "quote": quote}, **schedule}


@pytest.mark.parametrize("quote, schedule", [
    ("每年檢查各項申請表單", {"every": "year"}),
    ("按季召開檢討會", {"every": "quarter"}),
    ("每月 定期檢核公文", {"every": "month"}),  # whitespace, as in the PDF text
    ("於3月- 8月每週列印學齡兒童異動名冊", {"every": "week", "months": [3, 4, 5, 6, 7, 8]}),
    ("每日查閱網路預約申辦系統", {"every": "workday"}),
    ("每年 4 月 15 日前報局", {"by": "04-15"}),
    ("務必在第一時間快速澄清回應", {"after": {"activity": "b", "within_days": 1}}),
])
def test_a_quote_with_its_schedule_word_is_accepted(quote, schedule):
    r = m.Rule.model_validate(rule(quote, **schedule))
    assert schedule_word_missing(r) is None


@pytest.mark.parametrize("quote, schedule, missing", [
    ("本所官網資料定期更新維護", {"every": "month"}, "每月"),  # 定期 gives no interval
    ("各課室應於年度開始時提出", {"by": "01-31"}, "1月31日"),  # 年度開始時 is no date
    ("訂定年度提升服務品質執行計畫", {"every": "year"}, "每年"),  # 年度 names the plan year
    ("每週列印學齡兒童異動名冊", {"every": "week", "months": [3, 8]}, "3月"),
    ("每年1月15日前報局", {"by": "04-15"}, "4月15日"),
])
def test_basis_plan_without_the_word_is_refused(quote, schedule, missing):
    with pytest.raises(ValidationError) as err:
        m.Rule.model_validate(rule(quote, **schedule))
    assert "basis: plan" in str(err.value) and missing in str(err.value)


def test_office_and_law_rules_need_no_word_but_say_who_decided_or_which_law():
    office = rule("本所官網資料定期更新維護", every="month", basis="office",
                  decided={"by": "推動小組", "on": "112/01/11", "minutes": "112年1月所務會議紀錄"})
    assert m.Rule.model_validate(office).basis == "office"
    law = rule("線上填報成果", by="01-31", by_year="next", basis="law",
               law={"article": "環境教育法第19條第1項", "text": "並於翌年一月三十一日以前…提報"})
    assert m.Rule.model_validate(law).by_year == "next"
    with pytest.raises(ValidationError):
        m.Rule.model_validate({**office, "decided": None})


def test_every_recurrence_and_the_trigger_have_words():
    assert set(WORDS) == {"year", "half-year", "quarter", "month", "week", "workday", "trigger"}
    assert all(WORDS.values())
