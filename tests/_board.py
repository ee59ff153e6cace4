"""Helpers shared by the board's tests: the JSON report's view of the grid, computed
independently of ``compliance.board``, and the HTML page's cells read back."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from html.parser import HTMLParser

from click.testing import CliRunner

from compliance.cli import main

WORST_FIRST = ("violation", "reminder", "late", "open", "waived", "satisfied", "upcoming")


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def json_report(as_of: str, lang: str = "en") -> dict:
    result = run("check", "--as-of", as_of, "--format", "json", "--fail-on", "never", "--lang", lang)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def expected_cells(report: dict, first_day: dt.date, last_day: dt.date) -> Counter:
    """Statuses of the grid's cells from the JSON report alone: one cell per rule, entity
    and month of the due date (all dates after the plan year share one cell, and so do all
    dates before it), its status the worst of its periods."""
    cells: dict[tuple[str, str, str], list[str]] = {}
    for f in report["findings"]:
        due = dt.date.fromisoformat(f["due"])
        month = "after" if due > last_day else "before" if due < first_day else f["due"][:7]
        cells.setdefault((f["rule"], f.get("entity", ""), month), []).append(f["status"])
    return Counter(min(statuses, key=WORST_FIRST.index) for statuses in cells.values())


class Cells(HTMLParser):
    """Every <td> of the board with its data-* attributes, and rows in order."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[dict[str, str]] = []
        self.rows: list[list[dict[str, str]]] = []
        self.in_table = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "table":
            self.in_table = True
        elif tag == "tr" and self.in_table:
            self.rows.append([])
        elif tag == "td" and self.in_table:
            self.cells.append(a)
            self.rows[-1].append(a)

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self.in_table = False


def parse_cells(html: str) -> Cells:
    parser = Cells()
    parser.feed(html)
    return parser


def leaf_statuses(cells: Cells) -> Counter:
    """Statuses of the cells of single periods' rows (not the summaries of several entities)."""
    return Counter(c["data-status"] for c in cells.cells
                   if "data-rule" in c and "data-summary" not in c and c["data-status"] != "none")


def first_violation(report: dict, last_day: dt.date) -> dict:
    """A violation to look at: one of an obligation without entities when there is one (its
    row is never folded away), due within the plan year."""
    violations = [f for f in report["findings"] if f["status"] == "violation" and f["due"] <= last_day.isoformat()]
    assert violations, "the bundled plan has violations as of 112/06/30"
    return next((f for f in violations if "entity" not in f), violations[0])
