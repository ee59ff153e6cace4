"""Command line: a thin click layer over the library.

Heavy modules (the engine, icalendar) are imported inside the commands that need them,
so `compliance --help` and `compliance validate` stay quick.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import functools
import io
import json
import os
import sys
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, NoReturn

import click

from compliance.errors import ComplianceError, ExitCode, InputError, UsageError
from compliance.report import (
    BINARY_FORMATS,
    BOARD_FORMATS,
    CALENDAR_FORMATS,
    CHECKLIST_FORMATS,
    FORMATS,
    RULES_FORMATS,
)

TAIPEI = "Asia/Taipei"


def clock() -> dt.datetime:
    """The one reading of the clock: the CLI is the edge, the library is given times."""
    return dt.datetime.now(dt.UTC)


def taipei_today(now: dt.datetime | None = None) -> dt.date:
    """Today's date in Taipei: a nightly job at 00:30 Taipei runs at 16:30 UTC the day before."""
    from zoneinfo import ZoneInfo

    return (now or clock()).astimezone(ZoneInfo(TAIPEI)).date()


def default_lang() -> str:
    lang = os.environ.get("LC_ALL") or os.environ.get("LC_MESSAGES") or os.environ.get("LANG") or ""
    return "zh-TW" if lang.lower().startswith("zh") else "en"


def _fail_input(exc: InputError, lang: str) -> None:
    from compliance.i18n import problem, translate

    for p in exc.problems:
        click.echo(str(problem(p, lang)), err=True)
    n = len(exc.problems)
    click.echo(translate(f"{n} problem{'s' if n != 1 else ''} found; nothing was evaluated.", lang),
               err=True)
    sys.exit(exc.exit_code)


def _debug() -> bool:
    ctx = click.get_current_context(silent=True)
    return bool(ctx and ctx.find_root().params.get("debug"))


def _fail(message: str, code: int, lang: str, prefix: str = "error") -> None:
    from compliance.i18n import translate

    if _debug():
        traceback.print_exc()
    click.echo(_prefixed(prefix, translate(message, lang), lang), err=True)
    sys.exit(code)


def _prefixed(prefix: str, message: str, lang: str) -> str:
    """``error: ...`` / ``warning: ...``, or 錯誤： / 警告： in zh-TW."""
    if lang == "zh-TW":
        return {"error": "錯誤", "warning": "警告", "internal error": "內部錯誤"}[prefix] + "：" + message
    return f"{prefix}: {message}"


