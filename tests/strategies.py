"""Hypothesis strategies for random, edge-heavy bundles.

Dates are drawn mostly from a pool of "interesting" days around the plan year: the first
and last day of every month and the days next to them, holidays, working Saturdays,
weekends, the plan's own first/last day and its neighbours, fixed deadlines and the
lead-time edges before the last working day of each month.
"""

from __future__ import annotations

import datetime as dt
from functools import cache, lru_cache

import holidays
from hypothesis import strategies as st

from compliance import models as m
from compliance.bundle import Bundle, RuleBook


# Strategies are built once per distinct argument and reused: a strategy drawn from for the
# first time is validated and its properties computed (hypothesis caches only some kinds
# by their arguments, not sampled_from), and building them inline for every draw was a
# quarter of the differential tests' time. The strategies, and so what they can draw, are
# the same (hypothesis labels shared objects differently, so a derandomized run draws
# other examples than before this change).
@lru_cache(maxsize=8192)
def _pick(items: tuple) -> st.SearchStrategy:
    return st.sampled_from(items)


def pick(items) -> st.SearchStrategy:
    """``pick(items)``, one strategy object per distinct sequence of items."""
    return _pick(tuple(items))


@lru_cache(maxsize=256)
def ints(low: int, high: int) -> st.SearchStrategy[int]:
    """``st.integers(low, high)`` without hypothesis's cache lookup on every draw."""
    return st.integers(low, high)


BOOLS = st.booleans()


@lru_cache(maxsize=256)
def maybe(strategy: st.SearchStrategy) -> st.SearchStrategy:
    """``st.one_of(st.none(), strategy)``, built once per strategy."""
    return st.one_of(st.none(), strategy)


ONE = dt.timedelta(days=1)
UNIT_IDS = ["u-a", "u-b", "u-c"]
STAFF_IDS = ["A01", "B22", "C333"]
ACTIVITIES = ["act-a", "act-b", "act-c"]
RULE_IDS = ["r1", "r2", "r-10", "rb", "r3"]  # "r-10" < "r1" < "r2" < "r3" < "rb"
EVERY = ["year", "half-year", "quarter", "month", "week", "workday"]
BY_DAYS = ["01-01", "01-31", "02-28", "02-29", "03-31", "04-04", "04-05", "06-30", "06-17",
           "09-23", "10-10", "10-09", "12-31", "12-30", "07-01", "03-25", "05-15"]
HOURS = [0, 0.5, 1, 1.5, 2, 3, 4, 8, 0.1, 0.2, 1.2, 1.4]
NOTES = ["x", "y", "1", "1號", "北市12號", "號"]
DOC_NOS = ["北市安戶行字第1120001234號", "北市安戶字第12號", "1號", "d"]
LEADS = [0, 1, 3, 7, 14, 30, 366]
FORMATS = ["odt", "pdf", "docx", "html", "ods"]
KINDS = ["k-plan", "k-paper", "k-map"]
# Generated quotes carry no schedule word, so generated rules are the office's choice.
OFFICE = {"basis": "office", "decided": {"by": "b", "on": "2023-01-03", "minutes": "m"}}


@cache
def period_keys(day: dt.date) -> list[str]:
    """Keys of periods a record dated ``day`` may name: its own and recent earlier ones."""
    earlier = day - dt.timedelta(days=10)
    keys = {str(day.year), f"{day.year}-H{1 if day.month <= 6 else 2}", day.isoformat(),
            earlier.isoformat(), f"{day.year}-Q{(day.month - 1) // 3 + 1}"}
    for d in (day, earlier, day - dt.timedelta(days=35)):
        iso = d.isocalendar()
        keys |= {f"{d.year}-{d.month:02d}", f"{iso.year}-W{iso.week:02d}",
                 f"{d.year}-Q{(d.month - 1) // 3 + 1}"}
    keys |= {f"{day.year}-01-15", f"{day.year}-04-15"}
    return sorted(keys)


def _tw():
    return holidays.country_holidays("TW", years=range(2021, 2027))


@cache
def working(day: dt.date) -> bool:
    return _tw().is_working_day(day)


