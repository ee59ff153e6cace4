"""Checklist as Markdown (for the meeting's shared notes)."""

from __future__ import annotations

import io
from typing import IO

from compliance.bundle import Bundle
from compliance.checklist import Checklist
from compliance.report.checklist_view import View, build_view


def render(bundle: Bundle, checklist: Checklist, lang: str) -> str:
    buffer = io.StringIO()
    write(build_view(bundle, checklist, lang), buffer)
    return buffer.getvalue()


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", "<br>")


def write(view: View, stream: IO[str]) -> None:
    stream.write(f"# {view.title}\n\n")
    for label, value in view.header:
        stream.write(f"- **{label}**: {value}\n")
    for unit in view.units:
        stream.write(f"\n## {unit.heading}\n\n{unit.summary}\n")
        for table in unit.tables:
            stream.write(f"\n### {table.title}\n\n")
            if not table.rows:
                stream.write(f"{view.empty}\n")
                continue
            stream.write("| " + " | ".join(table.columns) + " |\n")
            stream.write("|" + "---|" * len(table.columns) + "\n")
            for row in table.rows:
                stream.write("| " + " | ".join(_cell(c) for c in row) + " |\n")
