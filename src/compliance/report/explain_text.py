"""Text of `compliance explain`.

In zh-TW nothing here is an id or an ISO date: the rule, its records, meetings and
waivers are named by title, activity, document number and ROC date (the person already
typed the rule's id to get here).
"""

from __future__ import annotations

import datetime as dt
from typing import IO, Any

from compliance import models as m
from compliance.bundle import Bundle
from compliance.dates import format_date
from compliance.explain import Considered, considered
from compliance.findings import Finding
from compliance.report._messages import (
    BASIS,
    LIGHT,
    STATUS,
    entity_name,
    flowing,
    message,
    period_label,
    period_name,
    rule_title,
    waiver_text,
)

_W: dict[str, dict[str, Any]] = {
    "zh-TW": {"rule": "項目", "period": "期間", "due": "期限",
              "moved": "原訂 {n} 為休息日，依行政程序法第 48 條順延至次一上班日",
              "status": "狀態", "entity": "對象", "sep": "；",
              "records": "相關紀錄", "counted": "計入", "not": "不計入",
              "waivers": "免辦核准", "none": "（無）", "nothing": "此日期沒有對應的期間。",
              "all_green": "共 {n} 期，均為綠燈（已完成、辦理中、免辦或尚未開始）。",
              "green": "另有 {n} 期為綠燈（已完成、辦理中、免辦或尚未開始），未列出；以 --period 指定日期可查看該期。",
              "required": "需要", "need": "「{activity}」{n} 次", "hours": "，累計至少 {h:g} 小時",
              "window": "可計入期間", "basis": "期程來源",
              "decided": "{by}於 {on} 訂定（{minutes}）",
              "reasons": {"after-as-of": "晚於檢核基準日", "before-period": "早於期間開始",
                          "after-period": "晚於期間結束", "other-period": "指定為其他期間", "other-unit": "屬其他課室",
                          "other-staff": "屬其他同仁", "no-case": "未指明所追蹤的案件",
                          "condition": "不符規則條件"},
              "expired": "已失效", "valid": "有效", "covers": "本期仍屬免辦", "lapsed": "不及於本期",
              "source": "依據", "also": "併同依據", "interpretation": "解釋",
              "explained": "會議說明", "action": "決議", "target": "預定完成"},
    "en": {"rule": "rule", "period": "period", "due": "due", "moved": "the deadline {n} is a day off; "
           "moved to the next working day (Administrative Procedure Act art. 48)",
           "status": "status", "entity": "for", "sep": "; ", "records": "records considered", "counted": "counted",
           "not": "not counted",
           "waivers": "waivers", "none": "(none)", "nothing": "No period of this rule holds that day.",
           "all_green": "All {n} periods are green (satisfied, open, waived or upcoming).",
           "green": "{n} more periods are green (satisfied, open, waived or upcoming) and not shown; "
                    "give --period DAY to see one.",
           "required": "required", "need": "{n} × {activity}", "hours": ", ≥ {h:g} h",
           "window": "records count from", "basis": "schedule",
           "decided": "decided by {by} on {on} ({minutes})",
           "reasons": {"after-as-of": "after the as-of date", "before-period": "before the period",
                       "after-period": "after the period", "other-period": "names another period",
                       "other-unit": "another unit's",
                       "other-staff": "another staff member's", "no-case": "names no case (case:)",
                       "condition": "rule conditions not met"},
           "expired": "expired", "valid": "valid", "covers": "still covers this period",
           "lapsed": "does not cover this period",
           "source": "source", "also": "also", "interpretation": "interpretation",
           "explained": "explained at", "action": "action", "target": "target"},
}


def write(bundle: Bundle, findings: list[Finding], as_of: dt.date, stream: IO[str], *, lang: str,
          green: int = 0) -> None:
    """``green``: how many green findings were left out (explain without --period)."""
    w = _W[lang]
    if not findings:
        stream.write((w["all_green"].format(n=green) if green else w["nothing"]) + "\n")
        return
    _rule_header(bundle, bundle.rules[findings[0].rule], stream, lang)
    for f in findings:
        stream.write("\n")
        _finding(bundle, f, as_of, stream, lang)
    if green:
        text = w["green"].format(n=green)
        if bundle.rules[findings[0].rule].constraint and lang == "zh-TW":
            text = text.replace(" 期為綠燈", " 項為綠燈").replace("可查看該期", "可查看該項")
        stream.write("\n" + text + "\n")


