"""Typed, engine-neutral form of the rules and the plan state (pydantic 2).

Every model forbids unknown keys so a typo is an error, not a silently ignored field.
Cross-references (rule -> unit, record -> activity, ...) are checked in ``load``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, model_validator

from compliance.dates import parse_date
from compliance.schedule_words import schedule_word_missing

Date = Annotated[dt.date, BeforeValidator(parse_date)]
Id = Annotated[str, Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80)]
StaffId = Annotated[str, Field(pattern=r"^[A-Z][0-9]{2,4}$")]
NonEmpty = Annotated[str, Field(min_length=1)]
PeriodKey = Annotated[str, Field(
    pattern=r"^\d{4}(-(H[12]|Q[1-4]|W\d{2}|\d{2}|\d{2}-\d{2}))?$",
    description="A period key: 2023, 2023-H1, 2023-Q2, 2023-06, 2023-W20, 2023-06-30 or 2023-01-15")]

Every = Literal["year", "half-year", "quarter", "month", "week", "workday"]
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
    """A test on one field of a record or entity: exactly one of present / equals / in."""

    field: NonEmpty
    present: bool | None = None
    equals: str | int | float | bool | None = None
    in_: list[str | int | float | bool] | None = Field(default=None, alias="in", min_length=1)

    @model_validator(mode="after")
    def _one_test(self) -> Condition:
        given = [t for t in (self.present, self.equals, self.in_) if t is not None]
        if len(given) != 1:
            raise ValueError("a condition needs exactly one of 'present', 'equals' or 'in'")
        return self


class Total(Model):
    """Sum of a numeric record field that must be reached in each period."""

    field: Literal["hours"]
    at_least: float = Field(gt=0)


class Trigger(Model):
    """A record of ``activity`` opens a window that closes ``within_workdays`` working days
    or ``within_days`` calendar days later (exactly one of the two)."""

    activity: Id
    within_workdays: int | None = Field(default=None, ge=0, le=250)
    within_days: int | None = Field(
        default=None, ge=0, le=366,
        description="Calendar days (0: the same day); not moved off days off, e.g. 第一時間")

    @model_validator(mode="after")
    def _one_count(self) -> Trigger:
        if (self.within_workdays is None) == (self.within_days is None):
            raise ValueError("a trigger needs exactly one of 'within_workdays' or 'within_days'")
        return self


class Kind(Model):
    """A kind of document that must be published (``Document.kind``)."""

    id: Id
    title: Text


class Constraint(Model):
    """Either every entity to which ``applies`` holds must meet ``require``, or, with
    ``published``, at least one such entity of each listed kind must exist."""

    entity: Literal["document"]
    applies: list[Condition] = Field(default_factory=list)
    require: list[Condition] = Field(default_factory=list)
    published: list[Kind] = Field(default_factory=list, description="Kinds each needing a document")

    @model_validator(mode="after")
    def _one_test(self) -> Constraint:
        if bool(self.require) == bool(self.published):
            raise ValueError("a constraint needs exactly one of 'require' or 'published'")
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
    """Every year, half-year, quarter, month, week or working day (optionally some months)."""

    kind: Literal["every"] = "every"
    every: Every
    months: tuple[int, ...] | None = None


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


class Triggered(Model):
    """Within some working or calendar days after each record of a trigger activity (``after``)."""

    kind: Literal["after"] = "after"
    trigger: Trigger


class DocumentCheck(Model):
    """A condition every published document must meet, or kinds of document that must be
    published (``constraint``)."""

    kind: Literal["constraint"] = "constraint"
    constraint: Constraint


Schedule = Annotated[Recurring | FixedDate | Triggered | DocumentCheck, Field(discriminator="kind")]
SCHEDULE_KEYS = ("every", "by", "after", "constraint")


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
    every: Every | None = None
    months: list[Annotated[int, Field(ge=1, le=12)]] | None = Field(default=None, min_length=1)
    by: str | None = Field(default=None, description="Fixed due date in the year, MM-DD")
    by_year: Literal["plan", "next"] = Field(
        default="plan", description="The year of 'by': the plan's, or the next (e.g. a report on "
        "the plan year due 01-31 of the following year)")
    shift: Literal["next-working-day", "none"] = Field(
        default="next-working-day", description="A 'by' deadline on a day off moves to the next "
        "working day (行政程序法第48條), or stays")
    after: Trigger | None = None
    constraint: Constraint | None = None
    lead_days: int = Field(default=7, ge=0, le=366, description="Reminder lead time, calendar days")
    _schedule: Schedule = PrivateAttr()

    @property
    def schedule(self) -> Schedule:
        """The rule's schedule, typed by kind (built from the YAML keys when validated)."""
        return self._schedule

    @model_validator(mode="after")
    def _one_schedule(self) -> Rule:
        kinds = [k for k in SCHEDULE_KEYS if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise ValueError("a rule needs exactly one of 'every', 'by', 'after' or 'constraint'"
                             + (f" (has {', '.join(kinds)})" if kinds else ""))
        if self.by is not None and not _MONTH_DAY.match(self.by):
            raise ValueError(f"'by' must be a day of the year as MM-DD, e.g. 01-15, not {self.by!r}")
        if self.months is not None and self.every is None:
            raise ValueError("'months' only limits a recurrence ('every')")
        if self.by is None and (self.by_year != "plan" or self.shift != "next-working-day"):
            raise ValueError("'by_year' and 'shift' only apply to a fixed date ('by')")
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
        return _KIND_WORD[self.schedule.kind] or self.every or ""


_KIND_WORD = {"every": None, "by": "fixed-date", "after": "trigger", "constraint": "constraint"}


def _build_schedule(rule: Rule) -> Schedule:
    if rule.every is not None:
        return Recurring(every=rule.every, months=tuple(rule.months) if rule.months else None)
    if rule.by is not None:
        month, day = (int(x) for x in rule.by.split("-"))
        return FixedDate(month=month, day=day, next_year=rule.by_year == "next",
                         shift=rule.shift == "next-working-day")
    if rule.after is not None:
        return Triggered(trigger=rule.after)
    assert rule.constraint is not None  # _one_schedule checked there is exactly one
    return DocumentCheck(constraint=rule.constraint)


class Activity(Model):
    id: Id
    title: Text


class RuleFile(Model):
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
    source_sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")] | None = Field(
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
    def _something(self) -> Evidence:
        if not (self.doc_no or self.file or self.url):
            raise ValueError("evidence needs at least one of doc_no, file or url")
        return self


class Record(Model):
    """A dated record that something was done."""

    id: Id
    activity: Id
    date: Date
    unit: Id | None = None
    staff: StaffId | None = None
    hours: float | None = Field(default=None, ge=0, le=1000)
    period: PeriodKey | Id | None = Field(
        default=None, description="The period this record fulfils when done after it ended "
        "(e.g. 2023-06 for June's report sent in July, or the id of the record that triggered "
        "the obligation); it then counts only for that period")
    evidence: Evidence | None = None
    note: str | None = None


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

    plan: Plan | None = None
    units: list[Unit] = Field(default_factory=list)
    staff: list[Staff] = Field(default_factory=list)
    roles: list[Role] = Field(default_factory=list)
    work_items: list[WorkItem] = Field(default_factory=list)
    records: list[Record] = Field(default_factory=list)
    meetings: list[Meeting] = Field(default_factory=list)
    waivers: list[Waiver] = Field(default_factory=list)
    documents: list[Document] = Field(default_factory=list)
