import datetime as dt
import json
import os
import subprocess
import sys

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from compliance import models as m
from compliance import periods
from compliance.periods import WorkCalendar, expand

from conftest import ROOT

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


# Every working day of 2018-2031 as the holidays package gives them, year by year: the
# reference for a calendar that loads only the years it is asked about, in any order.
_ALL_DAYS = sorted(d for y in range(2018, 2032) for d in periods._working_days(y))
_DAY = st.one_of(  # half of them within a week of a new year, where the years meet
    st.dates(min_value=dt.date(2021, 1, 1), max_value=dt.date(2026, 12, 31)),
    st.builds(lambda year, d: dt.date(year, 12, 28) + dt.timedelta(days=d),
              st.integers(2021, 2025), st.integers(0, 7)))
_ASK = st.one_of(
    st.tuples(st.just("is_working_day"), _DAY),
    st.tuples(st.just("on_or_after"), _DAY),
    st.tuples(st.just("add_workdays"), _DAY, st.integers(0, 260)),
    st.tuples(st.just("last_in"), _DAY, st.integers(0, 800)),
    st.tuples(st.just("working_days"), _DAY, st.integers(0, 800)),
)


def _expected(ask):
    name, day, *n = ask
    after = [d for d in _ALL_DAYS if d >= day]
    if name == "is_working_day":
        return day in _ALL_DAYS
    if name == "on_or_after":
        return after[0]
    if name == "add_workdays":
        return after[0] if n[0] == 0 else [d for d in _ALL_DAYS if d > day][n[0] - 1]
    within = [d for d in after if d <= day + dt.timedelta(days=n[0])]
    if name == "last_in":
        return within[-1] if within else None
    return within


@given(st.lists(_ASK, min_size=1, max_size=6))
@example([("is_working_day", dt.date(2025, 6, 2)), ("on_or_after", dt.date(2023, 12, 30))])
# Loading each year's neighbours left 2023 out here: the next working day after 111/12/31
# was 113/01/02 (a calendar kept over several plans of different years, as nightly keeps it).
@example([("is_working_day", dt.date(2021, 6, 1)), ("is_working_day", dt.date(2025, 6, 1)),
          ("on_or_after", dt.date(2022, 12, 31))])
def test_a_fresh_calendar_answers_any_sequence_of_questions_as_the_package_does(asks):
    """Years are loaded as asked (not the neighbours of each): answers must not depend on
    which years a question happened to load first (e.g. the next working day after 31
    December with only the year after next loaded)."""
    calendar = WorkCalendar()
    for ask in asks:
        name, day, *n = ask
        args = (day, day + dt.timedelta(days=n[0])) if name in ("last_in", "working_days") else (day, *n)
        assert getattr(calendar, name)(*args) == _expected(ask), ask


@given(st.sampled_from(["month", "quarter", "half-year", "year", "week", "workday"]),
       st.sets(st.integers(1, 12), min_size=1))
def test_periods_are_sane(every, months):
    for p in expand(rule(every=every, months=sorted(months)), PLAN, CAL):
        assert p.start <= p.due <= p.end == p.close
        assert CAL.is_working_day(p.due)
        assert not CAL.working_days(p.due + dt.timedelta(days=1), p.end)


