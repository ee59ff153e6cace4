"""Bad input of every class: exit 2, each problem at its path:line:column, no traceback.

The YAML cases live in ``tests/bad_inputs/`` (one file per class); their header says
where the file goes, how the bundled data is patched, and every line expected on
stderr. Inputs that cannot be files in git (FIFOs, devices, link loops, huge files) and
bad command-line values are built here.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from _cases import CASES, apply, header
from click.testing import CliRunner

from compliance.cli import main

LOCATED = re.compile(r"^[^:]+:\d+:\d+: ")


def assert_refused(result, expected: list[str]) -> None:
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    for expect in expected:
        assert LOCATED.match(expect), expect
        assert expect in lines, (expect, lines)


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_bad_input_is_reported_with_file_and_line(workdir, case):
    apply(case, workdir)
    result = CliRunner().invoke(main, ["validate"])
    expected = header(case)["expect"]
    assert_refused(result, expected)
    assert f"{len(expected)} problem" in result.stderr  # nothing more than the case's own


@pytest.mark.parametrize("case", [c for c in CASES if c.stem in ("unknown-unit", "plan-window-typo",
                                                                 "out-of-range-date")])
def test_check_and_nightly_refuse_what_validate_refuses(workdir, case):
    apply(case, workdir)
    for args in (["check", "--as-of", "2023-06-30"], ["nightly", "--as-of", "2023-06-30", "--out", "out"]):
        assert_refused(CliRunner().invoke(main, args), header(case)["expect"])
    assert not (workdir / "out" / "2023-06-30").exists()


# --- files that cannot live in git --------------------------------------------------------


def run_cli(workdir: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """In a subprocess with a timeout: a regression here would hang, not fail."""
    env = {**os.environ, "LANG": "C.UTF-8", "PYTHONPATH": os.pathsep.join(sys.path)}
    return subprocess.run([sys.executable, "-m", "compliance", *args], cwd=workdir, env=env,
                          capture_output=True, text=True, timeout=timeout, check=False)


@pytest.mark.parametrize("kind, expect", [
    ("fifo", "plan_data/x.yaml:1:1: not a regular file (a FIFO); remove it from the folder"),
    ("device", "plan_data/x.yaml:1:1: not a regular file (a device); remove it from the folder"),
    ("loop", "plan_data/x.yaml:1:1: cannot read file: Too many levels of symbolic links"),
    ("directory", "plan_data/x.yaml:1:1: not a regular file (a directory); remove it from the folder"),
])
def test_special_files_are_refused_without_hanging(workdir, kind, expect):
    target = workdir / "plan_data" / "x.yaml"
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "device":
        target.symlink_to("/dev/zero")  # a device that never ends
    elif kind == "loop":
        target.symlink_to(workdir / "plan_data" / "y.yaml")
        (workdir / "plan_data" / "y.yaml").symlink_to(target)
        expect = expect + "\n" + expect.replace("x.yaml", "y.yaml")
    else:
        target.mkdir()
    result = run_cli(workdir, "validate")
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    for line in expect.splitlines():
        assert line in result.stderr.splitlines()


def test_plan_text_that_is_a_fifo_is_refused_without_hanging(workdir):
    text = workdir / "plan_data" / "source" / "plan-112.txt"
    text.unlink()
    os.mkfifo(text)
    result = run_cli(workdir, "validate")
    assert result.returncode == 2, result.stderr
    assert re.search(r"^plan_data/plan.yaml:\d+:\d+: plan.source_text: cannot read plan text: not a "
                     r"regular file \(a FIFO\)", result.stderr, re.MULTILINE), result.stderr


def test_size_is_checked_before_parsing(workdir, monkeypatch):
    monkeypatch.setattr("compliance._yaml.MAX_BYTES", 1000)
    result = CliRunner().invoke(main, ["validate"])
    assert_refused(result, [line for line in result.stderr.splitlines() if "records.yaml" in line])
    assert re.search(r"plan_data/records.yaml:1:1: file is \d+ bytes, more than the 1000 bytes a file "
                     r"may hold; split it into several files", result.stderr)


def test_value_limit_message_is_honest(workdir, monkeypatch):
    monkeypatch.setattr("compliance._yaml.MAX_NODES", 500)
    result = CliRunner().invoke(main, ["validate"])
    assert result.exit_code == 2
    assert "more than 500 values, the limit per file; split it into several files" in result.stderr
    assert "alias" not in result.stderr  # an honest big file is not called an alias bomb


@pytest.mark.slow  # about 20 s
def test_a_100000_record_plan_split_over_files_loads(workdir):
    before = int(re.search(r" (\d+) records", CliRunner().invoke(main, ["validate"]).stdout).group(1))
    rows = [f"  - {{id: bulk-{n}, activity: environment-inspection, date: 112/05/10, unit: admin}}"
            for n in range(100_000)]
    for part in range(4):
        chunk = rows[part * 25_000:(part + 1) * 25_000]
        (workdir / "plan_data" / f"bulk-{part}.yaml").write_text("records:\n" + "\n".join(chunk) + "\n",
                                                                 encoding="utf-8")
    result = CliRunner().invoke(main, ["validate"])
    assert result.exit_code == 0, result.output[-2000:]
    assert f" {before + 100_000} records" in result.stdout


# --- bad command-line values ----------------------------------------------------------------


@pytest.mark.parametrize("args, words", [
    (["calendar", "--year", "10000"], "--year: year 10000 is out of range"),
    (["calendar", "--year", "0"], "--year: year 0 is out of range"),
    (["checklist", "--meeting", "9999-12-31"], "--meeting: '9999-12-31' is out of range"),
    (["check", "--as-of", "0000-01-01"], "--as-of: '0000-01-01' is out of range"),
    (["nightly", "--as-of", "9999-12-31", "--out", "out"], "--as-of: '9999-12-31' is out of range"),
    (["check", "-o", "."], "-o '.' is a directory"),
    (["check", "--format", "json", "-o", "a.json", "--format", "sarif", "-o", "./a.json"],
     "are the same file"),
])
def test_out_of_range_options_exit_2(workdir, args, words):
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert words in result.stderr and "Traceback" not in result.output


def test_the_same_plan_twice_is_bad_input(workdir):
    shutil.copytree(workdir / "plan_data", workdir / "copy")
    twice = CliRunner().invoke(main, ["nightly", "--plan", "plan_data", "--plan", "plan_data/", "--out", "out"])
    assert twice.exit_code == 2 and "names the same folder" in twice.stderr
    same = CliRunner().invoke(main, ["nightly", "--plan", "plan_data", "--plan", "copy", "--out", "out"])
    assert same.exit_code == 2
    assert re.search(r"^copy/plan.yaml:\d+:\d+: plan: plan '臺北市大安區戶政事務所 112' is also in 'plan_data'",
                     same.stderr, re.MULTILINE)
    assert not [p.name for p in (workdir / "out").iterdir() if not p.name.startswith("history.sqlite")]


def test_a_year_without_a_published_calendar_is_a_warning(workdir):
    from compliance.holiday_years import published_years

    first, last = published_years()
    assert first <= 2023 <= last
    result = CliRunner().invoke(main, ["calendar", "--year", str(last + 1)])
    assert result.exit_code == 0
    assert f"warning: no published holiday calendar for {last + 1}" in result.stderr
    quiet = CliRunner().invoke(main, ["calendar", "--year", "2023"])
    assert "warning" not in quiet.stderr


@pytest.mark.parametrize("option", ["--plan", "--rules"])
def test_a_missing_folder_is_one_problem(workdir, option):
    result = CliRunner().invoke(main, ["validate", option, "nowhere"])
    assert_refused(result, ["nowhere:1:1: folder not found"])
    assert "1 problem found" in result.stderr  # not also every reference into it as "unknown"
