"""One exit-code table (compliance.errors.ExitCode): 1 means findings and nothing else."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from compliance import errors
from compliance.cli import main
from compliance.errors import ComplianceError, EngineError, ExitCode

CHECK = ["check", "--as-of", "2023-06-30"]


def all_subclasses(cls: type) -> list[type]:
    out = []
    for sub in cls.__subclasses__():
        out += [sub, *all_subclasses(sub)]
    return out


def test_every_error_class_has_its_own_code_and_none_is_1():
    import compliance.nightly  # noqa: F401 - defines no classes of its own, but must not

    classes = [ComplianceError, *all_subclasses(ComplianceError)]
    assert {c.__name__ for c in classes} >= {"InputError", "UsageError", "EngineError", "Busy",
                                               "OutputError", "HistoryError"}
    for cls in classes:
        assert cls.exit_code in (ExitCode.BAD_INPUT, ExitCode.BUSY, ExitCode.IO, ExitCode.ENGINE), cls
    assert all(c.__module__ == errors.__name__ for c in classes), "one hierarchy, in one module"


def test_findings_exit_1(workdir):
    assert CliRunner().invoke(main, CHECK).exit_code == ExitCode.FINDINGS


def test_engine_error_exits_5(workdir, monkeypatch):
    def broken(*_a, **_k):
        raise EngineError("a rule action failed")

    monkeypatch.setattr("compliance.evaluate.evaluate", broken)
    result = CliRunner().invoke(main, CHECK)
    assert result.exit_code == ExitCode.ENGINE
    assert "error: a rule action failed" in result.stderr and "Traceback" not in result.output


def test_a_bug_exits_5_and_debug_shows_the_traceback(workdir, monkeypatch):
    def bug(*_a, **_k):
        raise KeyError("oops")

    monkeypatch.setattr("compliance.evaluate.evaluate", bug)
    plain = CliRunner().invoke(main, CHECK)
    assert plain.exit_code == ExitCode.ENGINE
    assert "internal error: KeyError" in plain.stderr and "Traceback" not in plain.output
    debug = CliRunner().invoke(main, ["--debug", *CHECK])
    assert debug.exit_code == ExitCode.ENGINE
    assert "Traceback (most recent call last)" in debug.stderr


def test_an_os_error_exits_4(workdir, monkeypatch):
    def unreadable(*_a, **_k):
        raise PermissionError(13, "Permission denied", "plan_data/source/plan-112.txt")

    monkeypatch.setattr("compliance.evaluate.evaluate", unreadable)
    result = CliRunner().invoke(main, CHECK)
    assert result.exit_code == ExitCode.IO
    assert "cannot read or write 'plan_data/source/plan-112.txt': Permission denied" in result.stderr


@pytest.mark.parametrize("args", [
    ["check", "--as-of", "someday"],
    ["nightly", "--as-of", "someday", "--out", "out"],
    ["calendar", "--year", "99999"],
])
def test_usage_errors_exit_2(workdir, args):
    result = CliRunner().invoke(main, args)
    assert result.exit_code == ExitCode.BAD_INPUT and "Traceback" not in result.output


def test_bad_input_to_nightly_exits_2_not_3(workdir):
    (workdir / "plan_data" / "records.yaml").write_text("records: [{id: x}]\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["nightly", "--as-of", "2023-06-30", "--out", "out"])
    assert result.exit_code == ExitCode.BAD_INPUT, result.output
    assert "plan_data/records.yaml:1:11: records[0].activity: required key 'activity' is missing" \
        in result.stderr


def test_interrupt_is_not_reported_as_findings(workdir, monkeypatch):
    def interrupted(*_a, **_k):
        raise KeyboardInterrupt

    monkeypatch.setattr("compliance.evaluate.evaluate", interrupted)
    result = CliRunner().invoke(main, CHECK)
    assert result.exit_code == ExitCode.INTERRUPTED and "interrupted" in result.stderr


def test_schema_write_failure_exits_4(workdir):
    (workdir / "schemas").write_text("a file, not a folder", encoding="utf-8")
    result = CliRunner().invoke(main, ["schema", "--out", "schemas/sub"])
    assert result.exit_code == ExitCode.IO, result.output
    assert "Traceback" not in result.output


def test_errors_and_warnings_speak_zh_tw(workdir):
    from test_i18n import untranslated

    assert CliRunner().invoke(main, ["nightly", "--as-of", "2023-06-01", "--out", "out"]).exit_code == 0
    (workdir / "out" / "history.sqlite").write_bytes(b"not a database\n" * 50)
    result = CliRunner().invoke(main, ["nightly", "--as-of", "2023-06-02", "--out", "out", "--lang", "zh-TW"])
    assert result.exit_code == ExitCode.IO
    (line,) = result.stderr.splitlines()
    assert line.startswith("錯誤：歷史檔 'out/history.sqlite' 不是可讀取的 SQLite 資料庫")
    assert "檔案未被更動" in line
    warned = CliRunner().invoke(main, ["calendar", "--year", "2099", "--lang", "zh-TW"])
    (warning,) = warned.stderr.splitlines()
    assert warning.startswith("警告：") and not untranslated(warning)
    usage = CliRunner().invoke(main, ["calendar", "--year", "10000", "--lang", "zh-TW"])
    assert "--year：年份 10000 超出範圍" in usage.stderr
