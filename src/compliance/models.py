"""Typed, engine-neutral form of the rules and the plan state (pydantic 2).

Every model forbids unknown keys so a typo is an error, not a silently ignored field.
Cross-references (rule -> unit, record -> activity, ...) are checked in ``load``.

Unlike the other modules, this one does not use ``from __future__ import annotations``:
pydantic would then evaluate every field's annotation from its text, which cost ~3 ms of
each process's start (bench/startup.py, docs/performance.md). A model refers only to models
defined above it; a validator returns ``Self``.
"""

import datetime as dt
import re
from typing import Annotated, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationInfo,
    field_validator,
    model_validator,
)

from compliance.dates import parse_date
from compliance.schedule_words import schedule_word_missing

Date = Annotated[dt.date, BeforeValidator(parse_date)]
ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
STAFF_ID_PATTERN = r"^[A-Z][0-9]{2,4}$"
PERIOD_KEY_PATTERN = r"^\d{4}(-(H[12]|Q[1-4]|W\d{2}|\d{2}|\d{2}-\d{2}))?$"
SHA256_PATTERN = r"^[0-9a-f]{64}$"
Id = Annotated[str, Field(pattern=ID_PATTERN, max_length=80)]
StaffId = Annotated[str, Field(pattern=STAFF_ID_PATTERN)]
NonEmpty = Annotated[str, Field(min_length=1)]
PeriodKey = Annotated[str, Field(
    pattern=PERIOD_KEY_PATTERN,
    description="A period key: 2023, 2023-H1, 2023-Q2, 2023-06, 2023-W20, 2023-06-30 or 2023-01-15")]

