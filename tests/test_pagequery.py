"""The one-evaluation page query finds exactly what Playwright's locators find, and reads alike.

Every locator chain in both flows (settings, sign-in markers, change steps) is counted both ways
on every page of every fixture variant. Every setting the reader reads (ranked matching, one
visibility rule: js/reader.js) is read from an element that Playwright's locator for the same
chain finds too, and Playwright reads that element alike. If the vendored
Playwright code (collect/js/playwright_aria.js) or the glue (collect/js/pagequery.js) drifted
from Playwright's own engines, a reading could come from a different element than the one a fix
would click: this test is what rules that out.
"""

from __future__ import annotations

import asyncio
import hashlib
import json

import pytest
from playwright.async_api import Page, async_playwright

from privacyguard.catalogue import Catalogue, Locator, PlatformFlow
from privacyguard.collect.browser import launch
from privacyguard.collect.engine import CollectOptions, read_setting_on_page
from privacyguard.collect.locate import chains, to_playwright
from privacyguard.collect.pagequery import ask_chains, pick, read_settings, shows_any
from privacyguard.collect.pages import LoadedPage, PageOutcome
from privacyguard.collect.read import read_control
from privacyguard.sandbox import weight
from privacyguard.sandbox.fixtures import list_variants, load_variant, url_key
from privacyguard.sandbox.server import SandboxAccount

pytestmark = pytest.mark.browser


def every_locator_list(flow: PlatformFlow) -> list[list[Locator]]:
    """Each list of specs the flow holds: settings' locators, change steps' targets, sign-in markers."""
    lists: list[list[Locator]] = []
    for setting in flow.settings:
        lists.append(setting.locators)
        lists.extend([step.target] for step in setting.change if isinstance(step.target, Locator))
    sign_in = flow.sign_in
    for markers in (sign_in.rate_limit_markers, sign_in.captcha_markers, sign_in.checkpoint_markers):
        lists.append(markers)
    for error in sign_in.errors:
        lists.append(error.markers)
    if sign_in.two_step:
        lists.extend([sign_in.two_step.code, sign_in.two_step.submit, sign_in.two_step.rejected])
    if sign_in.form:
        lists.extend([sign_in.form.username, sign_in.form.password, sign_in.form.submit])
    if sign_in.cookie_consent:
        lists.extend([sign_in.cookie_consent.dialog, sign_in.cookie_consent.most_private])
    return [specs for specs in lists if specs]


async def _compare_page(page: Page, flow: PlatformFlow, url: str, lang: str) -> tuple[int, list[str]]:
    """(chains compared, differences) on the open page."""
    unique: dict[str, tuple[list, str]] = {}
    for specs in every_locator_list(flow):
        for spec in specs:
            for steps, desc in chains(spec, lang):
                if any("question" in link for link in steps):
                    continue  # the reader's own kind: Playwright has no equivalent
                unique.setdefault(json.dumps(steps, sort_keys=True), (steps, desc))
    all_chains = list(unique.values())
    answers = await ask_chains(page, [([steps], None) for steps, _ in all_chains])
    problems = []
    for (steps, desc), answer in zip(all_chains, answers, strict=True):
        expected = await to_playwright(page, steps).count()
        if answer.get("error") or answer["count"] != expected:
            problems.append(f"{url}: {desc}: Playwright finds {expected}, the page query "
                            f"{answer.get('error') or answer['count']}")
    on_page = [s for s in flow.settings if url_key(s.url) == url_key(url)]
    quick, _ = await read_settings(page, on_page, url, lang, 0.0)
    for setting in on_page:
        fast = quick[setting.id]
        if fast is None or fast.value is None or "question~" in (fast.evidence.locator or ""):
            continue  # not read, or read by the reader's own `question` kind (no Playwright equivalent)
        # The reader's element is one Playwright's locator for the deciding chain finds too, and
        # Playwright reads it alike.
        element, answer, _ = await pick(page, setting.locators, lang)
        steps = [c for spec in setting.locators for c in chains(spec, lang)]
        chain = chains(setting.locators[answer["spec"]], lang)[answer["chain"]][0]
        assert steps and element is not None
        token = await element.get_attribute("data-privacyguard-pick")
        marks = await to_playwright(page, chain).evaluate_all("els => els.map(e => e.dataset.privacyguardPick)")
        slow = await read_control(setting, element, fast.evidence.locator or "", url, lang)
        if token not in marks:
            problems.append(f"{url}: {setting.id}: the reader read an element Playwright's {chain} does not find")
        if slow.model_dump() != fast.model_dump():
            problems.append(f"{url}: {setting.id}: reader read {fast.model_dump()}, Playwright {slow.model_dump()}")
    return len(all_chains), problems


async def _compare_variant(flow: PlatformFlow, variant_name: str, seen: set[str]) -> tuple[int, int, list[str]]:
    """Compare on each page of a variant whose HTML no earlier variant had (`seen`: their hashes)."""
    variant = load_variant(flow.platform, variant_name)
    async with async_playwright() as playwright:
        browser = await launch(playwright, headless=True, sandbox_only=True)
        try:
            context = await browser.new_context(locale="en-US", service_workers="block")
            await SandboxAccount("probe", {flow.platform: flow}, {flow.platform: variant}).attach(context)
            page = await context.new_page()
            compared, problems, pages = 0, [], 0
            slow_data = any(spec.delay_ms for spec in variant.pages.values())
            for spec in variant.pages.values():
                await page.goto(spec.url, wait_until="domcontentloaded")
                # compare complete pages: late content (fixtures/_shared/arrive.js), pages built on a later
                # frame (`render:` variants, sandbox/weight.py) and slow data requests
                await page.wait_for_function("() => !document.querySelector('template[data-arrive-after]')"
                                             " && !document.getElementById('pg-app-template')", timeout=30_000)
                if slow_data:
                    await page.wait_for_load_state("networkidle")
                digest = hashlib.sha256((page.url + await page.content()).encode()).hexdigest()
                if digest in seen:
                    continue
                seen.add(digest)
                lang = (await page.evaluate("document.documentElement.lang || 'en'")).split("-")[0].lower()
                count, found = await _compare_page(page, flow, spec.url, lang)
                compared, pages = compared + count, pages + 1
                problems.extend(found)
            return pages, compared, problems
        finally:
            await browser.close()


