"""JUnit XML: one test case per rule and period; failures at or above --fail-on.

Valid against the strict JUnit XSD of Jenkins' xUnit plugin (tests/standards/): a test case
carries no file or line attributes there, so the YAML location is in the case's text; the
evaluation date is each suite's timestamp (``<testsuites>`` takes none).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from typing import IO

from compliance.bundle import Bundle
from compliance.findings import Evaluation, Finding
from compliance.ownership import owner
from compliance.report import Options
from compliance.report._messages import message
from compliance.report.locations import primary


def write(bundle: Bundle, evaluation: Evaluation, stream: IO[str], options: Options) -> None:
    root = ET.Element("testsuites", name="compliance")
    by_unit: dict[str, list[Finding]] = defaultdict(list)
    for f in evaluation.findings:
        by_unit[owner(bundle, f)].append(f)
    totals = {"tests": 0, "failures": 0}
    # A date, not a clock reading: the report describes the plan as of that day.
    stamp = f"{evaluation.as_of.isoformat()}T00:00:00"
    for unit, findings in sorted(by_unit.items()):
        suite = ET.SubElement(root, "testsuite", name=f"{bundle.plan.title} / {unit}", timestamp=stamp)
        counts = {"tests": 0, "failures": 0, "skipped": 0}
        for f in findings:
            counts["tests"] += 1
            outcome = _case(bundle, f, suite, options)
            if outcome:
                counts[outcome] += 1
        for key, value in counts.items():
            suite.set(key, str(value))
            if key in totals:
                totals[key] += value
        suite.set("errors", "0")
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("errors", "0")
    ET.indent(root)
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write(ET.tostring(root, encoding="unicode"))
    stream.write("\n")


def _case(bundle: Bundle, f: Finding, suite: ET.Element, options: Options) -> str | None:
    rule = bundle.rules[f.rule]
    loc = primary(bundle, f)
    name = f"{f.period_key}" + (f" [{f.entity}]" if f.entity and f.entity != f.period_key else "")
    case = ET.SubElement(suite, "testcase", classname=f"{owner(bundle, f)}.{f.rule}", name=name)
    text = f"{message(bundle, f, options.lang)}\n{rule.source.clause}「{rule.source.quote}」\n{loc.path}:{loc.line}"
    if f.status in options.failing:
        failure = ET.SubElement(case, "failure", message=message(bundle, f, options.lang), type=f.status)
        failure.text = text
        return "failures"
    if f.status in ("upcoming", "waived"):
        ET.SubElement(case, "skipped", message=f.status)
        return "skipped"
    ET.SubElement(case, "system-out").text = f"{f.status}: {message(bundle, f, options.lang)}\n{loc.path}:{loc.line}"
    return None
