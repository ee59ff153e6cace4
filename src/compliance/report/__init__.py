"""Output formatters, one module per format. Each writes to a stream it is given."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import IO, Protocol

from compliance.findings import Evaluation
from compliance.bundle import Bundle

FORMATS = {"text": "text", "json": "json_format", "junit": "junit", "sarif": "sarif",
           "github": "github", "markdown": "markdown"}
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


def formatter(name: str) -> Formatter:
    # Imported on demand so that `compliance --help` stays cheap.
    return importlib.import_module(f"compliance.report.{FORMATS[name]}").write
