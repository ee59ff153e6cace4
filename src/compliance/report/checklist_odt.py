"""Checklist as an editable OpenDocument text (odfpy): 陸 措施五(一) asks editable
documents to be published as ODF, so the meeting's working copy is one."""

from __future__ import annotations

from typing import BinaryIO

from odf.opendocument import OpenDocumentText
from odf.style import ParagraphProperties, Style, TableCellProperties, TableColumnProperties, TextProperties
from odf.table import Table, TableCell, TableColumn, TableRow
from odf.text import H, LineBreak, P

from compliance.report.checklist_view import View


def _styles(doc: OpenDocumentText) -> dict[str, Style]:
    out = {}
    for name, level, size in (("Heading_20_1", 1, "16pt"), ("Heading_20_2", 2, "14pt"),
                              ("Heading_20_3", 3, "12pt")):
        st = Style(name=name, family="paragraph", defaultoutlinelevel=str(level),
                   displayname=f"Heading {level}")
        st.addElement(TextProperties(fontsize=size, fontweight="bold", fontsizeasian=size,
                                     fontweightasian="bold"))
        st.addElement(ParagraphProperties(margintop="0.3cm", marginbottom="0.15cm"))
        doc.styles.addElement(st)
        out[name] = st
    cell = Style(name="Cell", family="table-cell")
    cell.addElement(TableCellProperties(border="0.5pt solid #000000", padding="0.08cm"))
    head = Style(name="HeadCell", family="table-cell")
    head.addElement(TableCellProperties(border="0.5pt solid #000000", padding="0.08cm",
                                        backgroundcolor="#e6e6e6"))
    bold = Style(name="Bold", family="paragraph")
    bold.addElement(TextProperties(fontweight="bold", fontweightasian="bold"))
    col = Style(name="Col", family="table-column")
    col.addElement(TableColumnProperties(useoptimalcolumnwidth="true"))
    for st in (cell, head, bold, col):
        doc.automaticstyles.addElement(st)
    out.update(Cell=cell, HeadCell=head, Bold=bold, Col=col)
    return out


def _para(text: str, style=None) -> P:
    p = P(stylename=style) if style is not None else P()
    for n, line in enumerate(text.split("\n")):
        if n:
            p.addElement(LineBreak())
        p.addText(line)
    return p


def build(view: View) -> OpenDocumentText:
    doc = OpenDocumentText()
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
            t = Table(name=f"T{n + 1}_{k + 1}")
            t.addElement(TableColumn(numbercolumnsrepeated=len(table.columns), stylename=st["Col"]))
            header = TableRow()
            for c in table.columns:
                cell = TableCell(stylename=st["HeadCell"], valuetype="string")
                cell.addElement(_para(c, st["Bold"]))
                header.addElement(cell)
            t.addElement(header)
            for row in table.rows:
                tr = TableRow()
                for c in row:
                    cell = TableCell(stylename=st["Cell"], valuetype="string")
                    cell.addElement(_para(c))
                    tr.addElement(cell)
                t.addElement(tr)
            doc.text.addElement(t)
    return doc


def write(view: View, stream: BinaryIO) -> None:
    build(view).write(stream)