def guarded(func: Callable[..., Any]) -> Callable[..., Any]:
    """Every error becomes a message and its exit code (``ExitCode``), never a traceback
    unless --debug asks for one. No error path exits 1: that code means findings."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except InputError as exc:
            _fail_input(exc, kwargs.get("lang") or default_lang())
        except UsageError as exc:
            from compliance.i18n import translate

            raise click.UsageError(translate(str(exc), kwargs.get("lang") or default_lang())) from None
        except ComplianceError as exc:
            _fail(str(exc), exc.exit_code, kwargs.get("lang") or default_lang())
        except OSError as exc:  # a file we read or write outside the checked paths
            where = f" {exc.filename!r}" if exc.filename else ""
            _fail(f"cannot read or write{where}: {exc.strerror or exc}", ExitCode.IO,
                  kwargs.get("lang") or default_lang())
        except KeyboardInterrupt:  # click would turn it into exit 1, which means findings
            _fail("interrupted; nothing was replaced", ExitCode.INTERRUPTED, kwargs.get("lang") or default_lang())
        except Exception as exc:  # a bug: say so, with the code for "internal"
            _fail(f"{type(exc).__name__}: {exc} (please report it; --debug shows the traceback)",
                  ExitCode.ENGINE, kwargs.get("lang") or default_lang(), "internal error")

    return wrapper


def data_options(func: Callable[..., Any]) -> Callable[..., Any]:
    func = click.option("--plan", "plan_dir", type=click.Path(path_type=Path), default=Path("plan_data"),
                        show_default=True, help="Folder of plan data (YAML).")(func)
    func = click.option("--rules", "rules_dir", type=click.Path(path_type=Path), default=Path("rules"),
                        show_default=True, help="Folder of rule files (YAML).")(func)
    return func


def lang_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--lang", type=click.Choice(["zh-TW", "en"]), default=None,
                        help="Output language (default: zh-TW when LANG starts with zh, else en).")(func)


def parse_as_of(value: str, bundle: Any = None, option: str = "--as-of") -> dt.date:
    from compliance.dates import DateFormatError, parse_date

    if value == "today":
        return taipei_today()
    if value in ("plan-end", "plan-start"):
        if bundle is None:
            raise UsageError(f"{option} {value} needs the plan")
        return bundle.plan.last_day if value == "plan-end" else bundle.plan.first_day
    try:
        return parse_date(value)
    except DateFormatError as exc:
        raise UsageError(f"{option}: {exc}") from None


def _load(rules_dir: Path, plan_dir: Path):
    from compliance.load import load_bundle

    return load_bundle(rules_dir, plan_dir)


def _is_stdout(path: Path | None) -> bool:
    return path is None or str(path) == "-"


def _files(paths: Iterable[Path | None]) -> list[Path]:
    return [p for p in paths if p is not None and not _is_stdout(p)]


def _check_outputs(*paths: Path | None) -> None:
    """Refuse a directory, a link loop or one file named twice as an output before
    anything is evaluated."""
    from compliance.atomic import check_target

    seen: dict[str, Path] = {}
    for path in _files(paths):
        check_target(path)
        real = os.path.realpath(path)
        if real in seen:
            raise UsageError(f"-o {str(path)!r} and -o {str(seen[real])!r} are the same file")
        seen[real] = path


def _write_outputs(outputs: Sequence[tuple[Path | None, str | bytes]]) -> None:
    """Write every file output or none (``atomic.write_all``), then standard output."""
    from compliance.atomic import write_all

    write_all([(path, data) for path, data in outputs if path is not None and not _is_stdout(path)])
    for path, data in outputs:
        if _is_stdout(path):
            if isinstance(data, bytes):
                click.get_binary_stream("stdout").write(data)
            else:
                click.echo(data, nl=False)


def _write_atomic(path: Path | None, text: str | bytes) -> None:
    """Write the whole report or nothing: a temporary file renamed into place."""
    _write_outputs([(path, text)])


def _warn(message: str, lang: str | None) -> None:
    from compliance.i18n import translate

    lang = lang or default_lang()
    click.echo(_prefixed("warning", translate(message, lang), lang), err=True)


def _warn_calendar(lang: str | None, *days: dt.date) -> None:
    """Years evaluated without a published holiday calendar get a warning, not a failure."""
    from compliance.holiday_years import calendar_warnings

    for message in calendar_warnings(d.year for d in days):
        _warn(message, lang)


class _Main(click.Group):
    """Click's own refusals (unknown option, bad choice, missing argument) in the user's
    language, and exit codes from the one table: Ctrl-C is 130 and a closed pipe 4, where
    click itself would exit 1, which here means findings."""

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True, **extra: Any) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        if not standalone_mode:
            return super().main(argv, prog_name, complete_var, standalone_mode, **extra)
        try:
            code = super().main(argv, prog_name, complete_var, False, **extra)
        except click.ClickException as exc:
            _show_click_error(exc, _lang_in(argv))
            sys.exit(exc.exit_code)
        except click.Abort:
            _fail("interrupted; nothing was replaced", ExitCode.INTERRUPTED, _lang_in(argv))
        except OSError as exc:
            if exc.errno != errno.EPIPE:
                raise
            sys.stdout = click.utils.PacifyFlushWrapper(sys.stdout)
            sys.exit(ExitCode.IO)  # the reader of our output went away
        sys.exit(code if isinstance(code, int) else ExitCode.OK)


def _lang_in(argv: list[str]) -> str:
    """The language asked for on the command line, before click has parsed it."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv) and argv[i + 1] in ("zh-TW", "en"):
            return argv[i + 1]
        if arg in ("--lang=zh-TW", "--lang=en"):
            return arg.partition("=")[2]
    return default_lang()


def _show_click_error(exc: click.ClickException, lang: str) -> None:
    from compliance.i18n import translate

    if lang != "zh-TW":
        exc.show()
        return
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        usage = ctx.get_usage().replace("Usage: ", "用法：", 1).replace("[OPTIONS]", "[選項]")
        click.echo(usage.replace("COMMAND [ARGS]...", "命令 [參數]..."), err=True)
        click.echo(f"執行 '{ctx.command_path} --help' 可看說明。\n", err=True)
    click.echo("錯誤：" + translate(exc.format_message(), lang), err=True)


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="compliance")
@click.option("--debug", is_flag=True, help="Show the traceback of an error (for bug reports).")
def main(debug: bool) -> None:
    """Check the service-quality plan's obligations against the calendar.

    \b
    Example:
      compliance check --as-of 112/06/30
    """
    from compliance._gc import steps_kept, tune_for_batch

    tune_for_batch()
    click.get_current_context().with_resource(steps_kept())  # for this command only


