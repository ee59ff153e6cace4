"""The `holidays` package's answers about Taiwan, kept on disk when asked to.

What is kept is the package's own output — the working days of a year, the years it has a
DGPA-checked calendar for — never a hand-kept list. It is opt-in: only when
``COMPLIANCE_CACHE_DIR`` names a folder; nothing is written to ``~/.cache`` unasked. A
process that finds everything it needs here does not import `holidays` at all (~16 ms of
a 0.23 s ``check``), which matters to a scheduler starting many short runs, not to a clerk.

Files are named by what they hold and by a fingerprint of the installed package, so an
upgrade with a corrected calendar gets new files; each begins with a header line naming
its content, a damaged or foreign file is treated as absent (and recomputed), and an
unwritable folder just means no cache.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path


def path(name: str) -> Path | None:
    """Where ``name`` is kept, or None when no cache was asked for (or `holidays` is absent)."""
    folder = os.environ.get("COMPLIANCE_CACHE_DIR")
    if not folder:
        return None
    version = fingerprint()
    if version is None:
        return None
    return Path(folder) / f"{name}-holidays-{version}.txt"


@lru_cache(maxsize=1)
def fingerprint() -> str | None:
    """Identifies the installed holidays package without importing it (importing it, or
    importlib.metadata, costs more than the cache saves): the sizes and modification
    times of the files that define Taiwan's calendar. A reinstall or upgrade changes them."""
    spec = importlib.util.find_spec("holidays")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations)))
    parts = []
    for rel in ("holiday_base.py", "countries/taiwan.py", "calendars/chinese.py"):
        try:
            st = (folder / rel).stat()
        except OSError:
            return None
        parts.append(f"{st.st_size:x}.{st.st_mtime_ns:x}")
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:16]


def read(name: str, header: str) -> list[str] | None:
    """The lines kept under ``name`` after its ``header`` line, or None."""
    file = path(name)
    try:
        if file is None or not file.exists():
            return None
        lines = file.read_text(encoding="ascii").split()
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    if not lines or lines[0] != header:
        return None
    return lines[1:]


def write(name: str, header: str, lines: Iterable[str]) -> None:
    file = path(name)
    if file is None:
        return
    try:
        from compliance.atomic import write_atomic

        write_atomic(file, "\n".join([header, *lines]) + "\n")
    except OSError:
        pass  # a read-only home just means no cache
