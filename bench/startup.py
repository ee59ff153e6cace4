"""One plan end to end as a process, against a process that only imports the project's
dependencies and parses the same YAML files (the floor any implementation pays).

    python bench/startup.py [--runs 11] [--rotations 1] [--compare OTHER_CHECKOUT]

``--compare`` also runs ``check`` from another checkout of the project (e.g. the previous
commit: ``git worktree add /tmp/before HEAD~3``) in the same rotation, so a change is
measured against its predecessor in one run rather than across runs at different moments.

Runs both commands alternately (so machine noise hits both alike) and prints one JSON
line with the medians and their ratios (target: at most 1.3), in two clocks:

- wall time, what a user waits for;
- CPU time (user + system, from the kernel's accounting of each child), the process's own
  work. On a shared machine, time spent waiting for a core is added to both commands alike
  and so pulls the wall-time ratio towards 1 when the machine is busy (1.09 was seen at such
  a moment, 1.40 at another). The CPU-time ratio is steadier, not steady (1.22–1.35 for
  one commit over an evening): compare changes within one run, with ``--compare``, and
  quote the median of ``--rotations``.

Both sides run from bytecode. The dependencies were byte-compiled by pip when they were
installed; an editable install of this project is not, and where PYTHONDONTWRITEBYTECODE
is set (as on the development machine) Python would compile every module of
``src/compliance`` from source in every process (~40–70 ms). So the project's modules are
compiled first, as ``pip install .`` would have done (``--source`` measures without).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

BASELINE = """
import glob
import click, holidays, icalendar, pydantic, yaml  # noqa: F401
import durable.engine  # noqa: F401
for f in sorted(glob.glob("rules/*.yaml") + glob.glob("plan_data/*.yaml")):
    with open(f, encoding="utf-8") as fh:
        yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
"""

CHECK = [sys.executable, "-m", "compliance", "check", "--as-of", "2023-12-31", "--format", "json",
         "-o", "/dev/null", "--fail-on", "never"]


def timed(cmd: list[str], root: Path = ROOT) -> tuple[float, float]:
    """(wall, CPU) seconds of one run of ``cmd`` in the checkout ``root`` (its own code,
    rules and plan data)."""
    env = None if root == ROOT else {**os.environ, "PYTHONPATH": str(root / "src")}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, cwd=root, env=env, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def medians(runs: list[tuple[float, float]]) -> tuple[float, float]:
    """The median wall time and the median CPU time of ``runs``."""
    return statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs)


def figures(name: str, runs: list[tuple[float, float]], base: tuple[float, float]) -> dict[str, float]:
    wall, cpu = medians(runs)
    return {f"{name}_seconds": round(wall, 3), f"{name}_cpu_seconds": round(cpu, 3),
            f"{name}_ratio": round(wall / base[0], 2), f"{name}_cpu_ratio": round(cpu / base[1], 2)}


def rotation(sides: dict[str, Path], runs: int) -> dict[str, Any]:
    """One rotation: ``runs`` times the baseline, then each side's check; their medians."""
    base_cmd = [sys.executable, "-c", BASELINE]
    base: list[tuple[float, float]] = []
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in sides}
    for _ in range(runs):
        base.append(timed(base_cmd))
        for name, root in sides.items():
            results[name].append(timed(CHECK, root))
    b = medians(base)
    out: dict[str, Any] = {"runs": runs, "baseline_seconds": round(b[0], 3),
                           "baseline_cpu_seconds": round(b[1], 3)}
    for name, result in results.items():
        out |= figures(name, result, b)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--rotations", type=int, default=1,
                        help="repeat the whole measurement, 20 s apart, and report the median ratios")
    parser.add_argument("--source", action="store_true",
                        help="do not byte-compile src/compliance first")
    parser.add_argument("--compare", type=Path, metavar="CHECKOUT",
                        help="also run check from this checkout's src/ (same rotation)")
    args = parser.parse_args()
    sides = {"check": ROOT} | ({"compare": args.compare.resolve()} if args.compare else {})
    if not args.source:
        for root in sides.values():
            folder = root / "src" / "compliance"
            subprocess.run([sys.executable, "-m", "compileall", "-q", str(folder)], check=True)
    timed([sys.executable, "-c", BASELINE])  # warm the page cache (and the working-day cache)
    for root in sides.values():
        timed(CHECK, root)
    done = []
    for n in range(args.rotations):
        if n:
            time.sleep(20)  # the machine's load drifts: rotations sample different moments
        done.append(rotation(sides, args.runs) | {"bytecode": not args.source})
        print(json.dumps(done[-1]), flush=True)
    if args.rotations > 1:
        summary: dict[str, Any] = {"rotations": args.rotations}
        for name in sides:
            ratios = sorted(r[f"{name}_cpu_ratio"] for r in done)
            summary[f"{name}_cpu_ratios"] = ratios
            summary[f"{name}_cpu_ratio_median"] = round(statistics.median(ratios), 2)
        print(json.dumps(summary))


if __name__ == "__main__":
    main()