@main.command()
@data_options
@lang_option
@guarded
def validate(rules_dir: Path, plan_dir: Path, lang: str | None) -> None:
    """Load the rules and plan data and report every problem.

    Problems are printed as path:line:column: field: message; exit 2 if there is any.

    \b
    Example:
      compliance validate --rules rules --plan plan_data
    """
    bundle = _load(rules_dir, plan_dir)
    counts = (len(bundle.rules), len(bundle.activities), len(bundle.units), len(bundle.records),
              len(bundle.meetings), len(bundle.waivers), len(bundle.documents))
    if (lang or default_lang()) == "zh-TW":
        click.echo("無誤：規則 {} 條、活動 {} 種、課室 {} 個、紀錄 {} 筆、會議 {} 次、免辦核准 {} 件、"
                   "文件 {} 份".format(*counts))
        return
    click.echo("ok: {} rules, {} activities, {} units, {} records, {} meetings, {} waivers, "
               "{} documents".format(*counts))


@main.command(name="rules")
@data_options
@click.option("--format", "fmt", type=click.Choice(list(RULES_FORMATS)), default="text", show_default=True)
@lang_option
@guarded
def list_rules(rules_dir: Path, plan_dir: Path, fmt: str, lang: str | None) -> None:
    """List the rules (the plan data is not needed and not read).

    \b
    Example:
      compliance rules --format json
    """
    from compliance.load import load_rules
    from compliance.report import rules_renderer

    book = load_rules(rules_dir)
    click.echo(rules_renderer(fmt)(book, lang or default_lang()), nl=False)


@main.command()
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("schemas"),
              show_default=True, help="Folder to write the JSON Schemas into.")
@guarded
def schema(out_dir: Path) -> None:
    """Write JSON Schemas for rule files and plan files, for editors.

    YAML files point at them with a first line such as
    `# yaml-language-server: $schema=../schemas/rules.schema.json`.

    \b
    Example:
      compliance schema --out schemas
    """
    from compliance.schema import schemas

    out_dir.mkdir(parents=True, exist_ok=True)
    for name, body in schemas().items():
        _write_atomic(out_dir / name, body)
        click.echo(f"{'已寫入' if default_lang() == 'zh-TW' else 'wrote'} {out_dir / name}")


@main.command()
@data_options
@click.option("--as-of", "as_of", default="today", show_default=True,
              help="Evaluation date: ISO or ROC date, 'today' (Asia/Taipei) or 'plan-end'.")
@click.option("--format", "formats", multiple=True,
              type=click.Choice(list(FORMATS)),
              help="Output format (default text); repeat with --output for several reports "
                   "from one evaluation.")
@click.option("-o", "--output", "outputs", multiple=True, type=click.Path(path_type=Path),
              help="File for the matching --format (written atomically); '-' is stdout.")
@click.option("--fail-on", type=click.Choice(["violation", "reminder", "never"]), default="violation",
              show_default=True, help="Exit 1 when a finding at or above this level exists.")
@lang_option
@click.option("--unit", "units", multiple=True,
              help="Only findings this unit owns, by id or name, e.g. records or 戶籍資料課 (repeatable).")
@click.option("--rule", "rule_ids", multiple=True, help="Only this rule (repeatable).")
@click.option("--all", "show_all", is_flag=True, help="Text: list every finding, not only those to act on.")
@guarded
def check(rules_dir: Path, plan_dir: Path, as_of: str, formats: tuple[str, ...],
          outputs: tuple[Path, ...], fail_on: str, lang: str | None, units: tuple[str, ...],
          rule_ids: tuple[str, ...], show_all: bool) -> None:
    """Evaluate the plan as of a date: violations and reminders.

    Exit 0 when nothing is at or above --fail-on, 1 when something is, 2 for bad input.

    \b
    Examples:
      compliance check --as-of 2023-06-30
      compliance check --as-of 112/06/30 --lang zh-TW --unit records
      compliance check --as-of plan-end --format json -o report.json --format junit -o junit.xml
      compliance check --as-of plan-end --format sarif -o compliance.sarif
    """
    from compliance.evaluate import evaluate
    from compliance.report import LEVELS, Options, formatter

    targets = _targets(formats, outputs)
    _check_outputs(*(path for _, path in targets))
    bundle = _load(rules_dir, plan_dir)
    day = parse_as_of(as_of, bundle)
    _warn_calendar(lang, bundle.plan.first_day, bundle.plan.last_day, day)
    evaluation = evaluate(bundle, day, rules=_select(bundle, rule_ids))
    if units:
        evaluation = _owned_by(bundle, evaluation, _unit_ids(bundle, units))
    options = Options(lang=lang or default_lang(), show_all=show_all, fail_on=fail_on)
    rendered = []
    for fmt, path in targets:  # render everything before writing anything
        buffer = io.StringIO()
        formatter(fmt)(bundle, evaluation, buffer, options)
        rendered.append((path, buffer.getvalue()))
    _write_outputs(rendered)
    if any(f.status in LEVELS[fail_on] for f in evaluation.findings):
        sys.exit(1)


