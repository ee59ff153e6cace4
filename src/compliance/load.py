"""Load a rules folder and a plan folder into a validated ``Bundle``.

Every problem in every file is collected (``Problem``) and raised once as ``InputError``;
a bundle is only returned when there is none, so a partial load is never used.
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import re
import unicodedata
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from compliance import models as m
from compliance._gc import paused
from compliance._yaml import PathKey, SourceMap, format_path, read_yaml
from compliance.bundle import Bundle, Origin, RuleBook
from compliance.errors import InputError, Problem, display_path

_EMPTY_HINT = ("If it is meant to hold nothing, say so explicitly, e.g. `records: []` "
               "or `rules: []`.")


# --- reading and schema validation ---------------------------------------------------------


def _yaml_files(folder: Path, problems: list[Problem]) -> list[Path]:
    if not folder.is_dir():
        problems.append(Problem(display_path(folder), 1, 1, "", "folder not found"))
        return []
    files = sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])
    if not files:
        problems.append(Problem(display_path(folder), 1, 1, "", "folder holds no .yaml files"))
    return files


def _validate(model: type[BaseModel], data: Any, source: SourceMap) -> tuple[Any, list[Problem]]:
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        return None, [_problem(model, err, source) for err in exc.errors()]


def _problem(model: type[BaseModel], err: ErrorDetails, source: SourceMap) -> Problem:
    loc = tuple(err["loc"])
    kind = err["type"]
    message = err["msg"].removeprefix("Value error, ")
    if kind == "extra_forbidden":
        message = f"unknown key {loc[-1]!r}" + _did_you_mean(model, loc)
        return source.problem(loc, message, key=True)
    if kind == "missing":
        message = f"required key {loc[-1]!r} is missing"
    elif kind == "list_type" and err.get("input") is None:
        message += f"; for none write `{loc[-1]}: []`"
    return source.problem(loc, message)


def _did_you_mean(model: type[BaseModel], loc: PathKey) -> str:
    names = _field_names_at(model, loc[:-1])
    close = difflib.get_close_matches(str(loc[-1]), names, n=1)
    return f"; did you mean {close[0]!r}?" if close else f"; expected one of {', '.join(sorted(names))}"


def _field_names_at(model: type[BaseModel], loc: PathKey) -> list[str]:
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        info = current.model_fields.get(part) or next(
            (f for f in current.model_fields.values() if f.alias == part), None)
        if info is None:
            return []
        current = _model_in(info.annotation)
        if current is None:
            return []
    return [f.alias or name for name, f in current.model_fields.items()]


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _model_in(arg)
        if found:
            return found
    return None


def _read(folder: Path, model: type[BaseModel], problems: list[Problem]) -> Iterator[tuple[Any, SourceMap]]:
    for file in _yaml_files(folder, problems):
        data, source, found = read_yaml(file, _EMPTY_HINT)
        problems.extend(found)
        if data is None:
            continue
        obj, schema_found = _validate(model, data, source)
        # A value the YAML layer already refused (bad tag, ...) is not reported twice.
        seen = {(p.line, p.column) for p in found}
        problems.extend(p for p in schema_found if (p.line, p.column) not in seen)
        if obj is not None and not found:
            yield obj, source


def _collect(kind: str, items: Iterable[tuple[Any, SourceMap, PathKey]], into: dict[str, Any],
             origins: dict[tuple[str, str], Origin], problems: list[Problem]) -> None:
    for obj, source, loc in items:
        if obj.id in into:
            first = origins[(kind, obj.id)]
            problems.append(source.problem(loc + ("id",), f"duplicate {kind} id {obj.id!r} "
                                           f"(first defined at {first.path}:{first.line})"))
            continue
        into[obj.id] = obj
        origins[(kind, obj.id)] = Origin(source, loc)


# --- rules ---------------------------------------------------------------------------------


def load_rules(folder: Path) -> RuleBook:
    problems: list[Problem] = []
    book = _read_rules(folder, problems)
    problems.extend(_check_rules(book))
    if problems:
        raise InputError(problems)
    return book


def _read_rules(folder: Path, problems: list[Problem]) -> RuleBook:
    book = RuleBook()
    files = list(_read(folder, m.RuleFile, problems))
    _collect("activity", ((a, s, ("activities", i)) for f, s in files for i, a in enumerate(f.activities)),
             book.activities, book.origins, problems)
    _collect("rule", ((r, s, ("rules", i)) for f, s in files for i, r in enumerate(f.rules)),
             book.rules, book.origins, problems)
    return book


_RECORD_FIELDS = set(m.Record.model_fields)
_DOCUMENT_FIELDS = set(m.Document.model_fields)


def _check_rules(book: RuleBook) -> Iterator[Problem]:
    for rule in book.rules.values():
        at = book.origins[("rule", rule.id)]
        trigger = rule.after.activity if rule.after else None
        for sub, activity in (("activity",), rule.activity), (("after", "activity"), trigger):
            if activity and activity not in book.activities:
                yield at.problem(sub, f"unknown activity {activity!r}" + _suggest(activity, book.activities))
        for i, cond in enumerate(rule.where):
            if cond.field not in _RECORD_FIELDS:
                yield at.problem(("where", i, "field"), f"records have no field {cond.field!r}"
                                 + _suggest(cond.field, _RECORD_FIELDS))
        if rule.constraint:
            for part in ("applies", "require"):
                for i, cond in enumerate(getattr(rule.constraint, part)):
                    if cond.field not in _DOCUMENT_FIELDS:
                        yield at.problem(("constraint", part, i, "field"),
                                         f"documents have no field {cond.field!r}"
                                         + _suggest(cond.field, _DOCUMENT_FIELDS))
        if rule.after and rule.for_each:
            yield at.problem(("for_each",), "'for_each' cannot be combined with 'after'")


def _suggest(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


# --- plan ----------------------------------------------------------------------------------

_PLAN_LISTS = ("units", "staff", "roles", "work_items", "records", "meetings", "waivers", "documents")
_KIND = {"units": "unit", "staff": "staff member", "roles": "role", "work_items": "work item",
         "records": "record", "meetings": "meeting", "waivers": "waiver", "documents": "document"}


@paused  # bounded work, almost no cycles: the collector only walks it (_gc.py)
def load_bundle(rules_dir: Path, plan_dir: Path, *, rulebook: RuleBook | None = None) -> Bundle:
    """Load and cross-check rules and plan; raise ``InputError`` with every problem.

    ``rulebook`` (from ``load_rules``) skips reading the rules again when many plans
    share them.
    """
    problems: list[Problem] = []
    if rulebook is None:
        book = _read_rules(rules_dir, problems)
        problems.extend(_check_rules(book))
    else:
        book = rulebook
    files = list(_read(plan_dir, m.PlanFile, problems))
    plans = [(f.plan, s) for f, s in files if f.plan is not None]
    tables: dict[str, dict[str, Any]] = {name: {} for name in _PLAN_LISTS}
    origins: dict[tuple[str, str], Origin] = {}
    for name in _PLAN_LISTS:
        _collect(_KIND[name], ((obj, s, (name, i)) for f, s in files for i, obj in enumerate(getattr(f, name))),
                 tables[name], origins, problems)
    if not plans:
        if files or not problems:
            problems.append(Problem(display_path(plan_dir), 1, 1, "plan",
                                    "no file defines `plan:` (agency, roc_year, adopted, ...)"))
        raise InputError(problems)
    if len(plans) > 1:
        second = plans[1][1]
        problems.append(second.problem(("plan",), f"`plan:` is defined twice (also in {plans[0][1].path})"))
    plan, plan_source = plans[0]
    origins[("plan", "plan")] = Origin(plan_source, ("plan",))
    _add_meeting_records(tables, origins, problems)
    bundle = Bundle(book, plan, origins=origins, **tables)
    problems.extend(_check_references(bundle))
    problems.extend(_check_quotes(bundle, plan_dir))
    if problems:
        raise InputError(problems)
    return bundle


STATE_LISTS = ("records", "meetings", "waivers", "documents")


def replace_state(base: Bundle, state: dict[str, list[Any]], source: SourceMap, loc: PathKey) -> Bundle:
    """The base plan with its dated state (records, meetings, waivers, documents) replaced,
    e.g. by a rule test case; checked like the plan's own."""
    problems: list[Problem] = []
    tables: dict[str, dict[str, Any]] = {name: {} for name in STATE_LISTS}
    kinds = {_KIND[name] for name in STATE_LISTS}
    origins = {k: v for k, v in base.origins.items() if k[0] not in kinds}
    for name in STATE_LISTS:
        items = ((obj, source, loc + (name, i)) for i, obj in enumerate(state.get(name, [])))
        _collect(_KIND[name], items, tables[name], origins, problems)
    _add_meeting_records(tables, origins, problems)
    bundle = dataclasses.replace(base, origins=origins, **tables)  # type: ignore[arg-type]
    problems.extend(_check_references(bundle))
    if problems:
        raise InputError(problems)
    return bundle


