"""The HTML report in a real browser: it renders, the chart draws, links go to the settings pages,
and not one request leaves the page."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Request, Route, sync_playwright

from privacyguard.catalogue import Catalogue
from privacyguard.collect.browser import find_browser
from privacyguard.history.db import History
from privacyguard.history.view import sweep_view
from privacyguard.reports import render
from privacyguard.snapshot import now_utc
from sweep_helpers import judge, linkedin

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def report_file(catalogue: Catalogue, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three sweeps of two accounts (a trend to draw), the last with drift; rendered to one file."""
    folder = tmp_path_factory.mktemp("html")
    with History(folder / "h.sqlite3") as history:
        for ai in ("on", "off", "on"):
            snapshot, report = judge(catalogue, linkedin("li", ai=ai), linkedin("work", ai="off", email="nobody"))
            sweep_id = history.add_sweep(snapshot, report, now_utc())
        view = sweep_view(history, history.sweep(sweep_id), catalogue)
    path = folder / "report.html"
    path.write_text(render(report, "html", view), encoding="utf-8")
    return path


def test_the_report_renders_draws_its_chart_links_to_settings_and_fetches_nothing(
        report_file: Path, catalogue: Catalogue) -> None:
    requested: list[str] = []

    def refuse(route: Route, request: Request) -> None:
        if request.url == report_file.as_uri():  # the report itself, from disk
            route.continue_()
            return
        requested.append(request.url)
        route.abort()

    executable = find_browser().executable  # before sync_playwright: it runs its own event loop
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True)
        try:
            context = browser.new_context(viewport={"width": 1000, "height": 900})
            context.route("**/*", refuse)  # anything at all that tries to leave the page
            page = context.new_page()
            page.on("request", lambda request: requested.append(request.url))
            errors: list[str] = []
            page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
            page.goto(report_file.as_uri())
            page.wait_for_load_state("networkidle")

            # it renders: title, drift first, a score per account
            assert page.title().startswith("Your privacy check")
            headings = page.locator("h2").all_inner_texts()
            assert headings[:4] == ["What changed", "How each account is doing", "Trend over past checks", "What to do"]
            drift = page.locator("#drift li").all_inner_texts()
            # one line per changed setting: the value change that made the rule fail is said once
            assert len(drift) == 1 and "no longer meets the policy (FAIL, On; was PASS, Off)" in drift[0]
            assert page.locator("#drift li").get_attribute("data-kind") == "value_changed newly_failing"
            cards = page.locator(".card")
            assert cards.count() == 2
            assert cards.nth(0).locator(".score").inner_text() == "0%"
            assert cards.nth(1).locator(".score").inner_text() == "100%"

            # the chart draws: a line per account with a point per sweep, really painted
            chart = page.locator("svg.trend-chart")
            box = chart.bounding_box()
            assert box and box["width"] > 300 and box["height"] > 100
            assert page.locator("svg.trend-chart polyline").count() == 2
            assert page.locator("svg.trend-chart circle").count() == 6
            line_box = page.locator("svg.trend-chart polyline").first.bounding_box()
            assert line_box and line_box["width"] > 100
            image = Image.open(io.BytesIO(chart.screenshot())).convert("RGB")
            colours = {image.getpixel((x, y)) for x in range(0, image.width, 3) for y in range(0, image.height, 3)}
            assert (0x1F, 0x6F, 0xEB) in colours or any(abs(r - 0x1F) < 30 and abs(b - 0xEB) < 30 and g < 140
                                                         for r, g, b in colours), "the first series is not painted"
            assert any(r > 180 and g < 80 and b < 80 for r, g, b in colours), "the second series is not painted"

            # every finding's link points at its setting's page in the catalogue
            links = page.locator("a.fix-link")
            assert links.count() >= 4
            for i in range(links.count()):
                uid = links.nth(i).locator("xpath=ancestor::article").get_attribute("data-uid")
                setting = uid.split(":")[2]
                assert links.nth(i).get_attribute("href") == catalogue.setting(setting).url
            # a failing finding says why and how to fix in plain words
            fail = page.locator("article[data-status=FAIL]").first
            assert "Why it matters" in fail.inner_text() and "How to fix it" in fail.inner_text()
            assert fail.locator("ol li").count() >= 1

            page.screenshot(path=str(report_file.with_suffix(".png")), full_page=True)
            context.close()
        finally:
            browser.close()
    assert [url for url in requested if url != report_file.as_uri()] == []
    assert errors == []