def _rule_header(bundle: Bundle, rule: m.Rule, stream: IO[str], lang: str) -> None:
    w = _W[lang]
    head = rule_title(rule, lang) if lang == "zh-TW" else f"{rule.id} — {rule_title(rule, lang)}"
    stream.write(f"{w['rule']}: {head}\n")
    stream.write(f"{w['source']}: {rule.source.clause}「{rule.source.quote}」\n")
    for extra in rule.also:
        stream.write(f"{w['also']}: {extra.clause}「{extra.quote}」\n")
    basis = BASIS[lang][rule.basis]
    if rule.law:
        basis += f" — {rule.law.article}「{flowing(rule.law.text)}」"
    if rule.decided:
        d = rule.decided
        basis += " — " + w["decided"].format(by=d.by, on=format_date(d.on, lang), minutes=d.minutes)
    stream.write(f"{w['basis']}: {basis}\n")
    if rule.interpretation:
        stream.write(f"{w['interpretation']}: {flowing(rule.interpretation.get(lang))}\n")


def _finding(bundle: Bundle, f: Finding, as_of: dt.date, stream: IO[str], lang: str) -> None:
    w = _W[lang]
    rule = bundle.rules[f.rule]
    d = lambda day: format_date(day, lang)
    if rule.constraint:  # a document or a kind of document, not a period
        stream.write(f"{w['entity']}: {entity_name(bundle, f, lang)} ({period_label(f, lang)})\n")
    else:
        entity = f" [{entity_name(bundle, f, lang)}]" if f.entity else ""
        stream.write(f"{w['period']}: {period_name(bundle, f.period_key, lang)}{entity} "
                     f"({period_label(f, lang)})\n")
    stream.write(f"{w['due']}: {d(f.due)}")
    stream.write(f" — {w['moved'].format(n=d(f.nominal_due))}\n" if f.due_moved else "\n")
    if rule.activity:
        activity = bundle.activities.get(rule.activity)
        name = activity.title.get(lang) if activity and lang == "zh-TW" else rule.activity
        need = w["need"].format(n=f.required, activity=name)
        if f.required_total is not None:  # hours, not a count, unless both are asked for
            need = (need if f.required > 1 else f"「{name}」" if lang == "zh-TW" else name) \
                + w["hours"].format(h=f.required_total)
        stream.write(f"{w['required']}: {need}{w['sep']}{w['window']} {d(f.start)} – {d(min(f.close, as_of))}\n")
    stream.write(f"{w['status']}: {STATUS[lang][f.status]} ({LIGHT[lang][f.light]}) — "
                 f"{message(bundle, f, lang)}\n")
    items = considered(bundle, f, as_of)
    if rule.activity:
        stream.write(f"{w['records']}:{'' if items else ' ' + w['none']}\n")
    for c in items:
        mark = "✓" if c.counted else "✗"
        why = w["counted"] if c.counted else f"{w['not']}: {w['reasons'][c.reason]}"
        stream.write(f"  {mark} {d(c.record.date)} {_record(bundle, c, lang)} — {why}\n")
    for x in f.explanations:
        target = f"{w['sep']}{w['target']} {d(x.target)}" if x.target else ""
        stream.write(f"{w['explained']}{_meeting(bundle, x.meeting, x.date, lang)}: {x.explanation} — "
                     f"{w['action']}: {x.action}{target}\n")
    if f.waivers:
        stream.write(f"{w['waivers']}:\n")
        for note in f.waivers:
            state = w["expired"] if note.expired else w["valid"]
            effect = w["covers"] if note.covers else w["lapsed"]
            stream.write(f"  {waiver_text(bundle, note, lang)}（{state}，{effect}）\n" if lang == "zh-TW"
                         else f"  {note.id}: {waiver_text(bundle, note, lang)} ({state}; {effect})\n")


def _record(bundle: Bundle, c: Considered, lang: str) -> str:
    """A record as a clerk finds it: its activity and document number (en: its id)."""
    rec = c.record
    ev = rec.evidence.doc_no if rec.evidence and rec.evidence.doc_no else ""
    if lang != "zh-TW":
        return rec.id + (f" {ev}" if ev else "")
    activity = bundle.activities.get(rec.activity)
    text = activity.title.get(lang) if activity else rec.activity
    if rec.unit and rec.unit in bundle.units:
        text = f"{bundle.units[rec.unit].name.get(lang)} {text}"
    return text + (f"（{ev}）" if ev else "")


def _meeting(bundle: Bundle, meeting_id: str, day: dt.date, lang: str) -> str:
    if lang != "zh-TW":
        return f" {meeting_id} ({format_date(day, lang)})"
    meeting = bundle.meetings.get(meeting_id)
    activity = bundle.activities.get(meeting.activity) if meeting else None
    name = activity.title.get(lang) if activity else "會議"
    return f"（{format_date(day, lang)} {name}）"