def meeting_record_id(meeting_id: str, unit: str | None = None) -> str:
    # A colon cannot appear in a written record id, so derived ids never collide with them.
    return f"meeting:{meeting_id}" + (f":{unit}" if unit else "")


def _add_meeting_records(tables: dict[str, dict[str, Any]], origins: dict[tuple[str, str], Origin],
                         problems: list[Problem]) -> None:
    """A meeting is itself a record of its activity, and each unit report one of progress-report."""
    records = tables["records"]
    for meeting in tables["meetings"].values():
        at = origins[("meeting", meeting.id)]
        rid = meeting_record_id(meeting.id)
        records[rid] = m.Record.model_construct(
            id=rid, activity=meeting.activity, date=meeting.date, unit=None, staff=None, hours=None,
            evidence=meeting.evidence, note=meeting.note)
        origins[("record", rid)] = at
        seen: set[str] = set()
        for i, report in enumerate(meeting.reports):
            if report.unit in seen:
                problems.append(at.problem(("reports", i, "unit"), f"unit {report.unit!r} reports twice"))
                continue
            seen.add(report.unit)
            rid = meeting_record_id(meeting.id, report.unit)
            records[rid] = m.Record.model_construct(
                id=rid, activity="progress-report", date=meeting.date, unit=report.unit, staff=None,
                hours=None, evidence=meeting.evidence, note=report.summary)
            origins[("record", rid)] = Origin(at.source, at.loc + ("reports", i))


