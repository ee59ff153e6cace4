"""What the board's formatters show, in words: labels, symbols, and each cell's details.

The HTML page and the ODS spreadsheet render the same facts, so both take them from here:
the details of a cell are the facts `compliance explain` prints (due date, the status's
sentence, counted records with their evidence, waivers, minutes' explanations, the plan
quote), from the same evaluation.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from compliance.board import AFTER, BEFORE, Cell, Column
from compliance.bundle import Bundle
from compliance.dates import format_date, roc_year
from compliance.findings import RANK, Finding, Status
from compliance.report._messages import STATUS, case_label, long_date, message, period_label

# A symbol per status, so a cell still says what it is in black and white and to a
# reader who cannot tell red from green.
SYMBOL: dict[str, str] = {"violation": "✗", "reminder": "!", "late": "◑", "open": "○",
                          "waived": "⊘", "satisfied": "✓", "upcoming": "·"}
BY_HAND_MARK = "◇"

WORDS = {
    "zh-TW": {"title": "作業時程管制表", "as_of": "檢核基準日", "item": "工作項目", "clause": "依據",
              "summary": "統計", "unit": "課室", "all_units": "全部課室", "status": "狀態",
              "filters": "篩選", "legend": "圖例", "by_hand": "人工管制（無對應規則）",
              "by_hand_mark": "預定辦理月份（人工管制）", "expand": "展開", "periods": "期",
              "today": "基準日所在月份", "close": "關閉", "period": "期間", "due": "期限",
              "records": "計入紀錄", "none": "無", "doc_no": "文號", "file": "檔案", "url": "連結",
              "note": "備註", "waivers": "免辦核准", "expired": "已失效", "valid": "有效至",
              "explained": "會議說明", "action": "決議", "target": "預定完成",
              "moved": "原訂 {n} 為休息日，順延至次一上班日", "details": "明細",
              "no_rows": "沒有符合篩選條件的項目", "sheet_summary": "統計", "total": "合計",
              "shown": "顯示", "plans": "各計畫", "plan": "計畫", "board": "管制表",
              "night": "夜間檢核", "help": "點選或以鍵盤選取格子可看明細；Esc 關閉。",
              "no_months": "（月份未載）"},
    "en": {"title": "schedule control table", "as_of": "As of", "item": "Obligation",
           "clause": "Source", "summary": "Summary", "unit": "Unit", "all_units": "All units",
           "status": "Status", "filters": "Filters", "legend": "Legend",
           "by_hand": "Tracked by hand (no rule)", "by_hand_mark": "scheduled month (tracked by hand)",
           "expand": "Expand", "periods": "periods", "today": "month of the as-of date",
           "close": "Close", "period": "Period", "due": "Due", "records": "Records counted",
           "none": "none", "doc_no": "Doc. no.", "file": "File", "url": "Link", "note": "Note",
           "waivers": "Waivers", "expired": "expired", "valid": "valid until",
           "explained": "Explained at", "action": "action", "target": "target",
           "moved": "{n} is a day off; moved to the next working day", "details": "Details",
           "no_rows": "Nothing matches the filters", "sheet_summary": "Summary", "total": "Total",
           "shown": "shown", "plans": "Plans", "plan": "Plan", "board": "board",
           "night": "Nightly run", "help": "Click or select a cell with the keyboard for its "
           "details; Esc closes them.", "no_months": "(months not given in the plan)"},
}

_EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def status_name(status: str, lang: str) -> str:
    return STATUS[lang][status]


def column_label(column: Column, columns: tuple[Column, ...], lang: str) -> str:
    """3月 (112年3月 when the plan spans two years); 113年以後 (or 113年7月以後) after the
    plan's last day, 112年以前 before its first."""
    months = [c for c in columns if c.is_month]
    if column.key == AFTER:
        return _edge(column.first, column.first.month == 1, lang, after=True)
    if column.key == BEFORE:
        return _edge(column.last, column.last.month == 12, lang, after=False)
    one_year = months[0].first.year == months[-1].first.year
    day = column.first
    if lang == "zh-TW":
        return f"{day.month}月" if one_year else f"{roc_year(day)}年{day.month}月"
    return _EN_MONTHS[day.month - 1] + ("" if one_year else f" {day.year}")


def _edge(day: dt.date, whole_year: bool, lang: str, *, after: bool) -> str:
    if lang == "zh-TW":
        when = f"{roc_year(day)}年" if whole_year else f"{roc_year(day)}年{day.month}月"
        return when + ("以後" if after else "以前")
    when = str(day.year) if whole_year else f"{_EN_MONTHS[day.month - 1]} {day.year}"
    return ("From " if after else "Until ") + when


def column_month(column: Column) -> str:
    """YYYY-MM for ``data-month``: the column's month; the first month after (or the last
    before) the year for the other columns' empty cells."""
    day = column.last if column.key == BEFORE else column.first
    return f"{day.year:04d}-{day.month:02d}"


def unit_name(bundle: Bundle, unit_id: str, lang: str) -> str:
    unit = bundle.units.get(unit_id)
    return unit.name.get(lang) if unit else unit_id


def entity_label(bundle: Bundle, entity: str, lang: str) -> str:
    if entity in bundle.units:
        return bundle.units[entity].name.get(lang)
    if entity in bundle.staff:
        s = bundle.staff[entity]
        return f"{s.id} {s.title}"
    if entity in bundle.documents:
        return bundle.documents[entity].title
    if entity in bundle.records:  # the case a record opened (每月追蹤至結案)
        return case_label(bundle, entity, lang)
    return entity


