#!/usr/bin/env python3
"""Write N synthetic plan folders shaped like the bundled ``plan_data/``.

    python bench/generate.py --plans 1000 --seed 1 --out /tmp/plans

writes ``/tmp/plans/plan-0001/`` ... ``plan-1000/``, each with ``plan.yaml``,
``records.yaml``, ``meetings.yaml``, ``waivers.yaml`` and ``documents.yaml``, for the
bundled ``rules/`` (27 rules, ROC year 112 = 2023). Each plan is a different office
(合成戶政事務所0001, ...) with 10-20 staff, a full year of records for every rule's
activity -- most on time, some late (recurrences done after the period naming it with
``period:``, fixed dates after the deadline, press clarifications naming the report),
some missed -- 12 monthly office meetings with unit reports (occasionally a unit
missing, sometimes an explanation in the minutes), 0-3 waivers (some expired) and 5-12
published documents (occasionally a .docx form, which breaks 陸 措施五(一)).

Periods and due dates come from the package's own ``compliance.periods.expand`` on the
Taiwan working-day calendar (``WorkCalendar``), so "late" and "missed" land where the
checker will see them. Plan ``i`` of seed ``S`` is drawn from
``random.Random(S * 1_000_003 + i)``: the same N and S give byte-identical files, and
the first 250 plans of a 1000-plan set are the 250-plan set.

No plan names ``source_text`` (quotes are checked against the bundled plan only).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import random
import sys
from pathlib import Path

import yaml

from compliance import models as m
from compliance._yaml import read_yaml
from compliance.bundle import RuleBook
from compliance.load import load_rules
from compliance.periods import WorkCalendar, expand

ROOT = Path(__file__).resolve().parent.parent
RULES_DIR = ROOT / "rules"
ROC_YEAR = 112
YEAR = ROC_YEAR + 1911
FIRST = dt.date(YEAR, 1, 1)
LAST = dt.date(YEAR, 12, 31)

UNITS = [
    ("registration", "戶籍登記課", "Registration Section", "登"),
    ("records", "戶籍資料課", "Records Section", "籍"),
    ("admin", "行政庶務課", "Administration Section", "行"),
]
UNIT_NAME = {u[0]: u[1] for u in UNITS}
UNIT_CODE = {u[0]: u[3] for u in UNITS}

# Activities whose records come from meetings (a meeting is a record of its own activity,
# each unit report one of progress-report): no written records are generated for them.
MEETING_ACTIVITIES = {"office-meeting", "progress-report"}

# Short id prefixes, as the bundled data writes them; other activities use their own id.
PREFIX = {
    "quality-plan-adopted": "plan-adopted",
    "section-priorities": "priorities",
    "forms-sop-review": "forms-sop-review",
    "environment-inspection": "env-inspection",
    "population-stats-year-end": "pop-year-end",
    "population-stats-by-occurrence": "pop-by-occurrence",
    "population-monthly-report": "pop-monthly",
    "counter-performance-rating": "counter-rating",
    "counter-performance-analysis": "counter-analysis",
    "online-booking-check": "booking",
    "school-age-children-list": "school-age",
    "plan-progress-review": "progress-review",
    "document-quality-review-meeting": "doc-quality-review",
    "online-document-training": "doc-training",
    "document-online-check": "doc-check",
    "moi-monthly-report": "moi-monthly",
    "moi-annual-report": "moi-annual",
    "website-update": "website",
    "env-education": "env-edu",
    "env-education-report": "env-education-report",
    "property-inventory": "property-inventory",
    "negative-press-report": "press-report",
    "press-clarification": "press-clarification",
}

LATE_NOTES = ["因人力調度不及延後辦理", "承辦人休假，代理人延後辦理", "因連假延後辦理",
              "待首長核閱後始送出", "系統維護延後辦理", "業務繁忙，逾期補辦"]
REPORT_SUMMARIES = {
    "registration": ["上月績效評比已公布；網路預約每日查閱正常", "櫃檯服務辦理正常",
                     "跨機關通報服務辦理正常", "申請表單檢查依期程辦理", "國籍歸化測試依期程辦理"],
    "records": ["上月人口統計月報已上網並通報民政局", "學齡兒童異動名冊每週交付區公所",
                "各項統計報表依期程辦理", "門牌指標巡查依期程辦理", "年終人口統計製表中"],
    "admin": ["網站資料已更新；公文線上比率持續推動", "月報表依時程送主責戶所",
              "環境教育課程排定中", "公文處理檢討會依期程召開", "財產管理依規定辦理"],
}
EXPLANATIONS = ["承辦人休假，代理人未及辦理", "人力調度不及", "適逢連假，作業延誤",
                "系統維護停機", "承辦人公出，未及辦理", "上級機關時程調整"]
ACTIONS = ["指定代理人並列入每月追蹤", "已補辦並檢討作業流程", "改列固定日期辦理",
           "加強代理機制並於下次會議報告", "建立提醒機制"]
DOCUMENTS = [  # (id stem, title, kind) kind: fixed | form | sheet | slides
    ("plan", "112年度提升服務品質執行計畫", "fixed"),
    ("white-paper", "112年度為民服務白皮書", "fixed"),
    ("budget", "112年度預算書", "fixed"),
    ("final-accounts", "110年度決算書", "fixed"),
    ("strategy-map", "112年度策略地圖", "fixed"),
    ("service-measures", "本所便民服務措施一覽", "fixed"),
    ("annual-report", "111年度施政成果報告", "fixed"),
    ("survey-report", "112年民眾滿意度調查分析報告", "fixed"),
    ("form-registration", "戶籍登記申請書（空白表單）", "form"),
    ("form-seal", "印鑑登記及印鑑證明申請書（空白表單）", "form"),
    ("form-home-service", "到府服務申請表", "form"),
    ("form-transcript", "戶籍謄本申請書（空白表單）", "form"),
    ("form-proxy", "委託書（空白表單）", "form"),
    ("population-monthly", "112年人口統計月報", "sheet"),
    ("population-quarterly", "112年人口統計季報", "sheet"),
    ("fee-schedule", "規費收費標準一覽表", "sheet"),
    ("service-briefing", "本所112年度服務簡報", "slides"),
    ("innovation-briefing", "創新服務成果簡報", "slides"),
]
# Kinds of document 陸 措施五(一) wants on the website (website-publishes-required-documents).
PUBLISHED_KINDS = {"plan", "white-paper", "budget", "final-accounts", "strategy-map", "service-measures"}
WAIVER_REASONS = {
    "online-booking-daily-check": "網路預約申辦系統版本更新停機，暫停受理網路預約，無預約案件可查閱",
    "school-age-children-list-weekly": "區公所系統移轉停機，暫停收受學齡兒童異動名冊，次週併同交付",
    "website-monthly-update": "官網改版上線期間暫停資料更新",
    "document-online-monthly-check": "公文系統換版，當月線上比率無法統計",
    "counter-performance-monthly-rating": "櫃檯人力支援選務，當月暫停績效評比",
    "env-education-staff-hours": "同仁留職停薪，當年度無法參加環境教育",
}
DATE_FORMATS = [("roc", 60), ("iso", 22), ("roc-dash", 7), ("roc-dot", 3), ("roc-cjk", 8)]


def fmt_date(rng: random.Random, day: dt.date) -> str:
    """A date as the office writes it: mostly ROC 112/03/10, some ISO and other forms."""
    kind = rng.choices([k for k, _ in DATE_FORMATS], [w for _, w in DATE_FORMATS])[0]
    roc = day.year - 1911
    if kind == "roc":
        return f"{roc}/{day.month:02d}/{day.day:02d}"
    if kind == "iso":
        return day.isoformat()
    if kind == "roc-dash":
        return f"{roc}-{day.month:02d}-{day.day:02d}"
    if kind == "roc-dot":
        return f"{roc}.{day.month:02d}.{day.day:02d}"
    return f"{roc}年{day.month}月{day.day}日"


class PlanGen:
    """Draws one synthetic plan; ``files()`` returns the YAML texts by file name."""

    def __init__(self, book: RuleBook, calendar: WorkCalendar, seed: int, index: int, width: int,
                 scale: Scale | None = None):
        self.book = book
        self.scale = scale or Scale()
        self.day_of: dict[str, dt.date] = {}  # record id -> its date, for the history copies
        self.cal = calendar
        self.rng = random.Random(seed * 1_000_003 + index)
        self.seed = seed
        self.index = index
        self.tag = f"{index:0{width}d}"
        self.ids: set[str] = set()
        self.serial = self.rng.randint(100, 400)
        self.records: list[dict] = []
        self.shortfalls: list[tuple[dt.date, str, str, str | None]] = []  # (due, rule, key, entity)
        rng = self.rng
        # How diligent this office is.
        self.p_miss = rng.uniform(0.01, 0.06)
        self.p_late = rng.uniform(0.03, 0.10)
        self.p_miss_daily = rng.uniform(0.003, 0.025)
        self.days = calendar.working_days(FIRST, LAST)

    # -- helpers ------------------------------------------------------------------------

    def uid(self, stem: str) -> str:
        ident, n = stem, 2
        while ident in self.ids:
            ident, n = f"{stem}-{n}", n + 1
        self.ids.add(ident)
        return ident

    def doc_no(self, unit: str) -> str:
        self.serial += self.rng.randint(1, 9)
        return f"合{self.tag}戶{UNIT_CODE[unit]}字第112{6000000 + self.serial:07d}號"

    def date(self, day: dt.date) -> str:
        return fmt_date(self.rng, day)

    def workday_between(self, lo: dt.date, hi: dt.date) -> dt.date | None:
        days = self.cal.working_days(max(lo, FIRST), min(hi, LAST))
        return self.rng.choice(days) if days else None

    def after(self, day: dt.date, lo: int, hi: int) -> dt.date:
        return self.cal.add_workdays(day, self.rng.randint(lo, hi))

    def evidence(self, unit: str, activity: str, day: dt.date) -> dict | None:
        r = self.rng.random()
        if r < 0.55:
            return {"doc_no": self.doc_no(unit)}
        if r < 0.80:
            return {"file": f"{PREFIX.get(activity, activity)}/{day.year - 1911}-{day.month:02d}-{day.day:02d}.pdf"}
        if r < 0.92:
            return {"doc_no": self.doc_no(unit),
                    "file": f"{PREFIX.get(activity, activity)}/{day.year - 1911}{day.month:02d}.ods"}
        return {"url": f"https://synthetic{self.tag}.example.gov.tw/{activity}/{day.isoformat()}"}

    def record(self, activity: str, day: dt.date, *, stem: str, unit: str | None, staff: str | None,
               period: str | None = None, hours: float | None = None, evidence: bool = True,
               note: str | None = None) -> dict:
        rec: dict = {"id": self.uid(stem), "activity": activity, "date": self.date(day)}
        self.day_of[rec["id"]] = day
        if period is not None:
            rec["period"] = period
        if unit is not None:
            rec["unit"] = unit
        if staff is not None:
            rec["staff"] = staff
        if hours is not None:
            rec["hours"] = hours
        if evidence:
            ev = self.evidence(unit or "admin", activity, day)
            if ev:
                rec["evidence"] = ev
        if note is not None:
            rec["note"] = note
        self.records.append(rec)
        return rec

    def outcome(self) -> str:
        r = self.rng.random()
        if r < self.p_miss:
            return "missed"
        if r < self.p_miss + self.p_late:
            return "late"
        return "on-time"

    def waived(self, rule: str, due: dt.date, entity: str | None = None) -> bool:
        return any(w["rule"] == rule and w["_from"] <= due <= w["_to"]
                   and w.get("entity") in (None, entity) for w in self.waivers)

    # -- plan -----------------------------------------------------------------------------

    def draw_plan(self) -> None:
        rng = self.rng
        self.adopted = self.workday_between(dt.date(YEAR, 1, 5), dt.date(YEAR, 2, 24))
        self.plan = {
            "agency": f"合成戶政事務所{self.tag}",
            "title": f"{ROC_YEAR}年度提升服務品質執行計畫",
            "roc_year": ROC_YEAR,
            "adopted": self.date(self.adopted),
            "document_number": self.doc_no("admin"),
            "note": f"Synthetic plan {self.tag} of seed {self.seed}, generated by bench/generate.py; "
                    "not any office's real records.",
        }
        n = rng.randint(10, 20)
        titles = ["主任", "秘書", "會計員", "人事管理員"]
        self.staff = [{"id": f"S{i + 1:02d}", "title": t} for i, t in enumerate(titles)]
        self.members: dict[str, list[str]] = {u[0]: [] for u in UNITS}
        for _i, (unit, *_rest) in enumerate(UNITS):
            sid = f"S{len(self.staff) + 1:02d}"
            self.staff.append({"id": sid, "title": "課長", "unit": unit})
            self.members[unit].append(sid)
        units = [u[0] for u in UNITS]
        for k in range(n - len(self.staff)):
            unit = units[k % 3] if k < 3 else rng.choice(units)
            sid = f"S{len(self.staff) + 1:02d}"
            self.staff.append({"id": sid, "title": "課員", "unit": unit})
            self.members[unit].append(sid)
        self.staff_unit = {s["id"]: s.get("unit") for s in self.staff}
        task = f"「{ROC_YEAR}年度提升服務品質執行計畫」各項事宜"
        self.roles = [
            {"id": "director", "role": "主任委員", "title": "主任", "staff": "S01", "task": "指導監督" + task},
            {"id": "deputy", "role": "副主任委員", "title": "秘書", "staff": "S02", "task": "綜理監督" + task},
        ]
        ex = of = 0
        for s in self.staff[2:]:
            if s["title"] == "課員":
                of += 1
                self.roles.append({"id": f"officer-{of}", "role": "執行幹事", "title": "課員",
                                   "staff": s["id"], "task": "辦理" + task})
            else:
                ex += 1
                self.roles.append({"id": f"executive-{ex}", "role": "執行委員", "title": s["title"],
                                   "staff": s["id"], "task": "協助綜理" + task})
        # One person in charge of each rule's work (a 課員 of the owning unit, at times the 課長).
        self.owner: dict[str, str] = {}

    def doer(self, rule: m.Rule, unit: str) -> str:
        if rule.id not in self.owner:
            people = self.members[unit]
            self.owner[rule.id] = people[0] if len(people) == 1 or self.rng.random() < 0.2 \
                else self.rng.choice(people[1:])
        return self.owner[rule.id]

    # -- waivers --------------------------------------------------------------------------

    def draw_waivers(self) -> None:
        rng = self.rng
        self.waivers: list[dict] = []
        count = rng.choices([0, 1, 2, 3], [25, 40, 25, 10])[0]
        rules = rng.sample(sorted(WAIVER_REASONS), count)
        for n, rule in enumerate(sorted(rules), start=1):
            entity = None
            if rule == "online-booking-daily-check":
                start = rng.choice(self.days[5:-10])
                end = self.cal.add_workdays(start, rng.randint(0, 2))
            elif rule == "school-age-children-list-weekly":
                day = self.workday_between(dt.date(YEAR, 3, 6), dt.date(YEAR, 8, 25))
                start = day - dt.timedelta(days=day.weekday())
                end = start + dt.timedelta(days=6)
            elif rule == "env-education-staff-hours":
                entity = rng.choice([s["id"] for s in self.staff[4:]])
                start, end = FIRST, LAST
            else:
                month = rng.randint(2, 11)
                start = dt.date(YEAR, month, 1)
                end = dt.date(YEAR, month + 1, 1) - dt.timedelta(days=1)
            granted = start - dt.timedelta(days=rng.randint(1, 20))
            if granted.year < YEAR:
                granted = FIRST
            if rng.random() < 0.4 and granted < dt.date(YEAR, 9, 1):  # expires within the year
                expires = max(end, granted) + dt.timedelta(days=rng.randint(10, 60))
            else:
                expires = m.one_year_after(granted) - dt.timedelta(days=rng.randint(0, 120))
                expires = max(expires, dt.date(YEAR + 1, 1, 15))
            expires = min(expires, m.one_year_after(granted))  # valid for at most a year
            w = {"id": f"waiver-{rule.split('-')[0]}-{start.month:02d}-{n}", "rule": rule}
            if entity:
                w["entity"] = entity
            w.update({"from": self.date(start), "to": self.date(end), "reason": WAIVER_REASONS[rule],
                      "approver": rng.choice(["deputy", "deputy", "director"]),
                      "granted": self.date(granted), "expires": self.date(expires),
                      "_from": start, "_to": end})
            self.waivers.append(w)

    # -- records, rule by rule ------------------------------------------------------------

    def draw_records(self) -> None:
        plan = m.Plan(agency="x", title="x", roc_year=ROC_YEAR, adopted=self.adopted, document_number="x")
        entities = {"unit": [u[0] for u in UNITS], "staff": [s["id"] for s in self.staff]}
        done: set[str] = set()
        for rule in self.book.rules.values():
            if rule.constraint or rule.activity in MEETING_ACTIVITIES or rule.activity in done:
                continue
            done.add(rule.activity)
            if rule.after:
                self.triggered(rule)
            elif rule.total:
                self.hours(rule)
            else:
                periods = expand(rule, plan, self.cal, entities=entities.get(rule.for_each or ""))
                for p in periods:
                    self.period(rule, p)

    def period(self, rule: m.Rule, p) -> None:
        rng = self.rng
        unit = p.entity if rule.for_each == "unit" else rule.unit
        staff = self.doer(rule, unit)
        prefix = PREFIX.get(rule.activity, rule.activity)
        stem = f"{prefix}-{p.key.lower()}" + (f"-{p.entity.lower()}" if p.entity else "")
        daily = rule.every == "workday"
        if self.waived(rule.id, p.due, p.entity) and rng.random() < 0.85:
            return
        if rule.activity == "quality-plan-adopted":  # the plan's own adoption date
            self.record(rule.activity, self.adopted, stem=stem, unit=unit, staff=staff,
                        evidence=True, note="年度提升服務品質執行計畫奉核訂定")
            if self.adopted > p.due:
                self.shortfalls.append((p.due, rule.id, p.key, None))
            return
        outcome = ("missed" if rng.random() < self.p_miss_daily else "on-time") if daily else self.outcome()
        if outcome == "missed":
            self.shortfalls.append((p.due, rule.id, p.key, p.entity))
            return
        if daily:
            self.record(rule.activity, p.due, stem=f"{prefix}-{p.key}", unit=unit, staff=None, evidence=False)
            return
        if outcome == "late":
            day = self.after(p.due, 1, 8)
            if day <= LAST:
                period = None if rule.by else p.key  # a fixed date counts to the plan's end
                self.record(rule.activity, day, stem=stem, unit=unit, staff=staff, period=period,
                            note=rng.choice(LATE_NOTES))
                self.shortfalls.append((p.due, rule.id, p.key, p.entity))
                return
        # On time: a working day inside the period, usually towards its end.
        if rule.by and p.due > LAST:  # due in the next year (by_year: next): filed in December
            day = self.workday_between(dt.date(YEAR, 12, 1), LAST)
        elif rule.by:
            lo = max(p.start, self.cal.add_workdays(p.due, 0) - dt.timedelta(days=20))
            day = self.workday_between(lo, p.due)
        elif rule.every == "week":
            day = self.workday_between(p.start, p.due)
            day = day if day.month in (rule.months or range(1, 13)) else p.due
        else:
            span = (p.due - p.start).days
            lo = p.start + dt.timedelta(days=int(span * rng.uniform(0.0, 0.7)))
            day = self.workday_between(lo, p.due)
        self.record(rule.activity, day, stem=stem, unit=unit, staff=staff)
        if rule.every in ("year", "half-year") and rng.random() < 0.15:  # a second one now and then
            extra = self.workday_between(p.start, p.due)
            self.record(rule.activity, extra, stem=stem, unit=rng.choice(list(UNIT_NAME)), staff=None)

    def hours(self, rule: m.Rule) -> None:
        """Environmental education: each staff member's courses over the year."""
        rng = self.rng
        talk = self.workday_between(dt.date(YEAR, 9, 1), dt.date(YEAR, 10, 31))  # the office's talk
        for s in self.staff:
            sid = s["id"]
            if self.waived(rule.id, LAST, sid) and rng.random() < 0.85:
                continue
            target = 4 if rng.random() > self.p_miss * 2 else rng.choice([1, 2, 3])
            got = 0.0
            sessions = []
            if rng.random() < 0.8:
                sessions.append((talk, 2, "所內講座：淨零轉型與節能減碳"))
                got = 2
            while got < target:
                h = rng.choice([1, 1.5, 2, 2, 3])
                day = self.workday_between(dt.date(YEAR, 3, 1), dt.date(YEAR, 12, 20))
                sessions.append((day, h, "線上課程：綠色生活與資源循環"))
                got += h
            if got < 4:
                self.shortfalls.append((self.cal.last_in(FIRST, LAST), rule.id, str(YEAR), sid))
            for day, h, note in sorted(sessions, key=lambda x: x[0]):
                self.record(rule.activity, day, stem=f"env-edu-{sid.lower()}-{day.isoformat()}",
                            unit=self.staff_unit[sid], staff=sid, hours=h, note=note)

    def due_after(self, rule: m.Rule, day: dt.date, n: int | None) -> dt.date:
        """``n`` (default: the rule's own limit) working or calendar days after ``day``."""
        assert rule.after is not None
        if rule.after.within_days is not None:  # calendar days (第一時間)
            return day + dt.timedelta(days=rule.after.within_days if n is None else n)
        return self.cal.add_workdays(day, rule.after.within_workdays if n is None else n)

    def triggered(self, rule: m.Rule) -> None:
        """Negative press reports and their clarifications."""
        rng = self.rng
        trigger = rule.after.activity
        count = rng.choices([0, 1, 2, 3, 4], [10, 25, 35, 20, 10])[0]
        staff = self.doer(rule, rule.unit)
        days = sorted(rng.sample(self.days[:-5], count))
        for day in days:
            if rng.random() < 0.2:  # reported on the weekend before
                day = day - dt.timedelta(days=rng.randint(1, 2)) if day.weekday() == 0 else day
            report = self.record(trigger, day, stem=f"{PREFIX[trigger]}-{day.isoformat()}", unit=rule.unit,
                                 staff=staff, evidence=False, note="網路新聞負面報導")
            due = self.due_after(rule, day, None)
            outcome = self.outcome()
            if outcome == "missed":
                self.shortfalls.append((due, rule.id, report["id"], None))
                continue
            if outcome == "late":
                answer = self.after(due, 1, 4)
                if answer <= LAST:
                    self.record(rule.activity, answer, stem=f"{PREFIX[rule.activity]}-{answer.isoformat()}",
                                unit=rule.unit, staff=staff, period=report["id"], evidence=False,
                                note="待上級核定回應口徑，延後發布澄清稿")
                    self.shortfalls.append((due, rule.id, report["id"], None))
                    continue
            answer = self.due_after(rule, day, rng.choice([0, 0, 1]))
            self.record(rule.activity, answer, stem=f"{PREFIX[rule.activity]}-{answer.isoformat()}",
                        unit=rule.unit, staff=staff, evidence=False, note="發布新聞稿澄清說明")

    # -- meetings ---------------------------------------------------------------------------

    def draw_meetings(self) -> None:
        rng = self.rng
        weekday = rng.randint(0, 4)
        self.meetings = []
        explained: set[tuple] = set()
        for month in range(1, 13):
            first = dt.date(YEAR, month, 1)
            day = first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7)  # 2nd such weekday
            day = self.cal.on_or_after(day)
            meeting: dict = {"id": f"office-meeting-{YEAR}-{month:02d}", "date": self.date(day),
                             "activity": "office-meeting",
                             "evidence": {"doc_no": self.doc_no("admin"),
                                          "file": f"minutes/{ROC_YEAR}-{month:02d}所務會議紀錄.pdf"}}
            reports, absent = [], []
            for unit in UNIT_NAME:
                if rng.random() < 0.04:
                    absent.append(unit)
                    due = self.cal.last_in(first, dt.date(YEAR, month + 1, 1) - dt.timedelta(days=1)
                                           if month < 12 else LAST)
                    self.shortfalls.append((due, "section-progress-report-monthly", f"{YEAR}-{month:02d}", unit))
                else:
                    reports.append({"unit": unit, "summary": rng.choice(REPORT_SUMMARIES[unit])})
            if absent:
                meeting["note"] = "、".join(UNIT_NAME[u] for u in absent) + "未於會中提出工作執行情形及進度報告"
            meeting["reports"] = reports
            minutes = []
            if rng.random() < 0.4:
                pending = sorted((s for s in self.shortfalls if s[0] < day and s[1:] not in explained),
                                 key=lambda s: (s[0], s[1], s[2], s[3] or ""), reverse=True)[:4]
                for _due, rule, key, entity in pending[:rng.randint(1, 2)]:
                    explained.add((rule, key, entity))
                    note = {"rule": rule, "period": key}
                    if entity:
                        note["entity"] = entity
                    note["explanation"] = rng.choice(EXPLANATIONS)
                    note["action"] = rng.choice(ACTIONS)
                    if rng.random() < 0.6:
                        note["target"] = self.date(self.cal.add_workdays(day, rng.randint(3, 20)))
                    minutes.append(note)
            if minutes:
                meeting["minutes"] = minutes
            self.meetings.append(meeting)

    # -- documents ------------------------------------------------------------------------

    def draw_documents(self) -> None:
        rng = self.rng
        picks = rng.sample(DOCUMENTS, rng.randint(5, 12))
        bad = rng.random() < 0.3  # one form published as .docx
        self.documents = []
        for n, (stem, title, kind) in enumerate(picks):
            if kind == "fixed":
                fmt, editable = "pdf", False
            elif kind == "form":
                fmt, editable = ("docx" if bad else "odt"), True
                bad = False
            elif kind == "sheet":
                fmt, editable = ("ods", True) if rng.random() < 0.8 else ("pdf", False)
            else:
                fmt, editable = "odp", True
            day = rng.choice(self.days)
            if stem == "plan":  # published once adopted
                day = self.cal.add_workdays(self.adopted, rng.randint(1, 5))
            self.documents.append({
                "id": f"doc-{stem}-{n + 1}", "title": title, "format": fmt, "editable": editable,
                "published": self.date(day),
                **({"kind": stem} if stem in PUBLISHED_KINDS else {}),
                "url": f"https://synthetic{self.tag}.example.gov.tw/files/{title}.{fmt}"})

    # -- scale knobs ----------------------------------------------------------------------

    def grow(self) -> None:
        """Apply the scale knobs after the year is drawn, with an rng of their own, so a
        plan at ×1 and one year is byte-identical to what the knobs' absence gives."""
        k, years = self.scale.records_x, self.scale.years
        if k == 1 and years == 1:
            return
        rng = random.Random(f"grow:{self.seed}:{self.index}")
        # Triggered obligations are not copied: each copy of a press report would open a
        # period that every copy of a clarification counts for -- K^2 matches, a quadratic
        # plan rather than a bigger one.
        triggered = {a for r in self.book.rules.values() if r.after
                     for a in (r.activity, r.after.activity)}
        base = [r for r in self.records if r["activity"] not in triggered]
        meetings = list(self.meetings)
        trigger_ids = {r["id"] for r in base}
        for j in range(2, k + 1):  # more of the same year: copies on the same days
            self.records += [_copy(r, f"c{j}", trigger_ids) for r in base]
            self.meetings += [_copy({x: v for x, v in mt.items() if x != "minutes"}, f"c{j}",
                                    set()) for mt in meetings]
        for back in range(1, years):  # earlier years kept in the same file: match nothing
            year = YEAR - back
            for r in base:
                old = _copy(r, f"h{year}", trigger_ids)
                old["date"] = fmt_date(rng, _shift(self.day_of[r["id"]], year))
                if "period" in old and r["period"] not in trigger_ids:
                    old["period"] = str(year) + r["period"][4:]
                self.records.append(old)

    # -- output ---------------------------------------------------------------------------

    def files(self) -> dict[str, str]:
        self.draw_plan()
        self.draw_waivers()
        self.draw_records()
        self.draw_meetings()
        self.draw_documents()
        self.grow()
        head = f"# Synthetic plan {self.tag} (seed {self.seed}), written by bench/generate.py.\n"
        waivers = [{k: v for k, v in w.items() if not k.startswith("_")} for w in self.waivers]
        units = [{"id": u, "name": {"zh-TW": zh, "en": en}} for u, zh, en, _ in UNITS]
        return {
            "plan.yaml": head + dump({"plan": self.plan}, flow=False)
            + dump({"units": units, "staff": self.staff, "roles": self.roles}),
            "records.yaml": head + dump({"records": self.records}),
            "meetings.yaml": head + dump({"meetings": self.meetings}),
            "waivers.yaml": head + dump({"waivers": waivers}),
            "documents.yaml": head + dump({"documents": self.documents}),
        }


