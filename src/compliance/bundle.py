"""The types a loaded plan is made of: ``Bundle`` (rules and plan state, validated and
cross-checked), ``RuleBook`` (the rules alone) and ``Origin`` (where in which YAML file an
object was defined). Apart from ``load`` so that every stage can name them without
importing the YAML loader."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from compliance import models as m

if TYPE_CHECKING:  # annotations only: naming a bundle must not import the YAML reader
    from compliance._yaml import PathKey, SourceMap
    from compliance.errors import Problem


@dataclass(frozen=True)
class Origin:
    """Where an object was defined: the file's source map and the path inside it."""

    source: SourceMap
    loc: PathKey

    @property
    def path(self) -> str:
        return self.source.path

    @property
    def line(self) -> int:
        return self.source.locate(self.loc)[0]

    def problem(self, sub: PathKey, message: str) -> Problem:
        return self.source.problem(self.loc + sub, message)


@dataclass
class RuleBook:
    activities: dict[str, m.Activity] = field(default_factory=dict)
    rules: dict[str, m.Rule] = field(default_factory=dict)
    origins: dict[tuple[str, str], Origin] = field(default_factory=dict)
    # Ids of rules and activities whose definition was refused when loading: references
    # to them are not reported a second time.
    broken: dict[str, set[str]] = field(default_factory=dict)


@dataclass
class Bundle:
    """Everything one evaluation needs, validated and cross-checked."""

    rulebook: RuleBook
    plan: m.Plan
    units: dict[str, m.Unit]
    staff: dict[str, m.Staff]
    roles: dict[str, m.Role]
    work_items: dict[str, m.WorkItem]
    records: dict[str, m.Record]
    meetings: dict[str, m.Meeting]
    waivers: dict[str, m.Waiver]
    documents: dict[str, m.Document]
    origins: dict[tuple[str, str], Origin]
    # Numbers records may carry beyond hours, declared in the plan data (record_fields).
    record_fields: dict[str, m.RecordField] = field(default_factory=dict)

    @property
    def rules(self) -> dict[str, m.Rule]:
        return self.rulebook.rules

    @property
    def activities(self) -> dict[str, m.Activity]:
        return self.rulebook.activities

    def origin(self, kind: str, ident: str) -> Origin | None:
        return self.origins.get((kind, ident)) or self.rulebook.origins.get((kind, ident))

    def defined_at(self, kind: str, ident: str) -> Origin:
        """Where a loaded object was defined (every loaded object has an origin)."""
        origin = self.origin(kind, ident)
        if origin is None:
            raise KeyError(f"no origin for {kind} {ident!r}")
        return origin
