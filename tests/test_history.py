"""history: runs and findings in SQLite, what changed since the previous run, the stored time."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from compliance.errors import HistoryError
from compliance.findings import Finding
from compliance.history import MIGRATIONS, History

FINISHED = dt.datetime(2023, 6, 30, 0, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
DAY = dt.date(2023, 6, 1)


def finding(rule: str, period: str, status: str, entity: str | None = None) -> Finding:
    return Finding(rule=rule, status=status, period_key=period, start=DAY, end=DAY, due=DAY,  # type: ignore[arg-type]
                   nominal_due=DAY, close=DAY, required=1, count=0, records=(), entity=entity)


@pytest.fixture
def history(tmp_path):
    h = History(tmp_path / "h.sqlite")
    yield h
    h.close()


def test_first_run_has_no_previous_and_everything_is_new(history):
    c = history.changes("plan", [finding("r", "2023-05", "violation"), finding("r", "2023-06", "reminder")])
    assert (c.previous_run, c.previous_as_of) == (None, None)
    assert c.new_violations == [("r", "2023-05", "")] and c.new_reminders == [("r", "2023-06", "")]
    assert c.resolved_violations == []


def test_changes_against_the_previous_run_of_the_same_plan(history):
    history.record([("plan", DAY, "2023-06-01/plan", [finding("r", "2023-04", "violation"),
                                                      finding("r", "2023-05", "violation", "u1")]),
                    ("other", DAY, "2023-06-01/other", [finding("r", "2023-03", "violation")])],
                   finished=FINISHED)
    now = [finding("r", "2023-04", "violation"), finding("r", "2023-05", "late", "u1"),
           finding("r", "2023-06", "violation")]
    c = history.changes("plan", now)
    assert c.previous_as_of == "2023-06-01"
    assert c.new_violations == [("r", "2023-06", "")]
    assert c.resolved_violations == [("r", "2023-05", "u1")]
    assert c.as_dict()["resolved_violations"] == [{"rule": "r", "period": "2023-05", "entity": "u1"}]


def test_the_callers_time_is_stored_in_utc(history, tmp_path):
    history.record([("plan", DAY, "d", [])], finished=FINISHED)
    with sqlite3.connect(tmp_path / "h.sqlite") as db:
        assert db.execute("SELECT finished_at FROM runs").fetchone()[0] == "2023-06-29T16:30:00+00:00"


def test_a_failed_record_leaves_nothing(history, tmp_path):
    twice = [finding("r", "2023-04", "violation")] * 2  # same primary key: the insert fails
    with pytest.raises(sqlite3.IntegrityError):
        history.record([("plan", DAY, "d", twice)], finished=FINISHED)
    assert history.previous("plan") == (None, None, {})


def test_migrations_and_future_versions(tmp_path):
    h = History(tmp_path / "h.sqlite")
    assert h.version == len(MIGRATIONS)
    h.close()
    with sqlite3.connect(tmp_path / "h.sqlite") as db:
        db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    with pytest.raises(HistoryError, match="newer"):
        History(tmp_path / "h.sqlite")
