"""The scan, sweep and audit HTML reports in headless Chromium at 1280 px and 390 px (a phone).

Each page is screenshotted (docs/screenshots/ when PRIVACYGUARD_SCREENSHOTS is set, else a temp
folder) and checked: no heading or table header is clipped (its content fits its box), and the audit
matrix works on a phone: the person column stays in view when the matrix is scrolled sideways and
the rotated rule headers are whole and of a readable size.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

from audit_helpers import snapshot
from privacyguard.audit import collect, report_text
from privacyguard.audit.bundle import build_bundle, write_bundle
from privacyguard.catalogue import Catalogue
from privacyguard.collect.browser import choose_browser, launch_args
from privacyguard.history.db import History
from privacyguard.history.view import sweep_view
from privacyguard.policy import load_policy
from privacyguard.reports import render
from privacyguard.snapshot import AccountSnapshot, Evidence, Reading, ReadStatus, now_utc
from sweep_helpers import judge, linkedin

pytestmark = pytest.mark.browser
WIDTHS = (1280, 390)

# Every header, heading and label whose text must be whole (fits its own box, nothing hidden).
CLIPPED = """() => [...document.querySelectorAll('h1, h2, h3, th, .badge, .card .label, summary')]
  .filter(e => e.getClientRects().length)
  .filter(e => e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1)
  .map(e => e.tagName + ': ' + e.textContent.trim().slice(0, 60))"""


def _all_settings_audit(folder: Path, catalogue: Catalogue):
    """An audit over every LinkedIn and Facebook setting (the long titles too), two people."""
    settings = [s for p in ("linkedin", "facebook") for s in catalogue.platform(p).settings
                if s.retired is None and len(s.values) >= 2]
    policy_file = folder / "policy.yaml"
    policy_file.write_text("name: every-setting\nrules:\n" + "".join(
        f'  {s.id}: {{expect: "{s.values[-1]}"}}\n' for s in settings), encoding="utf-8")
    policy = load_policy(policy_file, catalogue)
    roster = folder / "roster.csv"
    roster.write_text("person,team,email,platform,account,sandbox\nAnn de Vries-Bakker,Sales,,linkedin,ann-li,\n"
                      "Ann de Vries-Bakker,Sales,,facebook,ann-fb,\nBob,Press,,linkedin,bob-li,\n", encoding="utf-8")
    inbox = folder / "inbox"
    inbox.mkdir()

    def account(platform: str, name: str, good: bool) -> AccountSnapshot:
        readings = {s.id: Reading(setting=s.id, status=ReadStatus.READ, value=s.values[-1 if good else 0],
                                  evidence=Evidence(url=s.url)) for s in settings if s.platform == platform}
        return AccountSnapshot(platform=platform, account=name, readings=readings, finished_at=now_utc())

    for who, accounts in {"ann": [account("linkedin", "ann-li", False), account("facebook", "ann-fb", True)],
                          "bob": [account("linkedin", "bob-li", True)]}.items():
        write_bundle(build_bundle(who, snapshot(catalogue, *accounts), policy, catalogue), inbox / f"{who}.json")
    return collect([inbox], roster)


@pytest.fixture(scope="module")
def pages(catalogue: Catalogue, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("shots")
    snap, scan_report = judge(catalogue, linkedin("li", ai="on", email="everyone"))
    files = {"scan": folder / "scan.html", "sweep": folder / "sweep.html", "audit": folder / "audit.html"}
    files["scan"].write_text(render(scan_report, "html"), encoding="utf-8")
    with History(folder / "h.sqlite3") as history:
        for ai in ("off", "on"):
            snap, report = judge(catalogue, linkedin("li", ai=ai), linkedin("work", ai="off", email="nobody"))
            sweep_id = history.add_sweep(snap, report, now_utc())
        view = sweep_view(history, history.sweep(sweep_id), catalogue)
    files["sweep"].write_text(render(report, "html", view), encoding="utf-8")
    files["audit"].write_text(report_text(_all_settings_audit(folder, catalogue), "html"), encoding="utf-8")
    return files


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        choice = choose_browser(playwright)
        launched = playwright.chromium.launch(
            executable_path=None if choice.kind == "playwright" else choice.executable, args=launch_args())
        yield launched
        launched.close()


def _open(browser, path: Path, width: int) -> Page:
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(path.as_uri())
    return page


def _shot(page: Page, name: str, width: int) -> Path:
    folder = Path(os.environ.get("PRIVACYGUARD_SCREENSHOTS") or os.environ.get("TMPDIR", "/tmp"))
    target = folder / f"{name}-{width}.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(target), full_page=True)
    return target


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", ["scan", "sweep", "audit"])
def test_no_header_is_clipped(browser, pages: dict[str, Path], name: str, width: int) -> None:
    page = _open(browser, pages[name], width)
    try:
        shot = _shot(page, name, width)
        assert shot.stat().st_size > 5000  # a real picture of a rendered page
        assert page.evaluate(CLIPPED) == []
        # nothing but the matrix (which scrolls in its own box) is wider than the screen
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    finally:
        page.close()


def test_matrix_is_usable_on_a_phone(browser, pages: dict[str, Path]) -> None:
    page = _open(browser, pages["audit"], 390)
    try:
        person = page.locator("#matrix tbody th[scope=row]").first
        before = person.bounding_box()
        wrap = page.locator(".matrix-wrap")
        assert page.evaluate("e => e.scrollWidth > e.clientWidth", wrap.element_handle())  # it does scroll
        page.evaluate("e => { e.scrollLeft = e.scrollWidth; }", wrap.element_handle())
        after = person.bounding_box()
        assert before and after and abs(after["x"] - before["x"]) < 1  # sticky: the person stays in view
        assert after["x"] >= 0
        headers = page.locator("#matrix th.rule")
        assert headers.count() > 10
        sizes = page.evaluate("""() => [...document.querySelectorAll('#matrix th.rule')].map(e =>
            [parseFloat(getComputedStyle(e).fontSize), e.scrollHeight - e.clientHeight, e.textContent.trim()])""")
        for size, overflow, text in sizes:
            assert size >= 12 and overflow <= 1, text  # readable and whole
        _shot(page, "audit-scrolled", 390)
    finally:
        page.close()
