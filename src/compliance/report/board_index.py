"""``OUT/<date>/index.html``: every plan evaluated that night, its counts and a link to its
board — a city's 12 district offices, or a country's 370, at a glance.

The same self-contained, escaped page as the board (its CSP and style; no script needed).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from compliance.findings import STATUSES
from compliance.report._messages import long_date
from compliance.report.board_html import e, page
from compliance.report.board_view import PUNCT, SYMBOL, WORDS, safe_href, status_name

NEW = {"zh-TW": "新增逾期", "en": "new violations"}


def render(as_of: dt.date, plans: Sequence[Mapping[str, Any]], lang: str) -> str:
    """``plans``: one entry per plan as the nightly summary gives them: ``plan`` (its
    name), ``folder`` (``<date>/<slug>``), ``summary`` (counts by status) and
    ``new_violations``."""
    w = WORDS[lang]
    title = f"{w['night']}{PUNCT[lang][':']}{long_date(as_of, lang)}"
    heads = [f'<th scope="col">{e(w["plan"])}</th>'] + [
        f'<th scope="col"><span class="sw s-{s}" aria-hidden="true">{SYMBOL[s]}</span> '
        f'{e(status_name(s, lang))}</th>' for s in STATUSES] + [
        f'<th scope="col">{e(NEW[lang])}</th>', f'<th scope="col">{e(w["board"])}</th>']
    rows = [_row(p, lang) for p in sorted(plans, key=_worst_first)]
    totals = [sum(p["summary"].get(s, 0) for p in plans) for s in STATUSES]
    foot = (f'<tr><th scope="row">{e(w["total"])}{PUNCT[lang]["("]}{len(plans)}{PUNCT[lang][")"]}</th>'
            + "".join(f"<td>{n}</td>" for n in totals)
            + f'<td>{sum(p.get("new_violations", 0) for p in plans)}</td><td></td></tr>')
    body = [f"<header><h1>{e(title)}</h1></header>", "<main>",
            f'<table class="board index"><caption>{e(w["plans"])}</caption>',
            f'<thead><tr>{"".join(heads)}</tr></thead>', f'<tbody>{"".join(rows)}</tbody>',
            f"<tfoot>{foot}</tfoot>", "</table>", "</main>"]
    return page(title, lang, body, script=False)


def _worst_first(p: Mapping[str, Any]) -> tuple:
    return tuple(-p["summary"].get(s, 0) for s in STATUSES[:3]) + (str(p["plan"]),)


def _count(status: str, n: int) -> str:
    # Colour only what needs acting on; the number is the information.
    return f'<td class="s-{status}">{n}</td>' if n and status in STATUSES[:3] else f"<td>{n}</td>"


def _row(p: Mapping[str, Any], lang: str) -> str:
    w = WORDS[lang]
    slug = str(p["folder"]).split("/", 1)[-1]
    href = safe_href(f"{slug}/board.html")
    link = (f'<a href="{e(href)}">{e(w["board"])}</a>' if href else e(slug))
    cells = "".join(_count(s, int(p["summary"].get(s, 0))) for s in STATUSES)
    return (f'<tr data-plan="{e(slug)}"><th scope="row">{e(p["plan"])}</th>{cells}'
            f'<td>{int(p.get("new_violations", 0))}</td><td>{link}</td></tr>')
