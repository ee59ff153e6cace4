"""Regenerate the cookbook section of docs/rules.md from the example plan and the calendar.

Each recipe is a rule of ``examples/plan-113/rules/obligations.yaml``: its plan sentence
(the rule's quote), its YAML as written there, and the periods and due dates that
``compliance calendar`` prints for it in 2023 (the example's plan data, every date of it,
moved to 112) and in 2024. ``tests/test_cookbook.py`` fails when docs/rules.md differs from what this
writes, so a stated date can never drift from the code.

Usage: python scripts/cookbook.py
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
from pathlib import Path

from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples/plan-113"
DOC = ROOT / "docs/rules.md"
START, END = "<!-- cookbook:start (scripts/cookbook.py writes this) -->", "<!-- cookbook:end -->"
SHOWN = 6  # calendar lines shown per year before the last one

# (heading, rule id) in the order of the forms of issue 14.
RECIPES: list[tuple[str, str]] = [
    ("Due after the period: the 10th of the next month", "monthly-stats-report"),
    ("Due after the period: N working days", "counter-stats-monthly"),
    ("Due after the period: N calendar days", "quarter-review"),
    ("Due after the period: N months", "half-year-results"),
    ("Due after the period, no shift off days off", "volunteer-hours-entry"),
    ("Due in the next year", "annual-results"),
    ("Due on a day within the period", "website-notices-monthly"),
    ("Due on a weekday", "online-system-weekly"),
    ("Due on a day of the n-th month of the period", "coordination-meeting-quarterly"),
    ("Several dates a year", "archive-inventory-twice"),
    ("Named months", "fire-drill-march-september"),
    ("A window in the year", "volunteer-training-spring"),
    ("A window across the year end", "year-end-visits"),
    ("Each half of the year", "satisfaction-survey-halves"),
    ("Triggered: calendar days, with the 行政程序法第48條 shift", "petition-answer"),
    ("Triggered: working days", "system-repair"),
    ("Triggered from plan data (a hire date), counted in months", "induction-training"),
    ("A count per period", "counter-spot-check-twice-monthly"),
    ("A sum of a numeric field, per staff member", "e-learning-hours"),
    ("A sum of a number the plan data declares", "case-audit-quarterly"),
    ("Per unit", "unit-training-quarterly"),
    ("Conditions: evidence present", "document-follow-up-monthly"),
    ("Conditions: membership and evidence", "joint-audit-quarterly"),
    ("Conditions: a comparison (≥, ≤, between)", "courtesy-training-quarterly"),
    ("A constraint on every entity", "editable-documents-odf"),
    ("Conditions: a pattern (matches)", "documents-online-https"),
    ("Conditions: the evidence's 文號 (evidence.doc_no)", "document-follow-up-doc-no"),
    ("A constraint over another entity kind: staff members", "staff-deputy-on-record"),
    ("A constraint: kinds that must exist", "plan-and-white-paper-online"),
    ("Triggered: a case tracked every month until it is closed", "complaint-tracking-monthly"),
    ("Conditions: a number the plan data declares", "case-audit-monthly-ten"),
]


# What a recipe needs besides the rule: the plan data its periods come from.
NOTES: dict[str, str] = {
    "complaint-tracking-monthly": """\
