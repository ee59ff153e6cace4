"""Calendar as JSON (dates ISO), for other tools."""

from __future__ import annotations

import json
from collections.abc import Sequence

from compliance.bundle import Bundle
from compliance.periods import Period


def render(bundle: Bundle, periods: Sequence[Period], lang: str) -> str:
    items = [{"rule": p.rule, "every": bundle.rules[p.rule].kind, "basis": bundle.rules[p.rule].basis,
              "start": p.start.isoformat(),
              "end": p.end.isoformat(), "due": p.due.isoformat(),
              **({"entity": p.entity} if p.entity else {})} for p in periods]
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"
