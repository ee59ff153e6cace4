"""Findings of nightly runs in SQLite: one transaction per run, migrations by version."""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass
from pathlib import Path

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
)

Key = tuple[str, str, str]


@dataclass(frozen=True)
class Changes:
    previous_run: int | None
    previous_as_of: str | None
    new_violations: list[Key]
    resolved_violations: list[Key]
    new_reminders: list[Key]

    def as_dict(self) -> dict:
        keys = lambda ks: [{"rule": r, "period": p, **({"entity": e} if e else {})} for r, p, e in ks]
        return {"previous_run": self.previous_run, "previous_as_of": self.previous_as_of,
                "new_violations": keys(self.new_violations),
                "resolved_violations": keys(self.resolved_violations),
                "new_reminders": keys(self.new_reminders)}


class History:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, isolation_level=None)  # explicit transactions only
        self.db.execute("PRAGMA foreign_keys = ON")
        self.db.execute("PRAGMA synchronous = FULL")
        self.migrate()

    def close(self) -> None:
        self.db.close()

    @property
    def version(self) -> int:
        return self.db.execute("PRAGMA user_version").fetchone()[0]

    def migrate(self) -> None:
        if self.version > len(MIGRATIONS):
            raise RuntimeError(f"history schema version {self.version} is newer than this program "
                               f"({len(MIGRATIONS)}); upgrade compliance")
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

    def previous(self, plan: str) -> tuple[int | None, str | None, dict[Key, str]]:
        row = self.db.execute("SELECT id, as_of FROM runs WHERE plan = ? ORDER BY id DESC LIMIT 1",
                              (plan,)).fetchone()
        if row is None:
            return None, None, {}
        found = self.db.execute("SELECT rule, period, entity, status FROM findings WHERE run_id = ?",
                                (row[0],)).fetchall()
        return row[0], row[1], {(r, p, e): s for r, p, e, s in found}

    def changes(self, plan: str, findings: list[Finding]) -> Changes:
        run_id, as_of, before = self.previous(plan)
        now = {f.key: f.status for f in findings}
        new_v = sorted(k for k, s in now.items() if s == "violation" and before.get(k) != "violation")
        resolved = sorted(k for k, s in before.items() if s == "violation" and now.get(k) != "violation")
        new_r = sorted(k for k, s in now.items() if s == "reminder" and before.get(k) != "reminder")
        return Changes(run_id, as_of, new_v, resolved, new_r)

    def record(self, runs: list[tuple[str, dt.date, str, list[Finding]]], *, finished: dt.datetime) -> None:
        """Store every plan's run of one nightly invocation in a single transaction;
        ``finished`` (the caller's clock) is stored in UTC."""
        stamp = finished.astimezone(dt.UTC).isoformat(timespec="seconds")
        self.db.execute("BEGIN IMMEDIATE")
        try:
            for plan, as_of, report_dir, findings in runs:
                cur = self.db.execute(
                    "INSERT INTO runs (plan, as_of, finished_at, report_dir) VALUES (?, ?, ?, ?)",
                    (plan, as_of.isoformat(), stamp, report_dir))
                self.db.executemany(
                    "INSERT INTO findings (run_id, rule, period, entity, status, due) VALUES (?, ?, ?, ?, ?, ?)",
                    [(cur.lastrowid, f.rule, f.period_key, f.entity or "", f.status, f.due.isoformat())
                     for f in findings])
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