Records (the example's plan data): a record of the opening activity is the case; each
tracking or closing record names it with `case:` (its id). The calendar lists the cases
the plan data opens: complaint-1, listed 1/15, tracked in February and closed 4/12 (before
April's tracking fell due), and complaint-2, listed 2/02 and still open.

```yaml
- {id: complaint-1, activity: complaint-listed, date: 113/01/15, unit: admin}
- {id: complaint-1-2024-02, activity: complaint-tracking, date: 113/02/16, unit: admin, case: complaint-1}
- {id: complaint-1-closed, activity: complaint-closed, date: 113/04/12, unit: admin, case: complaint-1}
- {id: complaint-2, activity: complaint-listed, date: 113/02/02, unit: admin}
```
""",
    "case-audit-monthly-ten": """The number is declared in the plan data and carried by records, as for `total`:

```yaml
record_fields:
  - {id: cases, title: {zh-TW: 抽查件數, en: Cases checked}}
records:
  - {id: case-audit-2024-01, activity: case-audit, date: 113/01/23, unit: registration, values: {cases: 12}}
```
""",
}


def rule_blocks(text: str) -> dict[str, str]:
    """The YAML of each rule of a rule file, as written, by id."""
    blocks = re.split(r"(?m)^(?=  - id: )", text)
    out = {}
    for block in blocks[1:]:
        rule_id = block.split("\n", 1)[0].removeprefix("  - id: ").strip()
        lines = [line[2:] if line.startswith("  ") else line for line in block.rstrip().split("\n")]
        out[rule_id] = "\n".join(lines)
    return out


def calendar_lines(roc_year: int) -> list[str]:
    """What ``compliance calendar`` prints (en) for the example plan moved to ``roc_year``."""
    from compliance.cli import main

    with tempfile.TemporaryDirectory() as tmp:
        plan_dir = Path(tmp) / "plan_data"
        shutil.copytree(EXAMPLE / "plan_data", plan_dir)
        plan = plan_dir / "plan.yaml"
        plan.write_text(plan.read_text(encoding="utf-8").replace("roc_year: 113", f"roc_year: {roc_year}"),
                        encoding="utf-8")
        for data in plan_dir.glob("*.yaml"):  # every date of the plan data (ROC 113/mm/dd) moves too
            data.write_text(data.read_text(encoding="utf-8").replace("113/", f"{roc_year}/"), encoding="utf-8")
        result = CliRunner().invoke(main, ["calendar", "--rules", str(EXAMPLE / "rules"),
                                           "--plan", str(plan_dir), "--lang", "en"])
    if result.exit_code != 0:
        raise RuntimeError(result.output)
    return result.output.splitlines()


def rule_lines(lines: list[str], title: str) -> list[str]:
    """The rule's lines: its title, alone or followed by the entity ("title [R01 ...]")."""
    return [line for line in lines
            if (parts := line.split("  "))[1:2] and re.fullmatch(re.escape(title) + r"( \[.*\])?", parts[1])]


def shown(lines: list[str]) -> list[str]:
    if len(lines) <= SHOWN + 1:
        return lines
    return [*lines[:SHOWN], f"… ({len(lines) - SHOWN - 1} more)", lines[-1]]


def recipe(heading: str, block: str, by_year: dict[int, list[str]], note: str = "") -> str:
    quote = re.search(r"quote: ([^}]+)}", block)
    parts = [f"### {heading}", "", f"Plan: {quote.group(1).strip() if quote else ''}", "",
             "```yaml", block, "```", "", *([note] if note else [])]
    for year, lines in by_year.items():
        if not lines:
            parts += [f"{year}: no dated periods (each record that opens one, or each entity, is judged "
                      "on its own).", ""]
            continue
        parts += [f"{year} (`compliance calendar`):", "", "```text", *shown(lines), "```", ""]
    return "\n".join(parts)


def cookbook() -> str:
    from compliance.load import load_rules

    blocks = rule_blocks((EXAMPLE / "rules/obligations.yaml").read_text(encoding="utf-8"))
    titles = {r.id: r.title.en for r in load_rules(EXAMPLE / "rules").rules.values()}
    calendars = {2023: calendar_lines(112), 2024: calendar_lines(113)}
    out = []
    for heading, rule_id in RECIPES:
        by_year = {y: rule_lines(lines, titles[rule_id]) for y, lines in calendars.items()}
        out.append(recipe(heading, blocks[rule_id], by_year, NOTES.get(rule_id, "")))
    return "\n".join(out)


def rewrite(doc: str, section: str) -> str:
    head, rest = doc.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n\n{section}\n{END}{tail}"


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    DOC.write_text(rewrite(DOC.read_text(encoding="utf-8"), cookbook()), encoding="utf-8")
    print(f"wrote {DOC.relative_to(ROOT)}")
