"""explain: which period is explained, and why each nearby record did or did not count."""

from __future__ import annotations

import datetime as dt

from compliance.evaluate import evaluate
from compliance.explain import considered, pick

AS_OF = dt.date(2023, 6, 30)
WEEKLY = "school-age-children-list-weekly"


def test_pick_the_period_holding_a_day(bundle):
    findings = evaluate(bundle, AS_OF, rules=[WEEKLY]).findings
    (chosen,), green = pick(findings, dt.date(2023, 5, 17))
    assert chosen.period_key == "2023-W20" and green == 0
    assert pick(findings, dt.date(2022, 1, 1)) == ([], 0)  # a day outside every period


def test_pick_without_a_day_shows_every_period_not_green(bundle):
    """Not the latest period: an earlier one that is late or missed would hide behind it."""
    findings = evaluate(bundle, AS_OF, rules=[WEEKLY]).findings
    shown, green = pick(findings, None)
    assert [f.period_key for f in shown] == ["2023-W20"]  # sent late (補送 6/16), yellow
    assert green == len(findings) - 1
    assert all(f.light == "green" for f in findings if f not in shown)


def test_counted_records_have_no_reason_and_the_others_have_one(bundle):
    findings = evaluate(bundle, AS_OF, rules=[WEEKLY]).findings
    satisfied = next(f for f in findings if f.status == "satisfied")
    rows = considered(bundle, satisfied, AS_OF)
    counted = [c for c in rows if c.counted]
    assert {c.record.id for c in counted} == set(satisfied.records) and satisfied.records
    assert all(c.reason == "" for c in counted)
    others = [c for c in rows if not c.counted]
    assert others and all(c.reason in ("before-period", "after-period", "other-period", "after-as-of",
                                       "condition") or c.reason.startswith("other-") for c in others)
    # a record of another week is "before" or "after" this period, by its date
    for c in others:
        if c.reason == "before-period":
            assert c.record.date < satisfied.start
        if c.reason == "after-period":
            assert c.record.date > satisfied.close
