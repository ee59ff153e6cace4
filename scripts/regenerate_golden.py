"""Regenerate tests/golden/: the compiled durable-rules ruleset of every bundled rule, and the
fixed classify ruleset. Run after an intended change to compilation, review the diff, commit:

    python scripts/regenerate_golden.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"


def compiled() -> dict[str, str]:
    """File name -> expected text, for every golden file."""
    from compliance.engine.durable.compile import CLASSIFY, compile_match
    from compliance.load import load_rules

    book = load_rules(ROOT / "rules")
    out = {f"{rule.id}.json": _dump(compile_match([rule])) for rule in book.rules.values()}
    out["_classify.json"] = _dump(CLASSIFY)
    return out


def _dump(definition: object) -> str:
    return json.dumps(definition, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def main() -> int:
    GOLDEN.mkdir(exist_ok=True)
    expected = compiled()
    for stale in {p.name for p in GOLDEN.glob("*.json")} - set(expected):
        (GOLDEN / stale).unlink()
    for name, text in sorted(expected.items()):
        (GOLDEN / name).write_text(text, encoding="utf-8")
    print(f"wrote {len(expected)} files to {GOLDEN.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    sys.exit(main())
