"""Decide whether a workbook may be opened at all, before any parser sees it.

An untrusted file is checked for what it is (by its bytes, not its name), for macros,
and for size: every zip entry is decompressed as a stream with a byte budget (a zip
bomb's declared sizes are not believed), and the sheets are scanned for rows, hidden
rows, merged cells and formulas without building them in memory. Only then does
``read`` hand the file to calamine, whose memory is bounded by what passed here.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from xml.parsers import expat

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_UNCOMPRESSED = 200 * 1024 * 1024  # all entries together, as actually decompressed
MAX_RATIO = 100  # a real sheet compresses 5-30x; repeated empty markup far more
MAX_ENTRIES = 10_000
MAX_ROWS = 100_000  # per sheet: a year of records is a few thousand
MAX_CELLS = 5_000_000  # valued cells per workbook, after ODS repeats
MAX_AREA = 3_000_000  # rows x columns from A1 to a sheet's last cell (100,000 rows to column AD)
MAX_FLAGGED = 1_000  # hidden rows or formulas remembered per sheet, enough to report
_CHUNK = 1 << 20

MACRO_EXTENSIONS = (".xlsm", ".xltm", ".xlsb", ".xlam")  # the formats that exist to hold macros
KINDS = {".xlsx": "xlsx", ".ods": "ods", ".csv": "csv"}


class Refused(Exception):
    """The file is not opened; ``key`` and ``params`` name the message (see _messages)."""

    def __init__(self, key: str, **params: object):
        super().__init__(key)
        self.key = key
        self.params = params


@dataclass
class SheetFacts:
    """What the scan saw in one sheet; rows and columns 1-based."""

    rows: int = 0
    hidden_rows: list[int] = field(default_factory=list)
    formulas: set[tuple[int, int]] = field(default_factory=set)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # top, left, bottom, right


def kind_of(path: Path) -> str:
    """xlsx, ods or csv, judged by the extension; the content is checked by ``inspect``."""
    ext = path.suffix.lower()
    if ext in MACRO_EXTENSIONS:
        raise Refused("macro_ext", ext=ext)
    if ext not in KINDS:
        raise Refused("extension", ext=ext or path.name)
    return KINDS[ext]


def inspect(path: Path, kind: str) -> dict[str, SheetFacts]:
    """Refuse what must not be opened; return the scan of each sheet by name."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise Refused("too_big", size=size // (1024 * 1024), limit=MAX_FILE_BYTES // (1024 * 1024))
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(b"\xd0\xcf\x11\xe0"):  # OLE2: what Excel 97-2003 and encryption write
        raise Refused("ole2")
    if kind == "csv":
        if head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
            raise Refused("not_kind", ext=".csv", kind="CSV", found=_describe(head))
        return {}
    if not head.startswith(b"PK\x03\x04"):
        raise Refused("not_kind", ext=f".{kind}", kind=kind.upper(), found=_describe(head))
    try:
        with zipfile.ZipFile(path) as zf:
            return _inspect_zip(zf, kind)
    except zipfile.BadZipFile as exc:
        raise Refused("not_kind", ext=f".{kind}", kind=kind.upper(), found=str(exc)) from None


def _describe(head: bytes) -> str:
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(b"%PDF"):
        return "PDF"
    return "?"


