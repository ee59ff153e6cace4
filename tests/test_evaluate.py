"""Evaluation as a library: the bundled plan's story and stage timings.

Flat memory over many sessions is tested once, at the engine (test_engine.py)."""

from __future__ import annotations

import datetime as dt

from compliance.evaluate import evaluate


def statuses(ev, rule):
    return {(f.period_key, f.entity): f.status for f in ev.findings if f.rule == rule}


def test_the_bundled_story_at_mid_year(bundle):
    ev = evaluate(bundle, dt.date(2023, 6, 30))
    assert statuses(ev, "annual-plan-adopted") == {("2023-01-31", None): "late"}
    assert statuses(ev, "school-age-children-list-weekly")[("2023-W20", None)] == "violation"
    assert statuses(ev, "population-monthly-report")[("2023-06", None)] == "reminder"
    assert statuses(ev, "population-monthly-report")[("2023-07", None)] == "upcoming"
    assert statuses(ev, "satisfaction-survey-annual") == {("2023", None): "open"}
    booking = statuses(ev, "online-booking-daily-check")
    assert booking[("2023-02-01", None)] == "violation"  # its waiver expired on 3/31
    assert booking[("2023-06-17", None)] == "satisfied"  # a make-up working Saturday


def test_timings_name_the_stages(bundle):
    timings: dict[str, float] = {}
    evaluate(bundle, dt.date(2023, 12, 31), timings=timings)
    assert set(timings) == {"calendar", "engine", "findings"} and all(v > 0 for v in timings.values())