def _targets(formats: tuple[str, ...], outputs: tuple[Path, ...]) -> list[tuple[str, Path | None]]:
    formats = formats or ("text",)
    if len(outputs) > len(formats) or (len(formats) > 1 and len(outputs) != len(formats)):
        raise UsageError("give one --output per --format (use '-' for standard output)")
    paths = [None if str(p) == "-" else p for p in outputs] or [None]
    if sum(p is None for p in paths) > 1:
        raise UsageError("only one report can go to standard output")
    return list(zip(formats, paths))


def _unit_ids(bundle: Any, units: tuple[str, ...]) -> set[str]:
    """Units given by id (records) or by name in either language (戶籍資料課)."""
    by_name = {name: uid for uid, u in bundle.units.items() for name in (uid, u.name.zh_TW, u.name.en)}
    for u in units:
        if u not in by_name:
            known = ", ".join(f"{uid} ({unit.name.zh_TW})" for uid, unit in bundle.units.items())
            raise UsageError(f"--unit: unknown unit {u!r}; known: {known}")
    return {by_name[u] for u in units}


def _owned_by(bundle: Any, evaluation: Any, units: set[str]) -> Any:
    """Only the findings these units own (compliance.ownership.owner): a per-unit
    obligation's finding belongs to its unit, whoever owns the rule."""
    from compliance.findings import Evaluation
    from compliance.ownership import owner

    return Evaluation(evaluation.as_of, [f for f in evaluation.findings if owner(bundle, f) in units])


def _select(bundle: Any, rule_ids: tuple[str, ...]) -> list[str]:
    for r in rule_ids:
        if r not in bundle.rules:
            raise UsageError(f"--rule: unknown rule {r!r}")
    return [r.id for r in bundle.rules.values() if not rule_ids or r.id in rule_ids]


@main.command()
@data_options
@click.option("--from", "start", default=None, help="First day (ISO or ROC).")
@click.option("--to", "end", default=None, help="Last day (ISO or ROC).")
@click.option("--year", type=int, default=None, help="A whole year (Gregorian or ROC, e.g. 2023 or 112).")
@click.option("--format", "fmt", type=click.Choice(list(CALENDAR_FORMATS)), default="text",
              show_default=True)
@lang_option
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Write to this file (atomically) instead of stdout.")
@guarded
def calendar(rules_dir: Path, plan_dir: Path, start: str | None, end: str | None, year: int | None,
             fmt: str, lang: str | None, output: Path | None) -> None:
    """Every scheduled period with its due date (triggered obligations have none; the
    cases the plan data's records open are listed each span until closed).

    \b
    Examples:
      compliance calendar --year 112
      compliance calendar --from 112/03/01 --to 112/03/31 --format json
      compliance calendar --year 2023 --format ics -o plan-112.ics
    """
    from compliance.evaluate import scheduled_periods
    from compliance.report import calendar_renderer

    _check_outputs(output)
    bundle = _load(rules_dir, plan_dir)
    scheduled = scheduled_periods(bundle)
    lo, hi = _range(bundle, start, end, year)
    _warn_calendar(lang, lo, hi)
    if start is None and end is None and (year is None or _year(year) == bundle.plan.year):
        # The plan's calendar includes its obligations that fall due after its year
        # (e.g. a report on the year due 01-31 of the next).
        hi = max([hi, *(p.due for p in scheduled)])
    periods = [p for p in scheduled if lo <= p.due <= hi]
    _write_atomic(output, calendar_renderer(fmt)(bundle, periods, lang or default_lang()))


def _year(year: int) -> int:
    """A Gregorian year from a Gregorian or ROC one (112 -> 2023), within the dates handled."""
    from compliance.dates import DateFormatError, year_from_option

    try:
        return year_from_option(year)
    except DateFormatError as exc:
        raise UsageError(f"--year: {exc}") from None


def _range(bundle: Any, start: str | None, end: str | None, year: int | None) -> tuple[dt.date, dt.date]:
    if year is not None:
        if start or end:
            raise UsageError("give either --year or --from/--to, not both")
        y = _year(year)
        return dt.date(y, 1, 1), dt.date(y, 12, 31)
    lo = parse_as_of(start, bundle, "--from") if start else bundle.plan.first_day
    hi = parse_as_of(end, bundle, "--to") if end else bundle.plan.last_day
    if hi < lo:
        raise UsageError("--to is before --from")
    return lo, hi


@main.command()
@click.argument("rule_id")
@data_options
@click.option("--as-of", "as_of", default="today", show_default=True,
              help="Evaluation date: ISO or ROC date, 'today' (Asia/Taipei) or 'plan-end'.")
@click.option("--period", "period_day", default=None,
              help="A day inside the period to explain (default: every period that is not green).")
@click.option("--entity", default=None,
              help="Only this unit (id or name), staff member, document or case (the id of the "
                   "record that opened it).")
