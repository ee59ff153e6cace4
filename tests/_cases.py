"""The bad-input cases of ``tests/bad_inputs/``: each file's header says where it goes
(``# target:``, ``-`` for nowhere), how the bundled data is patched first (``# patch:
file: "old" => "new"``, Python string literals) and each line expected on stderr
(``# expect:``)."""

from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

CASES = sorted((Path(__file__).parent / "bad_inputs").glob("*.yaml"))


def header(case: Path) -> dict[str, list[str]]:
    """The ``# key: value`` lines at the top of a case file."""
    out: dict[str, list[str]] = {}
    for line in case.read_bytes().split(b"\n"):
        m = re.match(rb"^# (target|expect|patch): (.*)$", line)
        if not m:
            break
        out.setdefault(m.group(1).decode(), []).append(m.group(2).decode())
    return out


def apply(case: Path, workdir: Path) -> None:
    """Put the case into a copy of the bundled data."""
    head = header(case)
    for patch in head.get("patch", []):
        file, rest = patch.split(": ", 1)
        old, new = (ast.literal_eval(part) for part in rest.split(" => "))
        text = (workdir / file).read_text(encoding="utf-8")
        assert old in text, (case, old)
        (workdir / file).write_text(text.replace(old, new, 1), encoding="utf-8")
    target = head["target"][0]
    if target != "-":
        shutil.copy(case, workdir / target)
