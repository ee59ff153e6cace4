"""The board as one self-contained HTML page: works from file://, prints on A4 landscape.

Safe to open when the data was written by someone else: every value is escaped; the page's
Content-Security-Policy allows only its own inline style and script (by hash: no remote
loads, no inline event handlers); evidence links are shown, never fetched, and only
http(s) and relative paths become links (``board_view.safe_href``).

Contract for scripts and tests: every cell carries ``data-rule``, ``data-month``
(YYYY-MM), ``data-status`` (a status, or ``none`` when nothing is due) and, where it
applies, ``data-entity``; a cell summarising a row's entities also carries
``data-summary``; rows tracked by hand carry ``data-item`` instead of ``data-rule``.
"""

from __future__ import annotations

import base64
import hashlib
from html import escape
from importlib.resources import files

from compliance.board import Board, Cell, Column, Row, UnitBoard, build
from compliance.bundle import Bundle
from compliance.findings import STATUSES, Evaluation
from compliance.report.board_view import (
    BY_HAND_MARK,
    PUNCT,
    SYMBOL,
    WORDS,
    Link,
    PeriodDetail,
    RecordLine,
    as_of_line,
    cell_details,
    column_label,
    column_month,
    counts_label,
    entity_label,
    status_name,
    unit_name,
)

_ASSETS = files("compliance.report") / "board_assets"
CSS = (_ASSETS / "board.css").read_text(encoding="utf-8")
JS = (_ASSETS / "board.js").read_text(encoding="utf-8")


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


# Only this page's own style and script run; nothing is loaded from anywhere.
CSP = (f"default-src 'none'; script-src {_sha256(JS)}; style-src {_sha256(CSS)}; "
       "img-src 'none'; base-uri 'none'; form-action 'none'")


def e(value: object) -> str:
    return escape(str(value), quote=True)


