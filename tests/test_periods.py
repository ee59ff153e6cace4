import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from compliance import models as m
from compliance.periods import WorkCalendar, expand

CAL = WorkCalendar()
PLAN = m.Plan(agency="a", title="t", roc_year=112, adopted="112/02/17", document_number="x")


def rule(**kw):
    base = dict(id="r", title={"zh-TW": "規則", "en": "rule"}, unit="u", severity="low",
                source={"clause": "c", "quote": "q"}, activity="a", basis="office",
                decided={"by": "b", "on": "2023-01-03", "minutes": "m"})
    return m.Rule.model_validate({**base, **kw})


def test_2023_has_249_working_days():
    assert len(CAL.working_days(dt.date(2023, 1, 1), dt.date(2023, 12, 31))) == 249


@pytest.mark.parametrize("day, working", [
    ("2023-01-07", True),   # make-up Saturday (補班)
    ("2023-02-18", True),
    ("2023-06-17", True),
    ("2023-09-23", True),
    ("2023-01-02", False),  # founding day observed
    ("2023-01-20", False),  # lunar new year bridge
    ("2023-02-27", False),
    ("2023-06-23", False),
    ("2023-10-09", False),
    ("2023-03-11", False),  # ordinary Saturday
])
def test_working_days(day, working):
    assert CAL.is_working_day(dt.date.fromisoformat(day)) is working


@pytest.mark.parametrize("by, due", [("01-15", "2023-01-16"), ("04-15", "2023-04-17"), ("03-10", "2023-03-10")])
def test_fixed_deadlines_move_to_next_working_day(by, due):
    (p,) = expand(rule(by=by), PLAN, CAL)
    assert p.due == dt.date.fromisoformat(due)
    assert p.nominal_due == dt.date.fromisoformat(f"2023-{by}")


def test_weeks_march_to_august_2023():
    periods = expand(rule(every="week", months=[3, 4, 5, 6, 7, 8]), PLAN, CAL)
    assert len(periods) == 27
    assert periods[0].start == dt.date(2023, 2, 27)  # Mar 1-3 are its working days
    assert periods[-1].end == dt.date(2023, 9, 3)


def test_month_due_is_last_working_day():
    periods = {p.key: p for p in expand(rule(every="month"), PLAN, CAL)}
    assert periods["2023-02"].due == dt.date(2023, 2, 24)  # 27th and 28th are days off
    assert periods["2023-09"].due == dt.date(2023, 9, 28)  # 29th is Mid-Autumn
    assert periods["2023-12"].due == dt.date(2023, 12, 29)
    assert len(periods) == 12


def test_counts_of_each_recurrence():
    sizes = {e: len(expand(rule(every=e), PLAN, CAL)) for e in ("year", "half-year", "quarter", "workday")}
    assert sizes == {"year": 1, "half-year": 2, "quarter": 4, "workday": 249}


def test_for_each_multiplies_periods():
    periods = expand(rule(every="quarter", for_each="unit"), PLAN, CAL, entities=["a", "b", "c"])
    assert len(periods) == 12 and {p.entity for p in periods} == {"a", "b", "c"}


@given(st.dates(min_value=dt.date(2022, 1, 1), max_value=dt.date(2025, 12, 31)), st.integers(0, 20))
def test_add_workdays(day, n):
    due = CAL.add_workdays(day, n)
    assert CAL.is_working_day(due) and due >= day
    between = CAL.working_days(day + dt.timedelta(days=1), due)
    if n == 0:
        assert due == CAL.on_or_after(day)
    else:
        assert len(between) == n


@given(st.dates(min_value=dt.date(2022, 1, 1), max_value=dt.date(2025, 12, 31)))
def test_on_or_after_is_the_first_working_day(day):
    nxt = CAL.on_or_after(day)
    assert CAL.is_working_day(nxt) and nxt >= day
    assert not CAL.working_days(day, nxt - dt.timedelta(days=1))


@given(st.sampled_from(["month", "quarter", "half-year", "year", "week", "workday"]),
       st.sets(st.integers(1, 12), min_size=1))
def test_periods_are_sane(every, months):
    for p in expand(rule(every=every, months=sorted(months)), PLAN, CAL):
        assert p.start <= p.due <= p.end == p.close
        assert CAL.is_working_day(p.due)
        assert not CAL.working_days(p.due + dt.timedelta(days=1), p.end)


def test_working_day_cache_matches_the_holidays_package(tmp_path, monkeypatch):
    from compliance import periods

    monkeypatch.setenv("COMPLIANCE_CACHE_DIR", str(tmp_path))
    computed = periods._compute_working_days(2024)
    periods._cache_write(2024, computed)
    assert periods._cache_read(2024) == computed and len(computed) > 240
    (file,) = tmp_path.glob("workdays-TW-2024-holidays-*.txt")
    file.write_text("year=2024\n2024-13-01\n", encoding="ascii")  # damaged: recomputed
    assert periods._cache_read(2024) is None
    file.write_text("\n".join(["year=2023", *(d.isoformat() for d in computed)]), encoding="ascii")
    assert periods._cache_read(2024) is None  # another year's file is not trusted
    monkeypatch.setenv("COMPLIANCE_CACHE_DIR", "")
    assert periods._cache_file(2024) is None


def test_no_cache_is_written_unasked(tmp_path, monkeypatch):
    from compliance import periods

    monkeypatch.delenv("COMPLIANCE_CACHE_DIR", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert periods._cache_file(2024) is None
    periods._cache_write(2024, (dt.date(2024, 1, 2),))
    assert not list(tmp_path.rglob("*"))


def test_unwritable_cache_is_harmless(tmp_path, monkeypatch):
    from compliance import periods

    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("COMPLIANCE_CACHE_DIR", str(blocker / "sub"))
    periods._cache_write(2031, (dt.date(2031, 1, 2),))  # must not raise
    assert periods._cache_read(2031) is None
