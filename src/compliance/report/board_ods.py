"""The board as an OpenDocument spreadsheet (odfpy): the plan mandates ODF for editable
documents (陸 措施五(一)), and a unit's clerk wants the grid in Calc.

One sheet per unit (obligations down, months across, a symbol and count per cell on the
status's colour, the cell's details as an annotation), then a summary sheet of counts.
"""

from __future__ import annotations

import io
import re

from odf.office import Annotation
from odf.opendocument import OpenDocumentSpreadsheet
from odf.style import Style, TableCellProperties, TableColumnProperties, TextProperties
from odf.table import CoveredTableCell, Table, TableCell, TableColumn, TableRow, TableRowGroup
from odf.text import P

from compliance.board import Board, Cell, Row, UnitBoard
from compliance.bundle import Bundle
from compliance.findings import STATUSES
from compliance.report._odf import declare_language, write_package
from compliance.report.board_view import (
    BY_HAND_MARK,
    PUNCT,
    SYMBOL,
    WORDS,
    as_of_line,
    column_label,
    detail_paragraphs,
    entity_label,
    status_name,
    unit_name,
)

# Background and text colours per status: the HTML page's, which pass WCAG AA.
COLOURS = {"violation": ("#b3261e", "#ffffff"), "reminder": ("#ffd54f", "#1a1a1a"),
           "late": ("#ffb074", "#1a1a1a"), "open": ("#bbdefb", "#0d2b4a"),
           "waived": ("#e0e0e0", "#1a1a1a"), "satisfied": ("#c8e6c9", "#0b3d0b"),
           "upcoming": ("#ffffff", "#4a4a4a")}
INDENT = "　"  # an ideographic space: entity rows sit under their obligation


def cell_text(cell: Cell) -> str:
    """What a cell shows: the worst status's symbol, and how many periods when several."""
    n = len(cell.findings)
    return SYMBOL[cell.status] + (f" {n}" if n > 1 else "")


def sheet_name(name: str) -> str:
    """Calc refuses []*?:/\\ in a sheet name, and a quote at either end."""
    return re.sub(r"[\[\]*?:/\\]", "_", name).strip("'")[:31] or "sheet"


class _Styles:
    def __init__(self, doc: OpenDocumentSpreadsheet):
        self.doc = doc
        self.status = {s: self._cell(f"st-{s}", bg, fg, bold=True) for s, (bg, fg) in COLOURS.items()}
        self.head = self._cell("head", "#e8e8e8", "#1a1a1a", bold=True)
        self.unit = self._cell("unit", "#2b2b2b", "#ffffff", bold=True)
        self.title = self._cell("title", None, "#1a1a1a", bold=True)
        self.plain = self._cell("plain", None, "#1a1a1a", bold=False)
        self.wide = self._column("wide", "9cm")
        self.mid = self._column("mid", "4cm")
        self.narrow = self._column("narrow", "1.5cm")

    def _cell(self, name: str, bg: str | None, fg: str, *, bold: bool) -> Style:
        st = Style(name=name, family="table-cell")
        props = {"border": "0.5pt solid #767676", "wrapoption": "wrap"}
        if bg:
            props["backgroundcolor"] = bg
        st.addElement(TableCellProperties(**props))
        text = {"color": fg}
        if bold:
            text.update(fontweight="bold", fontweightasian="bold")
        st.addElement(TextProperties(**text))
        self.doc.automaticstyles.addElement(st)
        return st

    def _column(self, name: str, width: str) -> Style:
        st = Style(name=name, family="table-column")
        st.addElement(TableColumnProperties(columnwidth=width))
        self.doc.automaticstyles.addElement(st)
        return st


def _text_cell(text: str, style: Style, *, span: int = 1) -> TableCell:
    cell = TableCell(valuetype="string", stylename=style)
    if span > 1:
        cell.setAttribute("numbercolumnsspanned", str(span))
    for line in text.split("\n"):
        cell.addElement(P(text=line))
    return cell


def _number_cell(value: int, style: Style) -> TableCell:
    cell = TableCell(valuetype="float", value=str(value), stylename=style)
    cell.addElement(P(text=str(value)))
    return cell


def _annotated(text: str, style: Style, note: list[str]) -> TableCell:
    cell = TableCell(valuetype="string", stylename=style)
    annotation = Annotation()
    for paragraph in note:
        annotation.addElement(P(text=paragraph))
    cell.addElement(annotation)  # the annotation comes before the cell's own text (ODF 1.2)
    cell.addElement(P(text=text))
    return cell


def _row(cells: list[TableCell]) -> TableRow:
    row = TableRow()
    for c in cells:
        row.addElement(c)
    return row


