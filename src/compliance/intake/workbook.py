"""Write a record sheet as xlsx (openpyxl), ods (odfpy) or csv.

Export goes to the office's spreadsheet program, so text is always written as text: a
note that starts with = + - @, a tab or a carriage return would otherwise run as a
formula there (spreadsheet formula injection).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from compliance.intake.layout import LISTED, ROWS_PREPARED, Sheet
from compliance.intake.read import INJECTION_START

FORMATS = ("xlsx", "ods", "csv")
_DATE_FORMAT = "yyyy/mm/dd"


def write(sheet: Sheet, fmt: str) -> bytes:
    return {"xlsx": _xlsx, "ods": _ods, "csv": _csv}[fmt](sheet)


def _dangerous(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(INJECTION_START)


# --- csv ----------------------------------------------------------------------------------


def _csv(sheet: Sheet) -> bytes:
    buffer = io.StringIO(newline="")
    out = csv.writer(buffer, lineterminator="\r\n")
    out.writerow(sheet.headers)
    for row in sheet.rows:
        out.writerow([_csv_cell(v) for v in row])
    # The BOM makes Excel read UTF-8 instead of the system's Big5.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    # CSV has no cell types: the OWASP defence is a leading quote, which import removes.
    return "'" + text if _dangerous(text) else text


# --- xlsx ---------------------------------------------------------------------------------


def _xlsx(sheet: Sheet) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.title = sheet.name
    _xlsx_header(ws, sheet)
    for row in sheet.rows:
        _xlsx_row(ws, row)
    if sheet.lists:
        _xlsx_lists(book, ws, sheet)
    if sheet.instructions:
        notes = book.create_sheet(sheet.instructions_name, 0 if not sheet.rows else None)
        notes.column_dimensions["A"].width = 100
        for line in sheet.instructions:
            notes.append([line])
        book.active = book.index(ws)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _xlsx_header(ws: Any, sheet: Sheet) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    ws.append(sheet.headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    for i, (name, width) in enumerate(sheet.columns, start=1):
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = width
        if name == "date":  # new dates typed into the column are dates too
            ws.column_dimensions[letter].number_format = _DATE_FORMAT


def _xlsx_row(ws: Any, row: list[Any]) -> None:
    ws.append(row)
    for cell, value in zip(ws[ws.max_row], row):
        if _dangerous(value):
            cell.data_type = "s"  # openpyxl took it for a formula
            cell.quotePrefix = True  # and the program keeps it text when edited
        elif isinstance(value, dt.date):
            cell.number_format = _DATE_FORMAT


def _xlsx_lists(book: Any, ws: Any, sheet: Sheet) -> None:
    """The choices on a hidden sheet, and a drop-down list on each listed column."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    fields = [f for f, _ in sheet.columns]
    lists = book.create_sheet(sheet.lists_name)
    last = max(len(sheet.rows), ROWS_PREPARED) + 1
    for j, name in enumerate(LISTED, start=1):
        values = sheet.lists[name]
        lists.cell(1, j, sheet.headers[fields.index(name)])
        for k, value in enumerate(values, start=2):
            lists.cell(k, j, value)
        letter = get_column_letter(j)
        rule = DataValidation(type="list", allow_blank=True, showErrorMessage=True,
                              formula1=f"'{sheet.lists_name}'!${letter}$2:${letter}${len(values) + 1}")
        ws.add_data_validation(rule)
        column = get_column_letter(fields.index(name) + 1)
        rule.add(f"{column}2:{column}{last}")
    lists.sheet_state = "hidden"


# --- ods ----------------------------------------------------------------------------------


def _ods(sheet: Sheet) -> bytes:
    from odf.opendocument import OpenDocumentSpreadsheet

    from compliance.report._odf import declare_language, write_package

    doc = OpenDocumentSpreadsheet()
    declare_language(doc, sheet.lang)
    date_cell = _ods_date_style(doc)
    fields = [f for f, _ in sheet.columns]
    validations = _ods_validations(doc, sheet, fields) if sheet.lists else {}
    instructions = _ods_text_table(sheet.instructions_name, [[x] for x in sheet.instructions])
    if sheet.instructions and not sheet.rows:
        doc.spreadsheet.addElement(instructions)  # a template opens on its instructions
    doc.spreadsheet.addElement(_ods_records(sheet, fields, validations, date_cell))
    if sheet.lists:
        doc.spreadsheet.addElement(_ods_lists(doc, sheet, fields))
    if sheet.instructions and sheet.rows:
        doc.spreadsheet.addElement(instructions)
    buffer = io.BytesIO()
    write_package(doc, buffer)  # valid ODF 1.2 (manifest version), reproducible
    return buffer.getvalue()


