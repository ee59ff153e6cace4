"""Every sentence the intake shows a clerk, in zh-TW and English.

zh-TW is the office's language: a clerk reading an import report must not meet English.
"""

from __future__ import annotations

from typing import Any

FIELD_LABELS: dict[str, tuple[str, str]] = {
    "id": ("編號", "id"),
    "date": ("日期", "date"),
    "activity": ("工作項目", "activity"),
    "unit": ("課室", "unit"),
    "staff": ("承辦人", "staff"),
    "hours": ("時數", "hours"),
    "period": ("對應期間", "period"),
    "doc_no": ("文號", "doc_no"),
    "file": ("附件", "file"),
    "url": ("連結", "url"),
    "link": ("附件/連結", "file/url"),
    "note": ("備註", "note"),
    "case": ("案件", "case"),
    "values": ("數值", "values"),
}

_MESSAGES: dict[str, tuple[str, str]] = {
    # reading the file
    "not_found": ("找不到檔案", "file not found"),
    "unreadable": ("無法讀取檔案：{error}", "cannot read file: {error}"),
    "extension": ("不支援的副檔名「{ext}」；請存成 .xlsx、.ods 或 .csv",
                  "unsupported file type {ext!r}; save it as .xlsx, .ods or .csv"),
    "macro_ext": ("「{ext}」檔可含巨集，為安全起見不予讀取；請另存為 .xlsx 或 .ods",
                  "{ext!r} files may hold macros and are refused for safety; save it as .xlsx or .ods"),
    "macro_inside": ("活頁簿內含巨集（{entry}），為安全起見不予讀取；請移除巨集後另存",
                     ("the workbook holds macros ({entry}) and is refused for safety; "
                     "remove them and save again")),
    "not_kind": ("副檔名是 {ext}，但內容不是 {kind} 檔（{found}）",
                 "the extension is {ext} but the content is not a {kind} file ({found})"),
    "ole2": ("這是舊版 .xls 或設有密碼的活頁簿，無法讀取；請另存為不設密碼的 .xlsx 或 .ods",
             "an old .xls or a password-protected workbook, which is not read; save it as .xlsx or "
             ".ods without a password"),
    "too_big": ("檔案太大（{size} MB，上限 {limit} MB）", "file too large ({size} MB; limit {limit} MB)"),
    "zip_bomb": ("壓縮內容異常（{entry} 解壓後超過 {limit} MB 或壓縮比過高），疑似壓縮炸彈，不予讀取",
                 ("suspicious compression ({entry} expands beyond {limit} MB or by an extreme ratio): "
                 "refused as a possible zip bomb")),
    "too_many_rows": ("工作表超過 {limit} 列，不予讀取（一年的記錄遠少於此；是否有大量空白列？）",
                      ("the sheet has more than {limit} rows and is refused (a year of records is far "
                      "fewer; a sheet of empty rows?)")),
    "sheet_area": ("工作表範圍太大（到第 {rows} 列、第 {columns} 欄，超過 {limit} 格），不予讀取；"
                   "是否有資料或格式遠在記錄之外？",
                   "the sheet spans too far ({rows} rows by {columns} columns, over {limit} cells) and "
                   "is refused: data or formatting far beyond the records?"),
    "bad_xml": ("活頁簿內容無法解析：{error}", "the workbook's content cannot be parsed: {error}"),
    "encoding": ("CSV 檔既不是 UTF-8 也不是 Big5 編碼（第 {line} 行）；請另存為 UTF-8",
                 "the CSV file is neither UTF-8 nor Big5 (line {line}); save it as UTF-8"),
    "read_big5": ("以 Big5 (CP950) 編碼讀取；建議另存為 UTF-8", "read as Big5 (CP950); saving as UTF-8 is advised"),
    "binary_csv": ("內容不是文字（含 NUL 位元組），不是 CSV 檔", "the content is not text (NUL bytes): not a CSV file"),
    # sheets and headers
    "no_sheet": ("找不到工作表「{sheet}」；有：{known}", "no sheet {sheet!r}; the workbook has: {known}"),
    "no_header": (("工作表有內容，但前 {rows} 列找不到標題列（需有「日期」與「工作項目」欄）；"
                  "請用 --sheet 指定要匯入的工作表，或用 --mapping 說明欄位"),
                  ("the sheet has content but no header row in its first {rows} rows (with 'date' and "
                  "'activity' columns); choose sheets with --sheet or describe the columns with --mapping")),
    "mapping_field": ("不明的欄位「{field}」；可用：{known} 或 null",
                      "unknown field {field!r}; use one of {known} or null"),
    "no_records_sheet": ("沒有可匯入的工作表", "no sheet to import"),
    "missing_column": ("缺少「{label}」欄{hint}", "no {label!r} column{hint}"),
    "duplicate_column": ("「{label}」欄重複（另見 {first}）", "the {label!r} column appears twice (also {first})"),
    "merged_header": ("標題列有合併儲存格（{range}）；請取消合併，每欄一個標題",
                      "merged cells in the header row ({range}); unmerge them: one header per column"),
    "merged_cells": ("資料列有合併儲存格（{range}）；請取消合併，每筆記錄一列",
                     "merged cells among the records ({range}); unmerge them: one record per row"),
    "unheaded_data": ("這欄沒有標題卻有資料；請加上標題或刪除",
                      "this column has data but no header; add a header or delete it"),
    "hidden_row": ("這一列被隱藏；請取消隱藏或刪除（隱藏的列不會被默默匯入）",
                   "this row is hidden; unhide or delete it (hidden rows are not imported silently)"),
    "hidden_sheet": ("這個工作表被隱藏，卻有記錄的標題列；請取消隱藏，或用 --sheet 指定匯入",
                     "this sheet is hidden but has a header row of records; unhide it, or import it "
                     "with --sheet"),
    "formula": ("這格是公式，採用其儲存的值「{value}」", "this cell is a formula; its saved value {value!r} was used"),
    "formula_empty": ("這格是公式但沒有儲存的值（不是由試算表程式存檔？），視為空白",
                      ("this cell is a formula with no saved value (not saved by a spreadsheet program?); "
                      "taken as empty")),
    "ignored_columns": ("未使用的欄：{names}", "columns not used: {names}"),
    # cells
    "required": ("必填，不可空白", "required, but empty"),
    "bad_date": ("{value} 不是有效日期", "{value} is not a valid date"),
    "date_time": ("{value} 含有時間；請只填日期", "{value} has a time of day; give the date only"),
    "bad_serial": ("{value} 不是日期序號範圍內的數字", "{value} is not a date serial number in range"),
    "unknown": ("不明的{what}「{value}」{hint}", "unknown {what} {value!r}{hint}"),
    "did_you_mean": ("；是否為「{close}」？", "; did you mean {close!r}?"),
    "bad_id": ("「{value}」不能當作編號（只能用小寫英數字與連字號，最長 80 字）",
               "{value!r} cannot be an id (lower-case letters, digits and hyphens, at most 80)"),
    "bad_hours": ("「{value}」不是 0 到 1000 之間的時數", "{value!r} is not a number of hours from 0 to 1000"),
    "bad_period": ("「{value}」不是期間（例如 2023-06、112-06、2023-Q2、2023-W20）或記錄編號",
                   "{value!r} is not a period (e.g. 2023-06, 112-06, 2023-Q2, 2023-W20) or a record id"),
    "bad_text": ("應為文字，卻是 {value}", "expected text, got {value}"),
    "duplicate_row": ("與 {first} 是同一筆記錄（編號 {id}）；若是兩筆不同記錄，請填「編號」欄區分",
                      ("the same record as {first} (id {id}); if they are two records, tell them apart in "
                      "the 'id' column")),
    "conflict": ("編號 {id} 已匯入於 {where}，但內容不同（{fields}）；不會覆寫：請修正試算表或計畫資料檔其中之一",
                 ("id {id} was imported before ({where}) with different content ({fields}); it is not "
                 "overwritten: correct the spreadsheet or the YAML")),
    "change": ("{field}「{old}」→「{new}」", "{field} {old!r} -> {new!r}"),
    "invalid_record": ("記錄不合格式：{error}", "not a valid record: {error}"),
    "bad_number": ("「{value}」不是 0 到 1,000,000 之間的數字", "{value!r} is not a number from 0 to 1,000,000"),
    "mapping_number": ("計畫資料沒有宣告數值欄位「{field}」；已宣告：{known}",
                       "the plan data declares no number {field!r}; declared: {known}"),
    # what names mean
    "what_activity": ("工作項目", "activity"),
    "what_unit": ("課室", "unit"),
    "what_staff": ("承辦人", "staff member"),
    # the summary
    "summary_sheet": ("{where}：讀取 {rows} 列，新增 {added} 筆，未變更 {unchanged} 筆，衝突 {conflicts} 筆",
                      ("{where}: {rows} rows read, {added} records added, {unchanged} unchanged, "
                      "{conflicts} conflicts")),
    "summary_wrote": ("已寫入 {path}（新增 {added} 筆記錄）", "wrote {path} ({added} records added)"),
    "summary_nothing": ("沒有新記錄；{path} 未變更", "no new records; {path} unchanged"),
    "summary_dry_run": ("試執行：會在 {path} 新增 {added} 筆記錄；未寫入任何檔案",
                        "dry run: {added} records would be added to {path}; nothing was written"),
    "problems_trailer": ("共 {n} 個問題；未寫入任何檔案。", "{n} problem(s) found; nothing was written."),
    "problems_trailer_conflicts": ("共 {n} 個問題，其中衝突 {conflicts} 筆；未寫入任何檔案。",
                                   "{n} problem(s) found, {conflicts} of them conflicts; nothing was written."),
    "progress": ("讀取中", "reading"),
    "changed_meanwhile": ("{path} 在匯入期間被修改（另一個匯入或編輯器？），未寫入；請重新匯入",
                          "{path} changed while importing (another import, an editor?); nothing was "
                          "written: import again"),
    "io_failed": ("無法讀寫 {path}：{error}", "cannot read or write {path}: {error}"),
    "binary_output": ("{fmt} 是二進位檔，不能輸出到終端機：請用 -o 指定檔名",
                      "an {fmt} file is binary: give -o FILE.{fmt}"),
    "into_outside": ("--into 必須是 --plan 資料夾中的 .yaml 檔：{path}",
                     "--into must be a .yaml file in the --plan folder: {path}"),
    "result_invalid": ("匯入後的計畫資料無法通過檢查（未寫入）：", ("the plan with the imported records does not "
                       "validate (nothing written):")),
}


def say(lang: str, key: str, **params: Any) -> str:
    zh, en = _MESSAGES[key]
    return (zh if lang == "zh-TW" else en).format(**params)


def label(lang: str, field: str) -> str:
    """A field's column label; a declared number (values.<id>) by its id when its title is
    not at hand (``layout.column_label`` has it)."""
    if field not in FIELD_LABELS:
        return field.removeprefix("values.")
    zh, en = FIELD_LABELS[field]
    return zh if lang == "zh-TW" else en
