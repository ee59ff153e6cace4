"""The nightly run: dated reports, SQLite history, changes, and no damage when killed."""

from __future__ import annotations

import fcntl
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from compliance.cli import main
from compliance.history import MIGRATIONS, History

from _standards import validate_report

FILES = {"report.json", "report.md", "calendar.ics", "changes.json", "changes.md", "board.html"}


def nightly(*args):
    return CliRunner().invoke(main, ["nightly", *args])


def make_plans(workdir: Path, n: int) -> list[str]:
    """n copies of the bundled plan under different agencies (distinct plan identities)."""
    out = []
    for k in range(n):
        d = workdir / f"plan{k}"
        shutil.copytree(workdir / "plan_data", d)
        text = (d / "plan.yaml").read_text(encoding="utf-8")
        (d / "plan.yaml").write_text(text.replace("agency: 臺北市大安區戶政事務所", f"agency: 示範戶政事務所{k}"),
                                     encoding="utf-8")
        out += ["--plan", str(d)]
    return out


def runs_in(history: Path) -> list[tuple]:
    with sqlite3.connect(history) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return db.execute("SELECT r.id, r.plan, r.as_of, COUNT(f.rule) FROM runs r "
                          "LEFT JOIN findings f ON f.run_id = r.id GROUP BY r.id ORDER BY r.id").fetchall()


def test_two_runs_report_changes(workdir):
    first = nightly("--as-of", "2023-05-23", "--out", "out")
    assert first.exit_code == 0, first.output
    line = json.loads(first.stdout.splitlines()[0])
    assert line["new_violations"] == line["summary"]["violation"] > 0
    second = nightly("--as-of", "2023-05-26", "--out", "out")
    line = json.loads(second.stdout.splitlines()[0])
    assert line["new_violations"] == 1  # the booking check missed on 5/24
    changes = json.loads((workdir / "out/2023-05-26/plan_data/changes.json").read_text(encoding="utf-8"))
    assert changes["previous_as_of"] == "2023-05-23"
    assert {"rule": "online-booking-daily-check", "period": "2023-05-24"} in changes["new_violations"]
    assert set(os.listdir(workdir / "out/2023-05-26/plan_data")) == FILES
    report = json.loads((workdir / "out/2023-05-26/plan_data/report.json").read_text(encoding="utf-8"))
    assert report["as_of"] == "2023-05-26"
    validate_report(report)
    assert [r[2] for r in runs_in(workdir / "out/history.sqlite")] == ["2023-05-23", "2023-05-26"]


def test_resolved_violations(workdir):
    nightly("--as-of", "2023-07-03", "--out", "out")
    # June's monthly report was late (done 7/03, for period 2023-06): not a violation any more.
    before = nightly("--as-of", "2023-07-02", "--out", "out2")
    assert before.exit_code == 0
    r = json.loads(nightly("--as-of", "2023-07-04", "--out", "out2").stdout)
    assert r["resolved_violations"] >= 1


