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
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from compliance.bundle import Bundle
from compliance.errors import ComplianceError
from compliance.history import Changes, History
from compliance.load import load_bundle


class Busy(ComplianceError):
    """Another nightly run holds the lock."""


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

    def __enter__(self) -> Lock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(self.fd, 200, 0).decode("utf-8", "replace").strip()
            os.close(self.fd)
            raise Busy(f"another nightly run holds {self.path} ({holder or 'unknown'}); "
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


def publish(out: Path, name: str, files: dict[str, bytes]) -> None:
    """Make ``out/name`` hold exactly ``files``, all or nothing."""
    out.mkdir(parents=True, exist_ok=True)
    tmp = out / f".{name}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    for rel, data in files.items():
        target = tmp / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    for folder in sorted({(tmp / rel).parent for rel in files}, reverse=True):
        _fsync_dir(folder)
    final = out / name
    old = out / f".{name}.old-{os.getpid()}"
    if final.exists():
        os.rename(final, old)
    os.rename(tmp, final)
    _fsync_dir(out)
    shutil.rmtree(old, ignore_errors=True)


def _slugs(plan_dirs: list[Path]) -> list[str]:
    out: list[str] = []
    for d in plan_dirs:
        base = re.sub(r"[^A-Za-z0-9._-]+", "-", d.resolve().name).strip("-") or "plan"
        slug, n = base, 2
        while slug in out:
            slug, n = f"{base}-{n}", n + 1
        out.append(slug)
    return out


def _reports(bundle: Bundle, evaluation, changes: Changes, lang: str) -> dict[str, bytes]:
    from compliance.evaluate import scheduled_periods
    from compliance.report import Options, formatter
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
    return files


def run_nightly(rules_dir: Path, plan_dirs: list[Path], history_path: Path, out: Path, as_of: dt.date,
                lang: str, progress: Callable[[Iterable], Iterable] | None = None, *,
                now: dt.datetime) -> list[PlanRun]:
    """Evaluate every plan, publish ``out/<as_of>/``, then record the run in the history.

    ``now`` (from the caller's clock, timezone-aware) stamps the lock and the history."""
    from compliance.evaluate import evaluate

    bundles = [load_bundle(rules_dir, d) for d in plan_dirs]  # all input checked before any output
    keys = [plan_key(b) for b in bundles]
    if len(set(keys)) != len(keys):
        raise ComplianceError(f"two plan folders hold the same plan: {sorted(k for k in keys if keys.count(k) > 1)[0]}")
    with Lock(history_path.with_name(history_path.name + ".lock"), now):
        recover(out)
        history = History(history_path)
        try:
            files: dict[str, bytes] = {}
            runs, stored = [], []
            folder = as_of.isoformat()
            items = list(zip(bundles, keys, _slugs(plan_dirs)))
            for bundle, key, slug in (progress(items) if progress else items):
                evaluation = evaluate(bundle, as_of)
                changes = history.changes(key, evaluation.findings)
                for name, data in _reports(bundle, evaluation, changes, lang).items():
                    files[f"{slug}/{name}"] = data
                runs.append(PlanRun(key, slug, evaluation.summary(), changes))
                stored.append((key, as_of, f"{folder}/{slug}", evaluation.findings))
            summary = [{"plan": r.plan, "folder": f"{folder}/{r.slug}", "summary": r.summary,
                        **{k: len(v) for k, v in r.changes.as_dict().items() if isinstance(v, list)}}
                       for r in runs]
            files["summary.json"] = (json.dumps({"as_of": as_of.isoformat(), "plans": summary},
                                                ensure_ascii=False, indent=2) + "\n").encode()
            publish(out, folder, files)
            history.record(stored, finished=now)
        finally:
            history.close()
    return runs
