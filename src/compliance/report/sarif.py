"""SARIF 2.1.0: each finding located at the YAML line of its rule, record or document."""

from __future__ import annotations

import json
from typing import IO, Any

from compliance import __version__
from compliance.bundle import Bundle
from compliance.findings import Evaluation, Finding
from compliance.ownership import owner
from compliance.report import Options
from compliance.report._messages import entity_label, flowing, message, period_name, rule_title
from compliance.report.locations import Location, primary, related


def project_url() -> str | None:
    """The Homepage of pyproject.toml's [project.urls], as installed; None if not installed."""
    from importlib.metadata import PackageNotFoundError, metadata

    try:
        entries = metadata("compliance").get_all("Project-URL") or []
    except PackageNotFoundError:
        return None
    urls = dict(entry.split(", ", 1) for entry in entries if ", " in entry)
    return urls.get("Homepage")


SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {"violation": "error", "reminder": "warning", "late": "note"}
SEVERITY = {"high": "error", "medium": "warning", "low": "note"}


def _physical(loc: Location) -> dict[str, Any]:
    return {"physicalLocation": {"artifactLocation": {"uri": loc.path, "uriBaseId": "%SRCROOT%"},
                                 "region": {"startLine": loc.line, "startColumn": loc.column}}}


def write(bundle: Bundle, evaluation: Evaluation, stream: IO[str], options: Options) -> None:
    rules = list(bundle.rules.values())
    index = {r.id: n for n, r in enumerate(rules)}
    driver_rules = [{
        "id": r.id,
        "name": r.id,
        "shortDescription": {"text": r.title.get(options.lang)},
        "fullDescription": {"text": f"{r.source.clause}「{r.source.quote}」"},
        "help": {"text": flowing(r.interpretation.get(options.lang)) if r.interpretation else r.source.quote},
        "defaultConfiguration": {"level": SEVERITY[r.severity]},
        "properties": {"unit": r.unit, "severity": r.severity, "every": r.kind, "basis": r.basis},
    } for r in rules]
    results = [_result(bundle, f, index, options) for f in evaluation.findings if f.status in LEVEL]
    doc = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "compliance", "version": __version__,
                                **({"informationUri": url} if (url := project_url()) else {}),
                                "rules": driver_rules}},
            "properties": {"as_of": evaluation.as_of.isoformat(), "plan": bundle.plan.title},
            "results": results,
        }],
    }
    json.dump(doc, stream, ensure_ascii=False, indent=2)
    stream.write("\n")


def _which(bundle: Bundle, f: Finding, lang: str) -> str:
    """Which period, and for whom, as the text report names them (112年3月, 案件 c1：...):
    results of one rule differ by them. A constraint's message names its entity already."""
    if bundle.rules[f.rule].constraint:
        return ""
    parts = [period_name(bundle, f.period_key, lang),
             *([entity_label(bundle, f.rule, f.entity, lang)] if f.entity else [])]
    return f"（{'，'.join(parts)}）" if lang == "zh-TW" else f" ({', '.join(parts)})"


def _result(bundle: Bundle, f: Finding, index: dict[str, int], options: Options) -> dict[str, Any]:
    level = LEVEL[f.status]
    if level == "error" and f.status not in options.failing:
        level = "warning"
    rel = [loc for loc in related(bundle, f) if loc != primary(bundle, f)]
    out = {
        "ruleId": f.rule,
        "ruleIndex": index[f.rule],
        "level": level,
        "message": {"text": f"{rule_title(bundle.rules[f.rule], options.lang)}{_which(bundle, f, options.lang)}: "
                            f"{message(bundle, f, options.lang)}"},
        "locations": [_physical(primary(bundle, f))],
        "partialFingerprints": {"findingKey/v1": "|".join(f.key)},
        "properties": {"status": f.status, "period": f.period_key, "due": f.due.isoformat(),
                       "unit": owner(bundle, f),
                       **({"entity": f.entity} if f.entity else {})},
    }
    if rel:
        out["relatedLocations"] = [{"id": n, **_physical(loc)} for n, loc in enumerate(rel)]
    return out
