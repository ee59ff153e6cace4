"""Words and sentences of the reports in zh-TW and en.

In zh-TW every line a person reads is Chinese with ROC dates: units, activities,
documents and periods are shown by name (112年5月, 112/05/15–112/05/21), never by id or
ISO key. The status word is shown beside the message, so the message does not repeat it.
"""

from __future__ import annotations

import datetime as dt
import re

from compliance import models as m
from compliance.bundle import Bundle
from compliance.dates import format_date, format_roc_long
from compliance.findings import Finding, WaiverNote

STATUS = {
    "zh-TW": {"violation": "逾期未辦", "reminder": "即將到期", "open": "辦理中", "satisfied": "已完成",
              "late": "逾期完成", "waived": "已核准免辦", "upcoming": "尚未開始"},
    "en": {"violation": "violation", "reminder": "reminder", "open": "open", "satisfied": "satisfied",
           "late": "late", "waived": "waived", "upcoming": "upcoming"},
}
LIGHT = {"zh-TW": {"red": "紅燈", "yellow": "黃燈", "green": "綠燈"},
         "en": {"red": "red", "yellow": "yellow", "green": "green"}}
LIGHT_MARK = {"red": "●", "yellow": "◐", "green": "○"}
BASIS = {"zh-TW": {"plan": "計畫明定", "law": "法律規定", "office": "本所訂定"},
         "en": {"plan": "stated in the plan", "law": "set by law", "office": "set by the office"}}
KIND = {"zh-TW": {"year": "每年", "half-year": "每半年", "quarter": "每季", "month": "每月", "week": "每週",
                  "workday": "每個上班日", "fixed-date": "定期限", "trigger": "事件觸發", "constraint": "持續遵守",
                  "window": "期間內"},
        "en": {}}
SEVERITY = {"zh-TW": {"high": "高", "medium": "中", "low": "低"}, "en": {}}

_SENTENCES = {
    "zh-TW": {
        "need": "應於 {due} 前完成 {required} 次，已有 {count} 次",
        "need_total": "已累計 {total:g} 小時，應於 {due} 前累計至少 {required_total:g} 小時",
        "need_sum": "{field}已累計 {total:g}，應於 {due} 前累計至少 {required_total:g}",
        "satisfied": "已於 {met} 完成（期限 {due}）",
        "late": "於 {met} 完成，晚於期限 {due}",
        "waived": "{waiver}",
        "upcoming": "期間自 {start} 開始",
        "constraint_ok": "文件「{doc}」符合規定",
        "entity_constraint_ok": "「{entity}」符合規定",
        "entity_constraint_bad": "「{entity}」不符規定",
        "constraint_bad": "文件「{doc}」（{format}，{editable}）不符規定",
        "published_ok": "網站已公開「{kind}」",
        "published_bad": "網站未公開「{kind}」（計畫自 {since} 實施起應公開）",
        "published_later": "計畫於 {since} 實施後，網站應公開「{kind}」",
        "editable": "可編輯", "fixed": "不可編輯",
        "moved": "（原訂 {nominal} 為休息日，依行政程序法第 48 條順延）",
        "waiver": "免辦已核准：{approver}於 {granted} 核准，效期至 {expires}；理由：{reason}",
        "expired": "；免辦核准（{granted}）已於 {expires} 失效，不及於期限在其後之本期",
        "office": "（期程為本所訂定）",
        "law": "（依{article}）",
        "entity": "對象：{entity}",
    },
    "en": {
        "need": "{required} record(s) due by {due}, {count} found",
        "need_total": "{total:g} of {required_total:g} hours by {due}",
        "need_sum": "{field}: {total:g} of {required_total:g} by {due}",
        "satisfied": "done on {met} (due {due})",
        "late": "done on {met}, after the due date {due}",
        "waived": "{waiver}",
        "upcoming": "period starts {start}",
        "constraint_ok": "document '{doc}' complies",
        "entity_constraint_ok": "'{entity}' complies",
        "entity_constraint_bad": "'{entity}' does not comply",
        "constraint_bad": "document '{doc}' ({format}, {editable}) does not comply",
        "published_ok": "the website publishes {kind}",
        "published_bad": "the website does not publish {kind} (due since the plan took effect on {since})",
        "published_later": "once the plan takes effect on {since}, the website must publish {kind}",
        "editable": "editable", "fixed": "not editable",
        "moved": " (the deadline {nominal} is a day off; moved to the next working day, "
                 "Administrative Procedure Act art. 48)",
        "waiver": "waived by {approver} on {granted}, valid until {expires}: {reason}",
        "expired": "; the waiver granted {granted} expired on {expires}, before this period's due date",
        "office": " (schedule set by the office)",
        "law": " (set by {article})",
        "entity": "for {entity}",
    },
}


