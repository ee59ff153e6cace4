"""The board against `check --format json` for the bundled plan (target: at most 1.2x).

    python bench/board.py [--runs 11] [--as-of 2023-12-31]

Two measurements, each running the board and check alternately, pair by pair (machine
noise hits both alike), and taking medians:

- ``process``: the commands as a person runs them, one process each
  (``compliance board -o FILE`` against ``compliance check --format json -o FILE``):
  start-up, load, one evaluation, output. This is the figure the target is about.
- ``in_process``: the same work inside one warm process (load + evaluate + render), without
  interpreter start-up and imports: the stricter figure, where the board's own cost
  (building the grid, writing the page) is not hidden by start-up.

Both the HTML page (the board's default) and the ODS spreadsheet are measured; the
target applies to the page. Prints one JSON line; exits 1 when the page's ``process``
ratio is above ``--limit`` (default 1.2).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "compliance", *args]


def timed_process(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def timed_call(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def alternate(runs: int, **jobs: Callable[[], float]) -> dict[str, float]:
    """Median seconds of each job, the jobs run in turn ``runs`` times after one warm-up.

    The order rotates every round: in one process a job pays for collecting the garbage
    of the job before it, so a fixed order would charge one job for another's garbage.
    """
    for job in jobs.values():
        job()
    names = list(jobs)
    times: dict[str, list[float]] = {name: [] for name in jobs}
    for n in range(runs):
        for name in names[n % len(names):] + names[:n % len(names)]:
            times[name].append(jobs[name]())
    return {name: statistics.median(ts) for name, ts in times.items()}


def in_process_jobs(as_of: dt.date) -> dict[str, Callable[[], float]]:
    from compliance.board import build
    from compliance.evaluate import evaluate
    from compliance.load import load_bundle
    from compliance.report import Options, board_html, board_ods, formatter

    def evaluated():
        bundle = load_bundle(ROOT / "rules", ROOT / "plan_data")
        return bundle, evaluate(bundle, as_of)

    def check_json() -> None:
        bundle, evaluation = evaluated()
        formatter("json")(bundle, evaluation, io.StringIO(), Options(lang="zh-TW"))

    def board_page() -> None:
        bundle, evaluation = evaluated()
        board_html.render(bundle, build(bundle, evaluation), "zh-TW")

    def board_sheet() -> None:
        bundle, evaluation = evaluated()
        board_ods.render(bundle, build(bundle, evaluation), "zh-TW")

    return {"check_json": lambda: timed_call(check_json), "board_html": lambda: timed_call(board_page),
            "board_ods": lambda: timed_call(board_sheet)}


def process_jobs(as_of: str, out: Path) -> dict[str, Callable[[], float]]:
    common = ["--as-of", as_of, "--lang", "zh-TW"]
    check = cli("check", *common, "--format", "json", "--fail-on", "never", "-o", str(out / "r.json"))
    page = cli("board", *common, "-o", str(out / "board.html"))
    sheet = cli("board", *common, "--format", "ods", "-o", str(out / "board.ods"))
    return {"check_json": lambda: timed_process(check), "board_html": lambda: timed_process(page),
            "board_ods": lambda: timed_process(sheet)}


def pairs(runs: int, jobs: dict[str, Callable[[], float]]) -> dict[str, dict[str, float]]:
    """Each format timed against check_json on its own (a third job's garbage would
    otherwise land in the pair's times): medians and the ratio."""
    out = {}
    for name in ("board_html", "board_ods"):
        medians = alternate(runs, check_json=jobs["check_json"], **{name: jobs[name]})
        out[name] = {"seconds": round(medians[name], 4), "check_json_seconds": round(medians["check_json"], 4),
                     "ratio": round(medians[name] / medians["check_json"], 3)}
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--as-of", default="2023-12-31")
    parser.add_argument("--limit", type=float, default=1.2)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    from compliance._gc import tune_for_batch

    tune_for_batch()  # as the CLI does
    with tempfile.TemporaryDirectory() as tmp:
        process = pairs(args.runs, process_jobs(args.as_of, Path(tmp)))
        size = (Path(tmp) / "board.html").stat().st_size
    warm = pairs(args.runs, in_process_jobs(dt.date.fromisoformat(args.as_of)))
    result = {"runs": args.runs, "as_of": args.as_of, "html_bytes": size,
              "process": process, "in_process": warm}
    print(json.dumps(result))
    return 1 if process["board_html"]["ratio"] > args.limit else 0


if __name__ == "__main__":
    sys.exit(main())