def _check_references(b: Bundle) -> Iterator[Problem]:
    def ref(kind: str, ident: str, sub: PathKey, value: str | None, known: dict[str, Any], what: str):
        if value is not None and value not in known:
            at = b.defined_at(kind, ident)
            yield at.problem(sub, f"unknown {what} {value!r}" + _suggest(value, known))

    for rule in b.rules.values():
        yield from ref("rule", rule.id, ("unit",), rule.unit, b.units, "unit")
    for s in b.staff.values():
        yield from ref("staff member", s.id, ("unit",), s.unit, b.units, "unit")
    for role in b.roles.values():
        yield from ref("role", role.id, ("staff",), role.staff, b.staff, "staff member")
    for item in b.work_items.values():
        yield from ref("work item", item.id, ("unit",), item.unit, b.units, "unit")
        for i, rid in enumerate(item.rules):
            yield from ref("work item", item.id, ("rules", i), rid, b.rules, "rule")
    for meeting in b.meetings.values():
        yield from ref("meeting", meeting.id, ("activity",), meeting.activity, b.activities, "activity")
        for i, report in enumerate(meeting.reports):
            yield from ref("meeting", meeting.id, ("reports", i, "unit"), report.unit, b.units, "unit")
        for i, note in enumerate(meeting.minutes):
            yield from ref("meeting", meeting.id, ("minutes", i, "rule"), note.rule, b.rules, "rule")
        if meeting.reports and "progress-report" not in b.activities:
            yield b.defined_at("meeting", meeting.id).problem(
                ("reports",), "unit reports need the activity 'progress-report' in the rules")
    for rec in b.records.values():
        if rec.id.startswith("meeting:"):
            continue
        yield from ref("record", rec.id, ("activity",), rec.activity, b.activities, "activity")
        yield from ref("record", rec.id, ("unit",), rec.unit, b.units, "unit")
        yield from ref("record", rec.id, ("staff",), rec.staff, b.staff, "staff member")
    for w in b.waivers.values():
        yield from _check_waiver(b, w)


