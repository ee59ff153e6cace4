"""Where a value sits in a spreadsheet, and a problem located there.

Spreadsheet users find a cell by sheet and A1 address, not by line and column numbers,
so a cell problem prints as ``記錄表.xlsx:工作紀錄!B12: 日期: ...``.
"""

from __future__ import annotations

from dataclasses import dataclass

from compliance.errors import Problem


def column_letter(column: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def a1(row: int, column: int) -> str:
    """A cell (both 1-based) as A1; column 0 means the whole row, row 0 the whole column."""
    if column == 0:
        return f"{row}:{row}"  # Excel's notation for a whole row
    if row == 0:
        return f"{column_letter(column)}:{column_letter(column)}"
    return f"{column_letter(column)}{row}"


@dataclass(frozen=True)
class Place:
    """A file, and a sheet inside it (no sheet for CSV)."""

    path: str
    sheet: str = ""

    def __str__(self) -> str:
        return f"{self.path}:{self.sheet}" if self.sheet else self.path

    def cell(self, row: int, column: int) -> str:
        sep = "!" if self.sheet else ":"
        return f"{self}{sep}{a1(row, column)}"

    def problem(self, row: int, column: int, field: str, message: str) -> CellProblem:
        return CellProblem(self.path, row, column, field, message, self.sheet)


@dataclass(frozen=True)
class CellProblem(Problem):
    """A ``Problem`` whose line and column are a sheet's row and column."""

    sheet: str = ""

    def __str__(self) -> str:
        field = f" {self.field}:" if self.field else ""
        if self.line == 0 and self.column == 0:
            where = str(Place(self.path, self.sheet))
        else:
            where = Place(self.path, self.sheet).cell(self.line, self.column)
        return f"{where}:{field} {self.message}"

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, CellProblem):
            return NotImplemented
        return self._key() < other._key()

    def _key(self) -> tuple[str, str, int, int, str, str]:
        return (self.path, self.sheet, self.line, self.column, self.field, self.message)
