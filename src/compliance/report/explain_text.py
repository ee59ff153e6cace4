"""Text of `compliance explain`."""

from __future__ import annotations

import datetime as dt
from typing import IO, Any

from compliance.bundle import Bundle
from compliance.dates import format_date
from compliance.explain import considered
from compliance.findings import Finding
from compliance.report._messages import LIGHT, STATUS, message, period_label

_W: dict[str, dict[str, Any]] = {
    "zh-TW": {"rule": "規則", "period": "期間", "due": "期限",
              "moved": "原訂 {n} 為休息日，依行政程序法第 48 條順延至次一上班日",
              "status": "狀態", "records": "相關紀錄", "counted": "計入", "not": "不計入",
              "waivers": "免辦核准", "none": "（無）", "nothing": "此日期沒有對應的期間。",
              "required": "需要", "window": "可計入期間",
              "reasons": {"after-as-of": "晚於檢核基準日", "before-period": "早於期間開始",
                          "after-period": "晚於期間結束", "other-period": "指定為其他期間", "other-unit": "屬其他課室",
                          "other-staff": "屬其他同仁", "condition": "不符規則條件"},
              "expired": "已失效", "valid": "有效", "source": "依據", "interpretation": "解釋",
              "explained": "會議說明", "action": "決議", "target": "預定完成"},
    "en": {"rule": "rule", "period": "period", "due": "due", "moved": "the deadline {n} is a day off; "
           "moved to the next working day (Administrative Procedure Act art. 48)",
           "status": "status", "records": "records considered", "counted": "counted", "not": "not counted",
           "waivers": "waivers", "none": "(none)", "nothing": "No period of this rule holds that day.",
           "required": "required", "window": "records count from",
           "reasons": {"after-as-of": "after the as-of date", "before-period": "before the period",
                       "after-period": "after the period", "other-period": "names another period",
                       "other-unit": "another unit's",
                       "other-staff": "another staff member's", "condition": "rule conditions not met"},
           "expired": "expired", "valid": "valid", "source": "source", "interpretation": "interpretation",
           "explained": "explained at", "action": "action", "target": "target"},
}


def write(bundle: Bundle, findings: list[Finding], as_of: dt.date, stream: IO[str], *, lang: str) -> None:
    w = _W[lang]
    if not findings:
        stream.write(w["nothing"] + "\n")
        return
    for f in findings:
        rule = bundle.rules[f.rule]
        d = lambda day: format_date(day, lang)
        stream.write(f"{w['rule']}: {f.rule} — {rule.title.get(lang)}\n")
        stream.write(f"{w['source']}: {rule.source.clause}「{rule.source.quote}」\n")
        if rule.interpretation:
            stream.write(f"{w['interpretation']}: {rule.interpretation.strip()}\n")
        entity = f" [{f.entity}]" if f.entity else ""
        stream.write(f"{w['period']}: {f.period_key}{entity} ({period_label(f, lang)})\n")
        stream.write(f"{w['due']}: {d(f.due)}")
        stream.write(f" — {w['moved'].format(n=d(f.nominal_due))}\n" if f.due_moved else "\n")
        if rule.activity:
            need = f"{f.required} × {rule.activity}"
            if f.required_total is not None:
                need += f", ≥ {f.required_total:g} h"
            stream.write(f"{w['required']}: {need}; {w['window']} {d(f.start)} – {d(min(f.close, as_of))}\n")
        stream.write(f"{w['status']}: {STATUS[lang][f.status]} ({LIGHT[lang][f.light]}) — "
                     f"{message(bundle, f, lang)}\n")
        items = considered(bundle, f, as_of)
        stream.write(f"{w['records']}:{'' if items else ' ' + w['none']}\n")
        for c in items:
            mark = "✓" if c.counted else "✗"
            why = w["counted"] if c.counted else f"{w['not']}: {w['reasons'][c.reason]}"
            ev = ""
            if c.record.evidence and c.record.evidence.doc_no:
                ev = f" {c.record.evidence.doc_no}"
            stream.write(f"  {mark} {d(c.record.date)} {c.record.id}{ev} — {why}\n")
        for x in f.explanations:
            target = f"; {w['target']} {d(x.target)}" if x.target else ""
            stream.write(f"{w['explained']} {x.meeting} ({d(x.date)}): {x.explanation} — "
                         f"{w['action']}: {x.action}{target}\n")
        if f.waivers:
            stream.write(f"{w['waivers']}:\n")
            for note in f.waivers:
                state = w["expired"] if note.expired else w["valid"]
                stream.write(f"  {note.id} ({state}, {d(note.expires)})\n")
        stream.write("\n")