def _inspect_zip(zf: zipfile.ZipFile, kind: str) -> dict[str, SheetFacts]:
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        raise Refused("zip_bomb", entry=f"{len(infos)} entries", limit=MAX_UNCOMPRESSED // (1024 * 1024))
    names = {i.filename for i in infos}
    for name in names:
        lowered = name.lower()
        if lowered.endswith("vbaproject.bin") or lowered.startswith(("basic/", "scripts/")):
            raise Refused("macro_inside", entry=name)
    if kind == "xlsx":
        if "xl/workbook.xml" not in names:
            raise Refused("not_kind", ext=".xlsx", kind="XLSX", found=_zip_kind(zf, names))
        sheets = _xlsx_sheet_entries(zf)
        budget = _Budget()
        facts = {name: _scan_xlsx(zf, entry, budget) for name, entry in sheets.items()}
        _drain_others(zf, set(sheets.values()), budget)
        return facts
    if _zip_kind(zf, names) != "ODS":
        raise Refused("not_kind", ext=".ods", kind="ODS", found=_zip_kind(zf, names))
    budget = _Budget()
    facts = _scan_ods(zf, budget)
    _drain_others(zf, {"content.xml"}, budget)
    return facts


def _zip_kind(zf: zipfile.ZipFile, names: set[str]) -> str:
    if "mimetype" in names:
        mime = zf.read("mimetype")[:100]
        if mime == b"application/vnd.oasis.opendocument.spreadsheet":
            return "ODS"
        return mime.decode("ascii", "replace")
    if "xl/workbook.xml" in names:
        return "XLSX"
    if "word/document.xml" in names:
        return "DOCX"
    return "zip"


class _Budget:
    """Bytes decompressed so far, across the whole workbook."""

    def __init__(self) -> None:
        self.used = 0

    def stream(self, zf: zipfile.ZipFile, name: str) -> Iterator[bytes]:
        info = zf.getinfo(name)
        produced = 0
        with zf.open(info) as fh:
            while chunk := fh.read(_CHUNK):
                produced += len(chunk)
                self.used += len(chunk)
                if self.used > MAX_UNCOMPRESSED or (
                        produced > _CHUNK and produced > MAX_RATIO * max(info.compress_size, 1)):
                    raise Refused("zip_bomb", entry=name, limit=MAX_UNCOMPRESSED // (1024 * 1024))
                yield chunk

    def read(self, zf: zipfile.ZipFile, name: str) -> bytes:
        return b"".join(self.stream(zf, name))


def _drain_others(zf: zipfile.ZipFile, done: set[str], budget: _Budget) -> None:
    # Styles, shared strings and the rest are read by calamine too: they count.
    for info in zf.infolist():
        if info.filename not in done and not info.is_dir():
            for _ in budget.stream(zf, info.filename):
                pass


# --- xlsx ---------------------------------------------------------------------------------

_SHEET = re.compile(rb'<(?:\w+:)?sheet\b[^>]*?\bname="([^"]*)"[^>]*?\b(?:\w+:)?id="([^"]+)"')
_REL = re.compile(rb'<(?:\w+:)?Relationship\b[^>]*?\bId="([^"]+)"[^>]*?\bTarget="([^"]+)"'
                  rb'|<(?:\w+:)?Relationship\b[^>]*?\bTarget="([^"]+)"[^>]*?\bId="([^"]+)"')
_ROW_SPLIT = re.compile(rb'<(?:\w+:)?row\b')  # not </row>, nor <rowBreaks> (\b)
_ROW_NUMBER = re.compile(rb'\br="(\d+)"')
_CELL_TAG = re.compile(rb'<(?:\w+:)?c\b')  # not <col>, <cfRule>
_CELL_REF = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]{1,3})(\d+)"')
_FORMULA = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]+)(\d+)"[^>]*>\s*<(?:\w+:)?f\b')
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


class _XlsxScan:
    """Where the rows and cells of a sheet land, as calamine will place them: calamine
    holds a sheet as one dense block from A1 to its last cell, so two cells far apart cost
    rows x columns, however small the file. Work in Python is per row; cells are counted
    and their addresses found by the regex engine, so a sheet of junk cells costs about
    what decompressing it costs."""

    def __init__(self) -> None:
        self.facts = SheetFacts()
        self.row = 0
        self.column = 0
        self.last_row = 0
        self.last_column = 0

    def feed(self, body: bytes) -> None:
        pieces = _ROW_SPLIT.split(body)
        self._cells(pieces[0])  # the rest of the row the previous chunk ended in
        for piece in pieces[1:]:
            end = piece.find(b">") + 1
            self._row(piece[:end])
            self._cells(piece[end:])
        if b"mergeCell" in body:
            for m in _MERGE.finditer(body):
                self.facts.merged.append((int(m.group(2)), _column_number(m.group(1)),
                                          int(m.group(4)), _column_number(m.group(3))))
        _check_size(self.facts.rows, self.last_row, self.last_column)

    def _row(self, tag: bytes) -> None:
        number = _ROW_NUMBER.search(tag)
        self.row = int(number.group(1)) if number else self.row + 1
        self.column = 0
        self.facts.rows += 1
        if (b'hidden="1"' in tag or b'hidden="true"' in tag) and len(self.facts.hidden_rows) < MAX_FLAGGED:
            self.facts.hidden_rows.append(self.row)

    def _cells(self, text: bytes) -> None:
        if b"c" not in text:
            return
        refs = _CELL_REF.findall(text)
        unaddressed = _count_cells(text) - len(refs)
        if refs:  # an address moves the row too (cells may lie outside their row's number)
            self.row = max(self.row, max(int(r) for _, r in refs))
            self.column = max(self.column, _column_number(max(refs, key=lambda x: (len(x[0]), x[0]))[0]))
        self.column += unaddressed  # a cell without an address follows the one before it
        self.last_row = max(self.last_row, self.row)
        self.last_column = max(self.last_column, self.column)
        if b"<f" in text or b":f>" in text or b":f " in text:
            for m in _FORMULA.finditer(text):
                if len(self.facts.formulas) < MAX_FLAGGED:
                    self.facts.formulas.add((int(m.group(2)), _column_number(m.group(1))))


