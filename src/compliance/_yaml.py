"""Read one YAML file into plain Python data plus the position of every value.

PyYAML's ``safe_load`` forgets where values came from, silently keeps the last of two
duplicate keys and expands aliases without limit. We compose the node graph with the
safe loader and build the data ourselves, so every problem can be reported as
``path:line:column`` and nothing beyond ``safe_load``-level YAML is accepted.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from compliance.errors import Problem, display_path

# libyaml's parser when PyYAML was built with it (about 10x faster); same nodes and marks.
_BASE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_RESOLVED: dict[tuple[Any, str, Any], str] = {}
_COLLECTION_TAGS = {yaml.SequenceNode: yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG,
                    yaml.MappingNode: yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG}
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
        if kind is not yaml.ScalarNode:  # what the resolver answers without path resolvers
            return _COLLECTION_TAGS[kind]
        if implicit[0] and value and value[0] not in _IMPLICIT_FIRST:
            return _STR  # no implicit type (int, date, bool, null, ...) starts this way
        key = (value, kind.__name__, implicit)
        tag = _RESOLVED.get(key)
        if tag is None:
            if len(_RESOLVED) > 20_000:  # bounded: memory must not grow with the plans read
                _RESOLVED.clear()
            tag = _RESOLVED[key] = super().resolve(kind, value, implicit)
        return tag

# Limits per file. The size is checked before parsing; the value count keeps memory
# bounded (a 100,000-record plan fits in one file, and may be split over several);
# aliases may add only a few values, which stops an "alias bomb" that expands a small
# file into billions of values.
MAX_BYTES = 32 * 1024 * 1024
MAX_NODES = 2_000_000
MAX_ALIAS_VALUES = 10_000

PathKey = tuple[str | int, ...]
_STR = "tag:yaml.org,2002:str"


@dataclass
class SourceMap:
    """Where each value (and each mapping key) of one file is, 1-based.

    Only the file's text is kept. Positions are found when a problem or a report needs
    one, by composing the text again (once, then kept) and following the path down the
    nodes. Keeping a node and a path tuple per value instead cost a third of loading a
    large plan and most of its memory (~600,000 values in a 100,000-record file).
    """

    path: str
    text: str | None = None
    _root: yaml.Node | None = field(default=None, repr=False, compare=False)

    def _node(self) -> yaml.Node | None:
        if self._root is None and self.text is not None:
            try:
                self._root = yaml.compose(self.text, Loader=_LOADER)
            except yaml.YAMLError:  # cannot happen: the same text composed when it was read
                self.text = None
        return self._root

    def locate(self, loc: PathKey, *, key: bool = False) -> tuple[int, int]:
        """Position of ``loc`` (of its key, with ``key``), or of its nearest ancestor."""
        node = self._node()
        if node is None:
            return 1, 1
        key_node = None
        for part in loc:
            child = _child(node, part)
            if child is None:
                return _mark(node)  # the nearest ancestor that exists
            key_node, node = child
        return _mark(key_node if key and key_node is not None else node)

    def problem(self, loc: PathKey, message: str, *, key: bool = False) -> Problem:
        line, col = self.locate(loc, key=key)
        return Problem(self.path, line, col, format_path(loc), message)


def _child(node: yaml.Node, part: str | int) -> tuple[yaml.Node | None, yaml.Node] | None:
    """(key node, value node) of ``part`` under ``node``: the first of duplicate keys, as
    the data keeps it; None where the path leaves the document."""
    if isinstance(node, yaml.MappingNode) and isinstance(part, str):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge" \
                    and str(key_node.value) == part:
                return key_node, value_node
        return None
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
        return None, node.value[part]
    return None


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


# YAML 1.1 (PyYAML) reads some plain text as numbers or booleans a clerk would not
# expect: `1:30` is 90 (base 60), `010` is 8 (octal), `yes`/`on` are true, `0x_` and
# `!!int abc` crash the constructor. Only plain decimals, true/false and null are taken;
# everything else YAML 1.1 would convert is refused with a hint (quote it to keep text).
_DECIMAL_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)")
_DECIMAL_FLOAT = re.compile(r"[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?")
_BOOLEANS = {"true", "false", "True", "False", "TRUE", "FALSE"}
_NULLS = {"", "~", "null", "Null", "NULL"}


def _number_hint(text: str, number: re.Pattern[str]) -> str | None:
    if number.fullmatch(text):
        return None
    body = text.lstrip("+-")
    if ":" in body:
        return (f"{text!r} is a base-60 number in YAML 1.1 (1:30 means 90); write a decimal "
                "such as 1.5, or quote it if it is text")
    if body[:2].lower() in ("0x", "0o", "0b") or re.fullmatch(r"0[0-9_]+", body):
        return (f"{text!r} is a hexadecimal, octal or binary number in YAML 1.1; numbers are "
                "plain decimals (write 8, not 010), or quote it if it is text")
    if "_" in body:
        return f"{text!r}: write numbers without '_' separators, or quote it if it is text"
    return f"{text!r} is not a plain decimal number; write e.g. 4 or 1.5, or quote it if it is text"


def _bool_hint(text: str) -> str | None:
    if text in _BOOLEANS:
        return None
    return (f"{text!r} is read by YAML 1.1 as a yes/no value; write true or false, or quote "
            "it if it is text")


def _null_hint(text: str) -> str | None:
    return None if text in _NULLS else f"{text!r} is not null; write null or leave the value empty"


_PLAIN: dict[str, Any] = {
    "tag:yaml.org,2002:int": lambda text: _number_hint(text, _DECIMAL_INT),
    "tag:yaml.org,2002:float": lambda text: _number_hint(text, _DECIMAL_FLOAT),
    "tag:yaml.org,2002:bool": _bool_hint,
    "tag:yaml.org,2002:null": _null_hint,
}


class _Builder:
    def __init__(self, source: SourceMap, *, anchors: bool = True):
        self.source = source
        self.count = 0
        # Aliases (*name) repeat an anchored (&name) node; without anchors there are none,
        # and the ids of a large file's ~600,000 nodes need not be kept to find them.
        self.seen: set[int] | None = set() if anchors else None
        self.alias_values = 0
        self.problems: list[Problem] = []
        self.scalars = yaml.constructor.SafeConstructor()

    def build(self, node: yaml.Node, loc: PathKey) -> Any:
        self._count(node, loc)
        if type(node) is yaml.ScalarNode:
            return node.value if node.tag == _STR else self._scalar(node, loc)
        if type(node) is yaml.MappingNode:
            return self._mapping(node, loc)
        if node.tag != "tag:yaml.org,2002:seq":
            return self._bad_tag(node, loc)
        return [self.build(item, loc + (i,)) for i, item in enumerate(node.value)]

    def _count(self, node: yaml.Node, loc: PathKey) -> None:
        self.count += 1
        seen = self.seen
        if seen is not None and id(node) in seen:  # reached before: through an alias
            self.alias_values += 1
            if self.alias_values > MAX_ALIAS_VALUES:
                raise _Abort(self._at(node, loc, f"aliases (*name) expand to more than "
                                                 f"{MAX_ALIAS_VALUES} values; write the values out"))
        elif seen is not None:
            seen.add(id(node))
        if self.count > MAX_NODES:
            raise _Abort(self._at(node, loc, f"file holds more than {MAX_NODES} values, the limit "
                                             "per file; split it into several files"))

    def _at(self, node: yaml.Node, loc: PathKey, message: str) -> Problem:
        line, col = _mark(node)
        return Problem(self.source.path, line, col, format_path(loc), message)

    def _mapping(self, node: yaml.MappingNode, loc: PathKey) -> Any:
        if node.tag != "tag:yaml.org,2002:map":
            return self._bad_tag(node, loc)
        out: dict[str, Any] = {}
        first_key: dict[str, yaml.Node] = {}
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
            if key in first_key:
                line, col = _mark(key_node)
                first = _mark(first_key[key])
                self.problems.append(Problem(self.source.path, line, col, format_path(loc + (key,)),
                                             f"duplicate key {key!r} (first at line {first[0]})"))
                continue
            first_key[key] = key_node
            if type(value_node) is yaml.ScalarNode and value_node.tag == _STR \
                    and self.seen is None and self.count < MAX_NODES:
                # The common case inline (text, in a file without anchors): build()'s work.
                self.count += 1
                out[key] = value_node.value
            else:
                out[key] = self.build(value_node, loc + (key,))
        return out

    def _scalar(self, node: yaml.ScalarNode, loc: PathKey) -> Any:
        if node.tag == "tag:yaml.org,2002:timestamp":
            # Dates are parsed by compliance.dates so that 2023-13-01 gets our message,
            # and ISO and ROC forms go through one path.
            return node.value
        if node.tag == _STR:
            return node.value  # the common case, without the constructor's bookkeeping
        check = _PLAIN.get(node.tag)
        if check is None:
            return self._bad_tag(node, loc)
        hint = check(node.value)
        if hint:
            self.problems.append(self._at(node, loc, hint))
            return None
        return self.scalars.construct_object(node, deep=True)

    def _bad_tag(self, node: yaml.Node, loc: PathKey) -> None:
        line, col = _mark(node)
        self.problems.append(Problem(self.source.path, line, col, format_path(loc),
                                     f"unsupported YAML tag {node.tag!r}; only plain YAML is accepted"))


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
    raw = read_regular(file, path, MAX_BYTES)
    if isinstance(raw, Problem):
        return None, source, [raw]
    text = _decode(raw, path)
    if isinstance(text, Problem):
        return None, source, [text]
    controls = _control_characters(text, path)
    if controls:
        return None, source, controls
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
    source.text = text  # positions are looked up in it when needed (SourceMap)
    builder = _Builder(source, anchors="&" in text)  # no '&' at all: no anchor, no alias
    try:
        data = builder.build(node, ())
    except _Abort as abort:
        return None, source, [abort.problem]
    except RecursionError:
        line, col = _mark(node)
        return None, source, [Problem(path, line, col, "", "document is nested too deeply")]
    return data, source, builder.problems


def read_regular(file: Path, path: str, limit: int) -> bytes | Problem:
    """The bytes of a regular file of at most ``limit`` bytes, or why not.

    A FIFO would block the read forever and a device (``/dev/zero``) never ends, so the
    file is opened without blocking and checked before a byte is read; a symlink loop
    fails to open instead of being followed.
    """
    try:
        fd = os.open(file, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        return Problem(path, 1, 1, "", f"cannot read file: {exc.strerror}")
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return Problem(path, 1, 1, "", f"not a regular file (a {_file_kind(st.st_mode)}); "
                                           "remove it from the folder")
        if st.st_size > limit:
            return Problem(path, 1, 1, "", f"file is {st.st_size} bytes, more than the {limit} "
                                           "bytes a file may hold; split it into several files")
        with os.fdopen(os.dup(fd), "rb") as fh:
            return fh.read(limit + 1)
    except OSError as exc:
        return Problem(path, 1, 1, "", f"cannot read file: {exc.strerror}")
    finally:
        os.close(fd)


_ID = re.compile(r"""(?:^|[\s{,-])id\s*:\s*["']?([A-Za-z0-9][A-Za-z0-9-]*)""", re.MULTILINE)


def ids_in_text(file: Path) -> set[str]:
    """Every ``id: x`` written in a file that could not be parsed: references to those ids
    are not reported as unknown, since the file's own problem is the cause."""
    raw = read_regular(file, display_path(file), MAX_BYTES)
    if isinstance(raw, Problem):
        return set()
    return set(_ID.findall(raw.decode("utf-8", "replace")))


def _file_kind(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "directory"), (stat.S_ISFIFO, "FIFO"), (stat.S_ISCHR, "device"),
                       (stat.S_ISBLK, "device"), (stat.S_ISSOCK, "socket")):
        if test(mode):
            return name
    return "special file"


# Characters YAML does not allow in a document (C0 and C1 controls except tab, line
# breaks and NEL; surrogates; non-characters). Found before parsing so each is located
# at its own line and column, and all of them are reported at once.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
_MAX_CONTROLS = 20


def _control_characters(text: str, path: str) -> list[Problem]:
    out = []
    for match in _CONTROL.finditer(text):
        before = text[: match.start()]
        line = before.count("\n") + 1
        col = match.start() - (before.rfind("\n") + 1) + 1
        out.append(Problem(path, line, col, "", f"control character U+{ord(match.group()):04X} is not "
                                                "allowed; delete it (it often comes from copy and paste)"))
        if len(out) == _MAX_CONTROLS:
            break
    return out


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.SequenceNode):
        return "list"
    if node.tag == "tag:yaml.org,2002:null":
        return "null value"
    return "scalar"
