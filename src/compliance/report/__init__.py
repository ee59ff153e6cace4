"""Output formatters, one module per format. Each writes to a stream it is given."""

from __future__ import annotations

import importlib
from typing import IO, Protocol

from compliance.findings import Evaluation
from compliance.load import Bundle

FORMATS = {"text": "text", "json": "json_format"}


class Formatter(Protocol):
    def __call__(self, bundle: Bundle, evaluation: Evaluation, stream: IO[str], *, lang: str,
                 show_all: bool = False) -> None: ...


def formatter(name: str) -> Formatter:
    # Imported on demand so that `compliance --help` stays cheap.
    return importlib.import_module(f"compliance.report.{FORMATS[name]}").write
