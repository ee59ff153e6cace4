"""Who owns a finding: one answer for every output (check --unit, text, Markdown, JUnit,
SARIF, the checklist, the board).

A per-unit obligation's finding belongs to the unit it is about; a per-staff one to the
staff member's unit when the plan data gives one; everything else to the rule's owning
unit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from compliance.bundle import Bundle


class _Owned(Protocol):
    """A finding, or a period of the calendar: a rule and maybe a unit or staff member."""

    @property
    def rule(self) -> str: ...

    @property
    def entity(self) -> str | None: ...


def owner(bundle: Bundle, finding: _Owned) -> str:
    """The id of the unit that must act on ``finding`` (or on a calendar period)."""
    rule = bundle.rules[finding.rule]
    if finding.entity and rule.for_each == "unit" and finding.entity in bundle.units:
        return finding.entity
    if finding.entity and rule.for_each == "staff":
        staff = bundle.staff.get(finding.entity)
        if staff is not None and staff.unit:
            return staff.unit
    return rule.unit


def unit_order(bundle: Bundle, unit_id: str) -> int:
    """Units in the order the plan data lists them; unknown ids last."""
    units = list(bundle.units)
    return units.index(unit_id) if unit_id in units else len(units)
