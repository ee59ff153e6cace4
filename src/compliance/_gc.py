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
evaluate one plan).

Everything a step allocates while the collector is off is young, so the first
collection afterwards walks all of it (0.8 s after a 43,000-record plan, and again at
interpreter exit). Inside ``steps_kept`` -- a command of the CLI, a bench worker: a
process that owns its lifetime -- what each step made is frozen after it instead:
frozen objects are still freed by reference counting when dropped (memory stays flat
over a batch, bench/run.py); only cyclic garbage made inside a step is never collected
(a handful of objects per plan since durable-rules' action closures no longer run).
A program that calls the library in a long-lived process gets neither.
"""

from __future__ import annotations

import contextlib
import functools
import gc
from collections.abc import Callable, Iterator
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


def tune_for_batch() -> None:
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


_keep_steps = False


@contextlib.contextmanager
def steps_kept() -> Iterator[None]:
    """While active, what each ``paused`` step allocated is frozen after it (see above)."""
    global _keep_steps
    before, _keep_steps = _keep_steps, True
    try:
        yield
    finally:
        _keep_steps = before


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
            if _keep_steps:
                gc.freeze()
            gc.enable()

    return run