def test_second_run_waits_for_the_lock(workdir):
    lock = workdir / "out" / "history.sqlite.lock"
    lock.parent.mkdir()
    with open(lock, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        fh.write("pid 1 since test")
        fh.flush()
        result = nightly("--as-of", "2023-06-30", "--out", "out")
    assert result.exit_code == 3
    assert "another nightly run" in result.stderr
    assert not (workdir / "out" / "2023-06-30").exists()
    assert nightly("--as-of", "2023-06-30", "--out", "out").exit_code == 0


def test_the_cli_clock_stamps_the_history(workdir, monkeypatch):
    import datetime as dt

    from compliance import cli

    fixed = dt.datetime(2023, 6, 29, 16, 30, tzinfo=dt.UTC)  # 00:30 on 6/30 in Taipei
    monkeypatch.setattr(cli, "clock", lambda: fixed)
    assert nightly("--out", "out").exit_code == 0
    assert (workdir / "out" / "2023-06-30").is_dir()  # "today" is the CLI clock's Taipei date
    assert runs_in(workdir / "out/history.sqlite")[0][2] == "2023-06-30"
    with sqlite3.connect(workdir / "out/history.sqlite") as db:
        assert db.execute("SELECT finished_at FROM runs").fetchone()[0] == "2023-06-29T16:30:00+00:00"


def check_consistent(out: Path, history: Path, expected_runs: set[int]) -> None:
    runs = runs_in(history) if history.exists() else []
    assert len(runs) in expected_runs
    assert all(n > 0 for *_, n in runs)
    for folder in out.iterdir():
        if folder.name.startswith(".") or not folder.is_dir():
            continue
        plans = [p for p in folder.iterdir() if p.is_dir()]
        assert plans and all(set(os.listdir(p)) == FILES for p in plans), folder
        for p in plans:
            validate_report(json.loads((p / "report.json").read_text(encoding="utf-8")))
        json.loads((folder / "summary.json").read_text(encoding="utf-8"))


@pytest.mark.slow
def test_sigkill_at_random_moments_loses_nothing(workdir):
    plans = make_plans(workdir, 3)
    out, history = workdir / "out", workdir / "out" / "history.sqlite"
    cmd = [sys.executable, "-m", "compliance", "nightly", *plans, "--out", str(out)]
    env = {**os.environ, "LANG": "C.UTF-8"}
    assert subprocess.run([*cmd, "--as-of", "2023-06-01"], env=env, capture_output=True, check=False).returncode == 0
    start = time.perf_counter()
    subprocess.run([*cmd, "--as-of", "2023-06-02"], env=env, capture_output=True, check=True)
    duration = time.perf_counter() - start
    runs = 6
    rnd = random.Random(20231)
    killed = 0
    for attempt in range(12):
        day = f"2023-06-{5 + attempt % 3:02d}"  # same-day re-runs replace a dated folder
        proc = subprocess.Popen([*cmd, "--as-of", day], env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        time.sleep(rnd.uniform(0.2, 1.0) * duration)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            killed += 1
        proc.wait()
        finished = proc.returncode == 0
        check_consistent(out, history, {runs, runs + 3} if not finished else {runs + 3})
        runs = len(runs_in(history))
    assert killed >= 3, "the kills must land while runs are in progress"
    result = subprocess.run([*cmd, "--as-of", "2023-06-09"], env=env, capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stderr
    assert not [p for p in out.iterdir() if p.name.startswith(".2023")]
    check_consistent(out, history, {runs + 3})


# --- history that cannot be trusted is refused, untouched (exit 4) ---------------------------


@pytest.mark.parametrize("damage", ["garbage", "empty", "newer", "directory", "truncated"])
def test_untrustworthy_history_exits_4_and_is_left_untouched(workdir, damage):
    assert nightly("--as-of", "2023-06-01", "--out", "out").exit_code == 0
    history = workdir / "out" / "history.sqlite"
    if damage == "garbage":
        history.write_bytes(b"this is not a database\n" * 100)
    elif damage == "empty":
        history.write_bytes(b"")
    elif damage == "newer":
        with sqlite3.connect(history) as db:
            db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    elif damage == "truncated":
        history.write_bytes(history.read_bytes()[:2048])
    else:
        history.unlink()
        history.mkdir()
    before = b"" if damage == "directory" else history.read_bytes()
    result = nightly("--as-of", "2023-06-02", "--out", "out")
    assert result.exit_code == 4, result.output
    assert f"history '{history}'" in result.stderr or "history 'out/history.sqlite'" in result.stderr
    assert "left untouched" in result.stderr and "Traceback" not in result.output
    if damage != "directory":
        assert history.read_bytes() == before
    assert not (workdir / "out" / "2023-06-02").exists()


def test_lost_history_beside_dated_folders_is_reported(workdir):
    assert nightly("--as-of", "2023-06-01", "--out", "out").exit_code == 0
    (workdir / "out" / "history.sqlite").unlink()
    result = nightly("--as-of", "2023-06-02", "--out", "out")
    assert result.exit_code == 4
    assert "holds no runs" in result.stderr and "2023-06-01 to 2023-06-01" in result.stderr
    assert nightly("--as-of", "2023-06-02", "--out", "out", "--new-history").exit_code == 0


def test_history_is_backed_up_before_a_migration(tmp_path, monkeypatch):
    import compliance.history as h

    path = tmp_path / "history.sqlite"
    monkeypatch.setattr(h, "MIGRATIONS", MIGRATIONS[:1])
    old = History(path)
    old.db.execute("INSERT INTO runs (plan, as_of, finished_at, report_dir) VALUES ('p', '2023-06-01', 'x', 'y')")
    old.close()
    monkeypatch.setattr(h, "MIGRATIONS", MIGRATIONS)
    History(path).close()
    backup = tmp_path / "history.sqlite.v1.bak"
    with sqlite3.connect(backup) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == 1
        assert db.execute("SELECT plan FROM runs").fetchall() == [("p",)]
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)


# --- changes ------------------------------------------------------------------------------


def test_same_day_rerun_compares_with_the_previous_day(workdir):
    assert nightly("--as-of", "2023-05-23", "--out", "out").exit_code == 0
    first = json.loads(nightly("--as-of", "2023-05-26", "--out", "out").stdout)
    again = json.loads(nightly("--as-of", "2023-05-26", "--out", "out").stdout)
    assert first["new_violations"] == again["new_violations"] == 1
    changes = json.loads((workdir / "out/2023-05-26/plan_data/changes.json").read_text(encoding="utf-8"))
    assert changes["previous_as_of"] == "2023-05-23"


def test_disappeared_evidence_is_listed_and_counted(workdir):
    assert nightly("--as-of", "2023-06-30", "--out", "out", "--lang", "en").exit_code == 0
    records = workdir / "plan_data" / "records.yaml"
    text = records.read_text(encoding="utf-8")
    kept = text[: text.index("\n  - ", len(text) // 2)] + "\n"  # a file cut in half still validates
    records.write_text(kept, encoding="utf-8")
    (workdir / "plan_data" / "waivers.yaml").write_text("waivers: []\n", encoding="utf-8")
    result = nightly("--as-of", "2023-07-01", "--out", "out", "--lang", "en")
    assert result.exit_code == 0, result.output
    line = json.loads(result.stdout)
    changes = json.loads((workdir / "out/2023-07-01/plan_data/changes.json").read_text(encoding="utf-8"))
    gone = {(d["kind"], d["id"]) for d in changes["disappeared"]}
    assert {k for k, _ in gone} == {"record", "waiver"}
    assert line["disappeared"] == len(gone) > 2
    summary = json.loads((workdir / "out/2023-07-01/summary.json").read_text(encoding="utf-8"))
    assert summary["plans"][0]["disappeared"] == len(gone)
    md = (workdir / "out/2023-07-01/plan_data/changes.md").read_text(encoding="utf-8")
    assert f"Evidence gone since the previous run ({len(gone)})" in md


PEAK_RSS = """
import resource, sys
from compliance.cli import main
try:
    main(sys.argv[1:], standalone_mode=False)
finally:
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def peak_rss_kb(workdir: Path, plans: list[str], out: str) -> int:
    env = {**os.environ, "LANG": "C.UTF-8", "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run([sys.executable, "-c", PEAK_RSS, "nightly", *plans, "--out", out,
                           "--as-of", "2023-06-30"], cwd=workdir, env=env, capture_output=True,
                          text=True, check=True, timeout=600)
    return int(done.stdout.splitlines()[-1])


@pytest.mark.slow  # two subprocesses, about 5 s
def test_memory_is_flat_in_the_number_of_plans(workdir):
    plans = make_plans(workdir, 8)
    two = peak_rss_kb(workdir, plans[:4], "out2")
    eight = peak_rss_kb(workdir, plans, "out8")
    assert eight <= 1.25 * two, (two, eight)


def test_a_killed_first_run_can_be_rerun_the_same_day(workdir):
    assert nightly("--as-of", "2023-06-01", "--out", "out").exit_code == 0
    (workdir / "out" / "history.sqlite").unlink()  # as if killed before the history commit
    assert nightly("--as-of", "2023-06-01", "--out", "out").exit_code == 0