@cache
def interesting_days(year: int) -> tuple[dt.date, ...]:
    pool: set[dt.date] = set()
    for mo in range(1, 13):
        first = dt.date(year, mo, 1)
        last = (dt.date(year + (mo == 12), mo % 12 + 1, 1)) - ONE
        pool.update({first - ONE, first, first + ONE, last - ONE, last, last + ONE})
        lwd = last
        while not working(lwd):
            lwd -= ONE
        for k in (0, 1, 3, 7, 14, 30):
            pool.add(lwd - dt.timedelta(days=k))
        pool.add(lwd + ONE)
    for d in list(_tw().keys()):
        if year - 1 <= d.year <= year + 1 and abs((d - dt.date(year, 7, 1)).days) < 200:
            pool.update({d - ONE, d, d + ONE})
    for d in getattr(_tw(), "weekend_workdays", ()):
        if d.year == year:
            pool.update({d - ONE, d, d + ONE})
    for by in BY_DAYS:
        mm, dd = (int(x) for x in by.split("-"))
        try:
            d = dt.date(year, mm, dd)
        except ValueError:
            continue
        pool.update({d - ONE, d, d + ONE})
    return tuple(sorted(pool))


@lru_cache(maxsize=64)
def some_day(year: int, extra: tuple[dt.date, ...] = ()) -> st.SearchStrategy[dt.date]:
    pool = tuple(sorted(set(interesting_days(year)) | set(extra)))
    return st.one_of(
        st.sampled_from(pool),
        st.sampled_from(pool),
        st.sampled_from(pool),
        st.dates(dt.date(year - 1, 12, 15), dt.date(year + 1, 1, 20)),
    )


