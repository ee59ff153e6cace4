"""New records go into the records file as inserted text: every existing byte is kept."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from compliance import models as m
from compliance._yaml import read_yaml
from compliance.errors import InputError
from compliance.intake.write import insert

R1 = m.Record(id="a-1", activity="online-booking-check", date=dt.date(2023, 1, 3), unit="registration")
R2 = m.Record(id="a-2", activity="online-booking-check", date=dt.date(2023, 1, 4),
              evidence={"doc_no": "北市: 1號"}, note="#不是註解: '=1'")


def records_of(text: str):
    return [m.Record.model_validate(r) for r in yaml.safe_load(text)["records"]]


@pytest.mark.parametrize("text", [
    None,
    "",
    "records: []\n",
    "records: []  # none yet\nwaivers: []\n",
    "# header\nrecords:\n# nothing yet\n",
    "plan_note: x\n",
    "records:\n  - {id: z, activity: q, date: 2023-01-01}  # first\n  # a gap\n\nwaivers: []\n",
    "records:\n- id: z\n  activity: q\n  date: 112/01/01\n  note: >-\n    folded\n    text\n\n# end\n",
])
def test_records_are_appended_and_everything_else_kept(text):
    out = insert(text, [R1, R2], "imported from a.xlsx", "f.yaml")
    got = records_of(out)
    assert got[-2:] == [R1, R2]
    if text:
        for line in text.splitlines():  # every line of the original survives (comments too)
            if line.strip() not in ("records: []", "records: []  # none yet"):
                assert line in out.splitlines()
    assert "# imported from a.xlsx" in out


def test_one_line_records_stay_one_line_and_block_records_stay_block():
    flow = insert("records:\n  - {id: z, activity: q, date: 2023-01-01}\n", [R1], "c", "f.yaml")
    assert flow.endswith("  - {id: a-1, activity: online-booking-check, date: 2023-01-03, unit: registration}\n")
    block = insert("records:\n  - id: z\n    activity: q\n    date: 2023-01-01\n", [R2], "c", "f.yaml")
    assert block.endswith("  - id: a-2\n    activity: online-booking-check\n    date: 2023-01-04\n"
                          "    evidence: {doc_no: \"北市: 1號\"}\n    note: \"#不是註解: '=1'\"\n")


def test_a_one_line_list_with_records_is_refused_with_its_position():
    with pytest.raises(InputError) as info:
        insert("records: [{id: z, activity: q, date: 2023-01-01}]\n", [R1], "c", "f.yaml")
    assert str(info.value.problems[0]).startswith("f.yaml:1:10: records: records are written as a one-line list")


def test_nothing_to_add_changes_nothing():
    assert insert("records: []  # x\n", [], "c", "f.yaml") == "records: []  # x\n"


_TEXT = st.text(min_size=1, max_size=40)


@settings(max_examples=300, deadline=None)
@example(note="0", doc_no="A\n", file=None, hours=None, flow=False)  # `$` matched before the newline
@given(note=_TEXT, doc_no=_TEXT, file=st.none() | _TEXT, hours=st.none() | st.floats(0, 1000),
       flow=st.booleans())
def test_whatever_text_a_cell_holds_reads_back_the_same(note, doc_no, file, hours, flow):
    record = m.Record(id="r-1", activity="online-booking-check", date=dt.date(2023, 1, 3), hours=hours,
                      evidence={"doc_no": doc_no, "file": file}, note=note)
    text = insert("records:\n  - {id: z, activity: q, date: 2023-01-01}\n" if flow else "records: []\n",
                  [record], "c", "f.yaml")
    with tempfile.TemporaryDirectory() as tmp:  # read as the loader reads plan files
        path = Path(tmp) / "r.yaml"
        path.write_text(text, encoding="utf-8")
        data, _, problems = read_yaml(path)
    assert problems == []
    assert m.Record.model_validate(data["records"][-1]) == record


def test_windows_line_endings_and_a_byte_order_mark_are_kept():
    text = "\ufeff# 紀錄\r\nrecords:\r\n  - {id: z, activity: q, date: 2023-01-01}\r\n"
    out = insert(text, [R1], "c", "f.yaml")
    assert out.startswith(text) and out.count("\r\n") == out.count("\n")
    assert records_of(out.lstrip("\ufeff"))[-1] == R1