def _copy(item: dict, tag: str, trigger_ids: set[str]) -> dict:
    """``item`` under a new id; a record naming a triggering record names that one's copy."""
    out = {**item, "id": f"{item['id']}-{tag}"}
    if out.get("period") in trigger_ids:
        out["period"] = f"{out['period']}-{tag}"
    return out


def _shift(day: dt.date, year: int) -> dt.date:
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February
        return day.replace(year=year, day=28)


@dataclasses.dataclass(frozen=True)
class Scale:
    """The generator's knobs.

    - ``records_x``: records per plan ×K -- each written record and each meeting (without
      its minutes) K times, the copies on the same day under new ids; not the records of
      triggered obligations (press reports and clarifications), whose copies would make
      the matches grow as K^2;
    - ``years``: years of history in the records file -- the year's written records again
      for each of the Y-1 years before, shifted by whole years (period keys too); they
      are facts that can match no period of the plan's year;
    - ``rules_x``: the bundled rules repeated N times with new ids (``<id>-x2`` ...),
      written to ``<out>/rules``; every copy counts the same records.
    """

    records_x: int = 1
    years: int = 1
    rules_x: int = 1

    def __post_init__(self) -> None:
        if min(self.records_x, self.years, self.rules_x) < 1:
            raise ValueError("scale knobs must be at least 1")

    @property
    def default(self) -> bool:
        return self == Scale()

    @property
    def tag(self) -> str:
        """A folder-name suffix ("" for the defaults)."""
        return "" if self.default else f"-r{self.records_x}-y{self.years}-x{self.rules_x}"


