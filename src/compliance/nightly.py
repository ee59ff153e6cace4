"""The nightly run: evaluate plans as of today, write dated reports, keep a history, and
say what changed since the previous run.

Nothing is lost or half-written: each dated folder is built beside its final place and
renamed into it; the history gets one transaction per run, committed after the reports
are in place; a lock keeps two runs apart. A run killed at any point leaves the previous
reports and history intact, and the next run cleans up and completes.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import io
import json
import os
import re
import shutil
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

from compliance.bundle import Bundle
from compliance.errors import Busy, HistoryError, InputError, Problem, UsageError
from compliance.history import Changes, History
from compliance.load import load_bundle

__all__ = ["Busy", "PlanRun", "Staging", "run_nightly", "write_plan"]


@dataclass(frozen=True)
class PlanRun:
    plan: str
    slug: str
    summary: dict[str, int]
    changes: Changes


def plan_key(bundle: Bundle) -> str:
    """A plan's identity across runs: its agency and ROC year, not where its files are."""
    return f"{bundle.plan.agency} {bundle.plan.roc_year}"


class Lock:
    def __init__(self, path: Path, now: dt.datetime):
        self.path = path
        self.now = now  # written into the lock file for whoever finds it held

    def __enter__(self) -> Self:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(self.fd, 200, 0).decode("utf-8", "replace").strip()
            os.close(self.fd)
            raise Busy(f"another nightly run holds {str(self.path)!r} ({holder or 'unknown'}); "
                       "try again when it has finished") from None
        os.ftruncate(self.fd, 0)
        os.pwrite(self.fd, f"pid {os.getpid()} since {self.now.isoformat(timespec='seconds')}"
                  .encode(), 0)
        return self

    def __exit__(self, *exc: object) -> None:
        os.ftruncate(self.fd, 0)
        fcntl.flock(self.fd, fcntl.LOCK_UN)
        os.close(self.fd)


def recover(out: Path) -> None:
    """Finish or undo what a killed run left: temporary folders go, a swapped-out folder
    whose replacement never arrived comes back."""
    if not out.is_dir():
        return
    for entry in out.iterdir():
        m = re.match(r"^\.(.+)\.(tmp|old)-\d+$", entry.name)
        if not m:
            continue
        final = out / m.group(1)
        if m.group(2) == "old" and not final.exists():
            os.rename(entry, final)
        else:
            shutil.rmtree(entry, ignore_errors=True)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Staging:
    """A dated folder built beside its final place, then renamed into it all at once.

    Plans are written into it one at a time, so a night's memory does not grow with the
    number of plans; ``commit`` swaps it in, ``discard`` removes it.
    """

    def __init__(self, out: Path, name: str):
        self.out, self.name = out, name
        out.mkdir(parents=True, exist_ok=True)
        self.tmp = out / f".{name}.tmp-{os.getpid()}"
        shutil.rmtree(self.tmp, ignore_errors=True)
        self.tmp.mkdir()
        self.folders: set[Path] = {self.tmp}

    def write(self, rel: str, data: bytes) -> None:
        target = self.tmp / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        self.folders.add(target.parent)
        with open(target, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())

    def commit(self) -> None:
        for folder in sorted(self.folders, reverse=True):
            _fsync_dir(folder)
        final = self.out / self.name
        old = self.out / f".{self.name}.old-{os.getpid()}"
        if final.exists():
            os.rename(final, old)
        os.rename(self.tmp, final)
        _fsync_dir(self.out)
        shutil.rmtree(old, ignore_errors=True)

    def discard(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)


def _slugs(plan_dirs: list[Path]) -> list[str]:
    out: list[str] = []
    for d in plan_dirs:
        base = re.sub(r"[^A-Za-z0-9._-]+", "-", Path(os.path.realpath(d)).name).strip("-") or "plan"
        slug, n = base, 2
        while slug in out:
            slug, n = f"{base}-{n}", n + 1
        out.append(slug)
    return out


def _reports(bundle: Bundle, evaluation, changes: Changes, lang: str) -> dict[str, bytes]:
    from compliance.evaluate import scheduled_periods
    from compliance.report import Options, formatter
    from compliance.report.board_html import board_page
    from compliance.report.changes_markdown import changes_markdown
    from compliance.report.ics import write_periods

    opts = Options(lang=lang)
    files = {}
    for name, fmt in (("report.json", "json"), ("report.md", "markdown")):
        buf = io.StringIO()
        formatter(fmt)(bundle, evaluation, buf, opts)
        files[name] = buf.getvalue().encode("utf-8")
    buf = io.StringIO()
    write_periods(bundle, [p for p in scheduled_periods(bundle) if p.due >= evaluation.as_of], buf, lang=lang)
    files["calendar.ics"] = buf.getvalue().encode("utf-8")
    files["changes.json"] = (json.dumps(changes.as_dict(), ensure_ascii=False, indent=2) + "\n").encode()
    files["changes.md"] = changes_markdown(bundle, changes, lang).encode("utf-8")
    files["board.html"] = board_page(bundle, evaluation, lang).encode("utf-8")
    return files


def write_plan(stage: Staging, slug: str, bundle: Bundle, evaluation: Any, changes: Changes,
               lang: str) -> None:
    """Every file of one plan's folder: the one place a new per-plan output goes."""
    for name, data in _reports(bundle, evaluation, changes, lang).items():
        stage.write(f"{slug}/{name}", data)