@pytest.mark.parametrize("platform", ["linkedin", "facebook", "x", "instagram"])
def test_page_query_matches_playwright_on_every_fixture_page(catalogue: Catalogue, platform: str) -> None:
    flow = catalogue.platform(platform)
    total_pages = total_chains = 0
    problems: list[str] = []
    seen: set[str] = set()
    for variant in list_variants()[platform]:
        if weight.mode(load_variant(platform, variant)) == "heavy":
            continue  # the default pages plus media and script weight: tests/test_lean.py reads them
        pages, compared, found = asyncio.run(_compare_variant(flow, variant, seen))
        total_pages, total_chains = total_pages + pages, total_chains + compared
        problems.extend(found)
    assert total_pages > 20 and total_chains > 1000, (total_pages, total_chains)  # the comparison really ran
    print(f"{platform}: {total_pages} pages, {total_chains} chains compared")
    assert not problems, "\n".join(problems[:20])


def test_page_query_reads_like_playwright_and_reports_what_it_cannot_settle(catalogue: Catalogue) -> None:
    """The reader settles none (not found) and two alike (ambiguous) itself, saying what it saw; only a
    selector it cannot run (a Playwright-only pseudo-class) is left to the Playwright path."""
    flow = catalogue.platform("linkedin")
    setting = flow.by_id["linkedin.generative_ai_data"]

    async def run() -> tuple[object, object, object, bool | None]:
        async with async_playwright() as playwright:
            browser = await launch(playwright, headless=True, sandbox_only=True)
            try:
                page = await (await browser.new_context()).new_page()
                await page.set_content('<main><button role="switch" aria-checked="false" '
                                       'aria-label="Use my data for training content creation AI models">'
                                       '</button></main>')
                one, asked = await read_settings(page, [setting], "https://x/", "en")
                assert asked  # the page answered: the locator path need not wait for late controls again
                playwright_only = setting.model_copy(update={"locators": [Locator(css="button[role=switch]:visible")]})
                pseudo, _ = await read_settings(page, [playwright_only], "https://x/", "en")
                slow = await read_setting_on_page(page, playwright_only, LoadedPage(PageOutcome.OK, "https://x/"),
                                                  CollectOptions(settle_seconds=0))
                await page.set_content("<main><p>nothing here</p></main>")
                none, _ = await read_settings(page, [setting], "https://x/", "en", 0.0)
                twice = ('<button role="switch" aria-checked="true" aria-label="Use my data for training content '
                         'creation AI models"></button>')
                await page.set_content(f"<main>{twice}{twice}</main>")
                two, _ = await read_settings(page, [setting], "https://x/", "en")
                marker = await shows_any(page, [Locator(css="button[role=switch]")], "en")
                assert pseudo[setting.id] is None and slow.value == "off"  # left to Playwright, which reads it
                return one, none, two, marker
            finally:
                await browser.close()

    one, none, two, marker = asyncio.run(run())
    reading = one[setting.id]  # type: ignore[index]
    assert reading is not None and reading.value == "off" and reading.evidence.raw == "false"
    missing, double = none[setting.id], two[setting.id]  # type: ignore[index]
    assert missing is not None and missing.status == "not_found" and "https://x/" in (missing.note or "")
    assert double is not None and double.status == "ambiguous" and "2 controls" in (double.note or "")
    assert marker is True


def test_a_page_script_cannot_replace_the_installed_page_query(catalogue: Catalogue) -> None:
    """The query is installed before page scripts run and cannot be overwritten by them: a page that
    tries to answer for it (to fake a private value) is still read from its real switch."""
    from privacyguard.collect.runner import CollectRun

    setting = catalogue.platform("linkedin").by_id["linkedin.generative_ai_data"]
    hostile = ('<main><button role="switch" aria-checked="true" aria-label="Use my data for training content '
               'creation AI models"></button></main><script>try { window.__privacyguardQuery = () => '
               '({answers: [{index: 0, count: 1, state: {kind: "toggle", aria: "false", native: null}}]}); } '
               'catch (e) {} window.tampered = true;</script>')

    async def run() -> tuple[object, bool]:
        async with async_playwright() as playwright:
            browser = await launch(playwright, headless=True, sandbox_only=True)
            try:
                context = await CollectRun(catalogue).new_context(browser)
                await context.route("**/*", lambda route: route.fulfill(body=hostile, content_type="text/html"))
                page = await context.new_page()
                await page.goto("https://www.linkedin.com/mypreferences/d/settings/data-for-ai-improvement")
                readings, _ = await read_settings(page, [setting], page.url, "en")
                return readings[setting.id], await page.evaluate("window.tampered === true")
            finally:
                await browser.close()

    reading, script_ran = asyncio.run(run())
    assert script_ran
    assert reading is not None and reading.value == "on"  # type: ignore[attr-defined]