def words(lang: str) -> dict[str, str]:
    return _SENTENCES[lang]


def rule_title(rule: m.Rule, lang: str) -> str:
    """The title, marked when the schedule is the office's choice, not the plan's words."""
    if rule.basis == "office":
        return rule.title.get(lang) + ("（本所訂定）" if lang == "zh-TW" else " (set by the office)")
    return rule.title.get(lang)


def message(bundle: Bundle, f: Finding, lang: str) -> str:
    """One sentence saying what the status means for this finding (without the status word)."""
    s = _SENTENCES[lang]
    rule = bundle.rules[f.rule]
    if rule.constraint:
        return _constraint_message(bundle, rule, f, lang)
    d = lambda day: format_date(day, lang) if day else ""
    if f.required_total is not None and f.status in ("violation", "reminder", "open"):
        field = rule.total.field if rule.total else "hours"
        declared = bundle.record_fields.get(field)  # a number the plan data declares
        text = (s["need_sum"] if declared else s["need_total"]).format(
            due=d(f.due), required_total=f.required_total, total=f.total or 0,
            field=declared.title.get(lang) if declared else "")
    elif f.status in ("violation", "reminder", "open"):
        text = s["need"].format(due=d(f.due), required=f.required, count=f.count)
    elif f.status == "waived":
        note = next(n for n in f.waivers if n.covers)
        text = waiver_text(bundle, note, lang)
    else:
        text = s[f.status].format(due=d(f.due), met=d(f.met_on), start=d(f.start))
    if f.due_moved and f.status in ("violation", "reminder", "open", "late"):
        text += s["moved"].format(nominal=d(f.nominal_due))
    for note in f.waivers:
        if not note.covers:
            w = bundle.waivers.get(note.id)
            text += s["expired"].format(granted=d(w.granted) if w else note.id, expires=d(note.expires))
    return text + basis_note(rule, lang)


def basis_note(rule: m.Rule, lang: str) -> str:
    """Says where the schedule comes from when it is not the plan's own words."""
    s = _SENTENCES[lang]
    if rule.basis == "office":
        return s["office"]
    if rule.basis == "law" and rule.law:
        return s["law"].format(article=rule.law.article)
    return ""


def waiver_text(bundle: Bundle, note: WaiverNote, lang: str) -> str:
    w = bundle.waivers.get(note.id)
    if w is None:
        return note.id
    role = bundle.roles.get(w.approver)
    approver = (role.role if lang == "zh-TW" else f"the {w.approver}") if role else w.approver
    return _SENTENCES[lang]["waiver"].format(approver=approver, granted=format_date(w.granted, lang),
                                             expires=format_date(w.expires, lang), reason=w.reason)


def _constraint_message(bundle: Bundle, rule: m.Rule, f: Finding, lang: str) -> str:
    s = _SENTENCES[lang]
    assert rule.constraint is not None
    if rule.constraint.published:
        kind = entity_name(bundle, f, lang)
        since = format_date(f.due, lang)
        key = {"satisfied": "published_ok", "upcoming": "published_later"}.get(f.status, "published_bad")
        return s[key].format(kind=kind, since=since)
    key = "constraint_ok" if f.status == "satisfied" else "constraint_bad"
    if rule.constraint.entity != "document":
        return s["entity_" + key].format(entity=entity_name(bundle, f, lang))
    doc = bundle.documents[f.entity or ""]
    return s[key].format(doc=doc.title, format=doc.format,
                         editable=s["editable"] if doc.editable else s["fixed"])


