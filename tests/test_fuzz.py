"""Deterministic mutation fuzzing of the bundled YAML: whatever a clerk's editor (or a
disk) does to a file, the CLI answers with an exit code of the table, located messages
and no traceback, and `check` never passes what `validate` refuses.

300 cases with a fixed seed take about half a minute (60 of them in the quick loop); a
failing case prints its number, file and mutations, and COMPLIANCE_FUZZ_SEED=n explores
further with another seed.
"""

from __future__ import annotations

import os
import random
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from compliance.cli import main

ROOT = Path(__file__).resolve().parent.parent
SEED = int(os.environ.get("COMPLIANCE_FUZZ_SEED", "20230210"))  # another seed explores further
CASES = 300
LOCATED = re.compile(r"^[^:]+:\d+:\d+: ")
ODD = ["\t", "\x00", "\x0b", "\x7f", "\u3000", "\ufeff", "\u200b", "😀", ":", "&", "*", "!", "{",
       "[", '"', "'", "#", "%", "@", "`", "|", ">", "-", "?", "---", "\\", "1:30", "0x_", "yes",
       "~", "!!int", "!!float", "9999-12-31", "0000-01-01", "112/02/30", "&a", "*a", "<<: *a"]

Lines = list[str]


def delete_line(rnd: random.Random, lines: Lines) -> Lines:
    i = rnd.randrange(len(lines))
    return lines[:i] + lines[i + 1:]


def duplicate_line(rnd: random.Random, lines: Lines) -> Lines:
    i = rnd.randrange(len(lines))
    return lines[:i + 1] + [lines[i]] + lines[i + 1:]


def indent(rnd: random.Random, lines: Lines) -> Lines:
    i = rnd.randrange(len(lines))
    line = lines[i]
    shift = rnd.choice([-4, -2, -1, 1, 2, 4])
    lines = list(lines)
    lines[i] = " " * shift + line if shift > 0 else line[min(-shift, len(line) - len(line.lstrip())):]
    return lines


_SCALAR = re.compile(r"(:\s+)([^\s{}\[\],#][^{}\[\],#]*?)(\s*(?:[,}\]]|$))")


def swap_scalars(rnd: random.Random, lines: Lines) -> Lines:
    spots = [(i, m) for i, line in enumerate(lines) for m in _SCALAR.finditer(line)]
    if len(spots) < 2:
        return lines
    (i, a), (j, b) = rnd.sample(spots, 2)
    lines = list(lines)
    if i == j:
        return lines
    lines[i] = lines[i][: a.start(2)] + b.group(2) + lines[i][a.end(2):]
    lines[j] = lines[j][: b.start(2)] + a.group(2) + lines[j][b.end(2):]
    return lines


SURPRISES = ["1:30", "0x_", "0x1F", "010", "0o17", "1_000", ".inf", ".nan", "!!int abc", "!!float x",
             "!!bool maybe", "!!null x", "!!binary aGk=", "!!timestamp x", "yes", "off", "y", "~",
             "[]", "{}", '""', "9999-12-31", "0000-01-01", "10000-01-01", "112/02/30", "0/01/01",
             "2023-06-30 10:00:00", "*nowhere", "-1", "1e400", "１２"]


def odd_scalar(rnd: random.Random, lines: Lines) -> Lines:
    """A value replaced by one YAML 1.1 reads in a surprising way."""
    spots = [(i, m) for i, line in enumerate(lines) for m in _SCALAR.finditer(line)]
    if not spots:
        return lines
    i, m = rnd.choice(spots)
    lines = list(lines)
    lines[i] = lines[i][: m.start(2)] + rnd.choice(SURPRISES) + lines[i][m.end(2):]
    return lines


def odd_character(rnd: random.Random, lines: Lines) -> Lines:
    i = rnd.randrange(len(lines))
    line = lines[i]
    at = rnd.randrange(len(line) + 1)
    lines = list(lines)
    lines[i] = line[:at] + rnd.choice(ODD) + line[at:]
    return lines


def truncate(rnd: random.Random, lines: Lines) -> Lines:
    text = "\n".join(lines)
    cut = rnd.randrange(len(text))
    return text[:cut].split("\n")


MUTATIONS: list[Callable[[random.Random, Lines], Lines]] = [
    delete_line, duplicate_line, indent, swap_scalars, odd_scalar, odd_scalar, odd_character,
    truncate]


def cases() -> list[tuple[int, str, list[str]]]:
    rnd = random.Random(SEED)
    files = sorted(str(p.relative_to(ROOT)) for folder in ("rules", "plan_data")
                   for p in (ROOT / folder).glob("*.yaml"))
    out = []
    for n in range(CASES):
        names = [rnd.choice(MUTATIONS).__name__ for _ in range(rnd.choice([1, 1, 2, 3]))]
        out.append((n, rnd.choice(files), names))
    return out


@pytest.fixture(scope="module")
def fuzzdir(tmp_path_factory):
    base = tmp_path_factory.mktemp("fuzz")
    shutil.copytree(ROOT / "rules", base / "rules")
    shutil.copytree(ROOT / "plan_data", base / "plan_data")
    return base


def assert_answer(result, allowed: set[int], what: str) -> None:
    assert result.exit_code in allowed, f"{what}: exit {result.exit_code}\n{result.output}"
    assert result.exception is None or isinstance(result.exception, SystemExit), what
    assert "Traceback" not in result.output, what
    if result.exit_code == 2:
        located = [line for line in result.stderr.splitlines() if LOCATED.match(line)]
        assert located, f"{what}: no path:line:column in\n{result.stderr}"


QUICK = 60  # cases in the quick loop (-m "not slow"); CI runs all of them


def test_mutated_yaml_never_crashes(fuzzdir, monkeypatch):
    assert run_cases(fuzzdir, monkeypatch, cases()[:QUICK]) == {0, 2}, \
        "the mutations must produce both valid and invalid files"


@pytest.mark.slow  # the other 240 cases: about 25 s
def test_mutated_yaml_never_crashes_more(fuzzdir, monkeypatch):
    assert run_cases(fuzzdir, monkeypatch, cases()[QUICK:]) == {0, 2}


def run_cases(fuzzdir: Path, monkeypatch: pytest.MonkeyPatch,
              chosen: list[tuple[int, str, list[str]]]) -> set[int]:
    """Run the cases; the set of validate's exit codes seen."""
    monkeypatch.chdir(fuzzdir)
    runner = CliRunner()
    seen: set[int] = set()
    for n, name, mutations in chosen:
        rnd = random.Random(SEED * 1000 + n)
        original = (ROOT / name).read_text(encoding="utf-8")
        lines = original.split("\n")
        for mutation in mutations:
            if lines:
                lines = globals()[mutation](rnd, lines)
        what = f"case {n}: {name} after {', '.join(mutations)}"
        (fuzzdir / name).write_text("\n".join(lines), encoding="utf-8")
        try:
            validate = runner.invoke(main, ["validate"])
            assert_answer(validate, {0, 2}, what + " (validate)")
            check = runner.invoke(main, ["check", "--as-of", "2023-06-30", "--format", "json"])
            assert_answer(check, {0, 1, 2}, what + " (check)")
            if validate.exit_code == 2:
                assert check.exit_code == 2, what + ": check passed what validate refused"
            seen.add(validate.exit_code)
        finally:
            (fuzzdir / name).write_text(original, encoding="utf-8")
    return seen
