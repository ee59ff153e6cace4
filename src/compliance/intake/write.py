"""Records into the plan's records file, without disturbing a byte of what is there.

Rather than load and re-emit the whole document (which even a round-trip writer such
as ruamel.yaml reflows in places), the new records are rendered on their own and
inserted as text after the last record: comments, order, quoting and blank lines of
the existing file are kept exactly. The result is then loaded with the normal loader,
in a copy of the plan folder, before it replaces the file.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from compliance import models as m
from compliance.errors import InputError, Problem, display_path


def record_data(record: m.Record) -> dict[str, Any]:
    """The record as the plan files write it: model field order, nothing that is empty."""
    return record.model_dump(exclude_none=True, by_alias=True)


def render(records: Iterable[m.Record], indent: int, flow: bool, comment: str = "") -> str:
    """Records as YAML list items indented ``indent`` spaces, one mapping per line if ``flow``
    (evidence is always one line, as the plan files write it)."""
    pad = " " * indent
    lines = [f"{pad}# {comment}"] if comment else []
    for record in records:
        data = record_data(record)
        if flow:
            lines.append(f"{pad}- {_flow(data)}")
            continue
        first = True
        for key, value in data.items():
            text = _flow(value) if isinstance(value, dict) else _scalar(value)
            lines.append(f"{pad}{'- ' if first else '  '}{key}: {text}")
            first = False
    return "\n".join(lines) + "\n" if len(lines) > (1 if comment else 0) else ""


# Emitting ourselves: PyYAML's representer is pure Python and was half the time of a
# 10,000-row import. Scalars are plain when that is safe, else JSON strings (which are
# valid YAML double-quoted scalars); the tests load what we write back with PyYAML.
_PLAIN = re.compile(r"^[A-Za-z0-9\u00a1-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
                    r"[^\x00-\x1f\x7f-\x9f:#,\[\]{}'\"\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]*$")
# Characters YAML does not take raw inside quotes (not printable, or line breaks in YAML 1.1).
_UNPRINTABLE = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")
_RESOLVER = yaml.resolver.Resolver()


def _flow(data: dict[str, Any]) -> str:
    return "{" + ", ".join(f"{k}: {_flow(v) if isinstance(v, dict) else _scalar(v)}"
                           for k, v in data.items()) + "}"


def _scalar(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        raise TypeError(f"records hold no {type(value).__name__} values")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float)):
        text = repr(value)
        # YAML 1.1 reads 1e-05 as text but 1.0e-05 as a number
        mantissa, e, exponent = text.partition("e")
        return f"{mantissa}.0e{exponent}" if e and "." not in mantissa else text
    return _text(str(value))


@lru_cache(maxsize=4096)
def _text(text: str) -> str:
    if (_PLAIN.fullmatch(text) and not text.endswith(" ") and _RESOLVER.resolve(
            yaml.ScalarNode, text, (True, False)) == "tag:yaml.org,2002:str"):
        return text
    quoted = json.dumps(text, ensure_ascii=False)
    return _UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)


def insert(text: str | None, records: list[m.Record], comment: str, path: str) -> str:
    """``text`` (None: a new file) with ``records`` appended to its ``records:`` list, in the
    file's own line endings and with its byte-order mark, if it has them."""
    if not records:
        return text or ""
    if text is None:
        return _insert(None, records, comment, path)
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    body = text[len(bom):]
    crlf = "\r\n" in body and body.count("\n") == body.count("\r\n")
    if crlf:
        body = body.replace("\r\n", "\n")
    out = _insert(body, records, comment, path)
    return bom + (out.replace("\n", "\r\n") if crlf else out)


def _insert(text: str | None, records: list[m.Record], comment: str, path: str) -> str:
    if text is None:
        return "# Records imported from the office's spreadsheets (compliance import).\n\nrecords:\n" + \
            render(records, 2, _all_scalar(records), comment)
    root = _root(text, path)
    key, value = next(((k, v) for k, v in root.value if k.value == "records"), (None, None))
    if key is None:
        sep = "" if text.endswith("\n") or not text else "\n"
        return text + sep + "\nrecords:\n" + render(records, 2, _all_scalar(records), comment)
    assert value is not None
    if isinstance(value, yaml.SequenceNode) and value.value and not value.flow_style:
        last = value.value[-1]
        at = _after(text, _last_mark(last))
        body = render(records, value.start_mark.column, bool(getattr(last, "flow_style", False)), comment)
        return text[:at] + ("" if text[:at].endswith("\n") else "\n") + body + text[at:]
    if isinstance(value, yaml.SequenceNode) and value.value:
        line, col = value.start_mark.line + 1, value.start_mark.column + 1
        raise InputError([Problem(path, line, col, "records", "records are written as a one-line list "
                                  "[...]; write them as a block list (- ...) so new ones can be added")])
    # `records:` with nothing, or `records: []`: the list starts on the next line.
    indent = key.start_mark.column + 2
    body = render(records, indent, _all_scalar(records), comment)
    if isinstance(value, yaml.SequenceNode):  # []: removed, a comment after it kept
        line_end = _after(text, value.end_mark)
        after = text[value.end_mark.index:line_end].strip(" ")
        head = text[:value.start_mark.index].rstrip(" ") + (f"  {after}" if after.strip() else after)
        return _line(head) + body + text[line_end:]
    line_end = _after(text, key.end_mark)
    return _line(text[:line_end]) + body + text[line_end:]


def _line(text: str) -> str:
    return text if text.endswith("\n") else text + "\n"


def _root(text: str, path: str) -> yaml.MappingNode:
    try:
        node = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        raise InputError([Problem(path, (mark.line + 1) if mark else 1, (mark.column + 1) if mark else 1,
                                  "", f"YAML syntax error: {exc.problem}")]) from None
    if node is None:
        return yaml.MappingNode("tag:yaml.org,2002:map", [])
    if not isinstance(node, yaml.MappingNode):
        raise InputError([Problem(path, 1, 1, "", "the document must be a mapping (key: value)")])
    return node


def _last_mark(node: yaml.Node) -> yaml.Mark:
    """Where the last value of a block item ends (a block's own end lies past trailing comments)."""
    while isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and not node.flow_style and node.value:
        tail = node.value[-1]
        node = tail[1] if isinstance(tail, tuple) else tail
    return node.end_mark


def _after(text: str, mark: yaml.Mark) -> int:
    if mark.column == 0:
        return mark.index
    newline = text.find("\n", mark.index)
    return len(text) if newline < 0 else newline + 1


def _all_scalar(records: list[m.Record]) -> bool:
    return all(r.evidence is None and not r.note for r in records)


def validate_into(rules_dir: Path, plan_dir: Path, target: Path, text: str, rulebook: Any = None) -> Any:
    """Load the plan as it would be with ``target`` holding ``text``; raise ``InputError``
    with every problem, reported against the real path. ``rulebook``: the rules already
    loaded and checked, not read again."""
    from compliance.load import load_bundle

    relative = target.resolve().relative_to(plan_dir.resolve())
    with tempfile.TemporaryDirectory(prefix="compliance-import-") as tmp:
        copy = Path(tmp) / "plan"
        shutil.copytree(plan_dir, copy, ignore=shutil.ignore_patterns(".*"))
        (copy / relative).parent.mkdir(parents=True, exist_ok=True)
        (copy / relative).write_text(text, encoding="utf-8")
        try:
            return load_bundle(rules_dir, copy, rulebook=rulebook)
        except InputError as exc:
            shown = display_path(copy)
            real = display_path(plan_dir)
            raise InputError([replace(p, path=p.path.replace(shown, real, 1)) for p in exc.problems]) from None
