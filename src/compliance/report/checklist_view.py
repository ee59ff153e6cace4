"""The checklist as headings, summary lines and tables in one language: what the text,
Markdown and ODT formatters all render, so they cannot drift apart."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from compliance.bundle import Bundle
from compliance.checklist import Checklist, ScheduledItem, UnitSection
from compliance.dates import format_date
from compliance.report._messages import (
    LIGHT,
    entity_name,
    long_date,
    message,
    period_label,
    rule_title,
)

_W: dict[str, dict[str, Any]] = {
    "zh-TW": {
        "title": "所務會議提升服務品質執行計畫追蹤管考清單", "meeting": "會議日期", "plan": "計畫",
        "as_of": "檢核基準日", "previous": "上次會議", "next": "下次會議", "estimated": "（推估）",
        "overdue": "一、逾期未辦事項", "due_soon": "二、下次會議前到期事項",
        "done": "三、上次會議以來已辦理事項", "scheduled": "四、作業時程管制表項目（本月預定及月份未載者）",
        "c_overdue": ["燈號", "項目", "期間", "期限", "說明或核准"],
        "c_due": ["項目", "期限", "次數"], "c_done": ["項目", "日期", "佐證"],
        "c_sched": ["編號", "計畫項目", "工作內容", "本月紀錄"],
        "needs": "★ 須於本次會議提出說明", "explained": "已說明（{m}）：{x}", "waived": "已核准免辦",
        "none": "無", "untracked": "未設規則", "no_records": "尚無紀錄", "records": "{n} 筆",
        "unknown_month": "月份未載；",
        "summary": "逾期 {o} 項（其中 {u} 項待說明）、下次會議前到期 {d} 項、已辦理 {n} 筆",
        "more": "等 {n} 筆", "periods": "{n} 期",
    },
    "en": {
        "title": "Service-quality plan: checklist for the office meeting", "meeting": "meeting",
        "plan": "plan", "as_of": "as of", "previous": "previous meeting", "next": "next meeting",
        "estimated": " (estimated)",
        "overdue": "1. Overdue obligations", "due_soon": "2. Due before the next meeting",
        "done": "3. Done since the previous meeting",
        "scheduled": "4. Annex work items scheduled this month, or whose months the plan text lost",
        "c_overdue": ["light", "obligation", "period", "due", "explanation or waiver"],
        "c_due": ["obligation", "due", "periods"], "c_done": ["obligation", "dates", "evidence"],
        "c_sched": ["no.", "item", "work", "records this month"],
        "needs": "★ needs an explanation at this meeting", "explained": "explained ({m}): {x}",
        "waived": "waived", "none": "none", "untracked": "no rule", "no_records": "no records yet",
        "records": "{n} record(s)", "unknown_month": "month not recorded; ",
        "summary": "{o} overdue ({u} unexplained), {d} due before the next meeting, {n} records done",
        "more": "and {n} more", "periods": "{n} period(s)",
    },
}


@dataclass(frozen=True)
class Table:
    title: str
    columns: list[str]
    rows: list[list[str]]
    weights: tuple[float, ...] = ()  # relative column widths, for paged formats


@dataclass(frozen=True)
class UnitView:
    heading: str
    summary: str
    tables: list[Table]


@dataclass(frozen=True)
class View:
    title: str
    header: list[tuple[str, str]]
    units: list[UnitView]
    empty: str


def build_view(bundle: Bundle, checklist: Checklist, lang: str) -> View:
    w = _W[lang]
    plan = bundle.plan
    header = [(w["meeting"], long_date(checklist.meeting, lang)),
              (w["plan"], f"{plan.agency} {plan.title}（{plan.document_number}）" if lang == "zh-TW"
               else f"{plan.agency} {plan.title} ({plan.document_number})"),
              (w["as_of"], long_date(checklist.as_of, lang)),
              (w["previous"], long_date(checklist.previous_meeting, lang) if checklist.previous_meeting
               else w["none"]),
              (w["next"], long_date(checklist.next_meeting, lang)
               + (w["estimated"] if checklist.next_meeting_estimated else ""))]
    units = [_unit(bundle, s, lang, checklist.meeting) for s in checklist.sections]
    return View(w["title"], header, units, w["none"])


def _unit(bundle: Bundle, s: UnitSection, lang: str, checklist_meeting) -> UnitView:
    w = _W[lang]
    d = lambda day: format_date(day, lang)
    title = lambda rule: rule_title(bundle.rules[rule], lang)
    overdue = []
    for o in s.overdue:
        f = o.finding
        if o.needs_explanation:
            note = w["needs"]
        elif f.explanations:
            x = [e for e in f.explanations if e.date < checklist_meeting][-1]
            note = w["explained"].format(m=d(x.date), x=x.explanation)
        else:
            note = w["waived"]
        # A per-unit finding sits under its own unit already; others name their staff or document.
        entity = (f" [{entity_name(bundle, f, lang)}]"
                  if f.entity and bundle.rules[f.rule].for_each != "unit" else "")
        overdue.append([LIGHT[lang][f.light], title(f.rule) + entity, period_label(f, lang), d(f.due),
                        f"{message(bundle, f, lang)}\n{note}" if o.needs_explanation else note])
    due = [[title(g.rule), d(g.first_due) if len(g.findings) == 1
            else f"{d(g.first_due)}–{d(max(f.due for f in g.findings))}",
            w["periods"].format(n=len(g.findings))] for g in s.due_soon]
    done = [[title(g.rule), _dates(g.records, lang, w), _evidence(g.records, w)] for g in s.done]
    sched = [[i.item.number, i.item.item, i.item.content, _scheduled_note(i, w)] for i in s.scheduled]
    summary = w["summary"].format(o=len(s.overdue), u=s.unexplained, d=len(s.due_soon),
                                  n=sum(len(g.records) for g in s.done))
    tables = [Table(w["overdue"], w["c_overdue"], overdue, (1.2, 3, 2.6, 2.4, 5.5)),
              Table(w["due_soon"], w["c_due"], due, (6, 4.5, 1.5)),
              Table(w["done"], w["c_done"], done, (4.5, 5, 5)),
              Table(w["scheduled"], w["c_sched"], sched, (1, 3, 7, 2))]
    return UnitView(s.unit.name.get(lang), summary, tables)


def _dates(records, lang: str, w: dict) -> str:
    shown = [format_date(r.date, lang) for r in records[:5]]
    more = f" {w['more'].format(n=len(records))}" if len(records) > 5 else ""
    return "、".join(shown) + more if lang == "zh-TW" else ", ".join(shown) + more


def _evidence(records, w: dict) -> str:
    marks = []
    for r in records:
        ev = r.evidence
        if ev:
            marks.append(ev.doc_no or ev.file or ev.url or "")
    shown = [m for m in marks if m][:3]
    return "; ".join(shown) + (f" {w['more'].format(n=len(marks))}" if len(marks) > 3 else "") or "-"


def _scheduled_note(i: ScheduledItem, w: dict) -> str:
    note = w["untracked"] if not i.tracked else (
        w["records"].format(n=len(i.records)) if i.records else w["no_records"])
    return note if i.month_known else w["unknown_month"] + note
