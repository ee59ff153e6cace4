"""Words and sentences of the reports in zh-TW and en."""

from __future__ import annotations

from compliance.bundle import Bundle
from compliance.dates import format_date, format_roc_long
from compliance.findings import Finding

STATUS = {
    "zh-TW": {"violation": "逾期未辦", "reminder": "即將到期", "open": "辦理中", "satisfied": "已完成",
              "late": "逾期完成", "waived": "已核准免辦", "upcoming": "尚未開始"},
    "en": {"violation": "violation", "reminder": "reminder", "open": "open", "satisfied": "satisfied",
           "late": "late", "waived": "waived", "upcoming": "upcoming"},
}
LIGHT = {"zh-TW": {"red": "紅燈", "yellow": "黃燈", "green": "綠燈"},
         "en": {"red": "red", "yellow": "yellow", "green": "green"}}
LIGHT_MARK = {"red": "●", "yellow": "◐", "green": "○"}

_SENTENCES = {
    "zh-TW": {
        "need": "應於 {due} 前完成 {required} 次，已有 {count} 次",
        "need_total": "應於 {due} 前累計 {required_total:g} 小時，已有 {total:g} 小時",
        "violation": "已逾期：{need}",
        "reminder": "即將到期：{need}",
        "open": "尚未到期：{need}",
        "satisfied": "已於 {met} 完成（期限 {due}）",
        "late": "逾期完成：於 {met} 完成，期限為 {due}",
        "waived": "已核准免辦（{waiver}，效期至 {expires}）",
        "upcoming": "期間自 {start} 開始",
        "constraint_ok": "文件「{doc}」符合規定",
        "constraint_bad": "文件「{doc}」（{format}，{editable}）不符規定",
        "editable": "可編輯", "fixed": "不可編輯",
        "moved": "（原訂 {nominal} 為休息日，依行政程序法第 48 條順延）",
        "expired": "；免辦核准 {waiver} 已於 {expires} 失效",
        "entity": "對象：{entity}",
        "trigger": "起因紀錄：{trigger}",
    },
    "en": {
        "need": "{required} record(s) due by {due}, {count} found",
        "need_total": "{required_total:g} hours due by {due}, {total:g} found",
        "violation": "Overdue: {need}",
        "reminder": "Due soon: {need}",
        "open": "Not yet due: {need}",
        "satisfied": "Done on {met} (due {due})",
        "late": "Done late on {met} (due {due})",
        "waived": "Waived ({waiver}, valid until {expires})",
        "upcoming": "Period starts {start}",
        "constraint_ok": "Document '{doc}' complies",
        "constraint_bad": "Document '{doc}' ({format}, {editable}) does not comply",
        "editable": "editable", "fixed": "not editable",
        "moved": " (the deadline {nominal} is a day off; moved to the next working day, "
                 "Administrative Procedure Act art. 48)",
        "expired": "; waiver {waiver} expired on {expires}",
        "entity": "for {entity}",
        "trigger": "triggered by {trigger}",
    },
}


def words(lang: str) -> dict[str, str]:
    return _SENTENCES[lang]


def message(bundle: Bundle, f: Finding, lang: str) -> str:
    """One sentence saying what the status means for this finding."""
    s = _SENTENCES[lang]
    d = lambda day: format_date(day, lang) if day else ""
    rule = bundle.rules[f.rule]
    if rule.constraint:
        assert f.entity is not None  # a constraint finding is about one document
        doc = bundle.documents[f.entity]
        key = "constraint_ok" if f.status == "satisfied" else "constraint_bad"
        return s[key].format(doc=doc.title, format=doc.format,
                             editable=s["editable"] if doc.editable else s["fixed"])
    if f.required_total is not None and f.count >= f.required:
        need = s["need_total"].format(due=d(f.due), required_total=f.required_total, total=f.total or 0)
    else:
        need = s["need"].format(due=d(f.due), required=f.required, count=f.count)
    active = next((w for w in f.waivers if not w.expired), None)
    text = s[f.status].format(need=need, due=d(f.due), met=d(f.met_on), start=d(f.start),
                              waiver=active.id if active else "",
                              expires=d(active.expires) if active else "")
    if f.due_moved and f.status in ("violation", "reminder", "open", "late"):
        text += s["moved"].format(nominal=d(f.nominal_due))
    for w in f.waivers:
        if w.expired:
            text += s["expired"].format(waiver=w.id, expires=d(w.expires))
    return text


def period_label(f: Finding, lang: str) -> str:
    if f.start == f.end:
        return format_date(f.start, lang)
    return f"{format_date(f.start, lang)}–{format_date(f.end, lang)}"


def long_date(day, lang: str) -> str:
    return format_roc_long(day) if lang == "zh-TW" else day.isoformat()
