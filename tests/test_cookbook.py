"""docs/rules.md's cookbook states what `compliance calendar` prints for each recipe."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("cookbook", ROOT / "scripts/cookbook.py")
assert _spec and _spec.loader
cookbook = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cookbook)

DOC = (ROOT / "docs/rules.md").read_text(encoding="utf-8")


def stated(year: int) -> list[str]:
    """The calendar lines the cookbook states for ``year``."""
    blocks = re.findall(rf"(?s){year} \(`compliance calendar`\):\n\n```text\n(.*?)```", DOC)
    return [line for block in blocks for line in block.splitlines() if not line.startswith("…")]


def test_every_stated_date_is_what_the_calendar_prints():
    for year, roc in ((2023, 112), (2024, 113)):
        printed = set(cookbook.calendar_lines(roc))
        lines = stated(year)
        assert len(lines) > 50
        assert [line for line in lines if line not in printed] == []


def test_the_cookbook_section_is_up_to_date():
    """On a difference: run python scripts/cookbook.py and review the change."""
    assert cookbook.rewrite(DOC, cookbook.cookbook()) == DOC


def test_every_rule_of_the_example_is_a_recipe():
    blocks = cookbook.rule_blocks((cookbook.EXAMPLE / "rules/obligations.yaml").read_text(encoding="utf-8"))
    assert sorted(blocks) == sorted(rule_id for _, rule_id in cookbook.RECIPES)


def test_the_2024_shifts_are_stated():
    # 2024-02-10 is a Saturday inside the Lunar New Year holidays: the report on January is
    # due on the first working day after them.
    assert "2024-02-15  Send last month's statistics by the 10th  2024-01" in stated(2024)