def _one_year_after(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


@cache
def next_year_deadlines(year: int) -> tuple[dt.date, ...]:
    """Fixed deadlines in the year after the plan's (by_year: next) and the days around them."""
    out = set()
    for by in BY_DAYS[:6]:
        mm, dd = (int(x) for x in by.split("-"))
        try:
            d = dt.date(year + 1, mm, dd)
        except ValueError:
            continue
        out |= {d - ONE, d, d + ONE, d + 3 * ONE}
    return tuple(sorted(out))


def text(s: str) -> dict:
    return {"zh-TW": s, "en": s}


# --- conditions ------------------------------------------------------------------------------


# Values a condition may test, per field.  The "typed" values have the field's own type (bools
# and numbers mix freely: the spec compares bools as 1/0).  The "cross" values are of another
# type (the number 1 against the string "1", ...): the spec says they never match, the engine
# disagrees (see test_differential.py::test_cross_type_*), so they are only drawn on request.
RECORD_VALUES = {
    "unit": (UNIT_IDS, [1, True]),
    "staff": (STAFF_IDS, [1]),
    "hours": ([0, 0.5, 1, 1.0, 2, 3, 8, True, False], ["1", "1.0", "2.0", "x"]),
    "note": (NOTES, [1, 1.0, True]),
    "evidence": ([True, False, 1, 0, 1.0], ["x", "1"]),
    # The evidence's own fields (issue 14): a 文號 in the bundled data's form, or not.
    "evidence.doc_no": (DOC_NOS, [1, True]),
    "evidence.file": (["a.pdf", "b.odt"], [1]),
    "evidence.url": (["http://a", "https://b"], [1]),
    # A number the plan data declares (record_fields), carried in values (issue 14).
    "cases": ([0, 0.5, 1, 1.2, 2, 3, 8, True], ["1", "x"]),
}
DOCUMENT_VALUES = {
    "format": (FORMATS, [1]),
    "editable": ([True, False, 1, 0, 1.0], ["1", "0", "true"]),
    "url": (["http://a", "http://b"], [1]),
    "title": (["t1", "t2"], [True]),
    "kind": (KINDS, [1]),
    "id": (["d0", "d1", "d3"], [1]),
}

# Staff members and units, for constraints over the plan's other entity kinds (issue 14 form 9).
STAFF_VALUES = {
    "deputy": (STAFF_IDS, [1]),
    "title": (["clerk", "chief"], [1]),
    "unit": (UNIT_IDS, [1, True]),
    "id": (STAFF_IDS, [1]),
}


NUMBER_FIELDS = {"hours", "cases"}  # fields a range may test (records'; documents have none)
# Fields a pattern ('matches') may test, and patterns: Chinese after a quantifier (where
# durable-rules' $mt and re disagree), alternation (fullmatch must bind the whole), anything.
TEXT_FIELDS = {"unit", "staff", "note", "format", "url", "title", "kind", "deputy", "id",
               "evidence.doc_no", "evidence.file", "evidence.url"}
PATTERNS = [r"\d+號", r".*號", r"北市\d{2}號", r"[a-z]", r"u-[ab]", r"[A-C]\d+", r"odt|ods",
            r"http://.*", r"k-.*", r"\d", r".*", r"t1|t2x", r"1", r"A0",
            r"北市安戶行字第\d+號", r".*\.pdf", r"d[01]"]


@st.composite
def condition(draw, values: dict, cross_types: bool = False) -> dict:
    field = draw(pick(list(values)))
    typed, cross = values[field]
    value = pick(typed + cross if cross_types else typed)
    kinds = (["present", "equals", "in"] + (["range"] if field in NUMBER_FIELDS else [])
             + (["matches"] if field in TEXT_FIELDS else []))
    kind = draw(pick(kinds))
    if kind == "matches":
        return {"field": field, "matches": draw(pick(PATTERNS))}
    if kind == "range":
        bounds = sorted(draw(st.lists(pick(HOURS), min_size=2, max_size=2)))
        which = draw(pick(["at_least", "at_most", "between"]))
        return {"field": field, **({"at_least": bounds[0]} if which != "at_most" else {}),
                **({"at_most": bounds[1]} if which != "at_least" else {})}
    if kind == "present":
        return {"field": field, "present": draw(BOOLS)}
    if kind == "equals":
        return {"field": field, "equals": draw(value)}
    return {"field": field, "in": draw(st.lists(value, min_size=1, max_size=3))}


# Windows of the year: inside it, one day long, around holidays, across the year end.
WINDOWS = [("03-01", "05-31"), ("01-01", "12-31"), ("06-17", "06-17"), ("01-21", "01-29"),
           ("11-01", "02-28"), ("12-15", "01-10"), ("02-29", "03-31"), ("09-23", "10-10"),
           ("10-01", "01-02")]
SPAN_MONTHS = {"year": 12, "half-year": 6, "quarter": 3, "month": 1}


@st.composite
def due_dict(draw, every: str) -> dict:
    """A 'due' that fits ``every``: after the span ends, or on a day inside it."""
    form = draw(pick(["after_end", "after_end", "within"]))
    if form == "after_end":
        unit = draw(pick(["days", "workdays", "months"]))
        low = 1 if unit == "months" else 0
        return {"after_end": {unit: draw(pick([low, 1, 2, 3, 10, 15, 31]
                                                          if unit != "months" else [1, 2]))}}
    if every == "week":
        return {"weekday": draw(ints(1, 7))}
    due = {"day": draw(pick([1, 5, 10, 15, 28, 29, 30, 31]))}
    if SPAN_MONTHS[every] > 1 and draw(BOOLS):
        due["month"] = draw(ints(1, SPAN_MONTHS[every]))
    return due


# --- rules -----------------------------------------------------------------------------------


_OPENED_BY = st.sampled_from([*({"activity": a} for a in ACTIVITIES), {"staff": "hired"}])


@st.composite
def rule_dict(draw, rule_id: str, units, staff, cross_types: bool = False,
              hires: bool = False, cases: bool = False) -> dict:
    base = {
        "id": rule_id,
        "title": text(rule_id),
        "unit": draw(pick(units)),
        "severity": "medium",
        "source": {"clause": "c", "quote": "q"},
        **OFFICE,
    }
    kinds = ["every"] * 6 + ["by", "by", "window", "after", "after", "constraint", "published",
                             "staff", "case"]
    kind = "after" if hires else "case" if cases else draw(pick(kinds))
    if kind == "published":
        kinds = draw(st.lists(pick(KINDS + ["k-none"]), min_size=1, max_size=3,
                              unique=True))
        base["constraint"] = {
            "entity": "document",
            "applies": draw(st.lists(condition(DOCUMENT_VALUES, cross_types), max_size=1)),
            "published": [{"id": k, "title": text(k)} for k in kinds],
        }
        return base
    if kind == "staff":
        base["constraint"] = {
            "entity": "staff",
            "applies": draw(st.lists(condition(STAFF_VALUES, cross_types), max_size=1)),
            "require": draw(st.lists(condition(STAFF_VALUES, cross_types), min_size=1, max_size=2)),
        }
        return base
    if kind == "constraint":
        base["constraint"] = {
            "entity": "document",
            "applies": draw(st.lists(condition(DOCUMENT_VALUES, cross_types), max_size=2)),
            "require": draw(st.lists(condition(DOCUMENT_VALUES, cross_types), min_size=1,
                                           max_size=2)),
        }
        return base
    base["activity"] = draw(pick(ACTIVITIES[:2]))
    if draw(BOOLS):
        base["at_least"] = draw(ints(1, 3))
    if draw(ints(0, 3)) == 0:
        base["total"] = {"field": draw(pick(["hours", "cases"])),
                         "at_least": draw(pick([0.3, 0.5, 1, 2, 3.5, 4]))}
    if draw(BOOLS):
        base["where"] = draw(st.lists(condition(RECORD_VALUES, cross_types), min_size=1,
                                      max_size=2))
    if draw(BOOLS):
        base["lead_days"] = draw(pick(LEADS))
    if kind == "every":
        base["every"] = draw(pick(EVERY))
        if draw(BOOLS):
            base["months"] = sorted(draw(st.sets(ints(1, 12), min_size=1, max_size=4)))
        if base["every"] != "workday" and draw(BOOLS):
            base["due"] = draw(due_dict(base["every"]))
            if draw(ints(0, 2)) == 0:
                base["shift"] = "none"
    elif kind == "by":
        base["by"] = draw(pick(BY_DAYS))
        if draw(ints(0, 2)) == 0:
            base["by_year"] = "next"
        if draw(ints(0, 2)) == 0:
            base["shift"] = "none"
    elif kind == "window":
        start, end = draw(pick(WINDOWS))
        base["window"] = {"from": start, "to": end}
    elif kind == "case":
        # 每月追蹤至結案: a record opens a case tracked each span until another closes it.
        every = draw(pick(["month", "month", "week", "quarter", "half-year", "year"]))
        base["after"] = {"activity": draw(pick(ACTIVITIES)), "every": every,
                         "until": {"activity": draw(pick(ACTIVITIES))}}
        if draw(BOOLS):
            base["due"] = draw(due_dict(every))
        if draw(ints(0, 2)) == 0:
            base["shift"] = "none"
    else:
        count = draw(pick(["within_workdays", "within_days", "within_months"]))
        low = 1 if count == "within_months" else 0
        opened_by = {"staff": "hired"} if hires else draw(_OPENED_BY)
        base["after"] = {**opened_by, count: draw(ints(low, 3))}
        if count != "within_workdays" and draw(BOOLS):
            base["shift"] = draw(pick(["next-working-day", "none"]))
    if kind not in ("after", "case"):
        choices = ["unit", "staff"] if staff or draw(ints(0, 4)) == 0 else ["unit"]
        if draw(ints(0, 2)) == 0:
            base["for_each"] = draw(pick(choices))
    return base


# --- bundles ---------------------------------------------------------------------------------


@st.composite
def plan_dict(draw) -> dict:
    year = draw(pick([2023, 2024]))
    plan = {"agency": "a", "title": "t", "roc_year": year - 1911, "adopted": f"{year}-01-03",
            "document_number": "n"}
    narrowing = draw(ints(0, 3))
    if narrowing:
        # first/last days that keep every calendar span non-empty (see the report: a span
        # cut away entirely by plan.start/end has no working day and the spec is silent)
        starts = [dt.date(year, 1, 1), dt.date(year, 1, 3), dt.date(year, 1, 2),
                  dt.date(year, 1, 21), dt.date(year, 2, 1), dt.date(year, 4, 1),
                  dt.date(year, 4, 3), dt.date(year, 7, 1), dt.date(year, 6, 15)]
        ends = [dt.date(year, 12, 31), dt.date(year, 12, 29), dt.date(year, 12, 20),
                dt.date(year, 12, 30), dt.date(year, 9, 30), dt.date(year, 6, 30),
                dt.date(year, 10, 10), dt.date(year, 7, 5)]
        start = draw(pick(starts)) if narrowing & 1 else dt.date(year, 1, 1)
        end = draw(pick([e for e in ends if e > start + dt.timedelta(days=10)]))
        if narrowing & 1:
            plan["start"] = start.isoformat()
        if narrowing & 2:
            plan["end"] = end.isoformat()
    return plan


@st.composite
def bundles(draw, max_records: int = 40, max_rules: int = 5, cross_types: bool = False,
            hires: bool = False, cases: bool = False):
    """(bundle, as_of)."""
    plan = m.Plan.model_validate(draw(plan_dict()))
    year = plan.year
    units = draw(st.lists(pick(UNIT_IDS), min_size=1, max_size=3, unique=True))
    staff_ids = draw(st.lists(pick(STAFF_IDS), min_size=2 * hires, max_size=3, unique=True))
    extra = (plan.first_day - ONE, plan.first_day, plan.last_day, plan.last_day + ONE,
             *next_year_deadlines(year))
    day = some_day(year, extra)
    staff = {s: m.Staff.model_validate({"id": s, "unit": draw(pick(units)),
                                        "title": draw(pick(["clerk", "chief"])),
                                        "hired": draw(maybe(day)),
                                        "deputy": draw(maybe(pick(STAFF_IDS)))})
             for s in staff_ids}
    unit_objs = {u: m.Unit.model_validate({"id": u, "name": text(u)}) for u in units}

    rule_ids = draw(st.lists(pick(RULE_IDS), min_size=1, max_size=max_rules,
                             unique=True))
    rules = {rid: m.Rule.model_validate(draw(rule_dict(rid, units, staff_ids, cross_types, hires, cases)))
             for rid in rule_ids}
    activities = {a: m.Activity.model_validate({"id": a, "title": text(a)}) for a in ACTIVITIES}

    openers = {r.after.activity: r for r in rules.values() if r.after and r.after.every}
    n = draw(ints(0, max_records))
    numbers = draw(st.lists(ints(0, 999), min_size=n, max_size=n, unique=True))
    records: dict[str, m.Record] = {}
    for num in numbers:
        rid = f"x{num}"
        if records and draw(ints(0, 5)) == 0:
            # identical content under a different id
            twin = draw(pick(sorted(records)))
            records[rid] = records[twin].model_copy(update={"id": rid})
            continue
        data = {"id": rid, "activity": draw(pick(ACTIVITIES)), "date": draw(day)}
        if draw(BOOLS):
            data["unit"] = draw(pick(units))
        if staff_ids and draw(BOOLS):
            data["staff"] = draw(pick(staff_ids))
        if draw(BOOLS):
            data["hours"] = draw(pick(HOURS))
        if draw(BOOLS):
            data["values"] = {"cases": draw(pick(HOURS))}  # a declared number
        if draw(BOOLS):
            data["evidence"] = draw(st.sampled_from([
                {"doc_no": "d"}, {"doc_no": draw(pick(DOC_NOS))},
                {"file": "a.pdf"}, {"url": "https://b", "doc_no": DOC_NOS[0]}]))
        if draw(ints(0, 2)) == 0:
            data["note"] = draw(pick(NOTES))
        if draw(ints(0, 4)) == 0:
            data["period"] = draw(pick(period_keys(data["date"])))
        if cases and openers and draw(ints(0, 2)) == 0:
            data["activity"] = draw(pick(sorted(openers)))  # opens a case
        if records and draw(ints(0, 1 if cases else 4)) == 0:
            # the case it tracks or closes: an earlier record, which may open one (or not)
            opening = [i for i, r in records.items() if r.activity in openers] if cases else []
            data["case"] = draw(pick(opening or sorted(records)))
            opened = records[data["case"]]
            rule = openers.get(opened.activity)
            if rule is not None and draw(ints(0, 3)) > 0:
                # a record of the case's own rule: mostly its tracking, sometimes its closing
                until = rule.schedule.closed_by  # type: ignore[union-attr]
                data["activity"] = draw(pick([rule.activity, rule.activity, until]))
                data["date"] = opened.date + dt.timedelta(days=draw(pick([0, 1, 20, 31, 45, 62, 95])))
        records[rid] = m.Record.model_validate(data)

    waivers: dict[str, m.Waiver] = {}
    for _ in range(draw(ints(0, 3))):
        rule = draw(st.sampled_from(list(rules.values())))
        entity = None
        pool = units if rule.for_each == "unit" else staff_ids
        if rule.for_each and pool and draw(BOOLS):
            entity = draw(pick(pool))
        a, b = sorted([draw(day), draw(day)])
        granted = draw(day)
        expires = min(granted + dt.timedelta(days=draw(pick([0, 1, 10, 60, 200]))),
                      _one_year_after(granted))
        wid = f"w{draw(ints(0, 99))}"
        waivers[wid] = m.Waiver.model_validate({
            "id": wid, "rule": rule.id, "entity": entity, "from": a, "to": b, "reason": "r",
            "approver": "chief", "granted": granted, "expires": expires})

    documents: dict[str, m.Document] = {}
    for i in range(draw(ints(0, 4))):
        did = f"d{i}"
        documents[did] = m.Document.model_validate({
            "id": did, "title": draw(pick(["t1", "t2"])),
            "format": draw(pick(FORMATS)), "editable": draw(BOOLS),
            "published": draw(day),
            "kind": draw(pick([None, *KINDS])),
            "url": draw(pick([None, "http://a", "http://b"]))})

    bundle = Bundle(
        rulebook=RuleBook(activities=activities, rules=rules, origins={}),
        plan=plan, units=unit_objs, staff=staff, roles={}, work_items={}, records=records,
        meetings={}, waivers=waivers, documents=documents, origins={})
    as_of = draw(day)
    if cases and draw(BOOLS):  # late in the year, when cases have been tracked a while
        as_of = draw(pick([plan.last_day, plan.last_day + 20 * ONE, dt.date(year, 9, 30)]))
    return bundle, as_of
