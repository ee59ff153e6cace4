"""One plan end to end as a process, against a process that only imports the project's
dependencies and parses the same YAML files (the floor any implementation pays).

    python bench/startup.py [--runs 11]

Runs both commands alternately (so machine noise hits both alike) and prints one JSON
line with the medians and their ratio (target: at most 1.5).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

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


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11)
    args = parser.parse_args()
    base_cmd = [sys.executable, "-c", BASELINE]
    timed(base_cmd), timed(CHECK)  # warm the page cache and the working-day cache
    base, check = [], []
    for _ in range(args.runs):
        base.append(timed(base_cmd))
        check.append(timed(CHECK))
    b, c = statistics.median(base), statistics.median(check)
    print(json.dumps({"runs": args.runs, "baseline_seconds": round(b, 3), "check_seconds": round(c, 3),
                      "ratio": round(c / b, 2)}))


if __name__ == "__main__":
    main()
