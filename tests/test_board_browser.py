"""The board in a real browser: Debian's chromium driven headless by Playwright.

Nothing is downloaded: the browser is /usr/bin/chromium (installed by .ci/run), and axe-core
comes bundled in the axe-playwright-python package. Where the browser is missing the tests
skip on a developer's machine but fail in CI (CI=true), so they cannot pass by not running.
A screenshot of the page is saved in build/test-artifacts/board.png (and in docs/img/board.png
when UPDATE_DOCS_SCREENSHOT=1).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from _board import expected_cells, first_violation, json_report, run

from compliance.dates import format_roc

# A real browser costs seconds per test: CI runs these, the quick loop does not.
pytestmark = pytest.mark.slow

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "build" / "test-artifacts"


def _missing() -> str | None:
    if importlib.util.find_spec("playwright") is None:
        return "playwright is not installed (pip install -e '.[test]')"
    if not (shutil.which(CHROMIUM) or Path(CHROMIUM).exists()):
        return f"{CHROMIUM} not found (apt-get install chromium)"
    return None


@pytest.fixture(scope="module")
def browser():
    reason = _missing()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"the browser tests must run in CI: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


class Page:
    """A page of the board with everything the page said or asked for recorded."""

    def __init__(self, browser, path: Path):
        self.url = path.resolve().as_uri()
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-TW")
        self.page = self.context.new_page()
        self.console: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda exc: self.console.append(f"pageerror: {exc}"))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.goto(self.url)

    def close(self) -> None:
        self.context.close()


def board_file(root: Path, *args: str) -> Path:
    out = root / "board.html"
    result = run("board", "-o", str(out), *args)
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture
def june(browser, workdir):
    page = Page(browser, board_file(workdir, "--as-of", "2023-06-30", "--lang", "zh-TW"))
    yield page
    page.close()


def test_loads_offline_without_errors_and_cells_match_the_json_report(june):
    page = june.page
    assert june.console == [] and june.dialogs == []
    assert june.requests == [june.url]  # the page itself, nothing else
    statuses = page.eval_on_selector_all(
        "td[data-rule]:not([data-summary])", "cells => cells.map(c => c.dataset.status)")
    expected = expected_cells(json_report("2023-06-30"), dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    assert Counter(s for s in statuses if s != "none") == expected
    assert page.locator("thead th[aria-current=date]").inner_text() == "6月"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "board.png"))
    if os.environ.get("UPDATE_DOCS_SCREENSHOT"):
        page.screenshot(path=str(ROOT / "docs" / "img" / "board.png"))


def test_clicking_a_red_cell_shows_its_due_date_and_what_is_missing(june):
    finding = first_violation(json_report("2023-06-30", "zh-TW"), dt.date(2023, 12, 31))
    page = june.page
    entity = f'[data-entity="{finding["entity"]}"]' if "entity" in finding else ":not([data-entity])"
    cell = page.locator(f'td[data-rule="{finding["rule"]}"][data-month="{finding["due"][:7]}"]{entity}'
                        ":not([data-summary])")
    assert cell.count() == 1 and cell.get_attribute("data-status") == "violation"
    assert page.locator("#pop").is_hidden()
    cell.locator("button").click()
    pop = page.locator("#pop")
    assert pop.is_visible()
    text = pop.inner_text()
    due = format_roc(dt.date.fromisoformat(finding["due"]))
    assert f"期限 {due}" in text
    assert finding["message"] in text  # the missing requirement, as the report says it
    first = pop.locator("ol.periods > li").first.inner_text()
    assert "逾期未辦" in first  # the worst period comes first, however many the month holds
    assert f"依據：{finding['source']['clause']}" in text  # the plan's clause and quote
    assert page.evaluate("document.activeElement.id") == "pop-close"
    page.keyboard.press("Escape")
    assert pop.is_hidden() and page.evaluate("document.activeElement.dataset.detail") is not None
    assert june.console == []


def test_details_by_keyboard_and_by_hover(june):
    page = june.page
    button = page.locator('td[data-status="late"] button').first
    button.focus()
    page.keyboard.press("Enter")
    assert page.locator("#pop").is_visible() and "逾期完成" in page.locator("#pop").inner_text()
    page.keyboard.press("Escape")
    assert page.locator("#pop").is_hidden()
    page.locator('td[data-status="reminder"] button').first.hover()
    assert page.locator("#pop").is_visible() and "即將到期" in page.locator("#pop").inner_text()
    page.mouse.move(5, 5)  # away from the cell: a hovered (not clicked) dialog goes
    page.wait_for_timeout(400)
    assert page.locator("#pop").is_hidden()
    page.locator('td[data-status="late"] button').first.click()
    page.locator("h1").click()  # a click elsewhere closes a clicked dialog
    assert page.locator("#pop").is_hidden()


def owner_of(finding: dict) -> str:
    """The owning unit as the JSON report gives it (its ``unit`` is the finding's owner)."""
    return finding["unit"]


def test_unit_filter_hides_the_other_units_and_updates_the_summary(june):
    page = june.page
    findings = json_report("2023-06-30")["findings"]
    violations = [f for f in findings if f["status"] == "violation"]
    unit = owner_of(violations[0])
    others = {owner_of(f) for f in findings} - {unit}
    assert violations and others
    assert page.locator("#summary [data-status=violation] .n").inner_text() == str(len(violations))
    page.select_option("#f-unit", unit)
    assert page.locator(f'tbody[data-unit="{unit}"]').is_visible()
    assert all(page.locator(f'tbody[data-unit="{u}"]').is_hidden() for u in others)
    mine = [f for f in violations if owner_of(f) == unit]
    assert page.locator("#summary [data-status=violation] .n").inner_text() == str(len(mine))


def test_status_filter_and_expanding_staff_rows(june, bundle):
    page = june.page
    staff = sorted(s.id for s in bundle.staff.values() if s.unit == "records")
    row = page.locator('tbody[data-unit="records"] tr.ob[data-rule="env-education-staff-hours"]')
    children = page.locator('tbody[data-unit="records"] tr.child[data-rule="env-education-staff-hours"]')
    assert children.count() == len(staff) and not children.first.is_visible()
    row.locator("button.x").click()
    assert all(c.is_visible() for c in children.all())
    assert [c.get_attribute("data-entity") for c in children.all()] == staff
    for box in page.locator('input[name="status"]').all():
        if box.get_attribute("value") != "violation":
            box.uncheck()
    visible = page.eval_on_selector_all(
        "tr[data-rule]", "rows => rows.filter(r => !r.hidden && r.offsetParent !== null)"
        ".map(r => Array.from(r.querySelectorAll('td')).some(td => td.dataset.status === 'violation'))")
    assert visible and all(visible)
    assert page.locator("#empty").is_hidden()
    page.locator('input[name="status"][value="violation"]').uncheck()
    assert page.locator("#empty").is_visible()  # nothing left: the page says so
    assert page.eval_on_selector_all("tr[data-rule], tr[data-item]", "rows => rows.every(r => r.hidden)")


def test_prints_to_a4_landscape_pdf(june, tmp_path):
    pdf = june.page.pdf(prefer_css_page_size=True, print_background=True)
    assert pdf.startswith(b"%PDF")
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert boxes and all(abs(float(w) - 841.9) < 2 and abs(float(h) - 595.3) < 2 for w, h in boxes)
    (tmp_path / "board.pdf").write_bytes(pdf)


def test_axe_finds_no_serious_or_critical_violation(june):
    import axe_playwright_python

    source = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")
    page = june.page
    page.locator('tr.ob button.x').first.click()  # expanded rows and an open dialog count too
    page.locator('td[data-status="violation"] button').first.click()
    page.evaluate(source)
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    found = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
    assert [v for v in found if v[1] in ("serious", "critical")] == []
    assert found == []  # stricter than asked: moderate and minor ones too


def test_hostile_data_runs_no_script(browser, workdir):
    from test_board import make_hostile

    make_hostile(workdir)
    page = Page(browser, board_file(workdir, "--as-of", "2023-06-30", "--lang", "zh-TW"))
    try:
        button = page.page.locator('td[data-rule="population-monthly-report"][data-month="2023-06"] button')
        button.click()
        text = page.page.locator("#pop").inner_text()
        assert "<script>alert(2)</script>" in text and 'onerror=alert(1)' in text
        assert page.page.locator("#pop img, #pop script").count() == 0
        assert page.page.locator('#pop a[href^="javascript"]').count() == 0
        page.page.locator("#pop .nolink").first.click()  # a javascript: value is text, not a link
        page.page.locator("#pop-close").click()
        page.page.locator('tr.ob[data-rule="document-editable-odf"] button.x').click()
        doc = page.page.locator('td[data-entity="hostile-doc"][data-status="violation"] button')
        doc.click()  # the document's title is shown in its row and its details, as text
        assert "<script>alert(2)</script>" in page.page.locator("#pop").inner_text()
        assert page.page.locator("img, script[src]").count() == 0
        assert page.dialogs == [] and page.requests == [page.url]
        assert not [m for m in page.console if "Content Security Policy" in m]
    finally:
        page.close()
