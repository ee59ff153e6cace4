#!/usr/bin/env python3
"""Benchmark: `compliance import` of a 10,000-row workbook against `compliance validate`
of the plan that results (the target: import <= 2x validate).

    python bench/import.py [--rows 10000] [--runs 5] [--format xlsx|ods|csv] [--seed 1]

Works in a temporary copy of rules/ and plan_data/. The workbook is written once with
the template's columns (openpyxl; ods and csv through the project's own exporter), rows
drawn from the plan's activities, units, staff and the days of 2023, with document
numbers and notes; ids are left empty, so every row's id is derived as clerks' rows are.
Each run empties ``plan_data/records-bench.yaml`` and times the whole process of
``compliance import FILE --into plan_data/records-bench.yaml`` (read, check every cell,
reconcile, insert, validate the result with the loader, write atomically), each followed by
the whole process of ``compliance validate`` on the resulting plan; ``ratio`` is the median
of the pairs' ratios (pairs meet the same load on a shared machine). Then, in this
process, the time to refuse two hostile workbooks (``refuse_seconds``): an xlsx whose sheet
is a million empty rows, and a 100 MB zip bomb of empty cells (about 100 KB on disk).
Prints ONE JSON line with the medians and their ratio.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def rows(n: int, seed: int) -> list[list[object]]:
    sys.path.insert(0, str(ROOT / "src"))
    from compliance.load import load_bundle

    bundle = load_bundle(ROOT / "rules", ROOT / "plan_data")
    activities = [a.title.zh_TW for a in bundle.activities.values()]
    staff = {s.id: s.unit for s in bundle.staff.values() if s.unit}
    units = {u.id: u.name.zh_TW for u in bundle.units.values()}
    days = [dt.date(2023, 1, 1) + dt.timedelta(days=i) for i in range(365)]
    rng = random.Random(seed)
    combos = rng.sample(range(len(activities) * len(days) * len(staff)), n)  # distinct rows
    people = sorted(staff)
    out = []
    for c in combos:
        a, rest = divmod(c, len(days) * len(staff))
        d, s = divmod(rest, len(staff))
        person = people[s]
        out.append([None, days[d], activities[a], units[staff[person]], person, None, None,
                    f"北市安戶字第112{c:07d}號", None, None, f"第 {c} 筆，測試資料"])
    return out


def write_book(path: Path, data: list[list[object]], fmt: str) -> None:
    sys.path.insert(0, str(ROOT / "src"))
    from compliance.intake import layout, workbook

    sheet = layout.Sheet(name="工作紀錄", headers=layout.headers("zh-TW"), rows=data, lists={},
                         lists_name="清單", instructions_name="說明", instructions=[])
    path.write_bytes(workbook.write(sheet, fmt))


def timed(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    result = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({result.returncode}):\n{result.stderr[-2000:]}")
    return elapsed


def hostile(folder: Path) -> dict[str, Path]:
    import zipfile

    workbook = (b'<workbook xmlns:r="r"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets>'
                b'</workbook>')
    rels = b'<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>'
    bodies = {
        "million-rows": (b"".join(b'<row r="%d"/>' % i for i in range(k, k + 10_000))
                         for k in range(1, 1_000_001, 10_000)),
        "zip-bomb": (b"<c/>" * (1 << 18) for _ in range(100)),
    }
    out = {}
    for name, chunks in bodies.items():
        path = folder / f"{name}.xlsx"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("xl/workbook.xml", workbook)
            zf.writestr("xl/_rels/workbook.xml.rels", rels)
            with zf.open("xl/worksheets/sheet1.xml", "w") as fh:
                fh.write(b"<worksheet><sheetData>")
                for chunk in chunks:
                    fh.write(chunk)
        out[name] = path
    return out


def refuse_seconds(paths: dict[str, Path]) -> dict[str, float]:
    from compliance.intake.guard import Refused
    from compliance.intake.read import read_workbook

    out = {}
    for name, path in paths.items():
        start = time.perf_counter()
        try:
            read_workbook(path, path.name)
        except Refused:
            out[name] = round(time.perf_counter() - start, 3)
        else:
            raise SystemExit(f"{name} was not refused")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--format", choices=["xlsx", "ods", "csv"], default="xlsx")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    exe = [sys.executable, "-m", "compliance"]
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        work = Path(tmp)
        shutil.copytree(ROOT / "rules", work / "rules")
        shutil.copytree(ROOT / "plan_data", work / "plan_data")
        book = work / f"rows.{args.format}"
        write_book(book, rows(args.rows, args.seed), args.format)
        target = work / "plan_data" / "records-bench.yaml"
        imports, validates = [], []
        for _ in range(args.runs):  # in pairs, so both commands meet the same load on a shared machine
            target.write_text("records: []\n", encoding="utf-8")
            imports.append(timed([*exe, "import", book.name, "--into", "plan_data/records-bench.yaml"], work))
            validates.append(timed([*exe, "validate"], work))
        imp, val = statistics.median(imports), statistics.median(validates)
        ratio = statistics.median(i / v for i, v in zip(imports, validates))
        refused = refuse_seconds(hostile(work))
        print(json.dumps({"rows": args.rows, "format": args.format, "runs": args.runs,
                          "file_kb": book.stat().st_size // 1024,
                          "import_seconds": round(imp, 3), "validate_seconds": round(val, 3),
                          "ratio": round(ratio, 2), "target": 2.0, "met": ratio <= 2,
                          "refuse_seconds": refused}))


if __name__ == "__main__":
    main()
