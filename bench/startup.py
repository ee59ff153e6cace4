"""One plan end to end as a process, against a process that only imports the project's
dependencies and parses the same YAML files (the floor any implementation pays).

    python bench/startup.py [--runs 11]

Runs both commands alternately (so machine noise hits both alike) and prints one JSON
line with the medians and their ratio (target: at most 1.3).

Both sides run from bytecode. The dependencies were byte-compiled by pip when they were
installed; an editable install of this project is not, and where PYTHONDONTWRITEBYTECODE
is set (as on the development machine) Python would compile every module of
``src/compliance`` from source in every process (~40–70 ms). So the project's modules are
compiled first, as ``pip install .`` would have done (``--source`` measures without).
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
    parser.add_argument("--source", action="store_true",
                        help="do not byte-compile src/compliance first")
    args = parser.parse_args()
    if not args.source:
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src" / "compliance")],
                       check=True)
    base_cmd = [sys.executable, "-c", BASELINE]
    timed(base_cmd), timed(CHECK)  # warm the page cache and the working-day cache
    base, check = [], []
    for _ in range(args.runs):
        base.append(timed(base_cmd))
        check.append(timed(CHECK))
    b, c = statistics.median(base), statistics.median(check)
    print(json.dumps({"runs": args.runs, "bytecode": not args.source, "baseline_seconds": round(b, 3),
                      "check_seconds": round(c, 3), "ratio": round(c / b, 2)}))


if __name__ == "__main__":
    main()
