"""The plan's records back as a spreadsheet in the template's columns, so a workbook can
be exported, edited and imported again without loss (ids included)."""

from __future__ import annotations

from typing import Any

from compliance.intake import layout, workbook


def export_records(bundle: Any, fmt: str, lang: str) -> bytes:
    """Every written record (not those a meeting stands for), by date then id."""
    records = sorted((r for r in bundle.records.values() if not r.id.startswith("meeting:")),
                     key=lambda r: (r.date, r.id))
    with_lists = fmt != "csv"
    cols = layout.columns(bundle)
    sheet = layout.Sheet(
        name=layout.sheet_name(lang), headers=layout.headers(lang, bundle), columns=cols,
        rows=[layout.record_row(r, bundle, lang, cols) for r in records],
        lists=layout.choices(bundle, lang) if with_lists else {},
        lists_name="清單" if lang == "zh-TW" else "Lists",
        instructions_name="說明" if lang == "zh-TW" else "Instructions", lang=lang, instructions=[])
    return workbook.write(sheet, fmt)