def page(title: str, lang: str, body: list[str], *, script: bool = True) -> str:
    """A complete HTML document around ``body`` with the CSP, the style and the script."""
    html_lang = "zh-Hant-TW" if lang == "zh-TW" else "en"
    head = ['<!DOCTYPE html>', f'<html lang="{html_lang}">', '<head>', '<meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
            '<meta name="referrer" content="no-referrer">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f'<title>{e(title)}</title>', f'<style>{CSS}</style>', '</head>', '<body>']
    tail = [f'<script>{JS}</script>'] if script else []
    return "\n".join(head + body + tail + ['</body>', '</html>']) + "\n"


def render(bundle: Bundle, board: Board, lang: str) -> str:
    w = WORDS[lang]
    plan = bundle.plan
    title = f"{plan.agency} {plan.title} {w['title']}"
    ids = _Ids(board, lang)
    table = _table(bundle, board, lang, ids)  # fills ids.sections
    body = [f'<header><h1>{e(title)}</h1>', f'<p class="asof">{e(as_of_line(board.as_of, lang))}</p>',
            _summary(board, lang), '</header>', '<main>', _filters(bundle, board, lang), _legend(lang),
            f'<p id="help" class="help">{e(w["help"])}</p>',
            table,
            f'<p id="empty" class="empty" hidden>{e(w["no_rows"])}</p>',
            (f'<div id="pop" role="dialog" aria-labelledby="pop-h" hidden>'
             f'<button type="button" id="pop-close">{e(w["close"])}</button>'
             '<div id="pop-body"></div></div>'),
            '<div id="details" hidden>', *ids.sections, '</div>', '</main>']
    return page(title, lang, body)


def board_page(bundle: Bundle, evaluation: Evaluation, lang: str) -> str:
    """The whole plan's board of one evaluation (the nightly run's ``board.html``)."""
    return render(bundle, build(bundle, evaluation), lang)


# --- header, filters, legend ---------------------------------------------------------------


def _summary(board: Board, lang: str) -> str:
    w = WORDS[lang]
    parts = [f'<span class="sum-item" data-status="{s}"><span class="sw s-{s}" aria-hidden="true">'
             f'{SYMBOL[s]}</span> {e(status_name(s, lang))} <b class="n">{board.summary[s]}</b></span>'
             for s in STATUSES]
    return f'<p id="summary" class="summary" aria-live="polite">{e(w["summary"])}{PUNCT[lang][":"]}' \
           + " ".join(parts) + '</p>'


def _filters(bundle: Bundle, board: Board, lang: str) -> str:
    w = WORDS[lang]
    options = [f'<option value="">{e(w["all_units"])}</option>'] + [
        f'<option value="{e(u.unit)}">{e(unit_name(bundle, u.unit, lang))}</option>' for u in board.units]
    boxes = [f'<label><input type="checkbox" name="status" value="{s}" checked> '
             f'<span class="sw s-{s}" aria-hidden="true">{SYMBOL[s]}</span> {e(status_name(s, lang))}</label>'
             for s in STATUSES]
    return (f'<section class="filters" aria-label="{e(w["filters"])}">'
            f'<label>{e(w["unit"])} <select id="f-unit">{"".join(options)}</select></label>'
            f'<fieldset><legend>{e(w["status"])}</legend>{"".join(boxes)}</fieldset></section>')


def _legend(lang: str) -> str:
    w = WORDS[lang]
    items = [f'<li><span class="sw s-{s}" aria-hidden="true">{SYMBOL[s]}</span> {e(status_name(s, lang))}</li>'
             for s in STATUSES]
    items.append(f'<li><span class="sw hand" aria-hidden="true">{BY_HAND_MARK}</span> {e(w["by_hand_mark"])}</li>')
    items.append(f'<li><span class="sw today-sw" aria-hidden="true"></span> {e(w["today"])}</li>')
    return f'<ul class="legend" aria-label="{e(w["legend"])}">{"".join(items)}</ul>'


# --- the table -----------------------------------------------------------------------------


class _Ids:
    """Element ids of the page, numbered as rows are written; each cell's details are
    collected here and written after the table."""

    def __init__(self, board: Board, lang: str) -> None:
        self.rows = 0
        self.sections: list[str] = []
        # Computed once, used in every cell: labels and data-month of each column.
        self.label = {c.key: column_label(c, board.columns, lang) for c in board.columns}
        self.month = {c.key: column_month(c) for c in board.columns}

    def row(self) -> str:
        self.rows += 1
        return f"r{self.rows}"

    def next_detail(self) -> str:
        return f"d{len(self.sections) + 1}"


def _table(bundle: Bundle, board: Board, lang: str, ids: _Ids) -> str:
    w = WORDS[lang]
    today = board.today
    heads = [f'<th scope="col" class="item">{e(w["item"])}</th>']
    for c in board.columns:
        mark = ' class="today" aria-current="date"' if c.key == today else ""
        heads.append(f'<th scope="col" data-month="{ids.month[c.key]}"{mark}>'
                     f'{e(ids.label[c.key])}</th>')
    out = [(f'<table class="board" aria-describedby="help"><caption>{e(bundle.plan.title)} '
            f'{e(w["title"])}</caption>'), f'<thead><tr>{"".join(heads)}</tr></thead>']
    for unit in board.units:
        out.append(_unit(bundle, board, unit, lang, ids))
    out.append('</table>')
    return "\n".join(out)


def _unit(bundle: Bundle, board: Board, unit: UnitBoard, lang: str, ids: _Ids) -> str:
    w = WORDS[lang]
    n = len(board.columns) + 1
    counts = " ".join(f'data-n-{s}="{unit.summary[s]}"' for s in STATUSES)
    label = counts_label(unit.summary, lang)
    out = [f'<tbody data-unit="{e(unit.unit)}" {counts}>',
           (f'<tr class="unit-head"><th scope="rowgroup" colspan="{n}">'
            f'{e(unit_name(bundle, unit.unit, lang))} <span class="counts">{e(label)}</span></th></tr>')]
    for row in unit.rows:
        out += _rows(bundle, board, row, lang, ids)
    if unit.by_hand:
        # Collapsed like a per-staff row: the annex has many such rows and none has a status.
        hid = ids.row()
        child_ids = [ids.row() for _ in unit.by_hand]
        out.append(f'<tr id="{hid}" class="hand-head"><th scope="row" colspan="{n}">'
                   f'<button type="button" class="x" aria-expanded="false" aria-controls="{" ".join(child_ids)}"'
                   f' aria-label="{e(w["expand"])}{PUNCT[lang][":"]}{e(w["by_hand"])}">'
                   f'<span aria-hidden="true">▸</span></button> {e(w["by_hand"])} ({len(unit.by_hand)})</th></tr>')
        for item, cid in zip(unit.by_hand, child_ids):
            months = item.months or []  # none when the plan text lost them (月份未載)
            cells = "".join(_hand_cell(item.id, months, c, c.key == board.today) for c in board.columns)
            lost = "" if months else f' <span class="clause">{e(w["no_months"])}</span>'
            out.append(f'<tr id="{cid}" class="hand-row child" data-item="{e(item.id)}" data-parent="{hid}"'
                       f' hidden><th scope="row"><span class="t">{e(item.number)} {e(item.item)}</span>{lost}'
                       f'</th>{cells}</tr>')
    out.append('</tbody>')
    return "\n".join(out)


def _hand_cell(item: str, months: list[int], column: Column, today: bool) -> str:
    planned = column.is_month and column.first.month in months
    cls = " ".join(c for c in ("hand" if planned else "", "today" if today else "") if c)
    return (f'<td data-item="{e(item)}" data-month="{column_month(column)}" '
            f'data-status="{"by-hand" if planned else "none"}"' + (f' class="{cls}"' if cls else "")
            + f'>{BY_HAND_MARK if planned else ""}</td>')


def _rows(bundle: Bundle, board: Board, row: Row, lang: str, ids: _Ids) -> list[str]:
    w = WORDS[lang]
    rid = ids.row()
    child_ids = [ids.row() for _ in row.children]
    rule = row.rule
    title = f'<span class="t">{e(rule.title.get(lang))}</span> <span class="clause">{e(rule.source.clause)}</span>'
    if row.entity:
        title += f' <span class="ent">{e(entity_label(bundle, row.entity, lang))}</span>'
    if row.children:
        title = (f'<button type="button" class="x" aria-expanded="false" aria-controls="{" ".join(child_ids)}"'
                 f' aria-label="{e(w["expand"])}{PUNCT[lang][":"]}{e(rule.title.get(lang))}">'
                 f'<span aria-hidden="true">▸</span></button> ' + title)
    attrs = f' data-entity="{e(row.entity)}"' if row.entity else ""
    out = [f'<tr id="{rid}" class="ob" data-rule="{e(rule.id)}"{attrs}><th scope="row">{title}</th>'
           + _cells(bundle, board, row, lang, ids, summary=bool(row.children)) + '</tr>']
    for child, cid in zip(row.children, child_ids):
        label = e(entity_label(bundle, child.entity or "", lang))
        out.append(f'<tr id="{cid}" class="child" data-rule="{e(rule.id)}" data-entity="{e(child.entity)}"'
                   f' data-parent="{rid}" hidden><th scope="row"><span class="ent">{label}</span></th>'
                   + _cells(bundle, board, child, lang, ids, summary=False) + '</tr>')
    return out


def _cells(bundle: Bundle, board: Board, row: Row, lang: str, ids: _Ids, *, summary: bool) -> str:
    base = f'data-rule="{e(row.rule.id)}"' + (f' data-entity="{e(row.entity)}"' if row.entity else "")
    base += ' data-summary=""' if summary else ""
    out = []
    for column in board.columns:
        today = column.key == board.today
        cell = row.cells.get(column.key)
        if cell is None:
            cls = ' class="today"' if today else ""
            out.append(f'<td {base} data-month="{ids.month[column.key]}" data-status="none"{cls}></td>')
            continue
        detail_id = ids.next_detail()
        label = ids.label[column.key]
        ids.sections.append(_detail(bundle, row, label, cell, detail_id, lang))
        out.append(_cell(label, cell, base, detail_id, lang, today))
    return "".join(out)


def _cell(column_label: str, cell: Cell, base: str, detail_id: str, lang: str, today: bool) -> str:
    status = cell.status
    n = len(cell.findings)
    count = f'<span class="n">{n}</span>' if n > 1 else ""
    label = f"{column_label}{PUNCT[lang][':']}{counts_label(cell.counts(), lang)}"
    cls = f"s-{status}" + (" today" if today else "")
    return (f'<td {base} data-month="{cell.month}" data-status="{status}" data-count="{n}" class="{cls}">'
            f'<button type="button" class="c" data-detail="{detail_id}" aria-haspopup="dialog" '
            f'aria-expanded="false" aria-label="{e(label)}">{SYMBOL[status]}{count}</button></td>')


# --- details ---------------------------------------------------------------------------


def _detail(bundle: Bundle, row: Row, column_label: str, cell: Cell, detail_id: str,
            lang: str) -> str:
    w, p = WORDS[lang], PUNCT[lang]
    rule = row.rule
    who = f" · {entity_label(bundle, row.entity, lang)}" if row.entity else ""
    head = f"{rule.title.get(lang)}{who} — {column_label}"
    items = "".join(_period(x, lang) for x in cell_details(bundle, cell, lang))
    return (f'<section class="detail" id="{detail_id}"><h2>{e(head)}</h2>'
            f'<p class="src">{e(w["clause"])}{p[":"]}{e(rule.source.clause)}「{e(rule.source.quote)}」</p>'
            f'<ol class="periods">{items}</ol></section>')


def _period(d: PeriodDetail, lang: str) -> str:
    w, p = WORDS[lang], PUNCT[lang]
    out = [(f'<li class="s-{d.status}-b"><p><span class="sw s-{d.status}" aria-hidden="true">'
            f'{SYMBOL[d.status]}</span> <strong>{e(status_name(d.status, lang))}</strong> · '
            f'{e(w["period"])} {e(d.period)} · {e(w["due"])} <span class="due">{e(d.due)}</span></p>'),
           f'<p class="msg">{e(d.message)}</p>']
    if d.records:
        recs = "".join(_record(r, lang) for r in d.records)
        out.append(f'<p>{e(w["records"])}{p[":"]}</p><ul class="recs">{recs}</ul>')
    else:
        out.append(f'<p>{e(w["records"])}{p[":"]}{e(w["none"])}</p>')
    out += [f'<p>{e(w["waivers"])}{p[":"]}{e(x)}</p>' for x in d.waivers]
    out += [f'<p class="expl">{e(x)}</p>' for x in d.explanations]
    return "".join(out) + "</li>"


def _record(r: RecordLine, lang: str) -> str:
    w, p = WORDS[lang], PUNCT[lang]
    parts = [f"{e(r.date)} <code>{e(r.id)}</code>"]
    if r.doc_no:
        parts.append(f"{e(w['doc_no'])} {e(r.doc_no)}")
    if r.file:
        parts.append(f"{e(w['file'])} {_link(r.file)}")
    if r.url:
        parts.append(f"{e(w['url'])} {_link(r.url)}")
    if r.note:
        parts.append(f"{e(w['note'])}{p[':']}{e(r.note)}")
    return "<li>" + " · ".join(parts) + "</li>"


def _link(link: Link) -> str:
    if link.href is None:
        return f'<span class="nolink">{e(link.text)}</span>'
    return f'<a href="{e(link.href)}" rel="noopener noreferrer" target="_blank">{e(link.text)}</a>'
