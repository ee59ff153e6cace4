"""Checklist as an editable OpenDocument text (odfpy): 陸 措施五(一) asks editable
documents to be published as ODF, so the meeting's working copy is one."""

from __future__ import annotations

import io
from typing import BinaryIO

from odf.opendocument import OpenDocumentText
from odf.style import (
    ParagraphProperties,
    Style,
    TableCellProperties,
    TableColumnProperties,
    TableProperties,
    TextProperties,
)
from odf.table import Table, TableCell, TableColumn, TableHeaderRows, TableRow
from odf.text import H, LineBreak, P

from compliance.bundle import Bundle
from compliance.checklist import Checklist
from compliance.report._odf import declare_language, keep_together, write_package
from compliance.report.checklist_view import View, build_view


def _styles(doc: OpenDocumentText) -> dict[str, Style]:
    out = {}
    for name, level, size in (("Heading_20_1", 1, "16pt"), ("Heading_20_2", 2, "14pt"),
                              ("Heading_20_3", 3, "12pt")):
        st = Style(name=name, family="paragraph", defaultoutlinelevel=str(level),
                   displayname=f"Heading {level}")
        # ODF 1.2 orders a style's properties: paragraph before text.
        st.addElement(ParagraphProperties(margintop="0.3cm", marginbottom="0.15cm"))
        st.addElement(TextProperties(fontsize=size, fontweight="bold", fontsizeasian=size,
                                     fontweightasian="bold"))
        doc.styles.addElement(st)
        out[name] = st
    cell = Style(name="Cell", family="table-cell")
    cell.addElement(TableCellProperties(border="0.5pt solid #000000", padding="0.08cm"))
    head = Style(name="HeadCell", family="table-cell")
    head.addElement(TableCellProperties(border="0.5pt solid #000000", padding="0.08cm",
                                        backgroundcolor="#e6e6e6"))
    bold = Style(name="Bold", family="paragraph")
    bold.addElement(TextProperties(fontweight="bold", fontweightasian="bold"))
    table = Style(name="Tbl", family="table")
    table.addElement(TableProperties(width=f"{TEXT_WIDTH_CM}cm", align="left"))
    for st in (cell, head, bold, table):
        doc.automaticstyles.addElement(st)
    out.update(Cell=cell, HeadCell=head, Bold=bold, Tbl=table)
    return out


TEXT_WIDTH_CM = 17.0  # A4 less 2 cm margins


def _columns(doc: OpenDocumentText, name: str, weights: tuple[float, ...], n: int) -> list[Style]:
    weights = weights if len(weights) == n else (1.0,) * n
    out = []
    for k, weight in enumerate(weights):
        st = Style(name=f"{name}.C{k}", family="table-column")
        st.addElement(TableColumnProperties(columnwidth=f"{TEXT_WIDTH_CM * weight / sum(weights):.2f}cm"))
        doc.automaticstyles.addElement(st)
        out.append(st)
    return out


def _para(text: str, style=None) -> P:
    p = P(stylename=style) if style is not None else P()
    for n, line in enumerate(text.split("\n")):
        if n:
            p.addElement(LineBreak())
        p.addText(keep_together(line))
    return p


def build(view: View, lang: str) -> OpenDocumentText:
    doc = OpenDocumentText()
    declare_language(doc, lang)
    st = _styles(doc)
    doc.text.addElement(H(outlinelevel=1, stylename=st["Heading_20_1"], text=view.title))
    for label, value in view.header:
        doc.text.addElement(_para(f"{label}：{value}"))
    for n, unit in enumerate(view.units):
        doc.text.addElement(H(outlinelevel=2, stylename=st["Heading_20_2"], text=unit.heading))
        doc.text.addElement(_para(unit.summary))
        for k, table in enumerate(unit.tables):
            doc.text.addElement(H(outlinelevel=3, stylename=st["Heading_20_3"], text=table.title))
            if not table.rows:
                doc.text.addElement(_para(view.empty))
                continue
            name = f"T{n + 1}_{k + 1}"
            t = Table(name=name, stylename=st["Tbl"])
            for col in _columns(doc, name, table.weights, len(table.columns)):
                t.addElement(TableColumn(stylename=col))
            header = TableRow()
            for c in table.columns:
                cell = TableCell(stylename=st["HeadCell"], valuetype="string")
                cell.addElement(_para(c, st["Bold"]))
                header.addElement(cell)
            # Header rows repeat at the top of every page a long table runs onto.
            repeated = TableHeaderRows()
            repeated.addElement(header)
            t.addElement(repeated)
            for row in table.rows:
                tr = TableRow()
                for c in row:
                    cell = TableCell(stylename=st["Cell"], valuetype="string")
                    cell.addElement(_para(c))
                    tr.addElement(cell)
                t.addElement(tr)
            doc.text.addElement(t)
    return doc


def write(view: View, stream: BinaryIO, lang: str) -> None:
    write_package(build(view, lang), stream)


def render(bundle: Bundle, checklist: Checklist, lang: str) -> bytes:
    buffer = io.BytesIO()
    write(build_view(bundle, checklist, lang), buffer, lang)
    return buffer.getvalue()
