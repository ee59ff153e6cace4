"""One exception hierarchy. Bad input is collected as ``Problem``s and raised once."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one input file, located to the line of the offending value."""

    path: str
    line: int
    column: int
    field: str
    message: str

    def __str__(self) -> str:
        field = f" {self.field}:" if self.field else ""
        return f"{self.path}:{self.line}:{self.column}:{field} {self.message}"


class ExitCode:
    """The one exit-code table of the whole CLI (documented in the README).

    1 means findings and nothing else: no error path may use it.
    """

    OK = 0  # nothing at or above --fail-on
    FINDINGS = 1  # findings at or above --fail-on (or failing rule tests)
    BAD_INPUT = 2  # bad input or usage: every problem reported, nothing written
    BUSY = 3  # nightly: another run holds the lock
    IO = 4  # an output, the history or another file could not be read or written
    ENGINE = 5  # the rules engine or an internal check failed (a bug: please report it)
    INTERRUPTED = 130  # Ctrl-C (128 + SIGINT, as shells report it); outputs left as they were


class ComplianceError(Exception):
    """Base of every error this package raises on purpose; carries its exit code."""

    exit_code: int = ExitCode.ENGINE


class InputError(ComplianceError):
    """The rules or plan data are invalid; carries every problem found in one run."""

    exit_code = ExitCode.BAD_INPUT

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))


class UsageError(ComplianceError):
    """A command-line value is unusable (bad date, unknown rule id, ...)."""

    exit_code = ExitCode.BAD_INPUT


class EngineError(ComplianceError):
    """The rules engine misbehaved; never swallowed, never partially reported."""

    exit_code = ExitCode.ENGINE


class Busy(ComplianceError):
    """Another nightly run holds the lock: try again later, nothing is wrong."""

    exit_code = ExitCode.BUSY


class OutputError(ComplianceError):
    """An output could not be written; no output of the run replaced its previous file."""

    exit_code = ExitCode.IO


class HistoryError(ComplianceError):
    """The nightly history is unreadable, corrupt or newer than this program; left untouched."""

    exit_code = ExitCode.IO


def display_path(path: Path) -> str:
    """Paths relative to the working directory when possible, as editors and CI expect."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, RuntimeError, OSError):  # elsewhere, or a symlink loop (3.11: RuntimeError)
        return str(path)
