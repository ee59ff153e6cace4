"""Evaluation as a library: the bundled plan's story and stage timings.

Flat memory over many sessions is tested once, at the engine (test_engine.py)."""

from __future__ import annotations

import datetime as dt

from compliance.evaluate import evaluate


def statuses(ev, rule):
    return {(f.period_key, f.entity): f.status for f in ev.findings if f.rule == rule}


def test_the_bundled_story_at_mid_year(bundle):
    ev = evaluate(bundle, dt.date(2023, 6, 30))
    # The plan gives its own adoption no date: no rule reports the plan (112/02/17) as late.
    assert "annual-plan-adopted" not in bundle.rules
    assert not [f for f in ev.findings if f.status in ("late", "violation")
                and bundle.rules[f.rule].activity == "quality-plan-adopted"]
    # W20's list was sent on 6/16, as the June minutes say (補送): late, not missing.
    assert statuses(ev, "school-age-children-list-weekly")[("2023-W20", None)] == "late"
    assert statuses(ev, "population-monthly-report")[("2023-06", None)] == "reminder"
    assert statuses(ev, "population-monthly-report")[("2023-07", None)] == "upcoming"
    assert statuses(ev, "satisfaction-survey-annual") == {("2023", None): "open"}
    booking = statuses(ev, "online-booking-daily-check")
    # Approved as exempt; the waiver expired on 3/31 but these days were due before it did.
    assert booking[("2023-02-01", None)] == "waived"
    assert booking[("2023-05-24", None)] == "violation"
    assert booking[("2023-06-17", None)] == "satisfied"  # a make-up working Saturday


def test_the_bundled_story_at_year_end(bundle):
    ev = evaluate(bundle, dt.date(2023, 12, 31))
    # One monthly tracking rule: a month has one light for its meeting, not two.
    assert "plan-progress-monthly-review" not in bundle.rules
    tracking = bundle.rules["office-meeting-monthly-tracking"]
    assert [s.clause for s in (tracking.source, *tracking.also)] == ["捌 二", "附件一 行政庶務課 1"]
    # 第一時間 counts calendar days: a Friday report answered the next working day is late.
    assert statuses(ev, "negative-press-clarification")[("press-report-2023-10-06", None)] == "late"
    # The law's results report for 112 falls due in 113 and is still this plan's obligation.
    assert statuses(ev, "env-education-results-report") == {("2024-01-31", None): "satisfied"}
    hours = statuses(ev, "env-education-staff-hours")
    assert hours[("2023", "S18")] == "violation"  # an employee outside the task force
    assert len(hours) == len(bundle.staff) == 18
    kinds = statuses(ev, "website-publishes-required-documents")
    assert set(kinds.values()) == {"satisfied"} and len(kinds) == 6


def test_timings_name_the_stages(bundle):
    timings: dict[str, float] = {}
    evaluate(bundle, dt.date(2023, 12, 31), timings=timings)
    assert set(timings) == {"calendar", "engine", "findings"} and all(v > 0 for v in timings.values())
