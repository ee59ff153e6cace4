"""Findings of nightly runs in SQLite: one transaction per run, migrations by version.

The history is what "new" and "resolved" are measured against, so it is never reset or
repaired silently: a file that is not a readable SQLite database, or was written by a
newer version of this program, is refused (``HistoryError``, exit 4) and left exactly as
it was. Before a schema migration the file is copied with SQLite's online backup API to
``<name>.v<version>.bak`` beside it.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from compliance.errors import HistoryError
from compliance.findings import Finding

# Each entry upgrades the schema from version n to n+1. Never edit a released entry:
# add a new one, so existing history files upgrade in place.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        plan TEXT NOT NULL,
        as_of TEXT NOT NULL,
        finished_at TEXT NOT NULL,
        report_dir TEXT NOT NULL
    );
    CREATE INDEX runs_plan ON runs (plan, id);
    CREATE TABLE findings (
        run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        rule TEXT NOT NULL,
        period TEXT NOT NULL,
        entity TEXT NOT NULL,
        status TEXT NOT NULL,
        due TEXT NOT NULL,
        PRIMARY KEY (run_id, rule, period, entity)
    );
    """,
    # The evidence present at each run (records, documents, waivers, meetings by id), so
    # evidence that disappears between runs is reported instead of passing unnoticed.
    """
    CREATE TABLE evidence (
        run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        id TEXT NOT NULL,
        PRIMARY KEY (run_id, kind, id)
    );
    """,
)

Key = tuple[str, str, str]
Evidence = tuple[str, str]  # (kind, id): ("record", "r-0001")


@dataclass(frozen=True)
class Changes:
    previous_run: int | None
    previous_as_of: str | None
    new_violations: list[Key]
    resolved_violations: list[Key]
    new_reminders: list[Key]
    disappeared: list[Evidence] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        def keys(ks: list[Key]) -> list[dict[str, str]]:
            return [{"rule": r, "period": p, **({"entity": e} if e else {})} for r, p, e in ks]

        return {"previous_run": self.previous_run, "previous_as_of": self.previous_as_of,
                "new_violations": keys(self.new_violations),
                "resolved_violations": keys(self.resolved_violations),
                "new_reminders": keys(self.new_reminders),
                "disappeared": [{"kind": k, "id": i} for k, i in self.disappeared]}


