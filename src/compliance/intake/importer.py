"""One import: files -> records -> the records file's new text, or every problem.

Returns data (``Report``); the CLI prints it and writes the file.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from compliance.errors import Problem, display_path
from compliance.intake import guard
from compliance.intake._messages import say
from compliance.intake.cells import CellProblem
from compliance.intake.columns import (
    HEADER_SCAN_ROWS,
    TEMPLATE_SHEETS,
    Mapping,
    find_columns,
    merged_header,
)
from compliance.intake.read import Sheet, Workbook, read_workbook
from compliance.intake.reconcile import Outcome, reconcile
from compliance.intake.rows import Names, Row, SheetResult, sheet_records
from compliance.intake.write import insert, validate_into

PROGRESS_ROWS = 2_000  # smaller sheets are read before a bar would be seen


@dataclass
class Report:
    target: Path
    sheets: list[SheetResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    outcome: Outcome = field(default_factory=Outcome)
    old_text: str | None = None
    new_text: str | None = None

    @property
    def changed(self) -> bool:
        return bool(self.outcome.added)


@dataclass
class Request:
    files: list[Path]
    rules_dir: Path
    plan_dir: Path
    target: Path
    sheet: str | None = None
    mapping: Mapping = field(default_factory=Mapping)
    lang: str = "en"
    # A progress display for a large sheet: given a label and a row count, a context
    # manager yielding a function told how many rows were just read.
    progress: Callable[[str, int], AbstractContextManager[Callable[[int], None]]] | None = None


def import_files(request: Request, bundle: Any) -> Report:
    """Everything up to the new text of the records file, validated; nothing is written."""
    report = Report(request.target)
    names = Names(bundle, request.lang)
    for file in request.files:
        _import_file(request, file, names, report)
    rows: list[Row] = [row for result in report.sheets for row in result.records]
    for result in report.sheets:
        report.problems.extend(result.problems)
        report.notes.extend(result.notes)
    if not report.sheets and not report.problems:
        report.problems.append(CellProblem(", ".join(map(display_path, request.files)), 0, 0, "",
                                           say(request.lang, "no_records_sheet")))
    report.outcome = reconcile(rows, bundle, request.lang)
    report.problems.extend(report.outcome.duplicates + report.outcome.conflicts)
    if report.problems or not report.outcome.added:
        return report
    _new_text(request, report, bundle)
    return report


def _import_file(request: Request, file: Path, names: Names, report: Report) -> None:
    shown = display_path(file)
    lang = request.lang
    try:
        book = read_workbook(file, shown)
    except guard.Refused as refused:
        report.problems.append(CellProblem(shown, 0, 0, "", say(lang, refused.key, **refused.params)))
        return
    except FileNotFoundError:
        report.problems.append(CellProblem(shown, 0, 0, "", say(lang, "not_found")))
        return
    except OSError as exc:
        report.problems.append(CellProblem(shown, 0, 0, "", say(lang, "unreadable", error=exc.strerror)))
        return
    report.notes.extend(f"{shown}: {say(lang, key, **params)}" for key, params in book.notes)
    for sheet in _chosen(request, book, report):
        columns = find_columns(sheet, request.mapping, lang, names.numbers)
        if sheet.hidden and request.sheet is None:
            # A hidden sheet of records is no more imported silently than a hidden row;
            # any other hidden sheet (lists, workings) is none of our business.
            if columns is not None:
                report.problems.append(sheet.place.problem(0, 0, "", say(lang, "hidden_sheet")))
            continue
        if columns is None:
            if request.sheet or _has_content(sheet):
                report.problems.append(sheet.place.problem(0, 0, "", say(
                    lang, "no_header", rows=HEADER_SCAN_ROWS)))
                report.problems.extend(merged_header(sheet, range(1, HEADER_SCAN_ROWS + 1), lang))
            continue
        with _progress(request, sheet) as tick:
            report.sheets.append(sheet_records(sheet, columns, request.mapping, names, tick))
        if columns.ignored:
            report.notes.append(f"{sheet.place}: {say(lang, 'ignored_columns', names='、'.join(columns.ignored))}")


def _progress(request: Request, sheet: Sheet) -> AbstractContextManager[Callable[[int], None] | None]:
    if request.progress is None or len(sheet.rows) < PROGRESS_ROWS:
        return nullcontext(None)
    return request.progress(f"{say(request.lang, 'progress')} {sheet.place}", len(sheet.rows))


def _chosen(request: Request, book: Workbook, report: Report) -> list[Sheet]:
    if request.sheet is None:
        return [s for s in book.sheets if s.place.sheet.casefold() not in TEMPLATE_SHEETS]
    chosen = [s for s in book.sheets if s.place.sheet == request.sheet or book.kind == "csv"]
    if not chosen:
        known = "、".join(s.place.sheet for s in book.sheets)
        report.problems.append(CellProblem(display_path(book.path), 0, 0,
                                           "", say(request.lang, "no_sheet", sheet=request.sheet, known=known)))
    return chosen


def _has_content(sheet: Sheet) -> bool:
    return any(v != "" and v is not None for _, values in sheet.rows for v in values)


def _new_text(request: Request, report: Report, bundle: Any) -> None:
    target = request.target
    # bytes, decoded: read_text would turn CRLF into LF, and every line would change
    report.old_text = target.read_bytes().decode("utf-8") if target.exists() else None
    sources = ", ".join(sorted({Path(r.place.path).name for r in report.outcome.added}))
    records = [r.record for r in report.outcome.added]
    text = insert(report.old_text, records, f"imported from {sources}", display_path(target))
    validate_into(request.rules_dir, request.plan_dir, target, text, bundle.rulebook)
    report.new_text = text