def _count_cells(text: bytes) -> int:
    # bytes.count makes no objects: a chunk of a million junk cells is counted in C
    if b":c " in text or b":c>" in text or b":c/" in text:  # a namespace prefix: rare
        return len(_CELL_TAG.findall(text))
    return text.count(b"<c ") + text.count(b"<c>") + text.count(b"<c/")


def _check_size(rows: int, last_row: int, last_column: int) -> None:
    if rows > MAX_ROWS or last_row > MAX_ROWS:
        raise Refused("too_many_rows", limit=MAX_ROWS)
    if last_row * last_column > MAX_AREA:
        raise Refused("sheet_area", rows=last_row, columns=last_column, limit=MAX_AREA)


def _xlsx_sheet_entries(zf: zipfile.ZipFile) -> dict[str, str]:
    budget = _Budget()
    workbook = budget.read(zf, "xl/workbook.xml")
    rels_name = "xl/_rels/workbook.xml.rels"
    rels = budget.read(zf, rels_name) if rels_name in zf.namelist() else b""
    targets = {}
    for m in _REL.finditer(rels):
        rid, target = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
        text = target.decode("utf-8", "replace")
        path = text.lstrip("/") if text.startswith("/") else str(PurePosixPath("xl") / text)
        targets[rid] = path
    out = {}
    for m in _SHEET.finditer(workbook):
        entry = targets.get(m.group(2))
        if entry in zf.namelist():
            out[_unescape(m.group(1).decode("utf-8", "replace"))] = entry
    return out


def _unescape(text: str) -> str:
    import html

    return html.unescape(text)


def _scan_xlsx(zf: zipfile.ZipFile, entry: str, budget: _Budget) -> SheetFacts:
    scan = _XlsxScan()
    carry = b""
    for chunk in budget.stream(zf, entry):
        data = carry + chunk
        cut = data.rfind(b">") + 1  # scan whole tags only; the rest waits for the next chunk
        body, carry = data[:cut], data[cut:]
        if len(carry) > _CHUNK:
            raise Refused("bad_xml", error=f"{entry}: a tag longer than {_CHUNK} bytes")
        scan.feed(body)
    return scan.facts


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - ord("A") + 1)
    return n


# --- ods ----------------------------------------------------------------------------------

# Names as written, prefix included, because that is how calamine matches them: a file that
# binds `table:` to another namespace is still expanded by calamine, so the scan must see
# what calamine will see, not what a namespace-aware reader would. Built once: the handler
# runs for every element of the sheet.
_TABLE, _ROW = "table:table", "table:table-row"
_CELL, _COVERED = "table:table-cell", "table:covered-table-cell"
_NAME, _ROWS_REPEATED, _VISIBILITY = "table:name", "table:number-rows-repeated", "table:visibility"
_COLUMNS_REPEATED, _FORMULA_ATTR = "table:number-columns-repeated", "table:formula"
_ACROSS, _DOWN = "table:number-columns-spanned", "table:number-rows-spanned"
_VALUE_TYPES = ("office:value-type", "calcext:value-type")


