"""Spreadsheets made for the intake tests, with the libraries the office's files come from."""

from __future__ import annotations

from pathlib import Path
from typing import Any

HEADER_ZH = ["編號", "日期", "工作項目", "課室", "承辦人", "時數", "對應期間", "文號", "附件", "連結", "備註"]


class Formula(str):
    """A cell written as a formula; any other text starting with = is written as text."""


def xlsx(path: Path, rows: list[list[Any]], sheet: str = "工作紀錄", header: list[str] | None = None,
         hidden: tuple[int, ...] = (), merged: tuple[str, ...] = (), extra: dict[str, list[list[Any]]] | None = None
         ) -> Path:
    """An .xlsx written by openpyxl: header row 1, then ``rows``."""
    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(HEADER_ZH if header is None else header)
    for row in rows:
        ws.append(row)
        for cell, value in zip(ws[ws.max_row], row):
            if isinstance(value, str) and not isinstance(value, Formula) and cell.data_type == "f":
                cell.data_type = "s"
    for number in hidden:
        ws.row_dimensions[number].hidden = True
    for span in merged:
        ws.merge_cells(span)
    for name, extra_rows in (extra or {}).items():
        other = book.create_sheet(name)
        for row in extra_rows:
            other.append(row)
    book.save(path)
    return path


def csv_bytes(rows: list[list[Any]], header: list[str] | None = None) -> str:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER_ZH if header is None else header)
    writer.writerows(rows)
    return buffer.getvalue()
