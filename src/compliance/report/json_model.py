"""The JSON report's shape, as typed dictionaries: the writer builds exactly these (mypy checks
it) and ``schemas/report.schema.json`` is generated from them (``compliance schema``).

Typed dictionaries rather than pydantic models: the report of a large plan holds tens of
thousands of findings, and a dict costs nothing to build. Bump ``SCHEMA_VERSION``'s major
number when a field is removed or changes meaning, its minor number when one is added.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, NotRequired

from pydantic import ConfigDict, TypeAdapter, WithJsonSchema, with_config
from typing_extensions import TypedDict

from compliance.findings import Light, Status

SCHEMA_VERSION: Literal["1.1"] = "1.1"  # 1.1: rule_unit, basis, waivers[].covers

IsoDate = Annotated[str, WithJsonSchema({"type": "string", "format": "date"})]
_STRICT = ConfigDict(extra="forbid")


# The functional form: "zh-TW" is not an identifier.
TitleDoc = TypedDict("TitleDoc", {"zh-TW": str, "en": str})
TitleDoc.__pydantic_config__ = _STRICT  # type: ignore[attr-defined]


@with_config(_STRICT)
class PeriodDoc(TypedDict):
    key: str
    start: IsoDate
    end: IsoDate


@with_config(_STRICT)
class SourceDoc(TypedDict):
    clause: str
    quote: str


@with_config(_STRICT)
class WaiverDoc(TypedDict):
    id: str
    expires: IsoDate
    expired: bool
    covers: bool  # decided per period: a period due by the expiry stays covered after it


@with_config(_STRICT)
class ExplanationDoc(TypedDict):
    meeting: str
    date: IsoDate
    explanation: str
    action: str
    target: IsoDate | None


@with_config(_STRICT)
class FindingDoc(TypedDict):
    rule: str
    title: TitleDoc
    unit: str  # the finding's owner (compliance.ownership.owner)
    rule_unit: str  # the rule's own unit
    severity: Literal["high", "medium", "low"]
    basis: Literal["plan", "law", "office"]
    status: Status
    light: Light
    period: PeriodDoc
    due: IsoDate
    required: int
    count: int
    records: list[str]
    met_on: IsoDate | None
    source: SourceDoc
    message: str
    nominal_due: NotRequired[IsoDate]
    required_total: NotRequired[float]
    total: NotRequired[float | None]
    entity: NotRequired[str]
    trigger: NotRequired[str]
    waivers: NotRequired[list[WaiverDoc]]
    explanations: NotRequired[list[ExplanationDoc]]


@with_config(_STRICT)
class PlanDoc(TypedDict):
    agency: str
    title: str
    roc_year: int
    document_number: str


@with_config(_STRICT)
class ReportDoc(TypedDict):
    schema_version: Literal["1.1"]
    plan: PlanDoc
    as_of: IsoDate
    summary: dict[Status, int]
    findings: list[FindingDoc]


def report_schema() -> dict[str, Any]:
    body = TypeAdapter(ReportDoc).json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            **body, "title": f"compliance JSON report, schema version {SCHEMA_VERSION}"}
