#!/usr/bin/env python3
"""Benchmark: load, validate, evaluate and report many synthetic plans.

    python bench/run.py --plans 1000 --jobs 2 [--seed 1] [--data DIR] [--check] [--breakdown]
                        [--records-x K] [--years Y] [--rules-x N] [--engine durable|clips]

Generates ``--plans`` plan folders with ``bench/generate.py`` into ``DIR/<seed>-<plans>/``
(default ``DIR`` is ``bench/data/``; with scale knobs ``DIR/<seed>-<plans>-rK-yY-xN/``),
or reuses that folder when it is complete (a ``COMPLETE`` marker written last, naming the
plan count, the seed, the knobs and a hash of ``generate.py``; a stale or partial folder
is regenerated). ``--records-x``, ``--years`` and ``--rules-x`` are the generator's knobs
(``generate.Scale``); with ``--rules-x N > 1`` the repeated rules in the data folder's
``rules/`` are the rulebook. ``--engine clips`` evaluates with the CLIPS peer
(``bench/peer_clips.py``) instead of durable-rules: same compiled obligations, same facts.
Then, timed, for every plan:

- load: ``load_bundle(rules/, plan, rulebook=...)`` -- read, schema-validate and
  cross-check the plan (the rules are read ONCE per process with ``load_rules``, which
  is counted here too);
- calendar / engine / findings: ``evaluate(bundle, 2023-12-31, timings=...)``, the
  plan year's end;
- report: ``compliance.report.json_format.write`` (``document(bundle, evaluation, lang)``
  serialised as ``compliance check --format json`` writes it) into an ``io.StringIO``.

It prints ONE JSON line::

    {"plans": N, "jobs": J, "facts": F, "seconds": S, "plans_per_second": X,
     "peak_rss_mb": M, "breakdown": {"load": s, "calendar": s, "engine": s,
     "findings": s, "report": s, "other": s, "rest": s,
     "workers": [s, ...]}}

- ``seconds`` is wall time measured inside this process around the timed part only
  (with ``--jobs J > 1`` that includes starting the pool of J processes, their loading of
  the rules, and collecting their results; it never includes generating the data nor
  interpreter start-up and imports -- use ``/usr/bin/time -v`` for the whole process).
- ``facts`` is the size of the problem: summed over all plans, the plan's records
  (written ones plus the ones its meetings yield: one per meeting and one per unit
  report), plus the periods of its obligations (one per period and entity of each
  calendar rule, i.e. the non-constraint findings), plus its published documents.
- ``peak_rss_mb`` is the largest resident set size (``ru_maxrss``, KB on Linux) of
  this process and of every worker process: ``getrusage`` RUSAGE_SELF and, after the
  pool is joined, RUSAGE_CHILDREN (the largest reaped child), and what each worker
  reports for itself.
- ``breakdown`` (only with ``--breakdown``, which also passes ``timings=`` to
  ``evaluate``) gives seconds per stage, SUMMED over the worker processes: with J
  workers the stages add up to about J x ``seconds``. ``other`` is the part of
  ``evaluate()`` outside its three stopwatches (filtering records, reading the match
  firings back); ``rest`` is the rest of the workers' time (counting facts, freeing
  each plan's objects, garbage collection between stages); ``workers`` is each worker's
  own elapsed time (how evenly the chunks ran).

``--jobs J > 1`` uses a ``multiprocessing`` Pool of J processes (fork; the engine holds
the GIL, so threads would not help); the plans are cut into J contiguous chunks, one per
worker, and each worker returns only counts and timings, never findings. ``--jobs 1``
runs in this process.

``--check`` compares every plan's findings with ``tests/reference.py``'s
``reference_evaluate`` and adds ``"differences": K`` (plans that disagree; must be 0).
The reference evaluator does not model minutes' explanations (they change no status),
so the findings are compared with ``explanations`` removed, and the explanations are
checked separately against the minutes (a finding gets, in meeting order, each
explanation of a meeting held by the as-of date naming its rule, period and entity).
Checking happens right after each plan's timed work, on the same evaluation, and its
time is taken out of ``seconds``: each worker times its own checking, and ``seconds``
is the wall time minus the slowest worker's elapsed time plus that worker's elapsed
time without checking (exact for ``--jobs 1``). With ``--engine clips``, ``--check`` also
compares each plan's CLIPS findings with the durable-rules findings (equal, explanations
included), untimed. ``--warmup`` loads the rules and evaluates each worker's first plan
once before the clock starts (per-plan figures without the one-off costs: loading the
rules, the holiday calendar, registering rulesets); ``bench/growth.py`` uses it.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import hashlib
import io
import json
import multiprocessing
import os
import resource
import shutil
import sys
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RULES_DIR = ROOT / "rules"
AS_OF = dt.date(2023, 12, 31)
STAGES = ("load", "calendar", "engine", "findings", "report")

sys.path.insert(0, str(HERE))
import generate  # noqa: E402  (bench/generate.py)

from compliance._gc import steps_kept, tune_for_batch  # noqa: E402
from compliance.bundle import RuleBook  # noqa: E402
from compliance.evaluate import evaluate  # noqa: E402
from compliance.load import load_bundle, load_rules  # noqa: E402
from compliance.report import Options  # noqa: E402
from compliance.report.json_format import write as write_json  # noqa: E402

_BOOK: RuleBook | None = None  # the rules, loaded once per process


# --- data ----------------------------------------------------------------------------------


def _generator_hash() -> str:
    return hashlib.sha256((HERE / "generate.py").read_bytes()).hexdigest()[:16]


def ensure_data(root: Path, plans: int, seed: int, scale: generate.Scale | None = None) -> Path:
    """``root/<seed>-<plans>[-rK-yY-xN]``, generated unless already complete and current."""
    scale = scale or generate.Scale()
    folder = root / f"{seed}-{plans}{scale.tag}"
    marker = {"plans": plans, "seed": seed, "generator": _generator_hash()}
    if not scale.default:
        marker["scale"] = dataclasses.asdict(scale)
    try:
        if json.loads((folder / "COMPLETE").read_text()) == marker:
            return folder
    except (OSError, ValueError):
        pass
    print(f"generating {plans} plans (seed {seed}) into {folder} ...", file=sys.stderr)
    started = time.perf_counter()
    tmp = root / f".{folder.name}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    generate.generate(plans, seed, tmp, scale=scale)
    (tmp / "COMPLETE").write_text(json.dumps(marker) + "\n")
    if folder.exists():
        shutil.rmtree(folder)
    tmp.rename(folder)
    print(f"generated in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return folder


# --- the timed work ------------------------------------------------------------------------


def rules_dir(folder: Path) -> Path:
    """The data folder's repeated rules (``--rules-x``) or the bundled ones."""
    return folder / "rules" if (folder / "rules").is_dir() else RULES_DIR


