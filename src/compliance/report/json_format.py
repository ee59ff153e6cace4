"""JSON report: the whole evaluation, dates ISO, for programs.

Its shape is ``json_model.ReportDoc`` (schema: ``schemas/report.schema.json``, versioned by
``schema_version``)."""

from __future__ import annotations

import json
from typing import IO

from compliance.bundle import Bundle
from compliance.findings import Evaluation, Finding
from compliance.ownership import owner
from compliance.report import Options
from compliance.report._messages import message
from compliance.report.json_model import SCHEMA_VERSION, FindingDoc, ReportDoc


def finding_dict(bundle: Bundle, f: Finding, lang: str) -> FindingDoc:
    rule = bundle.rules[f.rule]
    out: FindingDoc = {
        "rule": f.rule,
        "title": {"zh-TW": rule.title.zh_TW, "en": rule.title.en},
        "unit": owner(bundle, f),
        "rule_unit": rule.unit,
        "severity": rule.severity,
        "basis": rule.basis,
        "status": f.status,
        "light": f.light,
        "period": {"key": f.period_key, "start": f.start.isoformat(), "end": f.end.isoformat()},
        "due": f.due.isoformat(),
        "required": f.required,
        "count": f.count,
        "records": list(f.records),
        "met_on": f.met_on.isoformat() if f.met_on else None,
        "source": {"clause": rule.source.clause, "quote": rule.source.quote},
        "message": message(bundle, f, lang),
    }
    if f.due_moved:
        out["nominal_due"] = f.nominal_due.isoformat()
    if f.required_total is not None:
        out["required_total"] = f.required_total
        out["total"] = f.total
    if f.entity is not None:
        out["entity"] = f.entity
    if f.trigger is not None:
        out["trigger"] = f.trigger
    if f.waivers:
        out["waivers"] = [{"id": w.id, "expires": w.expires.isoformat(), "expired": w.expired,
                           "covers": w.covers}
                          for w in f.waivers]
    if f.explanations:
        out["explanations"] = [{"meeting": x.meeting, "date": x.date.isoformat(),
                                "explanation": x.explanation, "action": x.action,
                                "target": x.target.isoformat() if x.target else None}
                               for x in f.explanations]
    return out


def document(bundle: Bundle, evaluation: Evaluation, lang: str) -> ReportDoc:
    plan = bundle.plan
    return {
        "schema_version": SCHEMA_VERSION,
        "plan": {"agency": plan.agency, "title": plan.title, "roc_year": plan.roc_year,
                 "document_number": plan.document_number},
        "as_of": evaluation.as_of.isoformat(),
        "summary": evaluation.summary(),  # type: ignore[typeddict-item]  # keys are STATUSES
        "findings": [finding_dict(bundle, f, lang) for f in evaluation.findings],
    }


def write(bundle: Bundle, evaluation: Evaluation, stream: IO[str], options: Options) -> None:
    # Compact: json's C encoder only runs without indentation, and the report is for
    # programs (people read the text or Markdown report). `python -m json.tool` pretty-prints.
    stream.write(json.dumps(document(bundle, evaluation, options.lang), ensure_ascii=False))
    stream.write("\n")
