"""Checklist as JSON (dates ISO), for other tools."""

from __future__ import annotations

import json
from typing import Any

from compliance.bundle import Bundle
from compliance.checklist import Checklist
from compliance.report.json_format import finding_dict


def document(bundle: Bundle, c: Checklist, lang: str) -> dict[str, Any]:
    iso = lambda d: d.isoformat() if d else None
    return {
        "plan": {"agency": bundle.plan.agency, "title": bundle.plan.title,
                 "document_number": bundle.plan.document_number},
        "meeting": iso(c.meeting), "as_of": iso(c.as_of), "previous_meeting": iso(c.previous_meeting),
        "next_meeting": iso(c.next_meeting), "next_meeting_estimated": c.next_meeting_estimated,
        "units": [{
            "unit": s.unit.id,
            "name": s.unit.name.get(lang),
            "overdue": [{**finding_dict(bundle, o.finding, lang), "needs_explanation": o.needs_explanation}
                        for o in s.overdue],
            "due_soon": [{"rule": g.rule, "dues": [iso(f.due) for f in g.findings],
                          "statuses": [f.status for f in g.findings]} for g in s.due_soon],
            "done": [{"rule": g.rule, "records": [
                {"id": r.id, "date": iso(r.date),
                 "evidence": r.evidence.model_dump(exclude_none=True) if r.evidence else None}
                for r in g.records]} for g in s.done],
            "scheduled": [{"work_item": i.item.id, "number": i.item.number, "item": i.item.item,
                           "tracked": i.tracked, "month_known": i.month_known,
                           "records": [r.id for r in i.records]}
                          for i in s.scheduled],
        } for s in c.sections],
    }


def render(bundle: Bundle, c: Checklist, lang: str) -> str:
    return json.dumps(document(bundle, c, lang), ensure_ascii=False, indent=2) + "\n"