def _engine(name: str):
    if name == "clips":
        from peer_clips import ClipsEngine  # bench-only: pip install -e '.[bench]'
        return ClipsEngine()
    if name == "durable-each":
        # Every record asserted, even one equal to another but for its id: the cost of a
        # plan whose records all differ, at the size of this one (the generator's copies
        # are same-day repeats, which the product asserts once).
        import compliance.engine.durable as durable
        durable._distinct_records = lambda facts: (facts, {})
    return None  # evaluate's default: durable-rules


def _rulebook(timings: dict[str, float], rules: Path) -> RuleBook:
    global _BOOK
    if _BOOK is None:
        start = time.perf_counter()
        _BOOK = load_rules(rules)
        timings["load"] += time.perf_counter() - start
    return _BOOK


def run_chunk(task: tuple[list[str], bool, bool, str, str, str, bool]) -> dict:
    """Load, validate, evaluate and report each plan folder of a chunk; return counts and
    timings only. With ``check``, compare each evaluation with the reference evaluator
    (untimed)."""
    folders, breakdown, check, lang, rules, engine_name, warmup = task
    rules_path = Path(rules)
    engine = _engine(engine_name)
    warmed = time.perf_counter()
    if warmup:  # untimed: the rules, the calendar, the rulesets, caches
        book = _rulebook(defaultdict(float), rules_path)
        evaluate(load_bundle(rules_path, Path(folders[0]), rulebook=book), AS_OF, engine=engine)
    warmup_seconds = time.perf_counter() - warmed
    tune_for_batch()  # what the compliance CLI does before every command
    options = Options(lang=lang, fail_on="never")
    began = time.perf_counter()
    timings: dict[str, float] = defaultdict(float)
    book = _rulebook(timings, rules_path)
    constraint_rules = {r.id for r in book.rules.values() if r.constraint}
    facts = records = findings = report_chars = differences = 0
    check_seconds = 0.0
    perf = time.perf_counter
    with steps_kept():  # as inside a CLI command: each step's objects frozen after it
        for folder in folders:
            t0 = perf()
            bundle = load_bundle(rules_path, Path(folder), rulebook=book)
            t1 = perf()
            evaluation = evaluate(bundle, AS_OF, engine=engine, timings=timings if breakdown else None)
            t2 = perf()
            stream = io.StringIO()
            write_json(bundle, evaluation, stream, options)
            report = stream.getvalue()
            t3 = perf()
            timings["load"] += t1 - t0
            timings["evaluate"] += t2 - t1
            timings["report"] += t3 - t2
            report_chars += len(report)
            periods = sum(1 for f in evaluation.findings if f.rule not in constraint_rules)
            facts += len(bundle.records) + periods + len(bundle.documents)
            records += len(bundle.records)
            findings += len(evaluation.findings)
            if check:
                c0 = perf()
                differences += _disagrees(bundle, evaluation, folder)
                if engine is not None and evaluate(bundle, AS_OF).findings != evaluation.findings:
                    print(f"DIFFERENCE from durable-rules: {folder}", file=sys.stderr)
                    differences += 1
                check_seconds += perf() - c0
            del bundle, evaluation, report, stream  # freeing the plan's objects is part of the work
    return {"plans": len(folders), "facts": facts, "records": records, "findings": findings,
            "report_chars": report_chars, "differences": differences, "timings": dict(timings),
            "elapsed": time.perf_counter() - began, "check_seconds": check_seconds,
            "warmup_seconds": warmup_seconds,
            "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}


def _init_worker() -> None:
    # Nothing is inherited but imported modules (fork): the rules are loaded in the
    # worker's first run_chunk call, once, and counted in its "load" time.
    global _BOOK
    _BOOK = None


# --- checking (untimed) --------------------------------------------------------------------

_REFERENCE = None


def _disagrees(bundle, evaluation, folder: str) -> int:
    global _REFERENCE
    if _REFERENCE is None:
        sys.path.insert(0, str(ROOT))
        from tests.reference import reference_evaluate
        _REFERENCE = reference_evaluate
    got = evaluation.findings
    want = _REFERENCE(bundle, AS_OF)
    stripped = [dataclasses.replace(f, explanations=()) for f in got]
    ok = stripped == want
    expected = _expected_explanations(bundle)
    for f in got:
        if tuple(expected.get(f.key, ())) != f.explanations:
            ok = False
    if not ok:
        print(f"DIFFERENCE: {folder}", file=sys.stderr)
    return 0 if ok else 1


def _expected_explanations(bundle) -> dict:
    from compliance.findings import ExplanationNote

    out: dict = defaultdict(list)
    for meeting in sorted(bundle.meetings.values(), key=lambda mt: (mt.date, mt.id)):
        if meeting.date <= AS_OF:
            for x in meeting.minutes:
                out[(x.rule, x.period, x.entity or "")].append(
                    ExplanationNote(meeting.id, meeting.date, x.explanation, x.action, x.target))
    return out


# --- main ----------------------------------------------------------------------------------


def chunks(items: list, n: int) -> list[list]:
    """``n`` contiguous chunks of (nearly) equal size."""
    size, extra = divmod(len(items), n)
    out, start = [], 0
    for i in range(n):
        stop = start + size + (1 if i < extra else 0)
        out.append(items[start:stop])
        start = stop
    return [c for c in out if c]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plans", type=int, required=True)
    parser.add_argument("--jobs", type=int, default=1, help="worker processes (1: in this process)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data", type=Path, default=HERE / "data",
                        help="where generated plan sets are kept (default bench/data)")
    parser.add_argument("--check", action="store_true",
                        help="compare every plan with tests/reference.py (untimed)")
    parser.add_argument("--breakdown", action="store_true", help="seconds per stage")
    parser.add_argument("--lang", default="zh-TW", choices=["zh-TW", "en"], help="report language")
    parser.add_argument("--engine", default="durable", choices=["durable", "durable-each", "clips"],
                        help="evaluate on durable-rules (the product), on durable-rules asserting "
                             "every record even when equal to another (durable-each), or on the "
                             "CLIPS peer")
    parser.add_argument("--warmup", action="store_true",
                        help="load the rules and evaluate the first plan once, untimed, first")
    generate.add_scale_options(parser)
    args = parser.parse_args(argv)
    if args.plans < 1 or args.jobs < 1:
        parser.error("--plans and --jobs must be at least 1")

    folder = ensure_data(args.data, args.plans, args.seed, generate.scale_of(args, parser))
    rules = str(rules_dir(folder))
    plans = sorted(str(p) for p in folder.glob("plan-*") if p.is_dir())
    if len(plans) != args.plans:
        raise SystemExit(f"{folder} holds {len(plans)} plans, expected {args.plans}")
    jobs = min(args.jobs, len(plans))

    started = time.perf_counter()
    if jobs == 1:
        results = [run_chunk((plans, args.breakdown, args.check, args.lang, rules, args.engine,
                              args.warmup))]
    else:
        context = multiprocessing.get_context("fork")
        pool = context.Pool(jobs, initializer=_init_worker)
        try:
            results = pool.map(run_chunk, [(c, args.breakdown, args.check, args.lang, rules,
                                            args.engine, args.warmup) for c in chunks(plans, jobs)],
                               chunksize=1)
            pool.close()
        except BaseException:
            pool.terminate()
            raise
        finally:
            pool.join()  # reaped, so RUSAGE_CHILDREN includes every worker
    wall = time.perf_counter() - started

    # The wall time without the slowest worker's untimed parts (warm-up, checking).
    slowest = max(results, key=lambda r: r["elapsed"] + r["warmup_seconds"])
    seconds = (wall - slowest["elapsed"] - slowest["warmup_seconds"]
               + max(r["elapsed"] - r["check_seconds"] for r in results))
    peak_kb = max([resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                   resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss]
                  + [r["maxrss_kb"] for r in results])
    line = {"plans": len(plans), "jobs": jobs, "engine": args.engine,
            "records": sum(r["records"] for r in results), "facts": sum(r["facts"] for r in results),
            "seconds": round(seconds, 3), "plans_per_second": round(len(plans) / seconds, 1),
            "ms_per_plan": round(1000 * seconds / len(plans), 2),
            "peak_rss_mb": round(peak_kb / 1024, 1)}
    if args.breakdown:
        total = {s: sum(r["timings"].get(s, 0.0) for r in results) for s in (*STAGES, "evaluate")}
        line["breakdown"] = {s: round(total[s], 3) for s in STAGES}
        line["breakdown"]["other"] = round(
            total["evaluate"] - total["calendar"] - total["engine"] - total["findings"], 3)
        staged = total["load"] + total["evaluate"] + total["report"]
        timed = sum(r["elapsed"] - r["check_seconds"] for r in results)
        line["breakdown"]["rest"] = round(timed - staged, 3)
        line["breakdown"]["workers"] = [round(r["elapsed"] - r["check_seconds"], 3) for r in results]
    if args.check:
        line["differences"] = sum(r["differences"] for r in results)
    print(json.dumps(line))
    return 1 if args.check and line["differences"] else 0


if __name__ == "__main__":
    sys.exit(main())