def build(bundle: Bundle, board: Board, lang: str) -> OpenDocumentSpreadsheet:
    doc = OpenDocumentSpreadsheet()
    declare_language(doc, lang)
    st = _Styles(doc)
    for unit in board.units:
        doc.spreadsheet.addElement(_unit_sheet(bundle, board, unit, lang, st))
    doc.spreadsheet.addElement(_summary_sheet(bundle, board, lang, st))
    return doc


def header(board: Board, lang: str) -> list[str]:
    w = WORDS[lang]
    return [w["item"], w["clause"]] + [column_label(c, board.columns, lang) for c in board.columns]


def _unit_sheet(bundle: Bundle, board: Board, unit: UnitBoard, lang: str, st: _Styles) -> Table:
    w = WORDS[lang]
    table = Table(name=sheet_name(unit_name(bundle, unit.unit, lang)))
    table.addElement(TableColumn(stylename=st.wide))
    table.addElement(TableColumn(stylename=st.mid))
    table.addElement(TableColumn(stylename=st.narrow, numbercolumnsrepeated=str(len(board.columns))))
    width = 2 + len(board.columns)
    title = f"{unit_name(bundle, unit.unit, lang)} {w['title']} · {as_of_line(board.as_of, lang)}"
    table.addElement(_row([_text_cell(title, st.unit, span=width)]
                          + [CoveredTableCell() for _ in range(width - 1)]))
    table.addElement(_row([_text_cell(h, st.head) for h in header(board, lang)]))
    for row in unit.rows:
        table.addElement(_grid_row(bundle, board, row, row.rule.title.get(lang), lang, st))
        if row.children:
            # A row group: Calc shows an outline button that folds the entities away.
            group = TableRowGroup()
            for child in row.children:
                label = INDENT + entity_label(bundle, child.entity or "", lang)
                group.addElement(_grid_row(bundle, board, child, label, lang, st))
            table.addElement(group)
    for item in unit.by_hand:
        months = item.months or []  # none when the plan text lost them (月份未載)
        marks = [_text_cell(BY_HAND_MARK, st.plain) if c.is_month and c.first.month in months
                 else TableCell() for c in board.columns]
        lost = "" if months else f" {w['no_months']}"
        table.addElement(_row([_text_cell(f"{item.number} {item.item}{lost}", st.plain),
                               _text_cell(w["by_hand"], st.plain)] + marks))
    return table


def _grid_row(bundle: Bundle, board: Board, row: Row, label: str, lang: str, st: _Styles) -> TableRow:
    p = PUNCT[lang]
    own = row.entity and not label.startswith(INDENT)  # a row of one entity names it
    title = label + (f"{p['(']}{entity_label(bundle, row.entity or '', lang)}{p[')']}" if own else "")
    cells = [_text_cell(title, st.plain), _text_cell(row.rule.source.clause, st.plain)]
    for column in board.columns:
        cell = row.cells.get(column.key)
        if cell is None:
            cells.append(TableCell())
        else:
            cells.append(_annotated(cell_text(cell), st.status[cell.status],
                                    detail_paragraphs(bundle, row.rule.id, cell, lang)))
    return _row(cells)


def _summary_sheet(bundle: Bundle, board: Board, lang: str, st: _Styles) -> Table:
    w = WORDS[lang]
    table = Table(name=sheet_name(w["sheet_summary"]))
    table.addElement(TableColumn(stylename=st.mid))
    table.addElement(TableColumn(stylename=st.narrow, numbercolumnsrepeated=str(len(STATUSES) + 1)))
    plan = bundle.plan
    table.addElement(_row([_text_cell(f"{plan.agency} {plan.title} {w['title']}", st.title)]))
    table.addElement(_row([_text_cell(as_of_line(board.as_of, lang), st.plain)]))
    table.addElement(_row([_text_cell(w["unit"], st.head)]
                          + [_text_cell(f"{SYMBOL[s]} {status_name(s, lang)}", st.status[s]) for s in STATUSES]
                          + [_text_cell(w["total"], st.head)]))
    for unit in board.units:
        table.addElement(_row([_text_cell(unit_name(bundle, unit.unit, lang), st.plain)]
                              + [_number_cell(unit.summary[s], st.plain) for s in STATUSES]
                              + [_number_cell(sum(unit.summary.values()), st.plain)]))
    table.addElement(_row([_text_cell(w["total"], st.head)]
                          + [_number_cell(board.summary[s], st.head) for s in STATUSES]
                          + [_number_cell(sum(board.summary.values()), st.head)]))
    return table


def render(bundle: Bundle, board: Board, lang: str) -> bytes:
    binary = io.BytesIO()
    write_package(build(bundle, board, lang), binary)
    return binary.getvalue()