class _OdsScan:
    """Counts rows and valued cells with ODS repeats as numbers, never expanding them:
    a row repeated a million times costs one element here, but would cost a million
    rows in a reader that materialises them."""

    def __init__(self) -> None:
        self.sheets: dict[str, SheetFacts] = {}
        self.current = SheetFacts()  # replaced at each table
        self.row = 0  # last row number used in the current table
        self.row_repeat = 1
        self.row_hidden = False
        self.row_valued = 0
        self.column = 0
        self.cells = 0
        self.open_row = False
        self.cell_repeat = 0  # of the cell being read, until it is known to hold something
        self.cell_counted = True
        self.row_last_column = 0  # of a cell holding something, in this row
        self.last_column = 0  # the same, in this table

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name in (_CELL, _COVERED):
            self.cell_counted = False
            if attrs:
                self._cell(name, attrs)
            else:
                self.column += 1
                self.cell_repeat = 1
        elif name == _ROW:
            self.finish_row()
            self.open_row = True
            self.row_repeat = _count(attrs.get(_ROWS_REPEATED))
            self.row_hidden = attrs.get(_VISIBILITY, "visible") != "visible"
            self.row_valued = 0
            self.row_last_column = 0
            self.column = 0
        elif name == _TABLE:
            self.finish_row()
            self.current = self.sheets.setdefault(attrs.get(_NAME, ""), SheetFacts())
            self.row = 0
            self.last_column = 0
            self.cell_counted = True
        elif not self.cell_counted and name.startswith("text:"):  # text in a cell, typed or not
            self.row_valued += self.cell_repeat
            self.row_last_column = self.column
            self.cell_counted = True

    def _cell(self, name: str, attrs: dict[str, str]) -> None:
        repeat = _count(attrs.get(_COLUMNS_REPEATED))
        first = self.column + 1
        self.column += repeat
        facts = self.current
        self.cell_repeat = repeat
        if any(t in attrs for t in _VALUE_TYPES) or _FORMULA_ATTR in attrs:
            self.row_valued += repeat
            self.row_last_column = self.column
            self.cell_counted = True
            if _FORMULA_ATTR in attrs and len(facts.formulas) < MAX_FLAGGED:
                facts.formulas.add((self.row + 1, first))
        if name == _CELL and (_ACROSS in attrs or _DOWN in attrs):
            across, down = _count(attrs.get(_ACROSS)), _count(attrs.get(_DOWN))
            if across > 1 or down > 1:
                facts.merged.append((self.row + 1, first, self.row + down, first + across - 1))

    def finish_row(self) -> None:
        """Account for the row just read. Called when the next row or table starts, and at
        the end: no end-of-element callback, which would double the calls into Python."""
        if not self.open_row:
            return
        self.open_row = False
        facts = self.current
        if self.row_valued:
            facts.rows = self.row + self.row_repeat  # empty rows after the last value are free
            self.last_column = max(self.last_column, self.row_last_column)
            self.cells += self.row_valued * self.row_repeat
            if self.row_hidden:
                for r in range(self.row + 1, self.row + 1 + min(self.row_repeat, MAX_FLAGGED)):
                    if len(facts.hidden_rows) < MAX_FLAGGED:
                        facts.hidden_rows.append(r)
        self.row += self.row_repeat
        _check_size(facts.rows, facts.rows, self.last_column)
        if self.cells > MAX_CELLS:
            raise Refused("zip_bomb", entry="content.xml", limit=MAX_UNCOMPRESSED // (1024 * 1024))


def _count(value: str | None) -> int:
    try:
        return max(1, int(value)) if value else 1
    except ValueError:
        return 1


def _no_doctype(*_args: object) -> None:
    raise Refused("bad_xml", error="content.xml declares a DTD")


def _scan_ods(zf: zipfile.ZipFile, budget: _Budget) -> dict[str, SheetFacts]:
    if "content.xml" not in zf.namelist():
        raise Refused("not_kind", ext=".ods", kind="ODS", found="no content.xml")
    scan = _OdsScan()
    parser = expat.ParserCreate()  # no namespace processing: see the names above
    parser.StartElementHandler = scan.start
    parser.StartDoctypeDeclHandler = _no_doctype  # no entities, so no entity expansion bombs
    try:
        for chunk in budget.stream(zf, "content.xml"):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
        scan.finish_row()
    except expat.ExpatError as exc:
        raise Refused("bad_xml", error=f"content.xml: {exc}") from None
    return scan.sheets
