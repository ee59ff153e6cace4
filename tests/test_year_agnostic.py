"""The bundled rules are not tied to 2023: on a 113 (2024) copy of the plan data they use
2024's working days and that year's due dates, and judge 2024 records."""

from __future__ import annotations

import datetime as dt
import shutil

import holidays
import pytest

from compliance.evaluate import evaluate, scheduled_periods
from compliance.load import load_bundle

from conftest import ROOT


@pytest.fixture(scope="module")
def bundle_113(tmp_path_factory):
    folder = tmp_path_factory.mktemp("plan-113")
    shutil.copytree(ROOT / "plan_data", folder / "plan_data")
    plan = folder / "plan_data/plan.yaml"
    text = plan.read_text(encoding="utf-8")
    assert "  roc_year: 112\n" in text and "  adopted: 112/02/17\n" in text
    plan.write_text(text.replace("  roc_year: 112\n", "  roc_year: 113\n")
                    .replace("  adopted: 112/02/17\n", "  adopted: 113/02/17\n"), encoding="utf-8")
    return load_bundle(ROOT / "rules", folder / "plan_data")


def due_of(bundle, rule_id: str) -> list[tuple[str, dt.date, dt.date]]:
    return [(p.key, p.nominal_due, p.due) for p in scheduled_periods(bundle) if p.rule == rule_id]


def test_fixed_dates_of_2024_do_not_move(bundle_113):
    # In 2023, 1/15 was a Sunday and 4/15 a Saturday (due 1/16 and 4/17); in 2024 both are
    # Mondays and stay.
    assert due_of(bundle_113, "year-end-population-stats-report") == [
        ("2024-01-15", dt.date(2024, 1, 15), dt.date(2024, 1, 15))]
    assert due_of(bundle_113, "year-end-population-changes-by-occurrence-report") == [
        ("2024-04-15", dt.date(2024, 4, 15), dt.date(2024, 4, 15))]


def test_daily_periods_are_2024s_working_days(bundle_113):
    tw = holidays.country_holidays("TW", years=2024)
    working = [d for d in (dt.date(2024, 1, 1) + dt.timedelta(days=i) for i in range(366))
               if tw.is_working_day(d)]
    periods = [p for p in scheduled_periods(bundle_113) if p.rule == "online-booking-daily-check"]
    assert [p.due for p in periods] == working
    assert dt.date(2024, 2, 8) not in working and dt.date(2024, 2, 17) in working  # 春節, 補班


def test_monthly_due_dates_are_2024s_last_working_days(bundle_113):
    dues = [due for _, _, due in due_of(bundle_113, "population-monthly-report")]
    assert dues[:3] == [dt.date(2024, 1, 31), dt.date(2024, 2, 29), dt.date(2024, 3, 29)]
    assert dues[-1] == dt.date(2024, 12, 31)


def test_2023_records_do_not_count_for_2024(bundle_113):
    findings = evaluate(bundle_113, dt.date(2024, 2, 1), rules=["year-end-population-stats-report"]).findings
    assert [(f.period_key, f.status, f.count) for f in findings] == [("2024-01-15", "violation", 0)]