def write_rules(src: Path, dst: Path, times: int) -> Path:
    """The rule files of ``src`` with every rule repeated ``times`` times under new ids."""
    dst.mkdir(parents=True, exist_ok=True)
    for path in sorted(src.glob("*.yaml")):
        # The project's reader, not yaml.safe_load: YAML 1.1 would read the key `on:` as true.
        data, _, problems = read_yaml(path)
        if problems or data is None:
            raise SystemExit(f"{path}: {problems}")
        rules = data.get("rules") or []
        data["rules"] = rules + [{**r, "id": f"{r['id']}-x{k}"}
                                 for k in range(2, times + 1) for r in rules]
        (dst / path.name).write_text(dump(data, flow=False), encoding="utf-8")
    return dst


class _NoAliases(yaml.SafeDumper):
    # The knobs' copies share nested dicts; written out in full, never as &anchor/*alias
    # (the loader limits what aliases may expand to).
    def ignore_aliases(self, data: object) -> bool:
        return True


def dump(data: dict, flow: bool | None = None) -> str:
    # By default leaf mappings in flow style ({id: ..., activity: ...}), like records-daily.yaml.
    return yaml.dump(data, Dumper=_NoAliases, allow_unicode=True, sort_keys=False,
                     default_flow_style=flow, width=1000)


