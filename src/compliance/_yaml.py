"""Read one YAML file into plain Python data plus the position of every value.

PyYAML's ``safe_load`` forgets where values came from, silently keeps the last of two
duplicate keys and expands aliases without limit. We compose the node graph with the
safe loader and build the data ourselves, so every problem can be reported as
``path:line:column`` and nothing beyond ``safe_load``-level YAML is accepted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from compliance.errors import Problem, display_path

# libyaml's parser when PyYAML was built with it (about 10x faster); same nodes and marks.
_BASE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_RESOLVED: dict[tuple[Any, str, Any], str] = {}
_IMPLICIT_FIRST = frozenset(k for k in yaml.resolver.Resolver.yaml_implicit_resolvers if k)


class _LOADER(_BASE_LOADER):
    """Remembers how plain scalars resolve: the regex tests of the resolver were a
    quarter of the load time, and plan files repeat the same values many times."""

    # Path resolvers are a PyYAML feature nothing here uses; the composer calls these
    # two for every node.
    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is not yaml.ScalarNode:
            return super().resolve(kind, value, implicit)
        if implicit[0] and value and value[0] not in _IMPLICIT_FIRST:
            return _STR  # no implicit type (int, date, bool, null, ...) starts this way
        key = (value, kind.__name__, implicit)
        tag = _RESOLVED.get(key)
        if tag is None:
            if len(_RESOLVED) > 20_000:  # bounded: memory must not grow with the plans read
                _RESOLVED.clear()
            tag = _RESOLVED[key] = super().resolve(kind, value, implicit)
        return tag

# Expanded values allowed per file: at least this many, and one per character of the file
# beyond (an honest file spends several characters on each value; an alias bomb expands a
# few characters into millions). The bound grows linearly with the file, so a 40,000-record
# file loads while a bomb still stops early.
MAX_NODES = 200_000

PathKey = tuple[str | int, ...]
_STR = "tag:yaml.org,2002:str"


@dataclass
class SourceMap:
    """Where each value (and each mapping key) of one file is, 1-based.

    The tables hold the YAML nodes themselves; their marks are only turned into line
    and column numbers when a problem is reported, which keeps loading cheap.
    """

    path: str
    values: dict[PathKey, yaml.Node] = field(default_factory=dict)
    keys: dict[PathKey, yaml.Node] = field(default_factory=dict)

    def locate(self, loc: PathKey, *, key: bool = False) -> tuple[int, int]:
        """Position of ``loc``, or of its nearest ancestor that has one."""
        table = self.keys if key and loc in self.keys else self.values
        probe = tuple(loc)
        while probe:
            if probe in table:
                return _mark(table[probe])
            if probe in self.values:
                return _mark(self.values[probe])
            probe = probe[:-1]
        return _mark(self.values[()]) if () in self.values else (1, 1)

    def problem(self, loc: PathKey, message: str, *, key: bool = False) -> Problem:
        line, col = self.locate(loc, key=key)
        return Problem(self.path, line, col, format_path(loc), message)


def format_path(loc: PathKey) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


class _Abort(Exception):
    def __init__(self, problem: Problem):
        self.problem = problem


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _Builder:
    def __init__(self, source: SourceMap, limit: int = MAX_NODES):
        self.source = source
        self.limit = limit
        self.count = 0
        self.problems: list[Problem] = []
        self.scalars = yaml.constructor.SafeConstructor()

    def build(self, node: yaml.Node, loc: PathKey) -> Any:
        self.count += 1
        if self.count > self.limit:
            line, col = _mark(node)
            raise _Abort(Problem(self.source.path, line, col, format_path(loc),
                                 f"document expands to more than {self.limit} values "
                                 "(an alias bomb?); write values out instead of nesting aliases"))
        self.source.values.setdefault(loc, node)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, loc)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != "tag:yaml.org,2002:seq":
                return self._bad_tag(node, loc)
            return [self.build(item, loc + (i,)) for i, item in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)
        return self._scalar(node, loc)

    def _mapping(self, node: yaml.MappingNode, loc: PathKey) -> Any:
        if node.tag != "tag:yaml.org,2002:map":
            return self._bad_tag(node, loc)
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                line, col = _mark(key_node)
                self.problems.append(Problem(self.source.path, line, col, format_path(loc),
                                             "merge keys (<<) are not supported; write the keys out"))
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                line, col = _mark(key_node)
                self.problems.append(Problem(self.source.path, line, col, format_path(loc),
                                             "mapping keys must be plain text"))
                continue
            key = str(key_node.value)
            if key in out:
                line, col = _mark(key_node)
                first = _mark(self.source.keys[loc + (key,)])
                self.problems.append(Problem(self.source.path, line, col, format_path(loc + (key,)),
                                             f"duplicate key {key!r} (first at line {first[0]})"))
                continue
            self.source.keys[loc + (key,)] = key_node
            out[key] = self.build(value_node, loc + (key,))
        return out

    def _scalar(self, node: yaml.ScalarNode, loc: PathKey) -> Any:
        if node.tag == "tag:yaml.org,2002:timestamp":
            # Dates are parsed by compliance.dates so that 2023-13-01 gets our message,
            # and ISO and ROC forms go through one path.
            return node.value
        if node.tag == _STR:
            return node.value  # the common case, without the constructor's bookkeeping
        if node.tag not in self.scalars.yaml_constructors or node.tag is None:
            return self._bad_tag(node, loc)
        try:
            return self.scalars.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            line, col = _mark(node)
            self.problems.append(Problem(self.source.path, line, col, format_path(loc), str(exc)))
            return None

    def _bad_tag(self, node: yaml.Node, loc: PathKey) -> None:
        line, col = _mark(node)
        self.problems.append(Problem(self.source.path, line, col, format_path(loc),
                                     f"unsupported YAML tag {node.tag!r}; only plain YAML is accepted"))
        return None


def _decode(raw: bytes, path: str) -> str | Problem:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        guess = ""
        try:
            raw.decode("big5")
            guess = " It decodes as Big5 (CP950): re-save it as UTF-8."
        except UnicodeDecodeError:
            pass
        return Problem(path, line, col, "",
                       f"file is not UTF-8 (byte 0x{raw[exc.start]:02X} cannot start or continue "
                       f"a UTF-8 character).{guess}")


def read_yaml(file: Path, empty_hint: str = "") -> tuple[Any, SourceMap, list[Problem]]:
    """Return (data, source map, problems). ``data`` is None when the file is unusable."""
    path = display_path(file)
    source = SourceMap(path)
    try:
        raw = file.read_bytes()
    except OSError as exc:
        return None, source, [Problem(path, 1, 1, "", f"cannot read file: {exc.strerror}")]
    text = _decode(raw, path)
    if isinstance(text, Problem):
        return None, source, [text]
    try:
        nodes = list(yaml.compose_all(text, Loader=_LOADER))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = f"YAML syntax error: {exc.problem or exc}"
        if exc.context:
            message += f" ({exc.context})"
        return None, source, [Problem(path, line, col, "", message)]
    except yaml.YAMLError as exc:
        return None, source, [Problem(path, 1, 1, "", f"YAML error: {exc}")]
    if not nodes:
        hint = f" {empty_hint}" if empty_hint else ""
        return None, source, [Problem(path, 1, 1, "", "file is empty (a truncated file?)." + hint)]
    if len(nodes) > 1:
        line, col = _mark(nodes[1])
        return None, source, [Problem(path, line, col, "",
                                      "file holds several YAML documents (---); keep one per file")]
    node = nodes[0]
    if not isinstance(node, yaml.MappingNode):
        line, col = _mark(node)
        return None, source, [Problem(path, line, col, "",
                                      "the document must be a mapping (key: value), "
                                      f"not a {_kind(node)}")]
    builder = _Builder(source, limit=max(MAX_NODES, len(text)))
    try:
        data = builder.build(node, ())
    except _Abort as abort:
        return None, source, [abort.problem]
    except RecursionError:
        line, col = _mark(node)
        return None, source, [Problem(path, line, col, "", "document is nested too deeply")]
    return data, source, builder.problems


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.SequenceNode):
        return "list"
    if node.tag == "tag:yaml.org,2002:null":
        return "null value"
    return "scalar"
