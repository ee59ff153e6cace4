"""JSON Schemas of the YAML files and of the JSON report, generated from their models."""

from __future__ import annotations

import json
from typing import Any

from compliance.models import PlanFile, RuleFile


def schemas() -> dict[str, str]:
    from compliance.report.json_model import report_schema
    from compliance.testcases import CaseFile

    out = {}
    for name, model, title in (("rules.schema.json", RuleFile, "compliance rule file"),
                               ("plan.schema.json", PlanFile, "compliance plan data file"),
                               ("tests.schema.json", CaseFile, "compliance rule test cases")):
        body = model.model_json_schema(by_alias=True)
        body = {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": title, **body}
        out[name] = _dump(body)
    out["report.schema.json"] = _dump(report_schema())
    return out


def _dump(body: dict[str, Any]) -> str:
    return json.dumps(body, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