def entity_name(bundle: Bundle, f: Finding, lang: str) -> str:
    """The unit, staff member, document or document kind a finding is about, by name."""
    return entity_label(bundle, f.rule, f.entity or "", lang)


def entity_label(bundle: Bundle, rule_id: str, entity: str, lang: str) -> str:
    """An entity of a rule (unit, staff member, document, kind of document) by name."""
    rule = bundle.rules.get(rule_id)
    if rule and rule.constraint and rule.constraint.published:
        kind = next((k for k in rule.constraint.published if k.id == entity), None)
        if kind:
            return kind.title.get(lang)
    if entity in bundle.units:
        return bundle.units[entity].name.get(lang)
    if entity in bundle.staff:
        s = bundle.staff[entity]
        unit = bundle.units.get(s.unit or "")
        return f"{s.id} {unit.name.get(lang) + ' ' if unit else ''}{s.title}"
    if entity in bundle.documents:
        return bundle.documents[entity].title
    if rule and rule.schedule.kind == "case":
        return case_label(bundle, entity, lang)
    return entity


def case_label(bundle: Bundle, record_id: str, lang: str) -> str:
    """A case a record opened (每月追蹤至結案), by its id, day and activity:
    案件 complaint-1：113/01/15 收受民眾陳情."""
    rec = bundle.records.get(record_id)
    if rec is None:
        return record_id
    activity = bundle.activities.get(rec.activity)
    title = activity.title.get(lang) if activity else rec.activity
    if lang == "zh-TW":
        return f"案件 {record_id}：{format_date(rec.date, lang)} {title}"
    return f"case {record_id}: {format_date(rec.date, lang)} {title}"


def period_label(f: Finding, lang: str) -> str:
    if f.start == f.end:
        return format_date(f.start, lang)
    if f.start > f.end:
        # Reported on after it ends (due: after_end): records count from the day after its
        # end, which is all the finding knows of it; show the span up to its end.
        return f"…–{format_date(f.end, lang)}"
    return f"{format_date(f.start, lang)}–{format_date(f.end, lang)}"


_KEY = re.compile(r"^(\d{4})(?:-(H[12]|Q[1-4]|W\d{2}|\d{2}|\d{2}-\d{2}))?$")


def period_name(bundle: Bundle, key: str, lang: str) -> str:
    """A period key as people name it: 112年5月, 112年第2季, 112/05/15–112/05/21, or the
    triggering record as its date and activity. English keeps the ISO key."""
    match = _KEY.match(key)
    if match is None:  # a triggering record's or a document's id
        rec = bundle.records.get(key)
        if rec is not None:
            activity = bundle.activities.get(rec.activity)
            title = activity.title.get(lang) if activity else rec.activity
            return f"{format_date(rec.date, lang)} {title}"
        doc = bundle.documents.get(key)
        return doc.title if doc else key
    if lang != "zh-TW":
        return key
    year, rest = int(match.group(1)), match.group(2)
    roc = year - 1911
    if rest is None:
        return f"{roc}年"
    if rest[0] == "H":
        return f"{roc}年{'上' if rest == 'H1' else '下'}半年"
    if rest[0] == "Q":
        return f"{roc}年第{rest[1]}季"
    if rest[0] == "W":
        monday = dt.date.fromisocalendar(year, int(rest[1:]), 1)
        return f"{format_date(monday, lang)}–{format_date(monday + dt.timedelta(days=6), lang)}"
    if len(rest) == 2:
        return f"{roc}年{int(rest)}月"
    return format_date(dt.date.fromisoformat(key), lang)


def flowing(text: str) -> str:
    """A folded YAML text as one line: no space is left between two Chinese characters
    (YAML folds a line break into a space, which Chinese does not use)."""
    one = " ".join(text.split())
    return re.sub(r"(?<=[^\x00-\x7f]) (?=[^\x00-\x7f])", "", one)


def long_date(day: dt.date, lang: str) -> str:
    return format_roc_long(day) if lang == "zh-TW" else day.isoformat()
