#!/usr/bin/env python3
"""Growth exponents: how the cost per plan grows with records, years of history or rules.

    python bench/growth.py records [--scales 1,10,100] [--plans 3] [--runs 3]
                                   [--engines durable,clips]
    python bench/growth.py years   [--scales 1,10,100] ...
    python bench/growth.py rules   [--scales 1,36] ...

For each scale (``--records-x``, ``--years`` or ``--rules-x`` of ``bench/generate.py``) and
engine it runs ``bench/run.py --plans P --jobs 1 --warmup --breakdown --check`` as a fresh
process, ``--runs`` times in rotation (scale after scale, engine after engine, then
again, so machine noise spreads over all of them), and takes medians per plan of:

- ``eval_ms``: ``evaluate()`` (calendar + engine + findings + the rest of it);
- ``engine_ms``: the engine stage alone (the sessions: asserting, matching, actions);
- ``load_ms``: loading and validating the plan; ``total_ms``: load + evaluate + report;
- ``peak_mb``: the process's peak RSS.

The first run of each configuration also checks its findings against
``tests/reference.py`` (and, for the CLIPS peer, against durable-rules), untimed; any
difference fails the command (``--no-check`` skips it: the reference's naive loops take
~15 s per plan at ×100 records).

Then, between consecutive scales, the growth exponent ``log(t2/t1) / log(n2/n1)`` of
each time, where ``n`` is records per plan (``records``, ``years``) or rules
(``rules``): 1.0 is linear. Prints one JSON object per measurement, then a markdown
table.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
KNOB = {"records": "--records-x", "years": "--years", "rules": "--rules-x"}
TIMES = ("eval_ms", "engine_ms", "load_ms", "total_ms")


def measure(knob: str, scale: int, engine: str, plans: int, seed: int, check: bool) -> dict:
    cmd = [sys.executable, str(HERE / "run.py"), "--plans", str(plans), "--seed", str(seed),
           "--jobs", "1", "--warmup", "--breakdown", "--engine", engine, KNOB[knob], str(scale)]
    done = subprocess.run(cmd + ["--check"] * check, check=True, capture_output=True, text=True)
    line = json.loads(done.stdout.strip().splitlines()[-1])
    if line.get("differences"):
        raise SystemExit(f"{' '.join(cmd)}: findings differ\n{done.stderr}")
    b, n = line["breakdown"], line["plans"]
    evaluate = b["calendar"] + b["engine"] + b["findings"] + b["other"]
    return {"eval_ms": 1000 * evaluate / n, "engine_ms": 1000 * b["engine"] / n,
            "load_ms": 1000 * b["load"] / n, "total_ms": 1000 * line["seconds"] / n,
            "peak_mb": line["peak_rss_mb"], "records": line["records"] / n,
            "rules": None}


def rule_count(scale: int) -> int:
    sys.path.insert(0, str(HERE))
    from generate import RULES_DIR

    from compliance.load import load_rules

    return len(load_rules(RULES_DIR).rules) * scale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("knob", choices=sorted(KNOB))
    parser.add_argument("--scales", default=None, help="comma-separated (default per knob)")
    parser.add_argument("--plans", type=int, default=3)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--engines", default="durable", help="durable,clips")
    parser.add_argument("--no-check", action="store_true",
                        help="skip comparing the first run's findings with the reference")
    args = parser.parse_args(argv)
    default = "1,36" if args.knob == "rules" else "1,10,100"
    scales = [int(x) for x in (args.scales or default).split(",")]
    engines = args.engines.split(",")
    runs: dict[tuple[int, str], list[dict]] = {(s, e): [] for s in scales for e in engines}
    for n in range(args.runs):
        for scale in scales:
            for engine in engines:
                got = measure(args.knob, scale, engine, args.plans, args.seed,
                              check=n == 0 and not args.no_check)
                runs[(scale, engine)].append(got)
                print(json.dumps({"knob": args.knob, "scale": scale, "engine": engine,
                                  **{k: round(v, 2) for k, v in got.items() if v is not None}}),
                      flush=True)
    rows = []
    for engine in engines:
        previous = None
        for scale in scales:
            med = {k: statistics.median(r[k] for r in runs[(scale, engine)])
                   for k in (*TIMES, "peak_mb", "records")}
            med["n"] = rule_count(scale) if args.knob == "rules" else med["records"]
            spread = {k: (min(r[k] for r in runs[(scale, engine)]),
                          max(r[k] for r in runs[(scale, engine)])) for k in TIMES}
            slope = {k: (math.log(med[k] / previous[k]) / math.log(med["n"] / previous["n"])
                         if previous else None) for k in TIMES}
            rows.append((engine, scale, med, spread, slope))
            previous = med
    print(table(args.knob, rows, args))
    return 0


def table(knob: str, rows: list, args: argparse.Namespace) -> str:
    unit = "rules" if knob == "rules" else "records/plan"
    out = [(f"\n{knob}: medians of {args.runs} runs of {args.plans} plans each "
            "(min-max of eval in brackets); exponent vs the row above"),
           (f"\n| engine | ×{knob} | {unit} | eval ms/plan | engine ms | load ms | total ms "
            "| peak MB | exp. eval | exp. engine | exp. load |"),
           "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for engine, scale, med, spread, slope in rows:
        exps = " | ".join("–" if slope[k] is None else f"{slope[k]:.2f}"
                          for k in ("eval_ms", "engine_ms", "load_ms"))
        lo, hi = spread["eval_ms"]
        out.append(f"| {engine} | {scale} | {med['n']:.0f} | {med['eval_ms']:.1f} "
                   f"[{lo:.1f}–{hi:.1f}] | {med['engine_ms']:.1f} | {med['load_ms']:.1f} | "
                   f"{med['total_ms']:.1f} | {med['peak_mb']:.0f} | {exps} |")
    return "\n".join(out)


if __name__ == "__main__":
    sys.exit(main())
