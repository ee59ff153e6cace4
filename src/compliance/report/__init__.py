"""Output formatters, one module per format, and the registries that name them.

The registries are the single source of truth for each command's ``--format`` choices: a
new format is one module here and one line in its registry. Modules are imported on
demand so that ``compliance --help`` stays cheap.

- ``FORMATS`` (check, nightly): ``write(bundle, evaluation, stream, options)`` to a text stream;
- ``CHECKLIST_FORMATS`` (checklist): ``render(bundle, checklist, lang) -> str | bytes``;
- ``CALENDAR_FORMATS`` (calendar): ``render(bundle, periods, lang) -> str``;
- ``RULES_FORMATS`` (rules): ``render(rulebook, lang) -> str``;
- ``BOARD_FORMATS`` (board): ``render(bundle, board, lang) -> str | bytes``.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Protocol, cast

if TYPE_CHECKING:
    from compliance.board import Board
    from compliance.bundle import Bundle, RuleBook
    from compliance.checklist import Checklist
    from compliance.findings import Evaluation
    from compliance.periods import Period

FORMATS = {"text": "text", "json": "json_format", "junit": "junit", "sarif": "sarif",
           "github": "github", "markdown": "markdown"}
CHECKLIST_FORMATS = {"markdown": "checklist_markdown", "text": "checklist_text",
                     "json": "checklist_json", "odt": "checklist_odt"}
CALENDAR_FORMATS = {"text": "calendar_text", "json": "calendar_json", "ics": "ics"}
RULES_FORMATS = {"text": "rules_text", "json": "rules_json"}
BOARD_FORMATS = {"html": "board_html", "ods": "board_ods"}
BINARY_FORMATS = frozenset({"odt", "ods"})  # rendered as bytes; never written to a terminal
LEVELS = {"violation": ("violation",), "reminder": ("violation", "reminder"), "never": ()}


@dataclass(frozen=True)
class Options:
    lang: str = "en"
    show_all: bool = False
    fail_on: str = "violation"

    @property
    def failing(self) -> tuple[str, ...]:
        return LEVELS[self.fail_on]


class Formatter(Protocol):
    def __call__(self, bundle: Bundle, evaluation: Evaluation, stream: IO[str], options: Options) -> None: ...


class ChecklistRenderer(Protocol):
    def __call__(self, bundle: Bundle, checklist: Checklist, lang: str) -> str | bytes: ...


class CalendarRenderer(Protocol):
    def __call__(self, bundle: Bundle, periods: Sequence[Period], lang: str) -> str: ...


class RulesRenderer(Protocol):
    def __call__(self, book: RuleBook, lang: str) -> str: ...


class BoardRenderer(Protocol):
    def __call__(self, bundle: Bundle, board: Board, lang: str) -> str | bytes: ...


def _load(registry: dict[str, str], name: str, function: str) -> object:
    return getattr(importlib.import_module(f"compliance.report.{registry[name]}"), function)


def formatter(name: str) -> Formatter:
    return cast("Formatter", _load(FORMATS, name, "write"))


def checklist_renderer(name: str) -> ChecklistRenderer:
    return cast("ChecklistRenderer", _load(CHECKLIST_FORMATS, name, "render"))


def calendar_renderer(name: str) -> CalendarRenderer:
    return cast("CalendarRenderer", _load(CALENDAR_FORMATS, name, "render"))


def rules_renderer(name: str) -> RulesRenderer:
    return cast("RulesRenderer", _load(RULES_FORMATS, name, "render"))


def board_renderer(name: str) -> BoardRenderer:
    return cast("BoardRenderer", _load(BOARD_FORMATS, name, "render"))