def evidence_ids(bundle: Bundle) -> set[tuple[str, str]]:
    """The evidence of a plan by id; meeting-derived records are covered by their meeting."""
    return ({("record", i) for i in bundle.records if ":" not in i}
            | {("document", i) for i in bundle.documents}
            | {("waiver", i) for i in bundle.waivers}
            | {("meeting", i) for i in bundle.meetings})


def check_plan_folders(plan_dirs: list[Path]) -> None:
    """The same folder given twice is bad input, caught before anything is read."""
    seen: dict[Path, Path] = {}
    for d in plan_dirs:
        real = Path(os.path.realpath(d))
        if real in seen:
            raise UsageError(f"--plan {str(d)!r} names the same folder as --plan {str(seen[real])!r}")
        seen[real] = d


def check_history_continues(history: History, out: Path, as_of: dt.date, allow_new: bool) -> None:
    """An empty history beside dated folders of other days means the history was lost.
    (The folder of ``as_of`` itself may be there: a first run killed after publishing it.)"""
    if allow_new or history.run_count() or not out.is_dir():
        return
    earlier = sorted(p.name for p in out.iterdir()
                     if _DAY.match(p.name) and p.name != as_of.isoformat() and p.is_dir())
    if earlier:
        raise HistoryError(
            f"history {str(history.path)!r} holds no runs, but {str(out)!r} has reports of earlier "
            f"runs ({earlier[0]} to {earlier[-1]}); the history was lost or replaced; restore it, "
            "or pass --new-history to start a new one knowingly")


_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _index(as_of: dt.date, summary: list[dict], lang: str) -> bytes:
    """The night's index.html: every plan's counts and a link to its board.html."""
    from compliance.report.board_index import render

    return render(as_of, summary, lang).encode("utf-8")


def run_nightly(rules_dir: Path, plan_dirs: list[Path], history_path: Path, out: Path, as_of: dt.date,
                lang: str, progress: Callable[[Iterable[Any]], Iterable[Any]] | None = None, *,
                now: dt.datetime, warn: Callable[[str], None] | None = None,
                new_history: bool = False) -> list[PlanRun]:
    """Evaluate every plan, publish ``out/<as_of>/``, then record the run in the history.

    One plan at a time is loaded, evaluated, written into the staging folder and released.
    Bad input in any plan (reported for all of them) means nothing is published. ``now``
    (from the caller's clock, timezone-aware) stamps the lock and the history.
    """
    from compliance.load import load_rules

    check_plan_folders(plan_dirs)
    rulebook = load_rules(rules_dir)
    with Lock(history_path.with_name(history_path.name + ".lock"), now):
        recover(out)
        history = History(history_path)
        try:
            check_history_continues(history, out, as_of, new_history)
            return _run(history, rulebook, rules_dir, plan_dirs, out, as_of, lang, progress, warn, now)
        except sqlite3.Error as exc:
            raise HistoryError(f"history {str(history_path)!r} cannot be written ({exc}); this run "
                               "was not recorded and the next run will compare with the last "
                               "recorded one") from None
        finally:
            history.rollback()
            history.close()


def _run(history: History, rulebook: Any, rules_dir: Path, plan_dirs: list[Path], out: Path,
         as_of: dt.date, lang: str, progress: Callable[[Iterable[Any]], Iterable[Any]] | None,
         warn: Callable[[str], None] | None, now: dt.datetime) -> list[PlanRun]:
    from compliance.evaluate import evaluate
    from compliance.holiday_years import calendar_warnings

    folder = as_of.isoformat()
    stage = Staging(out, folder)
    problems: list[Problem] = []
    runs: list[PlanRun] = []
    seen: dict[str, Path] = {}
    warned: set[str] = set()
    try:
        history.begin()
        items = list(zip(plan_dirs, _slugs(plan_dirs)))
        for plan_dir, slug in (progress(items) if progress else items):
            try:
                bundle = load_bundle(rules_dir, plan_dir, rulebook=rulebook)
            except InputError as exc:
                problems.extend(exc.problems)
                continue
            key = plan_key(bundle)
            if key in seen:
                problems.append(bundle.origins[("plan", "plan")].problem(
                    (), f"plan {key!r} is also in {str(seen[key])!r}; give each plan once"))
            seen[key] = plan_dir
            if problems:
                continue  # keep checking the others, but nothing will be published
            years = {bundle.plan.first_day.year, bundle.plan.last_day.year, as_of.year}
            for message in calendar_warnings(years):
                if warn is not None and message not in warned:
                    warned.add(message)
                    warn(message)
            evaluation = evaluate(bundle, as_of)
            evidence = evidence_ids(bundle)
            changes = history.changes(key, evaluation.findings, as_of=as_of, evidence=evidence)
            write_plan(stage, slug, bundle, evaluation, changes, lang)
            history.add(key, as_of, f"{folder}/{slug}", evaluation.findings, evidence, finished=now)
            runs.append(PlanRun(key, slug, evaluation.summary(), changes))
            del bundle, evaluation  # released before the next plan is loaded
        if problems:
            raise InputError(problems)
        summary = [{"plan": r.plan, "folder": f"{folder}/{r.slug}", "summary": r.summary,
                    **{k: len(v) for k, v in r.changes.as_dict().items() if isinstance(v, list)}}
                   for r in runs]
        stage.write("summary.json", (json.dumps({"as_of": folder, "plans": summary},
                                                ensure_ascii=False, indent=2) + "\n").encode())
        stage.write("index.html", _index(as_of, summary, lang))
        stage.commit()
    except BaseException:
        stage.discard()
        raise
    history.commit()
    return runs