def test_working_day_cache_matches_the_holidays_package(tmp_path, monkeypatch):
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
    monkeypatch.delenv("COMPLIANCE_CACHE_DIR", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert periods._cache_file(2024) is None
    periods._cache_write(2024, (dt.date(2024, 1, 2),))
    assert not list(tmp_path.rglob("*"))


def test_unwritable_cache_is_harmless(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("COMPLIANCE_CACHE_DIR", str(blocker / "sub"))
    periods._cache_write(2031, (dt.date(2031, 1, 2),))  # must not raise
    assert periods._cache_read(2031) is None


def test_published_years_are_kept_with_the_working_days(tmp_path, monkeypatch):
    from compliance import holiday_years

    monkeypatch.setenv("COMPLIANCE_CACHE_DIR", str(tmp_path))
    computed = holiday_years._published_years()
    holiday_years.published_years.cache_clear()
    try:
        assert holiday_years.published_years() == computed  # computed and written
        (file,) = tmp_path.glob("published-TW-holidays-*.txt")
        assert file.read_text(encoding="ascii").split() == ["published", *map(str, computed)]
        file.write_text("published\n1998\n", encoding="ascii")  # damaged: recomputed
        holiday_years.published_years.cache_clear()
        assert holiday_years.published_years() == computed
        file.write_text("published\n2000\n2001\n", encoding="ascii")  # what is kept is used
        holiday_years.published_years.cache_clear()
        assert holiday_years.published_years() == (2000, 2001)
    finally:
        holiday_years.published_years.cache_clear()


def _check_process(report, cache_dir: str, then: str):
    """``compliance check`` of the bundled plan in a fresh process (JSON to ``report``),
    then what the Python expression ``then`` gives in that process (``sys``, ``models``
    and ``evaluate`` at hand), through JSON."""
    code = ("import sys, runpy, json; sys.argv = ['compliance', 'check', '--as-of', '2023-12-31', "
            f"'--format', 'json', '-o', {str(report)!r}, '--fail-on', 'never']\n"
            "try:\n    runpy.run_module('compliance', run_name='__main__')\n"
            "except SystemExit:\n    pass\n"
            "from compliance import evaluate, models  # loaded by the check already\n"
            f"print(json.dumps({then}))")
    done = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                          text=True, cwd=ROOT, env={**os.environ, "COMPLIANCE_CACHE_DIR": cache_dir})
    return json.loads(done.stdout)


def test_a_warm_cache_spares_importing_holidays_and_changes_no_finding(tmp_path):
    reports = []
    for run, folder in enumerate(("", str(tmp_path / "cache"), str(tmp_path / "cache"))):
        out = tmp_path / f"r{run}.json"
        imported = _check_process(out, folder, "sorted(m for m in sys.modules if m.startswith('holidays'))")
        assert bool(imported) == (run < 2), (run, imported)  # the warm run imports none
        reports.append(json.loads(out.read_text(encoding="utf-8"))["findings"])
    assert reports[0] == reports[1] == reports[2] and len(reports[0]) > 100


# --- issue 14: due after the period, on a day inside it, windows, counted months ----------


def dues(r, plan=PLAN):
    return [(p.key, p.start, p.end, p.nominal_due, p.due) for p in expand(r, plan, CAL)]


D = dt.date


@pytest.mark.parametrize("day, months, last", [
    (D(2023, 6, 30), 1, D(2023, 7, 31)),   # counted from 7/01: the day before 8/01
    (D(2023, 3, 15), 1, D(2023, 4, 15)),
    (D(2024, 1, 30), 1, D(2024, 2, 29)),   # 1/31 + 1 month has no 2/31: February's last day
    (D(2023, 1, 30), 1, D(2023, 2, 28)),
    (D(2023, 12, 31), 1, D(2024, 1, 31)),
    (D(2023, 11, 15), 3, D(2024, 2, 15)),
])
def test_months_are_counted_as_the_civil_code_counts_them(day, months, last):
    from compliance.periods import count_from

    assert count_from(day, m.Count(months=months), CAL) == last


def test_monthly_report_on_the_previous_month_is_due_the_10th_after_it():
    got = dues(rule(every="month", due={"after_end": {"days": 10}}))
    assert got[0] == ("2023-01", D(2023, 2, 1), D(2023, 1, 31), D(2023, 2, 10), D(2023, 2, 10))
    assert got[4][3:] == (D(2023, 6, 10), D(2023, 6, 12))  # 6/10 is a Saturday
    assert got[-1][3:] == (D(2024, 1, 10), D(2024, 1, 10))


def test_shift_none_keeps_a_deadline_on_a_day_off():
    got = dues(rule(every="month", due={"after_end": {"days": 10}}, shift="none"))
    assert got[4][3:] == (D(2023, 6, 10), D(2023, 6, 10))


def test_a_day_inside_the_period_and_a_weekday():
    assert dues(rule(every="quarter", due={"day": 15, "month": 1}))[1][3:] == (D(2023, 4, 15), D(2023, 4, 17))
    weeks = dues(rule(every="week", due={"weekday": 1}, months=[9, 10]))
    # Monday 10/09 is the day before National Day, a day off in 2023: due Wednesday 10/11
    assert ("2023-W41", D(2023, 10, 9), D(2023, 10, 15), D(2023, 10, 9), D(2023, 10, 11)) in weeks


def test_a_due_day_before_the_plans_first_day_leaves_nothing_due():
    plan = PLAN.model_copy(update={"start": D(2023, 1, 21)})
    assert [k for k, *_ in dues(rule(every="month", due={"day": 5}), plan)][:2] == ["2023-02", "2023-03"]


def test_windows_in_the_year_and_across_its_end():
    assert dues(rule(window={"from": "03-01", "to": "05-31"})) == [
        ("2023-03-01", D(2023, 3, 1), D(2023, 5, 31), D(2023, 5, 31), D(2023, 5, 31))]
    assert dues(rule(window={"from": "11-01", "to": "02-28"})) == [
        ("2023-11-01", D(2023, 11, 1), D(2024, 2, 28), D(2024, 2, 27), D(2024, 2, 27))]  # 228


def test_a_trigger_counted_in_months_moves_only_when_asked():
    rec = m.Record(id="h1", activity="a", date=D(2023, 8, 15))
    stays = expand(rule(after={"activity": "a", "within_months": 1}), PLAN, CAL, triggers=[rec])
    moves = expand(rule(after={"activity": "a", "within_months": 1}, shift="next-working-day"),
                   PLAN, CAL, triggers=[rec])
    assert (stays[0].due, moves[0].due) == (D(2023, 9, 15), D(2023, 9, 15))  # a Friday
    rec = rec.model_copy(update={"date": D(2023, 8, 16)})  # 9/16 is a Saturday
    stays = expand(rule(after={"activity": "a", "within_days": 31}), PLAN, CAL, triggers=[rec])
    moves = expand(rule(after={"activity": "a", "within_days": 31}, shift="next-working-day"),
                   PLAN, CAL, triggers=[rec])
    assert (stays[0].due, moves[0].due) == (D(2023, 9, 16), D(2023, 9, 18))


def test_taiwan_alone_gives_the_packages_own_answer(monkeypatch):
    """The Taiwan module loaded on its own (without every country's calendar) must say
    exactly what ``holidays.country_holidays("TW")`` says, in every year it knows and a
    few it must estimate."""
    import sys

    import holidays

    from compliance.holiday_years import published_years, taiwan, taiwan_module

    # As in a fresh process: the package's own module not imported yet (another test may have).
    monkeypatch.delitem(sys.modules, "holidays.countries.taiwan", raising=False)
    taiwan_module.cache_clear()
    assert taiwan_module().__name__ == "compliance._holidays_taiwan"  # the cheap path ran
    first, last = published_years()
    for year in range(first, last + 3):
        ours, theirs = taiwan(year), holidays.country_holidays("TW", years=year)
        day, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        while day <= end:
            assert ours.is_working_day(day) == theirs.is_working_day(day), day
            day += dt.timedelta(days=1)


def test_check_loads_only_what_it_uses(tmp_path):
    """What a process start is spared (bench/startup.py): ``holidays.countries`` imports
    ~200 calendars (45–80 ms); the whole file's models (PlanFile, RuleFile) are not built
    when every entry is validated by its own model (~2.5 ms); only the years the bundled
    plan asks about are computed: its year, the last week of the one before (the week of 1
    January starts on 26 December 2022) and the next (a due date in January)."""
    seen = _check_process(tmp_path / "r.json", "", (
        "{'countries': [m for m in sys.modules if m.startswith('holidays.countries')],"
        " 'built': [m.__name__ for m in (models.PlanFile, models.RuleFile) if m.__pydantic_complete__],"
        " 'years': sorted(evaluate._CALENDAR._years)}"))
    assert seen == {"countries": [], "built": [], "years": [2022, 2023, 2024]}
    assert (tmp_path / "r.json").stat().st_size > 1000