Every = Literal["year", "half-year", "quarter", "month", "week", "workday"]
TrackEvery = Literal["year", "half-year", "quarter", "month", "week"]
"""How often an open case is tracked (每月追蹤至結案): any recurrence but a working day."""
Severity = Literal["high", "medium", "low"]
_MONTH_DAY = re.compile(r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Text(Model):
    """A text in both output languages."""

    zh_TW: NonEmpty = Field(alias="zh-TW")
    en: NonEmpty

    def get(self, lang: str) -> str:
        return self.zh_TW if lang == "zh-TW" else self.en


# --- rules -----------------------------------------------------------------------------


class Source(Model):
    clause: NonEmpty = Field(description="Where in the plan, e.g. '附件一 戶籍資料課 6-1'")
    quote: NonEmpty = Field(description="Verbatim plan text (whitespace may differ)")


class Condition(Model):
    """A test on one field of a record or entity: exactly one of present / equals / in, or
    a range (``at_least`` and/or ``at_most``: ≥, ≤, both for 'between')."""

    field: NonEmpty = Field(description="A record's field (unit, staff, hours, note, evidence, "
                            "...; evidence.doc_no, evidence.file or evidence.url for a field of its "
                            "evidence; the id of a number the plan data declares in record_fields, "
                            "e.g. cases, as 'total' names it) or the checked entity's field (id too)")
    present: bool | None = None
    equals: str | int | float | bool | None = None
    in_: list[str | int | float | bool] | None = Field(default=None, alias="in", min_length=1)
    at_least: float | None = Field(default=None, description="≥, on a number field, e.g. hours")
    at_most: float | None = Field(default=None, description="≤, on a number field")
    matches: str | None = Field(
        default=None, min_length=1, description="A Python regular expression the whole text must "
        "match (re.fullmatch), on a text field, e.g. '\\d{3}字第\\d+號' for a 文號 format")

    @model_validator(mode="after")
    def _one_test(self) -> Self:
        ranged = self.at_least is not None or self.at_most is not None
        given = [t for t in (self.present, self.equals, self.in_, self.matches) if t is not None]
        if len(given) + ranged != 1:
            raise ValueError("a condition needs exactly one of 'present', 'equals', 'in' or "
                             "'matches', or 'at_least' and/or 'at_most'")
        if self.matches is not None:
            try:
                re.compile(self.matches)
            except re.error as e:
                # Only the position: re's own wording is English (the catalogue gives zh-TW).
                raise ValueError(f"'matches' is not a valid regular expression (wrong from "
                                 f"character {e.pos} on)") from None
        if self.at_least is not None and self.at_most is not None and self.at_least > self.at_most:
            raise ValueError("'at_least' is above 'at_most': nothing is between them")
        return self

    @property
    def ranged(self) -> bool:
        return self.at_least is not None or self.at_most is not None




class Total(Model):
    """Sum of a numeric record field that must be reached in each period: ``hours``, or a
    number the plan data declares (``record_fields``) and records carry in ``values``."""

    field: Id = Field(description="hours, or the id of a declared record field, e.g. cases")
    at_least: float = Field(gt=0)


class Until(Model):
    """What closes a case a recurring trigger opened: a record of ``activity`` naming the
    case (``case: <id of the opening record>``)."""

    activity: Id = Field(description="The activity whose record closes the case, e.g. complaint-closed (結案)")


class Trigger(Model):
    """A record of ``activity``, or a date of the plan data (``staff: hired``, each staff
    member's 到職日), opens a window that closes ``within_workdays`` working days,
    ``within_days`` calendar days or ``within_months`` months later (exactly one).

    With ``every`` (and ``until``), a record of ``activity`` opens a *case* instead, tracked
    once each span (month, week, ...) from the span after the one it opens in, until a record
    of ``until``'s activity names it (每月追蹤至結案): each span is due as a recurrence is
    (its last working day, or the rule's ``due``)."""

    activity: Id | None = Field(default=None, description="The activity whose records open it")
    staff: Literal["hired"] | None = Field(
        default=None, description="Opened by each staff member's 'hired' date in the plan data; "
        "the staff member's own records answer it")
    within_workdays: int | None = Field(default=None, ge=0, le=250)
    within_days: int | None = Field(
        default=None, ge=0, le=366,
        description="Calendar days (0: the same day); not moved off days off unless the rule "
        "says 'shift: next-working-day', e.g. 第一時間")
    within_months: int | None = Field(
        default=None, ge=1, le=12, description="Months, e.g. 1 for 到職1個月內 (to the day before "
        "the same day of that month, or its last day; 民法第121條)")
    every: TrackEvery | None = Field(
        default=None, description="Each record of 'activity' opens a case tracked once every "
        "month (week, quarter, ...) until 'until' closes it, e.g. month for 每月追蹤至結案")
    until: Until | None = Field(default=None, description="With 'every': the record that closes "
                                "a case, e.g. {activity: complaint-closed}")

    @model_validator(mode="after")
    def _one_count(self) -> Self:
        if (self.activity is None) == (self.staff is None):
            raise ValueError("a trigger needs exactly one of 'activity' or 'staff'")
        given = (self.within_workdays, self.within_days, self.within_months)
        if self.every is not None or self.until is not None:
            if self.every is None:
                raise ValueError("'until' closes a case a recurring trigger opens: it needs 'every'")
            if self.until is None:
                raise ValueError("a recurring trigger ('every') needs 'until', the record that "
                                 "closes the case")
            if self.activity is None:
                raise ValueError("a recurring trigger opens a case from a record: it needs "
                                 "'activity', not 'staff'")
            if any(x is not None for x in given):
                raise ValueError("a recurring trigger is due each span as a recurrence is (its "
                                 "last working day, or the rule's 'due'): it takes no "
                                 "'within_workdays', 'within_days' or 'within_months'")
            return self
        if sum(x is not None for x in given) != 1:
            raise ValueError("a trigger needs exactly one of 'within_workdays', 'within_days' "
                             "or 'within_months'")
        return self


class Count(Model):
    """A length of time counted as the plan counts it: calendar days (日), working days
    (工作天) or months (個月); exactly one. Counting starts the day after the event
    (行政程序法第48條第2項: 始日不算入)."""

    days: int | None = Field(default=None, ge=0, le=366, description="Calendar days, e.g. 7 for 7日內")
    workdays: int | None = Field(default=None, ge=0, le=250, description="Working days, e.g. 3 for 3個工作天內")
    months: int | None = Field(default=None, ge=1, le=12, description="Months, e.g. 1 for 1個月內 "
                               "(to the day before the same day of that month, or its last day)")

    @model_validator(mode="after")
    def _one_unit(self) -> Self:
        if sum(x is not None for x in (self.days, self.workdays, self.months)) != 1:
            raise ValueError("a count needs exactly one of 'days', 'workdays' or 'months'")
        return self


class Due(Model):
    """When a recurring obligation falls due, if not on its span's last working day:
    a count after the span ends (``after_end``), a day of one of its months (``day``, with
    ``month`` the n-th month of the span), or a weekday of its week (``weekday``)."""

    after_end: Count | None = Field(default=None, description="e.g. {days: 10} for 每月10日前報送上月統計")
    day: int | None = Field(default=None, ge=1, le=31, description="Day of the month, e.g. 5 for 每月5日前 "
                            "(the month's last day when it has fewer days)")
    month: int | None = Field(default=None, ge=1, le=12, description="With 'day': the n-th month of "
                              "the span, 1 its first (default), e.g. 6 for a half-year's 6月30日")
    weekday: int | None = Field(default=None, ge=1, le=7, description="Day of the week, 1 Monday "
                                "to 7 Sunday, e.g. 1 for 每週一")

    @model_validator(mode="after")
    def _one_form(self) -> Self:
        if sum(x is not None for x in (self.after_end, self.day, self.weekday)) != 1:
            raise ValueError("'due' needs exactly one of 'after_end', 'day' or 'weekday'")
        if self.month is not None and self.day is None:
            raise ValueError("'month' only says which month of the span a 'day' is in")
        return self


def _is_month_day(text: str) -> str:
    if not _MONTH_DAY.match(text):
        raise ValueError(f"expected a day of the year as MM-DD, e.g. 03-01, not {text!r}")
    _real_month_day(text)
    return text


def _real_month_day(text: str) -> None:
    """04-31 passes the MM-DD pattern but is no day of any year (02-29 is one of leap years)."""
    month, day = (int(x) for x in text.split("-"))
    try:
        dt.date(2024, month, day)
    except ValueError:
        raise ValueError(f"{text!r} is not a day of the year: month {month} has no day {day}") from None


# Checked by a function, not a pattern, so the message says MM-DD rather than a regex.
MonthDay = Annotated[str, AfterValidator(_is_month_day), Field(
    description="A day of the year, MM-DD", json_schema_extra={"pattern": _MONTH_DAY.pattern})]


class YearWindow(Model):
    """Once between two days of the year (``from``, ``to``, MM-DD); a ``to`` before ``from``
    is in the next year (11月至翌年2月)."""

    from_: MonthDay = Field(alias="from")
    to: MonthDay


class Kind(Model):
    """A kind of document that must be published (``Document.kind``)."""

    id: Id
    title: Text


EntityKind = Literal["document", "staff", "unit", "work_item"]
"""The entity kinds of the plan data a constraint can check (``PlanFile`` lists them)."""


class Constraint(Model):
    """Either every entity to which ``applies`` holds must meet ``require``, or, with
    ``published``, at least one such entity of each listed kind must exist. ``entity`` is
    any entity kind the plan data declares; ``published`` needs documents."""

    entity: EntityKind = Field(description="What is checked, one finding each: document, staff "
                               "(e.g. every staff member has a deputy), unit or work_item")
    applies: list[Condition] = Field(default_factory=list)
    require: list[Condition] = Field(default_factory=list)
    published: list[Kind] = Field(default_factory=list, description="Kinds each needing a document")

    @model_validator(mode="after")
    def _one_test(self) -> Self:
        if bool(self.require) == bool(self.published):
            raise ValueError("a constraint needs exactly one of 'require' or 'published'")
        if self.published and self.entity != "document":
            raise ValueError("'published' lists kinds of documents: it needs 'entity: document'")
        return self


Basis = Literal["plan", "law", "office"]


class Law(Model):
    """The article that sets a schedule the plan does not state."""

    article: NonEmpty = Field(description="e.g. 環境教育法第19條第1項")
    text: NonEmpty = Field(description="The article's words")


class Decision(Model):
    """Who chose a schedule the plan leaves open, and when."""

    by: NonEmpty = Field(description="Who decided, e.g. 提升服務品質推動小組")
    on: Date = Field(description="When")
    minutes: NonEmpty = Field(description="Where it is written, e.g. a meeting's minutes")


# --- schedules: one type per kind, built from a rule's YAML keys ------------------------
# The YAML keeps its keys (every/months, by, after, constraint); ``Rule.schedule`` is the
# typed form the calendar and the compiler dispatch on. A new kind is one class here, one
# entry in ``SCHEDULE_KEYS``, one function in ``periods._EXPANDERS`` and one in the compiler.


class Recurring(Model):
    """Every year, half-year, quarter, month, week or working day (optionally some months),
    due on the span's last working day or as ``due`` says (moved off a day off or not)."""

    kind: Literal["every"] = "every"
    every: Every
    months: tuple[int, ...] | None = None
    due: Due | None = None
    shift: bool = True


class FixedDate(Model):
    """Once a year, by a day of the year (``by: MM-DD``), in the plan's year or the next
    (``by_year``), moved off a day off or not (``shift``)."""

    kind: Literal["by"] = "by"
    month: int
    day: int
    next_year: bool = False
    shift: bool = True

    @property
    def text(self) -> str:
        return f"{self.month:02d}-{self.day:02d}"


class Window(Model):
    """Once within a window of the year, due on its last working day (``window``)."""

    kind: Literal["window"] = "window"
    start: tuple[int, int]
    end: tuple[int, int]

    @property
    def crosses_year_end(self) -> bool:
        return self.end < self.start


class Triggered(Model):
    """Within some working days, calendar days or months after each record of a trigger
    activity (``after``); a calendar deadline on a day off moves only when ``shift``."""

    kind: Literal["after"] = "after"
    trigger: Trigger
    shift: bool = False


class CaseTracking(Model):
    """Each span of ``recurrence`` a case stays open (``after`` with ``every`` and ``until``):
    a record of ``opened_by`` opens a case; the spans that begin after its day are due (as
    ``recurrence`` says) until a record of ``closed_by`` naming the case (``case:``) is dated
    on or before a span's due date."""

    kind: Literal["case"] = "case"
    opened_by: str
    closed_by: str
    recurrence: Recurring


class DocumentCheck(Model):
    """A condition every published document must meet, or kinds of document that must be
    published (``constraint``)."""

    kind: Literal["constraint"] = "constraint"
    constraint: Constraint


Schedule = Annotated[Recurring | FixedDate | Window | Triggered | CaseTracking | DocumentCheck,
                     Field(discriminator="kind")]
SCHEDULE_KEYS = ("every", "by", "window", "after", "constraint")


class Rule(Model):
    """One obligation of the plan."""

    id: Id
    title: Text
    unit: Id
    severity: Severity
    source: Source
    also: list[Source] = Field(default_factory=list, description="Further clauses of the same obligation")
    basis: Basis = Field(description="Where the schedule comes from: the plan's words, a law, "
                         "or the office's own choice")
    law: Law | None = Field(default=None, description="Required for basis: law")
    decided: Decision | None = Field(default=None, description="Required for basis: office")
    interpretation: Text | None = Field(
        default=None, description="How a vague clause was read; required where the plan is vague"
    )
    activity: Id | None = Field(default=None, description="Activity a record must carry")
    at_least: int = Field(default=1, ge=1, le=1000)
    total: Total | None = None
    where: list[Condition] = Field(default_factory=list)
    for_each: Literal["unit", "staff"] | None = None
    # Before 'due': a recurring trigger's 'every' decides what 'due' may say (_due_fits).
    after: Trigger | None = None
    every: Every | None = None
    months: list[Annotated[int, Field(ge=1, le=12)]] | None = Field(default=None, min_length=1)
    due: Due | None = Field(default=None, description="With 'every': when each span falls due, "
                            "if not on its last working day")
    by: str | None = Field(default=None, description="Fixed due date in the year, MM-DD")
    by_year: Literal["plan", "next"] = Field(
        default="plan", description="The year of 'by': the plan's, or the next (e.g. a report on "
        "the plan year due 01-31 of the following year)")
    shift: Literal["next-working-day", "none"] | None = Field(
        default=None, description="A deadline on a day off moves to the next working day "
        "(行政程序法第48條), or stays. Default: moves for 'by', 'due' and a case's spans "
        "('after' with 'every'), stays for 'after'")
    window: YearWindow | None = Field(default=None, description="Once between two days of the "
                                      "year, e.g. {from: 03-01, to: 05-31} for 每年3月至5月間")
    constraint: Constraint | None = None
    lead_days: int = Field(default=7, ge=0, le=366, description="Reminder lead time, calendar days")
    _schedule: Schedule = PrivateAttr()

    @property
    def schedule(self) -> Schedule:
        """The rule's schedule, typed by kind (built from the YAML keys when validated)."""
        return self._schedule

    @field_validator("due")
    @classmethod
    def _due_fits(cls, due: Due | None, info: ValidationInfo) -> Due | None:
        # A field validator, so the message points at the rule's 'due' line.
        after = info.data.get("after")
        every = info.data.get("every") or (after.every if after is not None else None)
        if due is not None and (problem := _due_problem(every, due)):
            raise ValueError(problem)
        return due

    @model_validator(mode="after")
    def _one_schedule(self) -> Self:
        kinds = [k for k in SCHEDULE_KEYS if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise ValueError("a rule needs exactly one of 'every', 'by', 'window', 'after' or 'constraint'"
                             + (f" (has {', '.join(kinds)})" if kinds else ""))
        if self.by is not None and not _MONTH_DAY.match(self.by):
            raise ValueError(f"'by' must be a day of the year as MM-DD, e.g. 01-15, not {self.by!r}")
        if self.by is not None:
            _real_month_day(self.by)
        if self.months is not None and self.every is None:
            raise ValueError("'months' only limits a recurrence ('every')")
        if self.by is None and self.by_year != "plan":
            raise ValueError("'by_year' only applies to a fixed date ('by')")
        if self.shift is not None and self.by is None and self.due is None and self.after is None:
            raise ValueError("'shift' only applies to a fixed date ('by'), a recurrence's 'due' "
                             "or a trigger ('after')")
        if (self.basis == "law") != (self.law is not None):
            raise ValueError("a rule has 'law' exactly when its basis is law")
        if (self.basis == "office") != (self.decided is not None):
            raise ValueError("a rule has 'decided' exactly when its basis is office")
        if self.constraint is None and self.activity is None:
            raise ValueError("a calendar rule needs the 'activity' its records carry")
        if self.constraint is not None and (self.activity or self.for_each or self.total):
            raise ValueError("a constraint rule takes no 'activity', 'for_each' or 'total'")
        self._schedule = _build_schedule(self)
        if self.basis == "plan" and (missing := schedule_word_missing(self)):
            raise ValueError(f"basis: plan, but the quote has no word for its schedule ({missing}); "
                             "quote the plan's frequency or date, or use basis office or law")
        return self

    @property
    def kind(self) -> str:
        """The schedule in one word, for listings: the recurrence, fixed-date, trigger or constraint."""
        if self.after is not None and self.after.every is not None:
            return self.after.every  # a case tracked every month: 每月 is its schedule word
        return _KIND_WORD[self.schedule.kind] or self.every or ""


SPAN_MONTHS = {"year": 12, "half-year": 6, "quarter": 3, "month": 1}


def _due_problem(every: Every | None, due: Due) -> str | None:
    """Why ``due`` does not fit the recurrence, or None (checked when the rule is built)."""
    if every is None:
        return "'due' only applies to a recurrence ('every')"
    if every == "workday":
        return "a daily obligation is due on its day: 'due' does not apply to 'every: workday'"
    if due.weekday is not None and every != "week":
        return "'weekday' only applies to 'every: week'"
    if due.day is not None and every == "week":
        return "a week has no day of the month: use 'weekday' (1 Monday to 7 Sunday)"
    if due.day is not None and (due.month or 1) > SPAN_MONTHS[every]:
        return f"'month: {due.month}' is past the end of 'every: {every}' ({SPAN_MONTHS[every]} months)"
    return None


_KIND_WORD = {"every": None, "by": "fixed-date", "window": "window", "after": "trigger",
              "case": None, "constraint": "constraint"}


def _month_day(text: str) -> tuple[int, int]:
    month, day = (int(x) for x in text.split("-"))
    return month, day


def _build_schedule(rule: Rule) -> Schedule:
    if rule.every is not None:
        return Recurring(every=rule.every, months=tuple(rule.months) if rule.months else None,
                         due=rule.due, shift=rule.shift != "none")
    if rule.by is not None:
        month, day = (int(x) for x in rule.by.split("-"))
        return FixedDate(month=month, day=day, next_year=rule.by_year == "next",
                         shift=rule.shift != "none")
    if rule.window is not None:
        return Window(start=_month_day(rule.window.from_), end=_month_day(rule.window.to))
    if rule.after is not None and rule.after.every is not None:
        assert rule.after.activity is not None and rule.after.until is not None  # Trigger checked
        # Each span is due as a recurrence's: moved off a day off unless 'shift: none'.
        return CaseTracking(opened_by=rule.after.activity, closed_by=rule.after.until.activity,
                            recurrence=Recurring(every=rule.after.every, due=rule.due,
                                                 shift=rule.shift != "none"))
    if rule.after is not None:
        return Triggered(trigger=rule.after, shift=rule.shift == "next-working-day")
    assert rule.constraint is not None  # _one_schedule checked there is exactly one
    return DocumentCheck(constraint=rule.constraint)


class Activity(Model):
    id: Id
    title: Text


class RuleFile(Model):
    # Built only when used: ``load`` validates each entry by its own model (see PlanFile).
    model_config = ConfigDict(defer_build=True)

    activities: list[Activity] = Field(default_factory=list)
    rules: list[Rule] = Field(default_factory=list)


# --- plan state ------------------------------------------------------------------------


class Unit(Model):
    id: Id
    name: Text


class Staff(Model):
    id: StaffId
    unit: Id | None = None
    title: NonEmpty = Field(description="Job title (職稱), e.g. 課員")
    hired: Date | None = Field(default=None, description="到職日: opens 'after: {staff: hired}' "
                               "obligations (e.g. 新進人員到職1個月內完成訓練)")
    deputy: StaffId | None = Field(default=None, description="職務代理人 on record, e.g. for "
                                   "'constraint: {entity: staff, require: [{field: deputy, present: true}]}'")


class Role(Model):
    """A seat on the task force (附件二 任務編組)."""

    id: Id
    role: NonEmpty = Field(description="職別, e.g. 主任委員")
    title: NonEmpty = Field(description="職稱, e.g. 主任")
    staff: StaffId
    task: NonEmpty


class WorkItem(Model):
    """One row of the schedule control tables (附件一)."""

    id: Id
    unit: Id
    number: NonEmpty = Field(description="Row number in the annex, e.g. '6-1'")
    item: NonEmpty
    content: NonEmpty
    months: list[Annotated[int, Field(ge=1, le=12)]] | None = Field(
        default=None, min_length=1,
        description="Planned months; absent when the plan text lost them (月份未載)")
    status: Literal["已開始執行", "依期程執行"]
    remark: str | None = None
    rules: list[Id] = Field(default_factory=list, description="Rules that encode this row")


class Plan(Model):
    agency: NonEmpty
    title: NonEmpty
    roc_year: int = Field(ge=1, le=300)
    adopted: Date
    document_number: NonEmpty
    start: Date | None = None
    end: Date | None = None
    source_text: str | None = Field(default=None, description="Plan text file, for quote checks")
    source_sha256: Annotated[str, Field(pattern=SHA256_PATTERN)] | None = Field(
        default=None, description="SHA-256 of the plan text file as adopted: a changed copy is refused")
    note: str | None = None

    @property
    def year(self) -> int:
        return self.roc_year + 1911

    @property
    def first_day(self) -> dt.date:
        return self.start or dt.date(self.year, 1, 1)

    @property
    def last_day(self) -> dt.date:
        return self.end or dt.date(self.year, 12, 31)


class Evidence(Model):
    doc_no: str | None = Field(default=None, description="文號, official document number")
    file: str | None = None
    url: str | None = None

    @model_validator(mode="after")
    def _something(self) -> Self:
        if not (self.doc_no or self.file or self.url):
            raise ValueError("evidence needs at least one of doc_no, file or url")
        return self


class RecordField(Model):
    """A number records may carry (``values: {<id>: n}``), declared in the plan data so a
    rule can sum it (``total: {field: <id>}``), e.g. cases checked, pages, participants."""

    id: Id
    title: Text


class Record(Model):
    """A dated record that something was done."""

    id: Id
    activity: Id
    date: Date
    unit: Id | None = None
    staff: StaffId | None = None
    hours: float | None = Field(default=None, ge=0, le=1000)
    values: dict[Id, Annotated[float, Field(ge=0, le=1_000_000)]] | None = Field(
        default=None, description="Numbers of the plan's declared record fields, e.g. {cases: 60}")
    period: PeriodKey | Id | None = Field(
        default=None, description="The period this record fulfils when done after it ended "
        "(e.g. 2023-06 for June's report sent in July, or the id of the record that triggered "
        "the obligation); it then counts only for that period")
    evidence: Evidence | None = None
    note: str | None = None
    case: Id | None = Field(
        default=None, description="The case this record tracks or closes: the id of the record "
        "that opened it (a rule's 'after: {activity, every, until}'), e.g. complaint-1")


class UnitReport(Model):
    unit: Id
    summary: NonEmpty


class Explanation(Model):
    """Minutes of a meeting on an obligation not done as planned (捌 二: 應儘速改善或提出說明)."""

    rule: Id
    period: PeriodKey | Id = Field(description="Key of the period, e.g. 2023-05 or 2023-W20, or "
                                   "the id of the record that triggered the obligation")
    entity: str | None = None
    explanation: NonEmpty = Field(description="說明: why it was not done")
    action: NonEmpty = Field(description="決議: what was decided to fix it")
    target: Date | None = Field(default=None, description="New target date")


class Meeting(Model):
    """An office meeting (所務會議) or review meeting; yields records of its own."""

    id: Id
    date: Date
    activity: Id = "office-meeting"
    reports: list[UnitReport] = Field(default_factory=list)
    minutes: list[Explanation] = Field(default_factory=list)
    evidence: Evidence | None = None
    note: str | None = None


class Waiver(Model):
    id: Id
    rule: Id
    entity: str | None = None
    from_: Date = Field(alias="from", description="First day of the periods it covers")
    to: Date = Field(description="Last day of the periods it covers")
    reason: NonEmpty
    approver: Id = Field(description="Task-force role that approved it")
    granted: Date
    expires: Date = Field(description="Last day it is valid (inclusive)")



def one_year_after(day: dt.date) -> dt.date:
    """The same day a year later (28 February for 29 February)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


class Document(Model):
    """A document the office publishes (陸 措施五(一))."""

    id: Id
    title: NonEmpty
    format: Literal["odt", "ods", "odp", "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "html"]
    editable: bool
    published: Date
    kind: Id | None = Field(default=None, description="What it is, e.g. plan, white-paper (陸 措施五(一))")
    url: str | None = None


class PlanFile(Model):
    """A file of plan data; the files of a plan folder are merged."""

    # ``load`` validates each entry of a file (and ``plan``) by its own model, so the whole
    # file's validator is built only for an odd value or the JSON Schema (~2.5 ms a process).
    model_config = ConfigDict(defer_build=True)

    plan: Plan | None = None
    record_fields: list[RecordField] = Field(default_factory=list)
    units: list[Unit] = Field(default_factory=list)
    staff: list[Staff] = Field(default_factory=list)
    roles: list[Role] = Field(default_factory=list)
    work_items: list[WorkItem] = Field(default_factory=list)
    records: list[Record] = Field(default_factory=list)
    meetings: list[Meeting] = Field(default_factory=list)
    waivers: list[Waiver] = Field(default_factory=list)
    documents: list[Document] = Field(default_factory=list)