def counts_label(counts: dict[Status, int], lang: str) -> str:
    sep = "，" if lang == "zh-TW" else ", "
    unit = "期" if lang == "zh-TW" else ""
    return sep.join(f"{status_name(s, lang)} {n}{unit}" for s, n in counts.items() if n)


# --- links -------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def safe_href(value: str) -> str | None:
    """An href for an evidence link, or None when it must stay text.

    Only http(s) URLs and relative file paths become links: ``javascript:``, ``data:``,
    ``file:`` and absolute paths do not. Browsers ignore tabs and newlines inside a URL,
    so a value is judged with them removed.
    """
    text = re.sub(r"[\t\n\r]", "", value).strip()
    if _CONTROL.search(text):
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme in ("http", "https"):
        return text if parts.netloc else None
    if parts.scheme or parts.netloc or text.startswith(("/", "\\")) or not text:
        return None
    return quote(text, safe="/")


@dataclass(frozen=True)
class Link:
    text: str
    href: str | None  # None: shown as text, never a link


@dataclass(frozen=True)
class RecordLine:
    date: str
    id: str
    doc_no: str | None
    file: Link | None
    url: Link | None
    note: str | None


@dataclass(frozen=True)
class PeriodDetail:
    status: Status
    period: str  # label of the period, with its entity
    due: str  # due date, with the day-off note when it moved
    message: str  # the status's sentence, as every report says it
    records: tuple[RecordLine, ...]
    waivers: tuple[str, ...]
    explanations: tuple[str, ...]


PUNCT = {"zh-TW": {"(": "（", ")": "）", ":": "：", ";": "；"},
         "en": {"(": " (", ")": ")", ":": ": ", ";": "; "}}


def period_detail(bundle: Bundle, f: Finding, lang: str) -> PeriodDetail:
    w, p = WORDS[lang], PUNCT[lang]
    d = lambda day: format_date(day, lang)
    entity = f" · {entity_label(bundle, f.entity, lang)}" if f.entity else ""
    due = d(f.due) + (f"{p['(']}{w['moved'].format(n=d(f.nominal_due))}{p[')']}" if f.due_moved else "")
    records = tuple(_record_line(bundle, rid, lang) for rid in f.records)
    waivers = tuple(_waiver_line(bundle, note.id, note.expires, note.expired, lang) for note in f.waivers)
    explanations = tuple(
        f"{w['explained']} {d(x.date)}{p[':']}{x.explanation}{p[';']}"
        f"{w['action']}{p[':']}{x.action}"
        + (f"{p[';']}{w['target']} {d(x.target)}" if x.target else "") for x in f.explanations)
    return PeriodDetail(f.status, period_label(f, lang) + entity, due, message(bundle, f, lang),
                        records, waivers, explanations)


def _record_line(bundle: Bundle, rid: str, lang: str) -> RecordLine:
    rec = bundle.records[rid]
    ev = rec.evidence
    file = Link(ev.file, safe_href(ev.file)) if ev and ev.file else None
    url = Link(ev.url, safe_href(ev.url)) if ev and ev.url else None
    return RecordLine(format_date(rec.date, lang), rec.id, ev.doc_no if ev else None, file, url,
                      rec.note)


def _waiver_line(bundle: Bundle, wid: str, expires: dt.date, expired: bool, lang: str) -> str:
    w, p = WORDS[lang], PUNCT[lang]
    waiver = bundle.waivers.get(wid)
    state = f"{w['expired'] if expired else w['valid']} {format_date(expires, lang)}"
    reason = f"{p[':']}{waiver.reason}" if waiver else ""
    return f"{wid}{p['(']}{state}{p[')']}{reason}"


def cell_details(bundle: Bundle, cell: Cell, lang: str) -> list[PeriodDetail]:
    """Worst first, then by due date: a red cell of a daily obligation opens on its missed
    days, not on the twenty done ones before them."""
    ordered = sorted(cell.findings, key=lambda f: (RANK[f.status], f.due))
    return [period_detail(bundle, f, lang) for f in ordered]


def detail_paragraphs(bundle: Bundle, rule_id: str, cell: Cell, lang: str) -> list[str]:
    """The details as plain text (spreadsheet annotations): the obligation, its source, then
    one paragraph per period (a month of a daily obligation holds twenty of them, and each
    paragraph is an element to build and write)."""
    w, pu = WORDS[lang], PUNCT[lang]
    rule = bundle.rules[rule_id]
    out = [rule.title.get(lang), f"{w['clause']}{pu[':']}{rule.source.clause}「{rule.source.quote}」"]
    for p in cell_details(bundle, cell, lang):
        parts = [f"{SYMBOL[p.status]} {status_name(p.status, lang)} · {w['period']} {p.period} · "
                 f"{w['due']} {p.due}", p.message]
        for r in p.records:
            ev = [x for x in (r.doc_no and f"{w['doc_no']} {r.doc_no}", r.file and r.file.text,
                              r.url and r.url.text) if x]
            parts.append(f"{w['records']}{pu[':']}{r.date} {r.id}"
                         + (f"{pu['(']}{pu[';'].join(ev)}{pu[')']}" if ev else ""))
        parts += [f"{w['waivers']}{pu[':']}{x}" for x in p.waivers]
        parts += list(p.explanations)
        out.append(pu[";"].join(parts))
    return out


def as_of_line(day: dt.date, lang: str) -> str:
    return f"{WORDS[lang]['as_of']}{PUNCT[lang][':']}{long_date(day, lang)}"
