"""Load a rules folder and a plan folder into a validated ``Bundle``.

Every problem in every file is collected (``Problem``) and raised once as ``InputError``;
a bundle is only returned when there is none, so a partial load is never used.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import hashlib
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from compliance import models as m
from compliance._gc import paused
from compliance._yaml import (
    MAX_BYTES,
    PathKey,
    SourceMap,
    format_path,
    ids_in_text,
    read_regular,
    read_yaml,
)
from compliance.bundle import Bundle, Origin, RuleBook
from compliance.dates import EARLIEST, LATEST, roc_year
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
        return None, problems_of(model, exc, source)


def problems_of(model: type[BaseModel], exc: ValidationError, source: SourceMap, prefix: PathKey = (),
                root: type[BaseModel] | None = None) -> list[Problem]:
    """pydantic's errors as problems at their lines: a misspelt key once, the branches of a
    union of kinds of text (a period key, an id, a staff number) as one problem."""
    errors = [{**err, "loc": prefix + tuple(err["loc"])}
              for err in _unions_once(_typos_once(exc.errors()))]
    return [_problem(root or model, err, source) for err in errors]


# What a clerk is told a text must look like, instead of the regular expression.
_SHAPES = {
    m.ID_PATTERN: "an id like 'unit-admin' (lower-case letters and digits joined by '-')",
    m.STAFF_ID_PATTERN: "a staff number like 'A01' (a capital letter and 2 to 4 digits)",
    m.PERIOD_KEY_PATTERN: "a period key (`2023` / `2023-H1` / `2023-Q2` / `2023-06` / `2023-W20` / `2023-06-30`)",
    m.SHA256_PATTERN: "a SHA-256 digest (64 hexadecimal digits)",
}
_BRANCH = "constrained-str"  # pydantic's name for a constrained text in a union's error path


def _unions_once(errors: list[Any]) -> list[Any]:
    """A value that is none of a union's kinds of text gives pydantic one error per kind, each
    under the branch name ``constrained-str``; they become one error at the field itself,
    naming every kind ("'x' is not a period key (...) or an id like ...")."""
    out: list[Any] = []
    merged: dict[tuple[Any, ...], dict[str, Any]] = {}
    for err in errors:
        loc = tuple(err["loc"])
        if not (loc and loc[-1] == _BRANCH and err["type"] == "string_pattern_mismatch"):
            out.append(err)
            continue
        first = merged.get(loc[:-1])
        if first is None:
            first = merged[loc[:-1]] = {**err, "loc": loc[:-1], "patterns": []}
            out.append(first)
        first["patterns"].append(err["ctx"]["pattern"])
    return out


def _shape_message(value: Any, patterns: list[str]) -> str | None:
    """"'x' is not <kind>" when every pattern is one of the known kinds of text."""
    shapes = [_SHAPES.get(p) for p in dict.fromkeys(patterns)]
    if not shapes or None in shapes:
        return None
    *head, last = shapes
    kinds = f"{', '.join(head)} or {last}" if head else str(last)  # type: ignore[arg-type]
    return f"{value!r} is not {kinds}"


def error_messages(exc: ValidationError) -> list[tuple[PathKey, str]]:
    """(path, message) of each of pydantic's errors, worded as ``_problem`` words them:
    for callers that place problems themselves (a spreadsheet's rows)."""
    return [(tuple(err["loc"]), _message(err)) for err in _unions_once(exc.errors())]


def _message(err: ErrorDetails | dict[str, Any]) -> str:
    message = err["msg"].removeprefix("Value error, ")
    if err["type"] == "string_pattern_mismatch":
        patterns: list[str] = err.get("patterns") or [(err.get("ctx") or {}).get("pattern", "")]  # type: ignore[assignment]
        message = _shape_message(err.get("input"), patterns) or message
    return message


def _problem(model: type[BaseModel], err: ErrorDetails | dict[str, Any], source: SourceMap) -> Problem:
    loc = tuple(err["loc"])
    kind = err["type"]
    message = _message(err)
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


# Kinds whose ids may be referenced, and the list that defines them.
_REFERENCED = {"units": "unit", "staff": "staff member", "roles": "task-force role",
               "rules": "rule", "activities": "activity"}
UNREADABLE = "*"  # in Broken: a file of the folder could not be read, its ids are unknown


Broken = dict[str, set[str]]  # what a reference names -> ids whose definition was refused


@dataclass
class _Parts:
    """The valid parts of one file: each list entry is validated on its own, so one bad
    record does not hide the cross-reference problems of the others."""

    source: SourceMap
    lists: dict[str, list[tuple[int, Any]]] = field(default_factory=dict)
    single: dict[str, Any] = field(default_factory=dict)
    refused: set[str] = field(default_factory=set)  # single entries present but invalid


def _read_parts(folder: Path, model: type[BaseModel], problems: list[Problem],
                broken: Broken, kinds: Iterable[str]) -> Iterator[_Parts]:
    files = _yaml_files(folder, problems)
    if not files:  # no folder, or no files: every reference into it would be "unknown"
        for kind in kinds:
            broken.setdefault(kind, set()).add(UNREADABLE)
    for file in files:
        data, source, found = read_yaml(file, _EMPTY_HINT)
        problems.extend(found)
        if data is None:
            written = ids_in_text(file)  # what the file seems to define is not reported again
            for kind in kinds:
                broken.setdefault(kind, set()).update(written)
            continue
        seen = {(p.line, p.column) for p in found}  # a value the YAML layer refused is not
        parts = _Parts(source)                      # reported again by the schema
        for problem in _validate_parts(model, data, parts, broken):
            if (problem.line, problem.column) not in seen:
                problems.append(problem)
        yield parts


def _validate_parts(model: type[BaseModel], data: dict[str, Any], parts: _Parts,
                    broken: Broken) -> Iterator[Problem]:
    fields = {f.alias or name: f for name, f in model.model_fields.items()}
    for key, value in data.items():
        info = fields.get(key)
        if info is None:
            yield parts.source.problem((key,), f"unknown key {key!r}" + _did_you_mean(model, (key,)),
                                       key=True)
            continue
        item_model = _model_in(info.annotation)
        if item_model is not None and isinstance(value, dict) and _is_optional_model(info.annotation):
            # ``plan:`` is validated by its own model: the file's model (whose validator holds
            # every other model too) is then never built in a run that meets no odd value.
            obj, errors = _validate_at(item_model, value, parts.source, (key,), model)
            if errors:
                parts.refused.add(key)
                yield from errors
            else:
                parts.single[key] = obj
            continue
        if item_model is None or getattr(info.annotation, "__origin__", None) is not list:
            obj, errors = _validate_at(model, {key: value}, parts.source)
            if errors:
                parts.refused.add(key)
                yield from errors
            else:
                parts.single[key] = getattr(obj, key)
            continue
        if not isinstance(value, list):
            obj, errors = _validate_at(model, {key: value}, parts.source)
            yield from errors
            if key in _REFERENCED:
                broken.setdefault(key, set()).add(UNREADABLE)
            continue
        valid = parts.lists.setdefault(key, [])
        for i, item in enumerate(value):
            obj, errors = _validate_at(item_model, item, parts.source, (key, i), model)
            if errors:
                yield from errors
                if key in _REFERENCED and isinstance(item, dict) and isinstance(item.get("id"), str):
                    broken.setdefault(key, set()).add(item["id"])
            else:
                valid.append((i, obj))


def _is_optional_model(annotation: Any) -> bool:
    """``SomeModel | None`` (or ``SomeModel``): a mapping given for it is that model's."""
    args = getattr(annotation, "__args__", None) or (annotation,)
    return all(a is type(None) or (isinstance(a, type) and issubclass(a, BaseModel)) for a in args)


def _validate_at(model: type[BaseModel], data: Any, source: SourceMap, prefix: PathKey = (),
                 root: type[BaseModel] | None = None) -> tuple[Any, list[Problem]]:
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        return None, problems_of(model, exc, source, prefix, root)


def _typos_once(errors: list[Any]) -> list[Any]:
    """A misspelled key is one problem: "unknown key 'dat'; did you mean 'date'?" says it,
    so the "required key 'date' is missing" it causes is dropped."""
    missing = {tuple(e["loc"]) for e in errors if e["type"] == "missing"}
    typos = set()
    for e in errors:
        if e["type"] == "extra_forbidden":
            parent, name = tuple(e["loc"][:-1]), str(e["loc"][-1])
            names = [str(loc[-1]) for loc in missing if loc[:-1] == parent]
            typos |= {parent + (c,) for c in difflib.get_close_matches(name, names, n=1)}
    return [e for e in errors if not (e["type"] == "missing" and tuple(e["loc"]) in typos)]


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
    files = list(_read_parts(folder, m.RuleFile, problems, book.broken, ("rules", "activities")))
    for name, kind, into in (("activities", "activity", book.activities), ("rules", "rule", book.rules)):
        _collect(kind, ((obj, f.source, (name, i)) for f in files for i, obj in f.lists.get(name, [])),
                 into, book.origins, problems)
    return book


# A declared number (values: {cases: 3}) is named by its id alone, as 'total' names it
# (field: cases); it is checked against the plan data's record_fields once they are loaded
# (_check_references). The evidence's own fields are named evidence.doc_no, evidence.file,
# evidence.url (text, absent when the record has no evidence or the evidence lacks that field).
_EVIDENCE_FIELDS = {f"evidence.{name}" for name in m.Evidence.model_fields}
_RECORD_FIELDS = (set(m.Record.model_fields) - {"values"}) | _EVIDENCE_FIELDS
# The entity kinds a constraint checks, and what their fields are called in messages.
_ENTITY_MODELS: dict[str, type[m.Model]] = {"document": m.Document, "staff": m.Staff,
                                            "unit": m.Unit, "work_item": m.WorkItem}
_ENTITY_PLURAL = {"document": "documents", "staff": "staff members", "unit": "units",
                  "work_item": "work items"}


def _not_a_number(cond: m.Condition) -> str:
    test = "at_least" if cond.at_least is not None else "at_most"
    return f"'{test}' compares numbers; field '{cond.field}' does not hold numbers"


def _check_rules(book: RuleBook) -> Iterator[Problem]:
    refused = {_REFERENCED[k]: ids for k, ids in book.broken.items()}
    for rule in book.rules.values():
        at = book.origins[("rule", rule.id)]
        trigger = rule.after.activity if rule.after else None
        until = rule.after.until.activity if rule.after and rule.after.until else None
        for sub, activity in ((("activity",), rule.activity), (("after", "activity"), trigger),
                              (("after", "until", "activity"), until)):
            if activity and activity not in book.activities and not _refused(refused, "activity", activity):
                yield at.problem(sub, f"unknown activity {activity!r}" + _suggest(activity, book.activities))
        for i, cond in enumerate(rule.where):
            if cond.field in _RECORD_FIELDS:
                yield from _check_condition(at, ("where", i), cond, _RECORD_KINDS[cond.field])
            elif not _may_be_declared(cond.field):
                yield at.problem(("where", i, "field"), f"records have no field {cond.field!r}"
                                 + _suggest(cond.field, _RECORD_FIELDS))
        if rule.constraint:
            for part in ("applies", "require"):
                kinds = _ENTITY_KINDS[rule.constraint.entity]
                for i, cond in enumerate(getattr(rule.constraint, part)):
                    if cond.field not in kinds:
                        yield at.problem(("constraint", part, i, "field"),
                                         f"{_ENTITY_PLURAL[rule.constraint.entity]} have no field "
                                         f"{cond.field!r}" + _suggest(cond.field, kinds))
                    else:
                        yield from _check_condition(at, ("constraint", part, i), cond, kinds[cond.field])
        if rule.after and rule.for_each:
            yield at.problem(("for_each",), "'for_each' cannot be combined with 'after'")


def _may_be_declared(field: str) -> bool:
    """Whether a record condition's field could be a number the plan data declares (an id):
    the plan data says whether it is (``_check_declared``)."""
    return re.fullmatch(m.ID_PATTERN, field) is not None


def _check_declared(b: Bundle) -> Iterator[Problem]:
    """Record conditions on a number the plan data declares (record_fields), e.g.
    ``{field: cases, at_least: 3}``: the name must be declared, and tested as a number."""
    for rule in b.rules.values():
        for i, cond in enumerate(rule.where):
            if cond.field in _RECORD_FIELDS or not _may_be_declared(cond.field):
                continue  # a record's own field, or a name already refused (_check_rules)
            at = b.defined_at("rule", rule.id)
            if cond.field in b.record_fields:
                yield from _check_condition(at, ("where", i), cond, "number")
                continue
            known = [*_RECORD_FIELDS, *b.record_fields]
            hint = _suggest(cond.field, known) or ("; a number records carry is declared in the "
                                                   "plan data under record_fields")
            yield at.problem(("where", i, "field"), f"records have no field {cond.field!r}" + hint)
    for rf in b.record_fields.values():
        if rf.id in m.Record.model_fields:
            yield b.defined_at("record field", rf.id).problem(
                ("id",), f"{rf.id!r} is a field of every record; give the declared number another id")


def _value_kind(annotation: Any) -> str:
    """What a field holds, for type-checking conditions: text, number, yes/no, or a value
    that can only be tested for presence (dates are compared by the schedule, evidence is
    a mapping)."""
    if getattr(annotation, "__metadata__", None) is not None:  # Annotated[...]
        return _value_kind(annotation.__origin__)
    args = [a for a in getattr(annotation, "__args__", ()) if a is not type(None)]
    if getattr(annotation, "__origin__", None) is Literal:
        return "text"
    if args and annotation not in (str, int, float, bool):
        kinds = {_value_kind(a) for a in args}
        return kinds.pop() if len(kinds) == 1 else "presence"
    if annotation is bool:
        return "yes/no"
    if annotation in (int, float):
        return "number"
    if annotation is str:
        return "text"
    return "presence"


_RECORD_KINDS = {name: _value_kind(f.annotation) for name, f in m.Record.model_fields.items()}
_RECORD_KINDS |= {f"evidence.{name}": _value_kind(f.annotation) for name, f in m.Evidence.model_fields.items()}
# A list (a work item's months, rules) or a bilingual name can only be tested for presence;
# an entity's id is text (e.g. {field: id, in: [R01, R02]}).
_ENTITY_KINDS = {kind: {name: "presence" if name in ("months", "rules", "name") else _value_kind(f.annotation)
                        for name, f in model.model_fields.items()}
                 for kind, model in _ENTITY_MODELS.items()}
_FITS = {"text": lambda v: isinstance(v, str), "yes/no": lambda v: isinstance(v, bool),
         "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)}
_EXAMPLE = {"text": "write quoted text", "yes/no": "write true or false",
            "number": "write a number without quotes"}


def _check_condition(at: Origin, loc: PathKey, cond: m.Condition, kind: str) -> Iterator[Problem]:
    """A condition whose value can never equal the field's (``hours`` against "1.0") is
    an error when the rule is loaded, not a rule that silently never matches."""
    if cond.present is not None:
        return
    if cond.matches is not None:  # a pattern matches text only
        if kind != "text":
            yield at.problem(loc, f"'matches' tests text; field {cond.field!r} does not hold text")
        return
    if cond.ranged:  # ≥ / ≤ compare numbers only
        if kind != "number":
            yield at.problem(loc, _not_a_number(cond))
        return
    if kind == "presence":
        yield at.problem(loc + ("field",), f"field {cond.field!r} can only be tested with 'present'")
        return
    tests: list[tuple[PathKey, Any]] = (
        [(("equals",), cond.equals)] if cond.in_ is None
        else [(("in", j), v) for j, v in enumerate(cond.in_)])
    for sub, value in tests:
        if not _FITS[kind](value):
            yield at.problem(loc + sub, f"field {cond.field!r} holds {kind} values, so {value!r} "
                             f"would never match; {_EXAMPLE[kind]}")


def _suggest(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


# --- plan ----------------------------------------------------------------------------------

_PLAN_LISTS = ("record_fields", "units", "staff", "roles", "work_items", "records", "meetings",
               "waivers", "documents")
_KIND = {"record_fields": "record field", "units": "unit", "staff": "staff member", "roles": "role",
         "work_items": "work item",
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
    broken: Broken = {k: set(v) for k, v in book.broken.items()}
    files = list(_read_parts(plan_dir, m.PlanFile, problems, broken, ("units", "staff", "roles")))
    plans = [(f.single["plan"], f.source) for f in files if f.single.get("plan") is not None]
    refused = any("plan" in f.refused for f in files)
    tables: dict[str, dict[str, Any]] = {name: {} for name in _PLAN_LISTS}
    origins: dict[tuple[str, str], Origin] = {}
    for name in _PLAN_LISTS:
        _collect(_KIND[name], ((obj, f.source, (name, i)) for f in files for i, obj in f.lists.get(name, [])),
                 tables[name], origins, problems)
    if not plans and not refused and (files or not problems):
        problems.append(Problem(display_path(plan_dir), 1, 1, "plan",
                                "no file defines `plan:` (agency, roc_year, adopted, ...)"))
    if len(plans) > 1:
        second = plans[1][1]
        problems.append(second.problem(("plan",), f"`plan:` is defined twice (also in {plans[0][1].path})"))
    if plans:
        plan, plan_source = plans[0]
        origins[("plan", "plan")] = Origin(plan_source, ("plan",))
        problems.extend(_check_plan(plan, origins[("plan", "plan")]))
    else:  # reported above; a stand-in lets the references of the rest still be checked
        plan = m.Plan.model_construct(source_text=None)
    _add_meeting_records(tables, origins, problems)
    bundle = Bundle(book, plan, origins=origins, **tables)
    problems.extend(_check_references(bundle, broken))
    if plans:
        problems.extend(_check_quotes(bundle, plan_dir))
    if problems:
        raise InputError(problems)
    return bundle


# How far the plan's window may reach beyond its ROC year: a quarter on either side, so
# a plan adopted in the December before, or one that runs on to collect the year-end
# reports due in January to March, still loads; a typo such as 2123-12-31 does not.
WINDOW_TOLERANCE = dt.timedelta(days=92)


def _check_plan(plan: m.Plan, at: Origin) -> Iterator[Problem]:
    """The window is ordered and lies in the plan's year (within ``WINDOW_TOLERANCE``)."""
    if not EARLIEST.year <= plan.year <= LATEST.year:
        yield at.problem(("roc_year",), f"roc_year {plan.roc_year} is out of range; give a ROC year "
                         f"between {roc_year(EARLIEST)} and {roc_year(LATEST)}")
        return
    lo = dt.date(plan.year, 1, 1) - WINDOW_TOLERANCE
    hi = dt.date(plan.year, 12, 31) + WINDOW_TOLERANCE
    for name, day in (("start", plan.start), ("end", plan.end)):
        if day is not None and not lo <= day <= hi:
            yield at.problem((name,), f"'{name}' ({day.isoformat()}) is not in the plan's year "
                             f"{plan.year} (ROC {plan.roc_year}); it must lie between "
                             f"{lo.isoformat()} and {hi.isoformat()}")
    if plan.first_day > plan.last_day:
        yield at.problem(("end",), f"the plan ends ({plan.last_day.isoformat()}) before it starts "
                         f"({plan.first_day.isoformat()})")


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


def _check_references(b: Bundle, broken: Broken | None = None) -> Iterator[Problem]:
    """Every reference names a defined id; one whose definition was refused (``broken``)
    is not reported again: that problem is already on the list."""
    refused = {_REFERENCED[k]: ids for k, ids in (broken or {}).items()}

    def ref(kind: str, ident: str, sub: PathKey, value: str | None, known: dict[str, Any], what: str):
        if value is not None and value not in known and not _refused(refused, what, value):
            at = b.defined_at(kind, ident)
            yield at.problem(sub, f"unknown {what} {value!r}" + _suggest(value, known))

    yield from _check_declared(b)
    for rule in b.rules.values():
        yield from ref("rule", rule.id, ("unit",), rule.unit, b.units, "unit")
        if rule.total is not None and rule.total.field != "hours":
            yield from ref("rule", rule.id, ("total", "field"), rule.total.field, b.record_fields,
                           "record field")
    for s in b.staff.values():
        yield from ref("staff member", s.id, ("unit",), s.unit, b.units, "unit")
        yield from ref("staff member", s.id, ("deputy",), s.deputy, b.staff, "staff member")
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
        if (meeting.reports and "progress-report" not in b.activities
                and not _refused(refused, "activity", "progress-report")):
            yield b.defined_at("meeting", meeting.id).problem(
                ("reports",), "unit reports need the activity 'progress-report' in the rules")
    for rec in b.records.values():
        if rec.id.startswith("meeting:"):
            continue
        yield from ref("record", rec.id, ("activity",), rec.activity, b.activities, "activity")
        yield from ref("record", rec.id, ("unit",), rec.unit, b.units, "unit")
        yield from ref("record", rec.id, ("staff",), rec.staff, b.staff, "staff member")
        for name in rec.values or {}:
            yield from ref("record", rec.id, ("values", name), name, b.record_fields, "record field")
        if rec.case is not None:
            yield from _check_case(b, rec, ref)
    for w in b.waivers.values():
        yield from _check_waiver(b, w, refused)


def _check_case(b: Bundle, rec: m.Record, ref: Any) -> Iterator[Problem]:
    """A record's ``case`` names a record that opens a case (of a rule's ``after`` with
    ``every``), dated on or before it."""
    opened = b.records.get(rec.case or "")
    if opened is None:
        yield from ref("record", rec.id, ("case",), rec.case, b.records, "record")
        return
    at = b.defined_at("record", rec.id)
    openers = {r.after.activity for r in b.rules.values() if r.after and r.after.every}
    if opened.activity not in openers:
        yield at.problem(("case",), f"record {opened.id!r} opens no case: no rule's 'after' with "
                         f"'every' has its activity {opened.activity!r}")
    elif opened.date > rec.date:
        yield at.problem(("case",), f"case {opened.id!r} was opened on {opened.date.isoformat()}, "
                         "after this record's date")


def _refused(refused: dict[str, set[str]], what: str, value: str) -> bool:
    skip = refused.get(what, set())
    return value in skip or UNREADABLE in skip


def _check_waiver(b: Bundle, w: m.Waiver, refused: dict[str, set[str]]) -> Iterator[Problem]:
    at = b.defined_at("waiver", w.id)
    if w.to < w.from_:
        yield at.problem(("to",), f"'to' ({w.to.isoformat()}) is before 'from' ({w.from_.isoformat()})")
    if w.expires < w.granted:
        yield at.problem(("expires",), "'expires' is before 'granted'")
    elif w.expires > m.one_year_after(w.granted):
        yield at.problem(("expires",), "a waiver is valid for at most one year: 'expires' must be "
                         f"on or before {m.one_year_after(w.granted).isoformat()}")
    if w.approver not in b.roles and not _refused(refused, "task-force role", w.approver):
        yield at.problem(("approver",), f"unknown task-force role {w.approver!r}" + _suggest(w.approver, b.roles))
    rule = b.rules.get(w.rule)
    if rule is None:
        if not _refused(refused, "rule", w.rule):
            yield at.problem(("rule",), f"unknown rule {w.rule!r}" + _suggest(w.rule, b.rules))
        return
    if w.entity is not None:
        tables: dict[str, dict[str, Any]] = {"unit": b.units, "staff": b.staff}
        known = tables.get(rule.for_each or "", {})
        what: str = rule.for_each or "nothing (the rule does not apply per unit or staff member)"
        if rule.schedule.kind == "case":  # a case: a record of the activity that opens one
            known = {r.id: r for r in b.records.values() if r.activity == rule.schedule.opened_by}
            what = "case"
        if w.entity not in known:
            yield at.problem(("entity",), f"entity {w.entity!r} is not a {what} of rule {rule.id!r}")


def normalise_quote(text: str) -> str:
    """Compare quotations as the seed README says: NFKC, whitespace removed."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@lru_cache(maxsize=8)
def _plan_text(path: Path, mtime_ns: int) -> tuple[str, str]:
    """The normalised text and the SHA-256 of the file's bytes."""
    data = read_regular(path, display_path(path), MAX_BYTES)  # a FIFO here must not hang
    if isinstance(data, Problem):
        raise OSError(data.message.removeprefix("cannot read file: "))
    return normalise_quote(data.decode("utf-8")), hashlib.sha256(data).hexdigest()


def _check_quotes(b: Bundle, plan_dir: Path) -> Iterator[Problem]:
    if not b.plan.source_text:
        return
    try:
        text_file = (plan_dir / b.plan.source_text).resolve()
        plan_text, digest = _plan_text(text_file, text_file.stat().st_mtime_ns)
    except (OSError, UnicodeDecodeError, RuntimeError) as exc:  # RuntimeError: a link loop (3.11)
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
