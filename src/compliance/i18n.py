"""zh-TW for the messages of bad input (gettext style), applied at the CLI edge.

The loader writes its problems in English, where they are made; this catalogue maps each
English message template to a zh-TW one with the same placeholders, so ``validate`` and
every command that refuses bad input speak Chinese with ``--lang zh-TW``. A message
is translated part by part (parts are separated by "; "), so a suggestion such as "did
you mean 'date'?" is translated wherever it follows. A message with no template stays
English: ``tests/test_i18n.py`` runs every bad-input case in zh-TW and fails on one, so a
new message without its translation is caught.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from compliance.dates import ROC_OFFSET, format_date
from compliance.errors import Problem

# English template -> zh-TW template. {name} matches any text; in zh-TW it is copied as is,
# except {kind} / {what} / {type}, which are translated through _WORDS.
CATALOGUE: dict[str, str] = {
    # click's own refusals of the command line (cli._show_click_error)
    "No such option '{name}'.": "沒有選項 '{name}'。",
    "No such option '{name}'. Did you mean '{close}'?": "沒有選項 '{name}'。是否要用 '{close}'？",
    "No such command '{name}'.": "沒有命令 '{name}'。",
    "Missing argument '{name}'.": "缺少參數 '{name}'。",
    "Missing option '{name}'.": "缺少選項 '{name}'。",
    "Option '{name}' requires an argument.": "選項 '{name}' 需要一個值。",
    "Got unexpected extra argument ({args})": "多出無法辨識的參數（{args}）",
    "Got unexpected extra arguments ({args})": "多出無法辨識的參數（{args}）",
    "Invalid value for '{name}': '{value}' is not one of {choices}.":
        "'{name}' 的值無效：'{value}' 不是 {choices} 之一。",
    "Invalid value for '{name}': '{value}' is not a valid integer.":
        "'{name}' 的值無效：'{value}' 不是整數。",
    "Invalid value for '{name}': {detail}": "'{name}' 的值無效：{detail}",
    # _yaml.py
    "document expands to more than {n} values (an alias bomb?)": "文件展開超過 {n} 個值（別名炸彈？）",
    "write values out instead of nesting aliases": "請直接寫出各值，勿巢狀使用別名",
    "merge keys (<<) are not supported": "不支援合併鍵（<<）",
    "write the keys out": "請直接寫出各鍵",
    "mapping keys must be plain text": "對應表的鍵必須是純文字",
    "duplicate key '{key}' (first at line {line})": "重複的鍵 '{key}'（第一次出現在第 {line} 行）",
    "unsupported YAML tag '{tag}'": "不支援的 YAML 標記 '{tag}'",
    "only plain YAML is accepted": "只接受純 YAML",
    "file is not UTF-8 (byte {byte} cannot start or continue a UTF-8 character). It decodes as "
    "Big5 (CP950): re-save it as UTF-8.":
        "檔案不是 UTF-8（位元組 {byte} 不是 UTF-8 字元的一部分）。此檔可用 Big5（CP950）解碼：請另存為 UTF-8。",
    "file is not UTF-8 (byte {byte} cannot start or continue a UTF-8 character).":
        "檔案不是 UTF-8（位元組 {byte} 不是 UTF-8 字元的一部分）。",
    "cannot read file: {reason}": "無法讀取檔案：{reason}",
    "YAML syntax error: {detail} ({context})": "YAML 語法錯誤：{detail}（{context}）",
    "YAML syntax error: {detail}": "YAML 語法錯誤：{detail}",
    # PyYAML's own words, inside the two templates above
    "did not find expected {a} or {b}": "找不到預期的 {a} 或 {b}",
    "did not find expected {token}": "找不到預期的 {token}",
    "did not find expected key": "找不到預期的鍵",
    "did not find expected node content": "找不到預期的內容",
    "mapping values are not allowed here": "此處不可有對應值（冒號）",
    "could not find expected ':'": "找不到預期的 ':'",
    "found character {char} that cannot start any token": "字元 {char} 不能作為任何記號的開頭",
    "found unexpected end of stream": "檔案意外結束",
    "found undefined alias {alias}": "找到未定義的別名 {alias}",
    "expected <block end>, but found {token}": "預期區塊結束，卻找到 {token}",
    "while parsing a flow mapping": "解析行內對應表時",
    "while parsing a flow sequence": "解析行內清單時",
    "while parsing a block mapping": "解析區塊對應表時",
    "while parsing a block collection": "解析區塊清單時",
    "while scanning a simple key": "掃描鍵時",
    "while scanning a quoted scalar": "掃描引號字串時",
    "while parsing a flow node": "解析行內節點時",
    "YAML error: {detail}": "YAML 錯誤：{detail}",
    "file is empty (a truncated file?). If it is meant to hold nothing, say so explicitly, e.g. "
    "`records: []` or `rules: []`.":
        "檔案是空的（被截斷？）。若確實沒有內容，請明確寫出，例如 `records: []` 或 `rules: []`。",
    "file is empty (a truncated file?).": "檔案是空的（被截斷？）。",
    "file holds several YAML documents (---)": "檔案含有多份 YAML 文件（---）",
    "keep one per file": "每個檔案只放一份",
    "the document must be a mapping (key: value), not a {kind}": "文件必須是對應表（鍵: 值），而不是{kind}",
    "document is nested too deeply": "文件巢狀層次過深",
    # load.py
    "folder not found": "找不到資料夾",
    "folder holds no .yaml files": "資料夾內沒有 .yaml 檔",
    "unknown key '{key}'": "未知的鍵 '{key}'",
    "did you mean '{name}'?": "是否為 '{name}'？",
    "expected one of {names}": "應為下列之一：{names}",
    "required key '{key}' is missing": "缺少必要的鍵 '{key}'",
    "for none write `{key}: []`": "若沒有，請寫 `{key}: []`",
    "duplicate {kind} id '{id}' (first defined at {where})": "重複的{kind}代碼 '{id}'（第一次定義於 {where}）",
    "unknown {what} '{value}'": "未知的{what} '{value}'",
    "records have no field '{field}'": "紀錄沒有欄位 '{field}'",
    "a number records carry is declared in the plan data under record_fields":
        "紀錄所帶的數值須先在計畫資料的 `record_fields` 中宣告",
    "'{id}' is a field of every record": "'{id}' 是每筆紀錄本有的欄位",
    "give the declared number another id": "請為宣告的數值另取代碼",
    "documents have no field '{field}'": "文件沒有欄位 '{field}'",
    "staff members have no field '{field}'": "人員沒有欄位 '{field}'",
    "units have no field '{field}'": "單位沒有欄位 '{field}'",
    "work items have no field '{field}'": "工作項目沒有欄位 '{field}'",
    "'for_each' cannot be combined with 'after'": "'for_each' 不能與 'after' 併用",
    "record '{id}' opens no case: no rule's 'after' with 'every' has its activity '{activity}'":
        "紀錄 '{id}' 並未開啟案件：沒有任何規則的 'after'（含 'every'）以其活動 '{activity}' 開案",
    "case '{id}' was opened on {day}, after this record's date": "案件 '{id}' 於 {day} 才開案，晚於本紀錄的日期",
    "no file defines `plan:` (agency, roc_year, adopted, ...)":
        "沒有任何檔案定義 `plan:`（agency、roc_year、adopted 等）",
    "`plan:` is defined twice (also in {where})": "`plan:` 定義了兩次（另見 {where}）",
    "unit '{unit}' reports twice": "課室 '{unit}' 報告了兩次",
    "unit reports need the activity 'progress-report' in the rules": "課室報告需要規則中有 'progress-report' 活動",
    "'to' ({to}) is before 'from' ({frm})": "'to'（{to}）早於 'from'（{frm}）",
    "'expires' is before 'granted'": "'expires' 早於 'granted'",
    "a waiver is valid for at most one year: 'expires' must be on or before {day}":
        "免辦核准效期最長一年：'expires' 須在 {day} 當日或之前",
    "unknown task-force role '{role}'": "未知的任務編組職別 '{role}'",
    "entity '{entity}' is not a {what} of rule '{rule}'": "對象 '{entity}' 不是規則 '{rule}' 的{what}",
    "cannot read plan text: {reason}": "無法讀取計畫全文：{reason}",
    "{file} is not the adopted plan text: its SHA-256 is {digest}, not the recorded {recorded}":
        "{file} 不是奉核之計畫全文：其 SHA-256 為 {digest}，與記載之 {recorded} 不符",
    "quote is not verbatim from {file} (compared after NFKC normalisation, whitespace removed)":
        "引文與 {file} 原文不符（以 NFKC 正規化並去除空白後比對）",
    # models.py
    "a condition needs exactly one of 'present', 'equals', 'in' or 'matches', or 'at_least' and/or 'at_most'":
        "條件須恰有 'present'、'equals'、'in' 或 'matches' 其中之一，或 'at_least' 及／或 'at_most'",
    "'matches' is not a valid regular expression (wrong from character {pos} on)":
        "'matches' 不是有效的正規表示式（第 {pos} 個字元起有誤）",
    "'matches' tests text; field '{field}' does not hold text":
        "'matches' 比對文字；欄位 '{field}' 不是文字",
    "'at_least' is above 'at_most': nothing is between them": "'at_least' 大於 'at_most'：兩者之間沒有值",
    "'{test}' compares numbers; field '{field}' does not hold numbers":
        "'{test}' 比較數值；欄位 '{field}' 不是數值",
    "a condition needs exactly one of 'present', 'equals' or 'in'":
        "條件須恰有 'present'、'equals' 或 'in' 其中之一",
    "a trigger needs exactly one of 'activity' or 'staff'": "觸發條件須恰有 'activity' 或 'staff' 其中之一",
    "a trigger needs exactly one of 'within_workdays', 'within_days' or 'within_months'":
        "觸發條件須恰有 'within_workdays'、'within_days' 或 'within_months' 其中之一",
    "a recurring trigger ('every') needs 'until', the record that closes the case":
        "週期追蹤的觸發條件（'every'）須有 'until'，即結案的紀錄",
    "'until' closes a case a recurring trigger opens: it needs 'every'":
        "'until' 是週期追蹤案件的結案條件：須與 'every' 併用",
    "a recurring trigger opens a case from a record: it needs 'activity', not 'staff'":
        "週期追蹤由一筆紀錄開案：須寫 'activity'，不可用 'staff'",
    "a recurring trigger is due each span as a recurrence is (its last working day, or the rule's "
    "'due'): it takes no 'within_workdays', 'within_days' or 'within_months'":
        "週期追蹤每期之期限同週期規則（該期最後一個上班日，或規則的 'due'）：不可有 "
        "'within_workdays'、'within_days' 或 'within_months'",
    "a constraint needs exactly one of 'require' or 'published'":
        "限制條件須恰有 'require' 或 'published' 其中之一",
    "'published' lists kinds of documents: it needs 'entity: document'":
        "'published' 列的是文件種類：須寫 'entity: document'",
    "a rule needs exactly one of 'every', 'by', 'window', 'after' or 'constraint' (has {kinds})":
        "規則須恰有 'every'、'by'、'window'、'after' 或 'constraint' 其中之一（目前有 {kinds}）",
    "a rule needs exactly one of 'every', 'by', 'window', 'after' or 'constraint'":
        "規則須恰有 'every'、'by'、'window'、'after' 或 'constraint' 其中之一",
    "'by' must be a day of the year as MM-DD, e.g. 01-15, not {value}":
        "'by' 須為一年中的日期（MM-DD，例如 01-15），而不是 {value}",
    "'months' only limits a recurrence ('every')": "'months' 只能限制週期規則（'every'）",
    "'by_year' and 'shift' only apply to a fixed date ('by')": "'by_year' 及 'shift' 只適用於固定期限（'by'）",
    "'by_year' only applies to a fixed date ('by')": "'by_year' 只適用於固定期限（'by'）",
    "'shift' only applies to a fixed date ('by'), a recurrence's 'due' or a trigger ('after')":
        "'shift' 只適用於固定期限（'by'）、週期規則的 'due' 或觸發條件（'after'）",
    "a count needs exactly one of 'days', 'workdays' or 'months'":
        "期間須恰有 'days'（日）、'workdays'（工作天）或 'months'（月）其中之一",
    "'due' needs exactly one of 'after_end', 'day' or 'weekday'":
        "'due' 須恰有 'after_end'、'day' 或 'weekday' 其中之一",
    "'month' only says which month of the span a 'day' is in": "'month' 只用來指出 'day' 在期間的第幾個月",
    "{value} is not a day of the year: month {month} has no day {day}":
        "{value} 不是一年中的日期：{month} 月沒有 {day} 日",
    "expected a day of the year as MM-DD, e.g. 03-01, not {value}":
        "應為一年中的日期（MM-DD，例如 03-01），而不是 {value}",
    "'due' only applies to a recurrence ('every')": "'due' 只適用於週期規則（'every'）",
    "a daily obligation is due on its day: 'due' does not apply to 'every: workday'":
        "每日辦理的事項當日到期：'every: workday' 不可有 'due'",
    "'weekday' only applies to 'every: week'": "'weekday' 只適用於 'every: week'",
    "a week has no day of the month: use 'weekday' (1 Monday to 7 Sunday)":
        "一週沒有「每月幾日」：請用 'weekday'（1 星期一至 7 星期日）",
    "'month: {n}' is past the end of {every} ({size} months)":
        "'month: {n}' 超出 {every} 的範圍（{size} 個月）",
    "a rule has 'law' exactly when its basis is law": "規則僅在期程來源為法律（'law'）時才有 'law'，且必須有",
    "a rule has 'decided' exactly when its basis is office":
        "規則僅在期程來源為本所訂定（'office'）時才有 'decided'，且必須有",
    "basis: plan, but the quote has no word for its schedule ({words})":
        "期程來源為計畫（'basis: plan'），但引文沒有其期程的用語（{words}）",
    "quote the plan's frequency or date, or use basis office or law":
        "請引用計畫所載之頻率或日期，或改為本所訂定（'office'）或法律規定（'law'）",
    "a calendar rule needs the 'activity' its records carry": "期程規則需要其紀錄所帶的 'activity'",
    "a constraint rule takes no 'activity', 'for_each' or 'total'":
        "限制規則不可有 'activity'、'for_each' 或 'total'",
    "evidence needs at least one of doc_no, file or url": "佐證至少需有 doc_no、file 或 url 其中之一",
    # dates.py
    "expected a date without a time, got {value}": "應為不含時間的日期，卻是 {value}",
    "expected a date such as 2023-03-10 or 112/03/10, got {value}":
        "應為日期，例如 2023-03-10 或 112/03/10，卻是 {value}",
    "'{value}' is not a real day ({md} does not exist in {ad_year})":
        "'{value}' 不是實際存在的日期（{ad_year}年沒有 {md}）",
    "'{value}' is not a date": "'{value}' 不是日期",
    "write 2023-03-10, 112/03/10, 112-03-10, 112.03.10 or 112年3月10日":
        "請寫成 2023-03-10、112/03/10、112-03-10、112.03.10 或 112年3月10日",
    # pydantic
    "Input should be a valid {type}, unable to parse string as an {type2}": "應為有效的{type}，無法將文字解析為{type2}",
    "Input should be a valid {type}": "應為有效的{type}",
    "Input should be {choices}": "應為 {choices}",
    "Input should be greater than or equal to {n}": "應大於或等於 {n}",
    "Input should be less than or equal to {n}": "應小於或等於 {n}",
    "Input should be greater than {n}": "應大於 {n}",
    "String should match pattern {pattern}": "文字須符合格式 {pattern}",
    "{value} is not {what}": "{value} 不是{what}",
    "{value} is not {what} or {what2}": "{value} 不是{what}，也不是{what2}",
    "{value} is not {what}, {what2} or {what3}": "{value} 不是{what}、{what2}，也不是{what3}",
    "String should have at least {n} character": "文字至少需 {n} 個字元",
    "String should have at least {n} characters": "文字至少需 {n} 個字元",
    "String should have at most {n} characters": "文字至多 {n} 個字元",
    "List should have at least {n} item after validation, not {m}": "清單至少需 {n} 項，目前 {m} 項",
    "List should have at least {n} items after validation, not {m}": "清單至少需 {n} 項，目前 {m} 項",
    "Field required": "缺少必要欄位",
    "Extra inputs are not permitted": "不允許額外的欄位",
    # cli: usage errors
    "--unit: unknown unit '{unit}'": "--unit：未知的課室 '{unit}'",
    "known: {names}": "可用：{names}",
    "--rule: unknown rule '{rule}'": "--rule：未知的規則 '{rule}'",
    "unknown rule '{rule}'": "未知的規則 '{rule}'",
    "--as-of: {detail}": "--as-of：{detail}",
    "--as-of {value} needs the plan": "--as-of {value} 需要計畫資料",
    "give one --output per --format (use '-' for standard output)":
        "每個 --format 需對應一個 --output（標準輸出用 '-'）",
    "only one report can go to standard output": "只能有一份報告輸出到標準輸出",
    "give either --year or --from/--to, not both": "請擇一使用 --year 或 --from/--to",
    "--to is before --from": "--to 早於 --from",
    "an ODT file is binary: give -o FILE.odt": "ODT 檔為二進位檔：請以 -o 檔名.odt 指定輸出檔",
    # cli
    "{n} problem found": "共 {n} 個問題",
    "{n} problems found": "共 {n} 個問題",
    "nothing was evaluated.": "未進行評估。",
    # issue 9: YAML 1.1 values, files, limits (_yaml.py)
    "'{value}' is a base-60 number in YAML 1.1 (1:30 means 90)":
        "'{value}' 在 YAML 1.1 中是六十進位數字（1:30 代表 90）",
    "write a decimal such as 1.5, or quote it if it is text": "請寫成十進位數字，例如 1.5；若是文字請加引號",
    "'{value}' is a hexadecimal, octal or binary number in YAML 1.1":
        "'{value}' 在 YAML 1.1 中是十六進位、八進位或二進位數字",
    "numbers are plain decimals (write 8, not 010), or quote it if it is text":
        "數字一律用十進位（寫 8，不寫 010）；若是文字請加引號",
    "'{value}': write numbers without '_' separators, or quote it if it is text":
        "'{value}'：數字請勿用 '_' 分隔；若是文字請加引號",
    "'{value}' is not a plain decimal number": "'{value}' 不是一般的十進位數字",
    "write e.g. 4 or 1.5, or quote it if it is text": "請寫成例如 4 或 1.5；若是文字請加引號",
    "'{value}' is read by YAML 1.1 as a yes/no value": "'{value}' 在 YAML 1.1 中會被讀成是非值",
    "write true or false, or quote it if it is text": "請寫 `true` 或 `false`；若是文字請加引號",
    "'{value}' is not null": "'{value}' 不是空值",
    "write null or leave the value empty": "請寫 `null` 或留空",
    "aliases (*name) expand to more than {n} values": "別名（*名稱）展開後超過 {n} 個值",
    "write the values out": "請直接寫出各值",
    "file holds more than {n} values, the limit per file": "檔案超過每檔上限 {n} 個值",
    "split it into several files": "請分成數個檔案",
    "not a regular file (a {kind})": "不是一般檔案（而是{kind}）",
    "remove it from the folder": "請將它移出資料夾",
    "file is {size} bytes, more than the {limit} bytes a file may hold":
        "檔案有 {size} 位元組，超過每檔上限 {limit} 位元組",
    "control character U+{code} is not allowed": "不允許控制字元 U+{code}",
    "delete it (it often comes from copy and paste)": "請刪除（常見於複製貼上）",
    # issue 9: dates out of range (dates.py)
    "'{value}' is out of range": "'{value}' 超出範圍",
    "dates must lie between {first} and {last} (ROC years {a} to {b})":
        "日期須介於 {first} 與 {last} 之間（民國 {a} 年至 {b} 年）",
    "year {year} is out of range": "年份 {year} 超出範圍",
    "give a year between {first} and {last} (ROC {a} to {b})":
        "請給 {first} 至 {last} 年之間的年份（民國 {a} 至 {b} 年）",
    # issue 9: rules and plan checked when loaded (load.py)
    "field '{field}' can only be tested with 'present'": "欄位 '{field}' 只能以 'present' 檢查",
    "field '{field}' holds {kind} values, so {value} would never match":
        "欄位 '{field}' 的值是{kind}，{value} 永遠不會相符",
    "write quoted text": "請寫加引號的文字",
    "write true or false": "請寫 `true` 或 `false`",
    "write a number without quotes": "請寫不加引號的數字",
    "roc_year {n} is out of range": "roc_year {n} 超出範圍",
    "give a ROC year between {a} and {b}": "請給民國 {a} 至 {b} 年之間的年度",
    "'{name}' ({day}) is not in the plan's year {year} (ROC {roc})":
        "'{name}'（{day}）不在計畫年度 {year} 年（民國 {roc} 年）內",
    "it must lie between {lo} and {hi}": "須介於 {lo} 與 {hi} 之間",
    "the plan ends ({end}) before it starts ({start})": "計畫結束日（{end}）早於開始日（{start}）",
    # issue 9: nightly, outputs, history (nightly.py, atomic.py, history.py, cli.py)
    "plan '{key}' is also in '{where}'": "計畫 '{key}' 也在 '{where}' 中",
    "give each plan once": "每個計畫只能給一次",
    "--plan '{a}' names the same folder as --plan '{b}'": "--plan '{a}' 與 --plan '{b}' 是同一個資料夾",
    "-o '{path}' is a directory": "-o '{path}' 是資料夾",
    "give a file name": "請給檔名",
    "-o '{a}' and -o '{b}' are the same file": "-o '{a}' 與 -o '{b}' 是同一個檔案",
    "-o '{path}': symbolic link loop": "-o '{path}'：符號連結形成迴圈",
    "--year: {detail}": "--year：{detail}",
    "--meeting: {detail}": "--meeting：{detail}",
    "--from: {detail}": "--from：{detail}",
    "--to: {detail}": "--to：{detail}",
    "--period: {detail}": "--period：{detail}",
    "{option} {value} needs the plan": "{option} {value} 需要計畫資料",
    "cannot write '{path}': {reason}": "無法寫入 '{path}'：{reason}",
    "no output of this run replaced its previous file": "本次執行沒有取代任何既有的輸出檔",
    "cannot read or write '{path}': {reason}": "無法讀寫 '{path}'：{reason}",
    "interrupted": "已中斷",
    "nothing was replaced": "沒有取代任何檔案",
    "another nightly run holds '{path}' ({holder})": "另一個夜間執行正佔用 '{path}'（{holder}）",
    "try again when it has finished": "請待其結束後再試",
    "history '{path}' is not a regular file": "歷史檔 '{path}' 不是一般檔案",
    "history '{path}' is empty (0 bytes), a truncated or replaced file":
        "歷史檔 '{path}' 是空的（0 位元組），可能被截斷或取代",
    "history '{path}' is damaged (SQLite: {reason})": "歷史檔 '{path}' 已損壞（SQLite：{reason}）",
    "history '{path}' is not a readable SQLite database ({reason})":
        "歷史檔 '{path}' 不是可讀取的 SQLite 資料庫（{reason}）",
    "history '{path}' has schema version {version}, newer than this program's ({n})":
        "歷史檔 '{path}' 的結構版本 {version} 比本程式的（{n}）新",
    "upgrade compliance": "請更新 `compliance`",
    "restore it from a backup (.bak beside it), or move it aside to start a new history":
        "請由備份（旁邊的 .bak 檔）還原，或將它移開以建立新的歷史檔",
    "it was left untouched": "檔案未被更動",
    "history '{path}' holds no runs, but '{out}' has reports of earlier runs ({first} to {last})":
        "歷史檔 '{path}' 沒有任何執行紀錄，但 '{out}' 有先前執行的報告（{first} 至 {last}）",
    "the history was lost or replaced": "歷史檔遺失或被取代",
    "restore it, or pass --new-history to start a new one knowingly":
        "請還原，或確認後加上 --new-history 建立新的歷史檔",
    "history '{path}' cannot be written ({reason})": "無法寫入歷史檔 '{path}'（{reason}）",
    "this run was not recorded and the next run will compare with the last recorded one":
        "本次執行未記錄，下次執行將與最後一次記錄比較",
    "no published holiday calendar for {ad_year} in holidays {version} (it has Taiwan's for {ad_first} to {ad_last})":
        "`holidays` {version} 沒有{ad_year}年公布的行事曆（臺灣只有{ad_first}至{ad_last}年）",
    "working days of {ad_again} are estimated without bridge holidays or make-up working days, so due dates "
    "may be off": "{ad_again}年的上班日係在不含調整放假及補班的情況下推估，期限可能有誤",
    "{name}: {detail} (please report it; --debug shows the traceback)":
        "{name}：{detail}（請回報此問題；加上 --debug 可看到追蹤訊息）",
}

_WORDS = {
    "integer": "整數", "list": "清單", "string": "文字", "number": "數字", "boolean": "布林值",
    "dictionary": "對應表", "date": "日期", "scalar": "單一值", "null value": "空值",
    "activity": "活動", "rule": "規則", "unit": "課室", "staff member": "同仁", "role": "職別",
    "work item": "作業項目", "record": "紀錄", "case": "案件", "meeting": "會議", "waiver": "免辦核准",
    "document": "文件", "test case": "測試案例", "record field": "紀錄數值欄位",
    "nothing (the rule does not apply per unit or staff member)": "對象（該規則不分課室或同仁）",
    "text": "文字", "yes/no": "是非值（`true`/`false`）",
    "FIFO": "具名管道（`FIFO`）", "device": "裝置檔", "directory": "資料夾", "socket": "通訊端",
    "special file": "特殊檔案",
    "an id like 'unit-admin' (lower-case letters and digits joined by '-')":
        "代碼，例如 'unit-admin'（小寫英文字母與數字，以 '-' 連接）",
    "a staff number like 'A01' (a capital letter and 2 to 4 digits)":
        "員工編號，例如 'A01'（一個大寫英文字母加 2 至 4 位數字）",
    "a period key (`2023` / `2023-H1` / `2023-Q2` / `2023-06` / `2023-W20` / `2023-06-30`)":
        "期間代碼（`2023`、`2023-H1`、`2023-Q2`、`2023-06`、`2023-W20` 或 `2023-06-30`）",
    "a SHA-256 digest (64 hexadecimal digits)": "SHA-256 雜湊值（64 個十六進位數字）",
}
_TRANSLATED_SLOTS = {"kind", "what", "what2", "what3", "type", "type2"}
_NESTED_SLOTS = {"detail", "context"}  # translated through the catalogue themselves


@lru_cache(maxsize=1)
def _compiled() -> list[tuple[re.Pattern[str], str]]:
    out = []
    for english, chinese in CATALOGUE.items():
        pattern = ""
        for literal, name in re.findall(r"([^{]*)(?:\{(\w+)\})?", english):
            pattern += re.escape(literal)
            if name:  # a value never spans the "; " that separates the parts of a message
                pattern += f"(?P<{name}>(?:(?!; ).)+?)"
        fixed = len(re.sub(r"\{\w+\}", "", english))
        out.append((fixed, re.compile(f"^{pattern}$", re.DOTALL), chinese))
    # The most specific template first: the one with the most fixed text ("unknown key 'x'"
    # before "unknown {what} 'x'", a full sentence before a part of it).
    out.sort(key=lambda item: -item[0])
    return [(pattern, chinese) for _, pattern, chinese in out]


def translate(message: str, lang: str) -> str:
    """``message`` in ``lang``: zh-TW through the catalogue, part by part; else unchanged."""
    if lang != "zh-TW":
        return message
    whole = _one(message)
    if whole is not None:
        return whole
    return "；".join(_one(part) or part for part in message.split("; "))


def _one(text: str) -> str | None:
    for pattern, chinese in _compiled():
        match = pattern.match(text)
        if match:
            slots = {k: (_WORDS.get(v, v) if k in _TRANSLATED_SLOTS
                         else _one(v) or v if k in _NESTED_SLOTS
                         else v.replace("' or '", "' 或 '") if k == "choices"
                         else _roc(v) if k == "day"
                         else _roc_year(v) if k.startswith("ad_") else v)
                     for k, v in match.groupdict().items()}
            return chinese.format(**slots)
    return None


def _roc_year(text: str) -> str:
    """A year the message gives as the Gregorian one (2023), as a clerk names it (民國112)."""
    if not text.isdigit():
        return text
    year = int(text)
    return f"民國{year - ROC_OFFSET}" if year > ROC_OFFSET else f"西元{year}"


def _roc(text: str) -> str:
    """A day the message gives in ISO form (2023-05-10) as a clerk writes it (112/05/10)."""
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return text
    return format_date(day, "zh-TW")


def problem(p: Problem, lang: str) -> Problem:
    return Problem(p.path, p.line, p.column, p.field, translate(p.message, lang))