def _check_waiver(b: Bundle, w: m.Waiver) -> Iterator[Problem]:
    at = b.defined_at("waiver", w.id)
    if w.to < w.from_:
        yield at.problem(("to",), f"'to' ({w.to.isoformat()}) is before 'from' ({w.from_.isoformat()})")
    if w.expires < w.granted:
        yield at.problem(("expires",), "'expires' is before 'granted'")
    elif w.expires > m.one_year_after(w.granted):
        yield at.problem(("expires",), "a waiver is valid for at most one year: 'expires' must be "
                         f"on or before {m.one_year_after(w.granted).isoformat()}")
    if w.approver not in b.roles:
        yield at.problem(("approver",), f"unknown task-force role {w.approver!r}" + _suggest(w.approver, b.roles))
    rule = b.rules.get(w.rule)
    if rule is None:
        yield at.problem(("rule",), f"unknown rule {w.rule!r}" + _suggest(w.rule, b.rules))
        return
    if w.entity is not None:
        tables: dict[str, dict[str, Any]] = {"unit": b.units, "staff": b.staff}
        known = tables.get(rule.for_each or "", {})
        if w.entity not in known:
            what = rule.for_each or "nothing (the rule does not apply per unit or staff member)"
            yield at.problem(("entity",), f"entity {w.entity!r} is not a {what} of rule {rule.id!r}")


def normalise_quote(text: str) -> str:
    """Compare quotations as the seed README says: NFKC, whitespace removed."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@lru_cache(maxsize=8)
def _plan_text(path: Path, mtime_ns: int) -> tuple[str, str]:
    """The normalised text and the SHA-256 of the file's bytes."""
    data = path.read_bytes()
    return normalise_quote(data.decode("utf-8")), hashlib.sha256(data).hexdigest()


def _check_quotes(b: Bundle, plan_dir: Path) -> Iterator[Problem]:
    if not b.plan.source_text:
        return
    text_file = (plan_dir / b.plan.source_text).resolve()
    try:
        plan_text, digest = _plan_text(text_file, text_file.stat().st_mtime_ns)
    except (OSError, UnicodeDecodeError) as exc:
        yield b.origins[("plan", "plan")].problem(("source_text",), f"cannot read plan text: {exc}")
        return
    if b.plan.source_sha256 and digest != b.plan.source_sha256:
        yield b.origins[("plan", "plan")].problem(
            ("source_sha256",), f"{b.plan.source_text} is not the adopted plan text: its SHA-256 is "
            f"{digest}, not the recorded {b.plan.source_sha256}")
    for rule in b.rules.values():
        cited = [(("source", "quote"), rule.source),
                 *((("also", i, "quote"), s) for i, s in enumerate(rule.also))]
        for at, source in cited:
            if normalise_quote(source.quote) not in plan_text:
                yield b.defined_at("rule", rule.id).problem(
                    at, f"quote is not verbatim from {b.plan.source_text} "
                    "(compared after NFKC normalisation, whitespace removed)")


# Bundle, Origin and RuleBook live in compliance.bundle; re-exported for older imports.
__all__ = ["Bundle", "Origin", "RuleBook", "format_path", "load_bundle", "load_rules", "meeting_record_id"]
