"""GitHub Actions workflow commands: one annotation per finding to act on."""

from __future__ import annotations

from typing import IO

from compliance.bundle import Bundle
from compliance.findings import Evaluation
from compliance.report import Options
from compliance.report._messages import message, rule_title
from compliance.report.locations import primary

LEVEL = {"violation": "error", "reminder": "warning", "late": "notice"}


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def write(bundle: Bundle, evaluation: Evaluation, stream: IO[str], options: Options) -> None:
    for f in evaluation.findings:
        level = LEVEL.get(f.status)
        if level is None:
            continue
        if f.status not in options.failing and level == "error":
            level = "warning"
        rule = bundle.rules[f.rule]
        loc = primary(bundle, f)
        title = f"{f.rule} {f.period_key}" + (f" {f.entity}" if f.entity and f.entity != f.period_key else "")
        props = ",".join(f"{k}={_escape_property(str(v))}" for k, v in
                         (("file", loc.path), ("line", loc.line), ("col", loc.column), ("title", title)))
        text = f"{rule_title(rule, options.lang)}: {message(bundle, f, options.lang)} ({rule.source.clause})"
        stream.write(f"::{level} {props}::{_escape_data(text)}\n")