@lang_option
@guarded
def explain(rule_id: str, rules_dir: Path, plan_dir: Path, as_of: str, period_day: str | None,
            entity: str | None, lang: str | None) -> None:
    """Why a rule has the status it has: period, due date, records, waivers.

    Without --period: every period that is not green (and how many are), or for a
    document rule the documents that fail.

    \b
    Example:
      compliance explain school-age-children-list-weekly --as-of 2023-06-30 --period 2023-05-17
    """
    from compliance.evaluate import evaluate
    from compliance.explain import pick
    from compliance.report.explain_text import write

    bundle = _load(rules_dir, plan_dir)
    if rule_id not in bundle.rules:
        raise UsageError(f"unknown rule {rule_id!r}")
    day = parse_as_of(as_of, bundle)
    target = parse_as_of(period_day, bundle, "--period") if period_day else None
    _warn_calendar(lang, bundle.plan.first_day, bundle.plan.last_day, day)
    evaluation = evaluate(bundle, day, rules=[rule_id])
    if entity is not None and entity not in bundle.units:  # a unit may be named (戶籍資料課)
        names = {u.name.zh_TW: uid for uid, u in bundle.units.items()}
        names.update({u.name.en: uid for uid, u in bundle.units.items()})
        entity = names.get(entity, entity)
    findings = [f for f in evaluation.findings if entity is None or f.entity == entity]
    chosen, green = pick(findings, target)
    buffer = io.StringIO()
    write(bundle, chosen, day, buffer, lang=lang or default_lang(), green=green)
    click.echo(buffer.getvalue(), nl=False)


@main.command()
@data_options
@click.option("--meeting", "meeting_day", default=None,
              help="Meeting date (default: the next meeting in the plan data, else today).")
@click.option("--as-of", "as_of", default=None,
              help="Evaluation date (default: the meeting date).")
@click.option("--format", "fmt", type=click.Choice(list(CHECKLIST_FORMATS)),
              default="markdown", show_default=True)
@lang_option
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Write to this file (atomically); required for odt unless stdout is a file.")
@guarded
def checklist(rules_dir: Path, plan_dir: Path, meeting_day: str | None, as_of: str | None, fmt: str,
              lang: str | None, output: Path | None) -> None:
    """The checklist for the monthly office meeting (所務會議, 捌 追蹤管考).

    Per unit: overdue obligations (marked where no explanation or waiver is on record),
    obligations due before the next meeting, what was done since the previous meeting,
    and the annex work items scheduled for the month.

    \b
    Examples:
      compliance checklist --meeting 112/06/14 --lang zh-TW
      compliance checklist --meeting 2023-07-12 --format odt -o checklist-112-07.odt
    """
    from compliance.checklist import build, default_meeting
    from compliance.evaluate import evaluate
    from compliance.report import checklist_renderer

    _check_outputs(output)
    bundle = _load(rules_dir, plan_dir)
    meeting = (parse_as_of(meeting_day, bundle, "--meeting") if meeting_day
               else default_meeting(bundle, taipei_today()))
    day = parse_as_of(as_of, bundle) if as_of else meeting
    _warn_calendar(lang, bundle.plan.first_day, bundle.plan.last_day, meeting, day)
    lang = lang or default_lang()
    if fmt in BINARY_FORMATS and _is_stdout(output) and sys.stdout.isatty():
        raise UsageError(f"an {fmt.upper()} file is binary: give -o FILE.{fmt}")
    data = build(bundle, evaluate(bundle, day), meeting)
    _write_atomic(output, checklist_renderer(fmt)(bundle, data, lang))


@main.command()
@data_options
@click.option("--as-of", "as_of", default="today", show_default=True,
              help="Evaluation date: ISO or ROC date, 'today' (Asia/Taipei) or 'plan-end'.")
@lang_option
@click.option("--unit", "units", multiple=True, help="Only this unit's rows (repeatable).")
@click.option("--format", "fmt", type=click.Choice(list(BOARD_FORMATS)), default="html", show_default=True)
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Write to this file (atomically); required for ods unless stdout is a file.")
@guarded
def board(rules_dir: Path, plan_dir: Path, as_of: str, lang: str | None, units: tuple[str, ...],
          fmt: str, output: Path | None) -> None:
    """The schedule control table (管制表): obligations by unit, months across, the worst
    status of each month's periods in each cell, details on click.

    HTML is one self-contained page (works offline from file://, prints on A4 landscape);
    ODS is the same grid as a spreadsheet, one sheet per unit plus a summary.
    Exit 0 whatever the findings (it is a view; `check` is the gate), 2 for bad input.

    \b
    Examples:
      compliance board --as-of 112/06/30 --lang zh-TW -o board.html
      compliance board --as-of plan-end --format ods -o board-112.ods
      compliance board --unit records --lang en -o records.html
    """
    from compliance.board import build
    from compliance.evaluate import evaluate
    from compliance.report import board_renderer

    bundle = _load(rules_dir, plan_dir)
    wanted = sorted(_unit_ids(bundle, units))  # by id or by name, as check reads them
    day = parse_as_of(as_of, bundle)
    if fmt in BINARY_FORMATS and output is None and sys.stdout.isatty():
        raise UsageError(f"an {fmt.upper()} file is binary: give -o FILE.{fmt}")
    grid = build(bundle, evaluate(bundle, day), wanted)
    _write_atomic(output, board_renderer(fmt)(bundle, grid, lang or default_lang()))


