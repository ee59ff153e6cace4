"""-o never damages what is at the path: links, devices, FIFOs, directories, modes,
several outputs at once, a full disk. Failures exit 4 (2 for an unusable path) and
leave no temporary file behind."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from compliance.cli import main

CHECK = ["check", "--as-of", "2023-06-30", "--fail-on", "never"]


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_symlink_output_writes_the_target_beside_it(workdir):
    (workdir / "reports").mkdir()
    target = workdir / "reports" / "report.json"
    target.write_text("old", encoding="utf-8")
    (workdir / "link.json").symlink_to(target)
    result = run(*CHECK, "--format", "json", "-o", "link.json")
    assert result.exit_code == 0, result.output
    assert (workdir / "link.json").is_symlink()
    assert json.loads(target.read_text(encoding="utf-8"))["as_of"] == "2023-06-30"
    assert not leftovers(workdir) and not leftovers(workdir / "reports")


def test_dangling_symlink_creates_its_target(workdir):
    (workdir / "link.txt").symlink_to(workdir / "new.txt")
    assert run(*CHECK, "-o", "link.txt").exit_code == 0
    assert (workdir / "link.txt").is_symlink() and (workdir / "new.txt").stat().st_size > 0


def test_device_is_written_to_not_replaced(workdir):
    before = os.stat("/dev/null")
    result = run(*CHECK, "-o", "/dev/null")
    assert result.exit_code == 0, result.output
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_ino == before.st_ino
    assert not [p for p in os.listdir("/dev") if p.startswith(".null.")]


def test_fifo_is_written_to(workdir):
    fifo = workdir / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    result = run(*CHECK, "--format", "json", "-o", str(fifo))
    reader.join(timeout=60)
    assert result.exit_code == 0, result.output
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert json.loads(received[0])["as_of"] == "2023-06-30"


def test_dash_is_standard_output(workdir):
    result = run(*CHECK, "--format", "json", "-o", "-")
    assert json.loads(result.stdout)["as_of"] == "2023-06-30"
    assert not (workdir / "-").exists()
    cal = run("calendar", "--year", "112", "-o", "-")
    assert cal.exit_code == 0 and cal.stdout and not (workdir / "-").exists()


def test_directory_is_refused_before_evaluating(workdir, monkeypatch):
    (workdir / "out").mkdir()

    def must_not_run(*_a, **_k):
        raise AssertionError("evaluated although the output is a directory")

    monkeypatch.setattr("compliance.evaluate.evaluate", must_not_run)
    for args in ([*CHECK, "-o", "out"], ["calendar", "-o", "out"], ["checklist", "-o", "out"]):
        result = run(*args)
        assert result.exit_code == 2, (args, result.output)
        assert "-o 'out' is a directory" in result.stderr


def test_existing_mode_is_kept(workdir):
    report = workdir / "report.txt"
    report.write_text("old", encoding="utf-8")
    report.chmod(0o640)
    assert run(*CHECK, "-o", "report.txt").exit_code == 0
    assert stat.S_IMODE(report.stat().st_mode) == 0o640
    new = workdir / "new.txt"
    assert run(*CHECK, "-o", "new.txt").exit_code == 0
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(new.stat().st_mode) == 0o666 & ~umask


def test_several_outputs_all_or_nothing(workdir):
    (workdir / "report.json").write_text("previous json", encoding="utf-8")
    (workdir / "blocker").write_text("a file where a folder would have to be", encoding="utf-8")
    result = run(*CHECK, "--format", "json", "-o", "report.json", "--format", "junit",
                 "-o", "blocker/junit.xml")
    assert result.exit_code == 4, result.output
    assert "cannot write 'blocker/junit.xml'" in result.stderr
    assert "no output of this run replaced its previous file" in result.stderr
    assert (workdir / "report.json").read_text(encoding="utf-8") == "previous json"
    assert not leftovers(workdir)
    assert "Traceback" not in result.output


@pytest.fixture
def small_disk(tmp_path):
    """A 64 KB tmpfs: too small for a JSON report, big enough for a text one."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({done.stderr.strip() or 'not root'})")
    yield mount
    subprocess.run(["umount", str(mount)], check=False)


def test_full_disk_exits_4_and_keeps_the_previous_files(workdir, small_disk):
    old_json = small_disk / "report.json"
    old_json.write_text("previous json", encoding="utf-8")
    old_text = workdir / "report.txt"
    old_text.write_text("previous text", encoding="utf-8")
    result = run("check", "--as-of", "2023-06-30", "--format", "text", "-o", str(old_text),
                 "--format", "json", "-o", str(old_json))
    assert result.exit_code == 4, result.output
    assert "No space left on device" in result.stderr
    assert old_json.read_text(encoding="utf-8") == "previous json"
    assert old_text.read_text(encoding="utf-8") == "previous text"
    assert not leftovers(small_disk) and not leftovers(workdir)
    assert "Traceback" not in result.output


def test_nightly_on_a_full_disk_exits_4_and_leaves_no_staging_folder(workdir, small_disk):
    result = run("nightly", "--as-of", "2023-06-30", "--out", str(small_disk / "out"),
                 "--history", str(workdir / "history.sqlite"))
    assert result.exit_code == 4, result.output
    assert "Traceback" not in result.output
    assert not (small_disk / "out" / "2023-06-30").exists()
    assert not [p for p in (small_disk / "out").iterdir() if p.name.startswith(".")]


def test_a_failed_rename_puts_back_the_files_already_replaced(workdir, monkeypatch):
    (workdir / "report.json").write_text("previous json", encoding="utf-8")
    real_replace = os.replace
    calls = []

    def second_fails(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise OSError(28, "No space left on device", str(dst))
        real_replace(src, dst)

    monkeypatch.setattr("compliance.atomic.os.replace", second_fails)
    result = run(*CHECK, "--format", "json", "-o", "report.json", "--format", "junit", "-o", "new.xml")
    assert result.exit_code == 4, result.output
    assert (workdir / "report.json").read_text(encoding="utf-8") == "previous json"
    assert not (workdir / "new.xml").exists()
    assert sorted(p.name for p in workdir.iterdir() if p.name.startswith(".")) == []
