"""Garbage-collector settings for a run that loads and evaluates plans.

Loading and evaluating allocate hundreds of thousands of small objects (YAML nodes,
models, facts) that die young and hold almost no reference cycles, which reference
counting frees at once. With the default thresholds the cyclic collector runs every
700 allocations and took 15-30 % of a batch's time (bench/run.py, measured A/B);
everything imported before the run is also frozen out of its way.

Raised thresholds are not enough for a large plan: its own objects (45,000 records are
~1.5 million) outlive young collections, so each older collection walks all of them
again, and the collector's share grows with the plan -- loading a 45,700-record plan
took 2.0x as long with the collector on, evaluating it 2-3x (bench/growth.py,
docs/performance.md). ``paused`` turns it off for one bounded step (load one plan,
evaluate one plan) and then freezes what the step made: everything allocated while
the collector was off is young, so its first collection afterwards walked all of it
(0.8 s after a 43,000-record plan, and again at interpreter exit). Frozen objects are
still freed by reference counting when the step's caller drops them (a batch's memory
stays flat, bench/run.py); only cyclic garbage made inside a step (a handful of
objects; durable-rules' action closures were the bulk, and no longer run) is not
collected.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


def tune_for_batch() -> None:
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


def paused(func: Callable[P, R]) -> Callable[P, R]:
    """``func`` with the cyclic collector off while it runs (reference counting still
    frees everything acyclic at once); a nested call leaves it to the outermost."""

    @functools.wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        if not gc.isenabled():
            return func(*args, **kwargs)
        gc.disable()
        try:
            return func(*args, **kwargs)
        finally:
            gc.freeze()
            gc.enable()

    return run