@main.command(name="test")
@click.argument("cases_dir", required=False, type=click.Path(path_type=Path))
@data_options
@lang_option
@guarded
def test_rules(cases_dir: Path | None, rules_dir: Path, plan_dir: Path, lang: str | None) -> None:
    """Run the YAML test cases of the rules (default: RULES/tests).

    Each case gives records (and meetings, waivers, documents) and an as-of date, and
    expects statuses of named rules and periods; the plan's units and staff come from
    --plan. Exit 1 on any mismatch; rules no case exercises are listed.

    \b
    Example:
      compliance test rules/tests
    """
    from compliance.testcases import run_cases

    bundle = _load(rules_dir, plan_dir)
    report = run_cases(bundle, cases_dir or rules_dir / "tests")
    # Case names are the rule author's own words and are shown as written.
    zh = (lang or default_lang()) == "zh-TW"
    w = ({"pass": "通過", "fail": "未通過", "detail": "：預期{e}，實際{a}", "none": "無此期間",
          "uncovered": "沒有案例的規則（{n}）：{ids}", "total": "{p} 項通過，{f} 項未通過"} if zh else
         {"pass": "PASS", "fail": "FAIL", "detail": ": expected {e}, got {a}", "none": "no such period",
          "uncovered": "rules no case exercises ({n}): {ids}", "total": "{p} passed, {f} failed"})
    for o in report.outcomes:
        mark = w["pass"] if o.passed else w["fail"]
        entity = f" [{o.expect.entity}]" if o.expect.entity else ""
        detail = "" if o.passed else w["detail"].format(e=_case_status(o.expect.status, zh, w["none"]),
                                                         a=_case_status(o.actual, zh, w["none"]))
        click.echo(f"{mark} {o.location} {o.case} — {o.expect.rule} {o.expect.period}{entity}{detail}")
    if report.uncovered:
        click.echo(w["uncovered"].format(n=len(report.uncovered), ids=", ".join(report.uncovered)))
    failed = len(report.failed)
    click.echo(w["total"].format(p=len(report.outcomes) - failed, f=failed))
    if failed:
        sys.exit(1)


def _case_status(status: str | None, zh: bool, none: str) -> str:
    """A status in a rule test's result line. In Chinese, its label and the word the case
    file uses, 「逾期未辦」(violation), so the author sees what to write; ``None`` is an
    actual result with no such period."""
    if status is None:
        return f"「{none}」" if zh else none
    if not zh:
        return status
    from compliance.report._messages import STATUS

    label = none if status == "none" else STATUS["zh-TW"].get(status, status)
    return f"「{label}」({status})"


@main.command()
@click.option("--rules", "rules_dir", type=click.Path(path_type=Path), default=Path("rules"),
              show_default=True, help="Folder of rule files (YAML).")
@click.option("--plan", "plan_dirs", multiple=True, type=click.Path(path_type=Path),
              help="Folder of plan data; repeat for several plans (default: plan_data).")
@click.option("--history", "history_path", type=click.Path(path_type=Path), default=None,
              help="SQLite history file (default: OUT/history.sqlite).")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("reports"),
              show_default=True, help="Folder for the dated report folders.")
@click.option("--as-of", "as_of", default="today", show_default=True,
              help="Evaluation date (default today in Asia/Taipei).")
@click.option("--new-history", is_flag=True,
              help="Start a new, empty history even though OUT holds reports of earlier runs.")
