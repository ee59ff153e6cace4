"""The format registries are the only place a format is named: every --format choice is a
registry entry, and every registry entry renders."""

from __future__ import annotations

import datetime as dt

import click
import pytest
from click.testing import CliRunner

from compliance import report
from compliance.cli import main

COMMANDS = {"check": report.FORMATS, "checklist": report.CHECKLIST_FORMATS,
            "calendar": report.CALENDAR_FORMATS, "rules": report.RULES_FORMATS}


def _format_choices(command: str) -> list[str]:
    option = next(p for p in main.commands[command].params if "--format" in getattr(p, "opts", ()))
    assert isinstance(option.type, click.Choice)
    return list(option.type.choices)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_format_choices_are_the_registry(command):
    assert _format_choices(command) == list(COMMANDS[command])


@pytest.mark.parametrize("fmt", sorted(report.FORMATS))
def test_every_check_format_renders(workdir, fmt):
    # markdown was once in the registry but refused by the CLI
    result = CliRunner().invoke(main, ["check", "--as-of", "2023-06-30", "--format", fmt, "-o", f"out.{fmt}"])
    assert result.exit_code == 1, result.output
    assert (workdir / f"out.{fmt}").stat().st_size > 100


def test_every_checklist_and_calendar_renderer_has_its_signature(bundle):
    from compliance.checklist import build
    from compliance.evaluate import evaluate, scheduled_periods

    day = dt.date(2023, 6, 14)
    data = build(bundle, evaluate(bundle, day), day)
    for name in report.CHECKLIST_FORMATS:
        out = report.checklist_renderer(name)(bundle, data, "zh-TW")
        assert isinstance(out, bytes if name in report.BINARY_FORMATS else str) and out, name
    periods = scheduled_periods(bundle)[:3]
    for name in report.CALENDAR_FORMATS:
        out = report.calendar_renderer(name)(bundle, periods, "en")
        assert periods[0].rule in out or bundle.rules[periods[0].rule].title.en in out, name
    for name in report.RULES_FORMATS:
        assert periods[0].rule in report.rules_renderer(name)(bundle.rulebook, "en"), name
