"""Checklist as plain text (for a terminal or e-mail)."""

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


def write(view: View, stream: IO[str]) -> None:
    stream.write(f"{view.title}\n")
    for label, value in view.header:
        stream.write(f"{label}: {value}\n")
    for unit in view.units:
        stream.write(f"\n== {unit.heading} ==\n{unit.summary}\n")
        for table in unit.tables:
            stream.write(f"\n  {table.title}\n")
            if not table.rows:
                stream.write(f"    {view.empty}\n")
            for row in table.rows:
                first, *rest = [c.replace("\n", " — ") for c in row]
                stream.write(f"    - {first}" + "".join(f" | {c}" for c in rest) + "\n")
