"""An empty record sheet for the office to fill in: headers, drop-down lists from the
plan, date-formatted date column, and instructions in the reader's language."""

from __future__ import annotations

from typing import Any

from compliance.intake import layout, workbook


def instructions(bundle: Any, lang: str) -> list[str]:
    title = bundle.plan.title
    cased = "case" in dict(layout.columns(bundle))  # made ids include the case too
    if lang == "zh-TW":
        return [
            f"{title}　工作紀錄表",
            "",
            f"1. 請在「{layout.sheet_name(lang)}」工作表每列填一筆已完成的工作，第 1 列標題請勿更動。",
            "2. 必填：日期、工作項目。其他欄位依工作性質填寫。",
            "3. 日期可用日期格式，或寫成 112/03/10、112-03-10、112.03.10、112年3月10日、2023-03-10。",
            "4. 工作項目、課室、承辦人請從下拉選單選取（也可填代碼，如 online-booking-check、registration、S08）。",
            (f"5. 編號可留空：系統依工作項目、日期、課室、承辦人{'、案件' if cased else ''}產生編號；"
            "同一天同一人做兩次同一項工作時，請填編號區分"
            "（小寫英數字與連字號，如 training-0310-a）。"),
            "6. 對應期間：補做以前期間的工作時填寫，如 112-06（6 月）、112-Q2（第 2 季）、112-H1（上半年）。",
            "7. 文號、附件（檔案路徑）、連結（網址）為佐證資料；系統只保存文字，不會開啟檔案或網址。",
            "8. 請勿合併儲存格、隱藏列或使用公式；已匯入的列若要更正，請同時更正計畫資料檔中的記錄（系統不會覆寫）。",
            "9. 填好後執行：compliance import 檔名.xlsx，再執行 compliance check 檢查。",
            *_extra(bundle, lang, cased),
        ]
    return [
        f"{title}: record sheet",
        "",
        f"1. On the '{layout.sheet_name(lang)}' sheet, one row per piece of work done; keep the header row.",
        "2. Required: date and activity. Fill in the other columns as the work needs.",
        "3. Dates as date cells, or written 2023-03-10, 112/03/10, 112-03-10, 112.03.10 or 112年3月10日.",
        ("4. Activity, unit and staff from the drop-down lists (ids such as online-booking-check, "
        "registration or S08 are accepted too)."),
        ("5. The id may stay empty: it is made from "
        f"{'activity, date, unit, staff and case' if cased else 'activity, date, unit and staff'}. "
        "Give one when the same person does the same activity twice on one day "
        "(lower-case letters, digits and hyphens)."),
        "6. Period: only for work done for an earlier period, e.g. 2023-06, 2023-Q2, 2023-H1 (or 112-06).",
        "7. Document number, file (a path) and url are evidence, kept as text; nothing is opened or fetched.",
        ("8. No merged cells, hidden rows or formulas. A row already imported is never overwritten: "
        "correct the YAML record too."),
        "9. Then run: compliance import FILE.xlsx, and compliance check.",
        *_extra(bundle, lang, cased),
    ]


_EXTRA = {  # lines for the columns a plan adds: (case, declared numbers; {names} are their titles)
    "zh-TW": ("案件：追蹤或結案的紀錄，請填開案那筆紀錄的編號（如 complaint-1）。",
              "{names}：填數字（0 到 1,000,000），計入規則的合計或條件。", "、"),
    "en": ("Case: for a follow-up or a closing, the id of the record that opened the case (e.g. complaint-1).",
           "{names}: a number (0 to 1,000,000) that rules sum or test.", ", "),
}


def _extra(bundle: Any, lang: str, cased: bool) -> list[str]:
    """Numbered lines, from 10, for the 案件 column and the numbers the plan declares."""
    case, numbers, sep = _EXTRA["zh-TW" if lang == "zh-TW" else "en"]
    lines = [case] if cased else []
    names = sep.join(f.title.get(lang) for f in bundle.record_fields.values())
    if names:
        lines.append(numbers.format(names=names))
    return [f"{n}. {line}" for n, line in enumerate(lines, start=10)]


def template(bundle: Any, fmt: str, lang: str) -> bytes:
    """The workbook as bytes (xlsx or ods)."""
    sheet = layout.Sheet(
        name=layout.sheet_name(lang), headers=layout.headers(lang, bundle), columns=layout.columns(bundle),
        rows=[],
        lists=layout.choices(bundle, lang), lists_name="清單" if lang == "zh-TW" else "Lists",
        instructions_name="說明" if lang == "zh-TW" else "Instructions", lang=lang,
        instructions=instructions(bundle, lang))
    return workbook.write(sheet, fmt)