def generate(plans: int, seed: int, out: Path, *, book: RuleBook | None = None,
             start: int = 1, stop: int | None = None, scale: Scale | None = None) -> list[Path]:
    """Write plans ``start``..``stop`` (1-based, inclusive; default all) of ``plans``
    into ``out``; return their folders. With ``scale.rules_x > 1`` the repeated rules go
    to ``out/rules`` (the plans are the same: every copy of a rule counts the same records)."""
    scale = scale or Scale()
    book = book or load_rules(RULES_DIR)
    if scale.rules_x > 1:
        write_rules(RULES_DIR, out / "rules", scale.rules_x)
    calendar = WorkCalendar()
    width = max(4, len(str(plans)))
    folders = []
    for i in range(start, (stop or plans) + 1):
        folder = out / f"plan-{i:0{width}d}"
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in PlanGen(book, calendar, seed, i, width, scale).files().items():
            (folder / name).write_text(text, encoding="utf-8")
        folders.append(folder)
    return folders


def add_scale_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--records-x", type=int, default=1, metavar="K",
                        help="records per plan ×K (copies of the year's records; default 1)")
    parser.add_argument("--years", type=int, default=1, metavar="Y",
                        help="years of records history per plan (default 1: the plan's year)")
    parser.add_argument("--rules-x", type=int, default=1, metavar="N",
                        help="the bundled rules repeated N times with new ids (default 1)")


def scale_of(args: argparse.Namespace, parser: argparse.ArgumentParser) -> Scale:
    try:
        return Scale(args.records_x, args.years, args.rules_x)
    except ValueError as exc:
        parser.error(str(exc))
        raise


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plans", type=int, required=True, help="number of plan folders")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True, help="folder to write plan-0001/ ... into")
    add_scale_options(parser)
    args = parser.parse_args(argv)
    if args.plans < 1:
        parser.error("--plans must be at least 1")
    generate(args.plans, args.seed, args.out, scale=scale_of(args, parser))
    print(f"wrote {args.plans} plans to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
