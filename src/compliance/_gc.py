"""Garbage-collector settings for a run that loads and evaluates plans.

Loading and evaluating allocate hundreds of thousands of small objects (YAML nodes,
models, facts) that die young and hold almost no reference cycles, which reference
counting frees at once. With the default thresholds the cyclic collector runs every
700 allocations and took 15-30 % of a batch's time (bench/run.py, measured A/B);
everything imported before the run is also frozen out of its way.
"""

from __future__ import annotations

import gc


def tune_for_batch() -> None:
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
