"""New records go into the records file as inserted text: every existing byte is kept."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from compliance import models as m
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
                          "    evidence: {doc_no: '北市: 1號'}\n    note: '#不是註解: ''=1'''\n")


def test_a_one_line_list_with_records_is_refused_with_its_position():
    with pytest.raises(InputError) as info:
        insert("records: [{id: z, activity: q, date: 2023-01-01}]\n", [R1], "c", "f.yaml")
    assert str(info.value.problems[0]).startswith("f.yaml:1:10: records: records are written as a one-line list")


def test_nothing_to_add_changes_nothing():
    assert insert("records: []  # x\n", [], "c", "f.yaml") == "records: []  # x\n"