@lang_option
@guarded
def nightly(rules_dir: Path, plan_dirs: tuple[Path, ...], history_path: Path | None, out_dir: Path,
            as_of: str, new_history: bool, lang: str | None) -> None:
    """Evaluate plans as of today, write OUT/<date>/ (JSON, Markdown, ICS) and report
    what changed since the previous day's run, including evidence that disappeared.

    Exit 0 when done, 2 for bad input, 3 when another nightly run holds the lock,
    4 when the history or the reports cannot be read or written (see docs/errors.md).
    Prints one JSON line per plan unless standard error is a terminal.

    \b
    Example (cron at 00:30 Asia/Taipei):
      30 0 * * * cd /srv/plan && compliance nightly --plan plan_data --out /srv/reports
    """
    from compliance.nightly import run_nightly

    plans = list(plan_dirs) or [Path("plan_data")]
    now = clock()
    day = taipei_today(now) if as_of == "today" else parse_as_of(as_of)
    tty = sys.stderr.isatty()

    def progress(items):
        with click.progressbar(items, label="evaluating plans", file=sys.stderr) as bar:
            yield from bar

    runs = run_nightly(rules_dir, plans, history_path or out_dir / "history.sqlite", out_dir, day,
                       lang or default_lang(), progress if tty and len(plans) > 1 else None, now=now,
                       warn=lambda message: _warn(message, lang),
                       new_history=new_history)
    for r in runs:
        c = r.changes
        if tty:
            line = ("{p}：新增逾期 {v} 項、已改善 {r} 項、新增即將到期 {m} 項、不見的佐證 {g} 項 -> {f}"
                    if (lang or default_lang()) == "zh-TW" else
                    "{p}: {v} new violations, {r} resolved, {m} new reminders, {g} pieces of evidence "
                    "gone -> {f}")
            click.echo(line.format(p=r.plan, v=len(c.new_violations), r=len(c.resolved_violations),
                                   m=len(c.new_reminders), g=len(c.disappeared),
                                   f=out_dir / day.isoformat() / r.slug))
        else:
            click.echo(json.dumps({"plan": r.plan, "as_of": day.isoformat(), "folder": f"{day}/{r.slug}",
                                   "summary": r.summary, "new_violations": len(c.new_violations),
                                   "resolved_violations": len(c.resolved_violations),
                                   "new_reminders": len(c.new_reminders),
                                   "disappeared": len(c.disappeared)}, ensure_ascii=False))


# --- spreadsheets --------------------------------------------------------------------------


