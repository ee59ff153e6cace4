"""_yaml: plain data plus the position of every value and key; every refusal located."""

from __future__ import annotations

import pytest

from compliance._yaml import MAX_ALIAS_VALUES, MAX_NODES, format_path, read_yaml


def read(tmp_path, text: str | bytes, name: str = "f.yaml"):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return read_yaml(path, "hint!")


def test_values_keys_and_positions(tmp_path):
    data, source, problems = read(tmp_path, "a:\n  b: [1, x]\n  c: 2023-01-02\n  d: true\n")
    assert problems == []
    # Dates stay text (compliance.dates parses ISO and ROC alike); other scalars are typed.
    assert data == {"a": {"b": [1, "x"], "c": "2023-01-02", "d": True}}
    assert source.locate(("a", "b", 1)) == (2, 10)
    assert source.locate(("a", "c"), key=True) == (3, 3)
    assert source.locate(("a", "missing", 3)) == (2, 3)  # the nearest ancestor with a place


def test_format_path():
    assert format_path(("rules", 3, "where", 0, "field")) == "rules[3].where[0].field"
    assert format_path(()) == ""


@pytest.mark.parametrize("text, line, col, message", [
    ("a: 1\na: 2\n", 2, 1, "duplicate key 'a' (first at line 1)"),
    ("a: !!python/object {}\n", 1, 4, "unsupported YAML tag"),
    ("a: &x {k: 1}\nb:\n  <<: *x\n", 3, 3, "merge keys (<<) are not supported"),
    ("a: [1\n", 2, 1, "YAML syntax error"),
    ("a: 1\n---\nb: 2\n", 3, 1, "several YAML documents"),
    ("- 1\n", 1, 1, "must be a mapping (key: value), not a list"),
])
def test_refusals_are_located(tmp_path, text, line, col, message):
    _data, _, problems = read(tmp_path, text)
    (problem,) = problems
    assert (problem.line, problem.column) == (line, col)
    assert message in problem.message


def test_an_empty_file_says_so_with_the_hint(tmp_path):
    data, _, (problem,) = read(tmp_path, "")
    assert data is None and "file is empty" in problem.message and problem.message.endswith("hint!")


def test_big5_is_recognised(tmp_path):
    data, _, (problem,) = read(tmp_path, "a: 戶政\n".encode("big5"))
    assert data is None and "not UTF-8" in problem.message and "Big5" in problem.message
    assert (problem.line, problem.column) == (1, 4)


def test_a_utf8_bom_is_accepted(tmp_path):
    data, _, problems = read(tmp_path, "\ufeffa: 1\n")
    assert data == {"a": 1} and problems == []


def test_an_alias_bomb_is_stopped(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, "
              f"*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]" for i in range(1, 7)]
    data, _, (problem,) = read(tmp_path, "\n".join(lines) + "\n")
    assert data is None and f"aliases (*name) expand to more than {MAX_ALIAS_VALUES} values" in problem.message


def test_an_honest_big_file_is_not_called_an_alias_bomb(tmp_path, monkeypatch):
    monkeypatch.setattr("compliance._yaml.MAX_NODES", 50)
    data, _, (problem,) = read(tmp_path, "a: [" + ", ".join(["x"] * 60) + "]\n")
    assert data is None and problem.message == (
        "file holds more than 50 values, the limit per file; split it into several files")
    assert MAX_NODES >= 1_000_000  # a 100,000-record plan (about 8 values a record) fits in one file


@pytest.mark.parametrize("text, words", [
    ("h: 1:30\n", "'1:30' is a base-60 number in YAML 1.1"),
    ("h: 010\n", "'010' is a hexadecimal, octal or binary number"),
    ("h: 0x_\n", "'0x_' is a hexadecimal, octal or binary number"),
    ("h: 1_000\n", "write numbers without '_' separators"),
    ("h: !!int abc\n", "'abc' is not a plain decimal number"),
    ("h: !!float x\n", "'x' is not a plain decimal number"),
    ("h: .inf\n", "'.inf' is not a plain decimal number"),
    ("h: yes\n", "'yes' is read by YAML 1.1 as a yes/no value"),
    ("h: Off\n", "'Off' is read by YAML 1.1 as a yes/no value"),
    ("h: !!null x\n", "'x' is not null"),
])
def test_yaml_11_surprises_are_refused_at_the_value(tmp_path, text, words):
    _, _, problems = read(tmp_path, text)
    assert [(p.line, p.column, p.field) for p in problems] == [(1, 4, "h")]
    assert words in problems[0].message


@pytest.mark.parametrize("text, value", [("h: 4\n", 4), ("h: -1.5\n", -1.5), ("h: true\n", True),
                                         ("h: ~\n", None), ("h: '1:30'\n", "1:30"), ("h: yes-no\n", "yes-no")])
def test_plain_values_are_kept(tmp_path, text, value):
    data, _, problems = read(tmp_path, text)
    assert problems == [] and data == {"h": value}


def test_control_characters_are_located_each(tmp_path):
    _, _, problems = read(tmp_path, "a: x\nb: 'y\x01'\nc: 'z\x7f\x02'\n")
    assert [(p.line, p.column) for p in problems] == [(2, 6), (3, 6), (3, 7)]
    assert problems[0].message.startswith("control character U+0001 is not allowed")


def test_an_unreadable_file(tmp_path):
    data, _, (problem,) = read_yaml(tmp_path / "missing.yaml")
    assert data is None and problem.message.startswith("cannot read file")