def _ods_date_style(doc: Any) -> Any:
    from odf import number, style

    date_style = number.DateStyle(name="iso-date")
    for part, sep in (("Year", "/"), ("Month", "/"), ("Day", None)):
        date_style.addElement(getattr(number, part)(style="long"))
        if sep:
            date_style.addElement(number.Text(text=sep))
    doc.automaticstyles.addElement(date_style)
    date_cell = style.Style(name="date-cell", family="table-cell", datastylename="iso-date")
    doc.automaticstyles.addElement(date_cell)
    return date_cell


def _ods_records(sheet: Sheet, fields: list[str], validations: dict[str, str], date_cell: Any) -> Any:
    from odf import table

    records = table.Table(name=sheet.name)
    for name, _ in sheet.columns:  # new dates typed into the column are dates too
        records.addElement(table.TableColumn(defaultcellstylename=date_cell) if name == "date"
                           else table.TableColumn())
    records.addElement(_ods_row(sheet.headers))
    for row in sheet.rows:
        records.addElement(_ods_row(row, validations, fields, date_cell))
    blank = max(ROWS_PREPARED - len(sheet.rows), 0) if validations else 0
    if blank:  # rows prepared with the drop-down lists, as one repeated row
        records.addElement(_ods_row([None] * len(fields), validations, fields, date_cell, repeat=blank))
    return records


def _ods_lists(doc: Any, sheet: Sheet, fields: list[str]) -> Any:
    from odf import style

    hidden = style.Style(name="hidden-table", family="table")
    hidden.addElement(style.TableProperties(display=False))
    doc.automaticstyles.addElement(hidden)
    lists = _ods_text_table(sheet.lists_name, _list_columns(sheet, fields))
    lists.setAttribute("stylename", hidden)
    return lists


def _list_columns(sheet: Sheet, fields: list[str]) -> list[list[Any]]:
    columns = [[sheet.headers[fields.index(n)], *sheet.lists[n]] for n in LISTED]
    height = max(len(c) for c in columns)
    return [[c[i] if i < len(c) else None for c in columns] for i in range(height)]


def _ods_validations(doc: Any, sheet: Sheet, fields: list[str]) -> dict[str, str]:
    from odf import table

    holder = table.ContentValidations()
    names = {}
    for j, name in enumerate(LISTED):
        letter = chr(ord("A") + j)
        end = len(sheet.lists[name]) + 1
        rule = table.ContentValidation(
            name=f"list-{name}", allowemptycell="true", displaylist="unsorted",
            condition=f"of:cell-content-is-in-list([$'{sheet.lists_name}'.${letter}$2:${letter}${end}])",
            basecelladdress=f"$'{sheet.name}'.$A$2")
        holder.addElement(rule)
        names[name] = f"list-{name}"
    doc.spreadsheet.addElement(holder)
    return names


def _ods_row(values: list[Any], validations: dict[str, str] | None = None, fields: list[str] | None = None,
             date_cell: Any = None, repeat: int = 1) -> Any:
    from odf import table, text

    row = table.TableRow(numberrowsrepeated=repeat) if repeat > 1 else table.TableRow()
    for i, value in enumerate(values):
        attrs: dict[str, Any] = {}
        if validations and fields and fields[i] in validations:
            attrs["contentvalidationname"] = validations[fields[i]]
        if value is None or value == "":
            row.addElement(table.TableCell(**attrs))
            continue
        if isinstance(value, dt.date):
            cell = table.TableCell(valuetype="date", datevalue=value.isoformat(), stylename=date_cell, **attrs)
            shown = value.strftime("%Y/%m/%d")
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            cell = table.TableCell(valuetype="float", value=str(value), **attrs)
            shown = str(value)
        else:
            # A string cell is text in ODF whatever it starts with: never a formula.
            cell = table.TableCell(valuetype="string", **attrs)
            shown = str(value)
        cell.addElement(text.P(text=shown))
        row.addElement(cell)
    return row


def _ods_text_table(name: str, rows: list[list[Any]]) -> Any:
    from odf import table

    sheet = table.Table(name=name)
    sheet.addElement(table.TableColumn())
    for row in rows:
        sheet.addElement(_ods_row(row))
    return sheet