class History:
    """The history file of one nightly folder; opened under the nightly lock."""

    def __init__(self, path: Path):
        self.path = path
        _check_existing(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(path, isolation_level=None)  # explicit transactions only
            self.db.execute("PRAGMA foreign_keys = ON")
            self.db.execute("PRAGMA synchronous = FULL")
            self.migrate()
        except (sqlite3.Error, OSError) as exc:
            raise _failure(path, exc) from None

    def close(self) -> None:
        self.db.close()

    @property
    def version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    def migrate(self) -> None:
        if self.version > len(MIGRATIONS):
            raise _newer(self.path, self.version)
        if 0 < self.version < len(MIGRATIONS):
            self.backup(self.path.with_name(f"{self.path.name}.v{self.version}.bak"))
        while self.version < len(MIGRATIONS):
            target = self.version + 1
            self.db.execute("BEGIN IMMEDIATE")
            try:
                for statement in MIGRATIONS[target - 1].split(";"):
                    if statement.strip():
                        self.db.execute(statement)
                self.db.execute(f"PRAGMA user_version = {target}")
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise

    def backup(self, target: Path) -> None:
        """A consistent copy made with SQLite's online backup (not a file copy)."""
        copy = sqlite3.connect(target)
        try:
            self.db.backup(copy)
        finally:
            copy.close()

    def run_count(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM runs").fetchone()[0])

    def previous(self, plan: str, before: dt.date | None = None) -> tuple[int | None, str | None, dict[Key, str]]:
        """The plan's latest run for a day before ``before`` (any day when None): a same-day
        rerun compares with the day before, not with the run it replaces."""
        row = self.db.execute("SELECT id, as_of FROM runs WHERE plan = ? AND as_of < ? "
                              "ORDER BY as_of DESC, id DESC LIMIT 1",
                              (plan, before.isoformat() if before else "9999-99-99")).fetchone()
        if row is None:
            return None, None, {}
        found = self.db.execute("SELECT rule, period, entity, status FROM findings WHERE run_id = ?",
                                (row[0],)).fetchall()
        return row[0], row[1], {(r, p, e): s for r, p, e, s in found}

    def evidence(self, run_id: int) -> set[Evidence]:
        rows = self.db.execute("SELECT kind, id FROM evidence WHERE run_id = ?", (run_id,))
        return {(k, i) for k, i in rows}

    def changes(self, plan: str, findings: list[Finding], *, as_of: dt.date | None = None,
                evidence: set[Evidence] | None = None) -> Changes:
        """What changed since the plan's previous run before ``as_of``; ``evidence`` (the ids
        present now) lists what disappeared."""
        run_id, previous_as_of, before = self.previous(plan, as_of)
        now = {f.key: f.status for f in findings}
        new_v = sorted(k for k, s in now.items() if s == "violation" and before.get(k) != "violation")
        resolved = sorted(k for k, s in before.items() if s == "violation" and now.get(k) != "violation")
        new_r = sorted(k for k, s in now.items() if s == "reminder" and before.get(k) != "reminder")
        gone = sorted(self.evidence(run_id) - evidence) if run_id is not None and evidence is not None else []
        return Changes(run_id, previous_as_of, new_v, resolved, new_r, gone)

    def begin(self) -> None:
        """One transaction for a whole nightly run, committed after the reports are in place."""
        self.db.execute("BEGIN IMMEDIATE")

    def add(self, plan: str, as_of: dt.date, report_dir: str, findings: Iterable[Finding],
            evidence: Iterable[Evidence], *, finished: dt.datetime) -> None:
        """One plan's run, inside the transaction of ``begin``; ``finished`` (the caller's
        clock) is stored in UTC."""
        stamp = finished.astimezone(dt.UTC).isoformat(timespec="seconds")
        cur = self.db.execute(
            "INSERT INTO runs (plan, as_of, finished_at, report_dir) VALUES (?, ?, ?, ?)",
            (plan, as_of.isoformat(), stamp, report_dir))
        self.db.executemany(
            "INSERT INTO findings (run_id, rule, period, entity, status, due) VALUES (?, ?, ?, ?, ?, ?)",
            [(cur.lastrowid, f.rule, f.period_key, f.entity or "", f.status, f.due.isoformat())
             for f in findings])
        self.db.executemany("INSERT INTO evidence (run_id, kind, id) VALUES (?, ?, ?)",
                            [(cur.lastrowid, k, i) for k, i in evidence])

    def commit(self) -> None:
        self.db.execute("COMMIT")

    def rollback(self) -> None:
        if self.db.in_transaction:
            self.db.execute("ROLLBACK")

    def record(self, runs: list[tuple[str, dt.date, str, list[Finding]]], *, finished: dt.datetime) -> None:
        """Store several plans' runs (without evidence) in a single transaction."""
        self.begin()
        try:
            for plan, as_of, report_dir, findings in runs:
                self.add(plan, as_of, report_dir, findings, (), finished=finished)
            self.commit()
        except BaseException:
            self.rollback()
            raise


def _check_existing(path: Path) -> None:
    """Refuse, read-only, a history file that is not one this program can use."""
    if not path.exists() and not path.is_symlink():
        return
    if not path.is_file():
        raise HistoryError(f"history {str(path)!r} is not a regular file; {_UNTOUCHED}")
    if path.stat().st_size == 0:
        raise HistoryError(f"history {str(path)!r} is empty (0 bytes), a truncated or replaced "
                           f"file; {_RESTORE_OR_REMOVE}; {_UNTOUCHED}")
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            ok = db.execute("PRAGMA quick_check").fetchone()[0]
            version = int(db.execute("PRAGMA user_version").fetchone()[0])
        finally:
            db.close()
    except (sqlite3.Error, OSError) as exc:
        raise _failure(path, exc) from None
    if ok != "ok":
        raise HistoryError(f"history {str(path)!r} is damaged (SQLite: {ok}); {_RESTORE_OR_REMOVE}; "
                           f"{_UNTOUCHED}")
    if version > len(MIGRATIONS):
        raise _newer(path, version)


def _failure(path: Path, exc: BaseException) -> HistoryError:
    reason = getattr(exc, "strerror", None) or str(exc)
    return HistoryError(f"history {str(path)!r} is not a readable SQLite database ({reason}); "
                        f"{_RESTORE_OR_REMOVE}; {_UNTOUCHED}")


def _newer(path: Path, version: int) -> HistoryError:
    return HistoryError(f"history {str(path)!r} has schema version {version}, newer than this "
                        f"program's ({len(MIGRATIONS)}); upgrade compliance; {_UNTOUCHED}")


_UNTOUCHED = "it was left untouched"
_RESTORE_OR_REMOVE = ("restore it from a backup (.bak beside it), or move it aside to start a new "
                      "history")