@main.command(name="import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@data_options
@click.option("--into", type=click.Path(path_type=Path), default=None,
              help="Records file in the plan folder to add to (default: PLAN/records.yaml).")
@click.option("--sheet", default=None, help="Import only this sheet (default: every sheet with a header row).")
@click.option("--mapping", type=click.Path(path_type=Path), default=None,
              help="YAML file naming the columns (columns: {header: field}) and defaults for every row.")
@click.option("--dry-run", is_flag=True, help="Show what would be added; write nothing.")
@lang_option
@guarded
def import_records(files: tuple[Path, ...], rules_dir: Path, plan_dir: Path, into: Path | None,
                   sheet: str | None, mapping: Path | None, dry_run: bool, lang: str | None) -> None:
    """Add records from the office's spreadsheets (.xlsx, .ods, .csv) to the plan.

    Columns are found by their headers (日期, 工作項目, 課室, 承辦人, 文號, 附件, 連結, 備註,
    對應期間, 編號, 案件, a declared number's title, or English). Every problem is reported at its cell and nothing is
    written (exit 2); importing the same file again adds nothing; a row that changed since
    it was imported is reported as a conflict, never written over.

    \b
    Examples:
      compliance import 工作紀錄.xlsx
      compliance import booking-log.csv --into plan_data/records-daily.yaml --dry-run
      compliance import log.ods --mapping columns.yaml --lang zh-TW
    """
    from compliance.intake.columns import Mapping, load_mapping
    from compliance.intake.importer import Request, import_files

    lang = lang or default_lang()
    target = into or plan_dir / "records.yaml"
    _check_into(target, plan_dir, lang)
    try:
        request = Request(list(files), rules_dir, plan_dir, target, sheet,
                          load_mapping(mapping, lang) if mapping else Mapping(), lang,
                          progress=_sheet_bar if sys.stderr.isatty() else None)  # logs stay clean
        report = import_files(request, _load(rules_dir, plan_dir))
    except InputError as exc:  # the mapping file, the plan, or the plan with the new records
        _fail_import(exc.problems, [], lang)
    except OSError as exc:
        _fail_io(exc, lang)
    _show_import(report, lang, dry_run)


def _fail_io(exc: OSError, lang: str) -> NoReturn:
    from compliance.errors import ExitCode
    from compliance.intake._messages import say

    click.echo(say(lang, "io_failed", path=exc.filename or "", error=exc.strerror or exc), err=True)
    sys.exit(ExitCode.IO)


def _check_into(target: Path, plan_dir: Path, lang: str) -> None:
    from compliance.intake._messages import say

    # The loader reads the plan folder's own files, not its subfolders'.
    inside = target.resolve().parent == plan_dir.resolve()
    if not inside or target.suffix not in (".yaml", ".yml"):
        raise UsageError(say(lang, "into_outside", path=target))


@contextlib.contextmanager
def _sheet_bar(label: str, rows: int) -> Iterator[Callable[[int], None]]:
    """A progress bar on standard error for one large sheet."""
    with click.progressbar(length=rows, label=label, file=sys.stderr) as bar:
        yield bar.update


def _fail_import(problems: list[Any], notes: list[str], lang: str, conflicts: int = 0) -> NoReturn:
    from compliance.errors import ExitCode
    from compliance.i18n import problem as localised
    from compliance.intake._messages import say
    from compliance.intake.cells import CellProblem

    for note in notes:
        click.echo(note, err=True)
    for problem in problems:  # cell problems are written in the reader's language already
        click.echo(str(problem if isinstance(problem, CellProblem) else localised(problem, lang)), err=True)
    trailer = "problems_trailer_conflicts" if conflicts else "problems_trailer"
    click.echo(say(lang, trailer, n=len(problems), conflicts=conflicts), err=True)
    sys.exit(ExitCode.BAD_INPUT)


def _show_import(report: Any, lang: str, dry_run: bool) -> None:
    from compliance.errors import ExitCode, display_path
    from compliance.intake._messages import say

    if report.problems:
        _fail_import(sorted(set(report.problems), key=_problem_key), report.notes, lang,
                     len(report.outcome.conflicts))
    for note in report.notes:
        click.echo(note, err=True)
    for result in report.sheets:
        counts = report.outcome.count(result.place)
        click.echo(say(lang, "summary_sheet", where=str(result.place), rows=result.rows_read, **counts))
    shown = display_path(report.target)
    added = len(report.outcome.added)
    if not report.changed:
        click.echo(say(lang, "summary_nothing", path=shown))
        return
    if dry_run:
        import difflib

        old = (report.old_text or "").splitlines(keepends=True)
        diff = difflib.unified_diff(old, report.new_text.splitlines(keepends=True), shown, shown)
        click.echo("".join(diff), nl=False)
        click.echo(say(lang, "summary_dry_run", path=shown, added=added))
        return
    try:
        if _changed_meanwhile(report):  # another import or an editor: do not write over it
            click.echo(say(lang, "changed_meanwhile", path=shown), err=True)
            sys.exit(ExitCode.IO)
        _write_atomic(report.target, report.new_text)
    except OSError as exc:
        _fail_io(exc, lang)
    click.echo(say(lang, "summary_wrote", path=shown, added=added))


def _changed_meanwhile(report: Any) -> bool:
    target = report.target
    now = target.read_bytes().decode("utf-8", "replace") if target.exists() else None
    return now != report.old_text


def _problem_key(problem: Any) -> tuple[str, str, int, int, str]:
    return (problem.path, getattr(problem, "sheet", ""), problem.line, problem.column, problem.message)


@main.command()
@data_options
@click.option("--format", "fmt", type=click.Choice(["xlsx", "ods"]), default="xlsx", show_default=True)
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Write to this file (default: 工作紀錄範本.FORMAT, or record-template.FORMAT in en).")
@lang_option
@guarded
def template(rules_dir: Path, plan_dir: Path, fmt: str, output: Path | None, lang: str | None) -> None:
    """A workbook for recording work: headers, drop-down lists from the plan, instructions.

    What it produces imports cleanly with `compliance import`.

    \b
    Examples:
      compliance template --format xlsx -o 工作紀錄.xlsx
      compliance template --format ods --lang en -o records.ods
    """
    from compliance.intake.template import template as build

    lang = lang or default_lang()
    bundle = _load(rules_dir, plan_dir)
    path = output or Path(("工作紀錄範本" if lang == "zh-TW" else "record-template") + f".{fmt}")
    _write_binary(path, build(bundle, fmt, lang), lang)


def _write_binary(path: Path, data: bytes, lang: str) -> None:

    try:
        _write_atomic(path, data)
    except OSError as exc:
        _fail_io(exc, lang)
    click.echo(f"已寫入 {path}" if lang == "zh-TW" else f"wrote {path}", err=True)


@main.group()
def export() -> None:
    """Plan data out as spreadsheets (`records`, in the columns `compliance import` reads).

    \b
    Example:
      compliance export records --format xlsx -o 工作紀錄.xlsx
    """


@export.command(name="records")
@data_options
@click.option("--format", "fmt", type=click.Choice(["xlsx", "ods", "csv"]), default="xlsx", show_default=True)
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Write to this file (atomically); default standard output for csv.")
@lang_option
@guarded
def export_records(rules_dir: Path, plan_dir: Path, fmt: str, output: Path | None, lang: str | None) -> None:
    """The plan's records as a spreadsheet in the template's columns, ready to edit and import.

    Text that a spreadsheet would run as a formula (starting with = + - @) is written as text.

    \b
    Examples:
      compliance export records --format xlsx -o 工作紀錄.xlsx
      compliance export records --format csv > records.csv
    """
    from compliance.intake.export import export_records as build

    lang = lang or default_lang()
    if fmt != "csv" and output is None and sys.stdout.isatty():
        from compliance.intake._messages import say

        raise UsageError(say(lang, "binary_output", fmt=fmt))
    data = build(_load(rules_dir, plan_dir), fmt, lang)
    if output is None:
        click.get_binary_stream("stdout").write(data)
        return
    _write_binary(output, data, lang)
