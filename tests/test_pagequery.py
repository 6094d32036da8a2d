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
import functools
import hashlib
import json

import pytest
from playwright.async_api import BrowserContext, Page, async_playwright

from privacyguard.catalogue import Catalogue, Locator, PlatformFlow
from privacyguard.collect.browser import launch
from privacyguard.collect.engine import CollectOptions, read_setting_on_page
from privacyguard.collect.locate import chains, to_playwright
from privacyguard.collect.pagequery import ask_chains, pick, read_settings, shows_any
from privacyguard.collect.pages import LoadedPage, PageOutcome
from privacyguard.collect.read import read_control
from privacyguard.errors import FixtureError
from privacyguard.sandbox import behaviour, weight
from privacyguard.sandbox.fixtures import Variant, list_variants, load_variant, url_key
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


async def _playwright_counts(page: Page, all_steps: list[list], claimed: list[int | None]) -> list[int]:
    """Playwright's count for each chain.

    Most chains find nothing on a given page. Those the page query says find nothing are asked
    together, as one union locator: a union that finds nothing proves each of them finds nothing.
    Only if it finds something is each asked alone. The rest are asked one by one, all in flight.
    """
    nothing = [i for i, count in enumerate(claimed) if count == 0]
    counts: list[int | None] = [None] * len(all_steps)
    if nothing:
        union = functools.reduce(lambda a, b: a.or_(b), (to_playwright(page, all_steps[i]) for i in nothing))
        if await union.count() == 0:
            for i in nothing:
                counts[i] = 0
    ask = [i for i, count in enumerate(counts) if count is None]
    for i, count in zip(ask, await asyncio.gather(*(to_playwright(page, all_steps[i]).count() for i in ask)),
                        strict=True):
        counts[i] = count
    return [int(count or 0) for count in counts]


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
    counts = await _playwright_counts(page, [steps for steps, _ in all_chains],
                                      [None if answer.get("error") else answer["count"] for answer in answers])
    for (_steps, desc), answer, expected in zip(all_chains, answers, counts, strict=True):
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


# What locators can see of a page: every element's tag, attributes, own text, box and the styles that
# decide visibility, through open shadow roots. Variants that differ only in scripts and styles for
# elements a page does not have yet (the behaviour dialogs) give the same fingerprint, and the same
# answers to every chain, so each is compared once.
_FINGERPRINT = """() => {
  const out = [];
  const walk = (root) => {
    for (const el of root.querySelectorAll('*')) {
      if (el.tagName === 'SCRIPT' || el.tagName === 'STYLE') continue;
      const box = el.getBoundingClientRect(), style = getComputedStyle(el);
      const text = [...el.childNodes].filter(n => n.nodeType === 3).map(n => n.data).join('')
        .replace(/\\s+/g, ' ').trim();
      const attrs = [...el.attributes].map(a => a.name + '=' + a.value).sort().join(' ');
      const state = 'checked' in el ? el.checked : '', value = 'value' in el ? el.value : '';
      out.push([el.tagName, attrs, text, Math.round(box.width), Math.round(box.height), style.display,
                style.visibility, style.opacity, state, value, getComputedStyle(el, '::before').content,
                getComputedStyle(el, '::after').content].join('|'));
      if (el.shadowRoot) { out.push('#shadow'); walk(el.shadowRoot); }
    }
  };
  walk(document);
  return out.join('\\n');
}"""


def _served_digests(variant: Variant, state: dict) -> dict[str, str | None]:
    """For each page URL of a variant, a digest of everything the simulated platform serves for it:
    its body, every data request and script, the redirects, the delay (and, for a page with frames,
    every other page). Pages with equal digests load alike, so only the first is opened. None where
    a page cannot be rendered without a request (the sign-in pages): those are always opened."""
    shared = hashlib.sha256(json.dumps(sorted(variant.redirects.items())).encode())
    bodies: dict[str, str | None] = {}
    for key, spec in sorted(variant.pages.items()):
        try:
            body = variant.render(spec, state, spec.url)
        except FixtureError:
            bodies[spec.url] = None
            continue
        if spec.content_type.startswith("text/html"):
            body = weight.apply(behaviour.inject(body, variant, state), variant, spec.url)
        else:
            shared.update(f"{key} {spec.status} {spec.delay_ms} {body}".encode())
        bodies[spec.url] = body
    every_page = hashlib.sha256(json.dumps(sorted(bodies.items(), key=lambda item: item[0])).encode()).hexdigest()
    digests: dict[str, str | None] = {}
    for spec in variant.pages.values():
        body = bodies[spec.url]
        frames = every_page if body is not None and "<iframe" in body else ""
        digests[spec.url] = None if body is None else hashlib.sha256(
            f"{spec.url} {spec.status} {spec.delay_ms} {shared.hexdigest()} {frames} {body}".encode()).hexdigest()
    return digests


async def _compare_platform(flow: PlatformFlow, variant_names: list[str]) -> tuple[int, int, list[str]]:
    """Compare on each page of each variant whose HTML no other page had.

    One browser for the platform, one context per variant, a few pages at a time: most of the time
    here is waiting for late content and slow data, which overlaps well.
    """
    seen: set[str] = set()
    totals = {"pages": 0, "chains": 0}
    problems: list[str] = []
    async with async_playwright() as playwright:
        browser = await launch(playwright, headless=True, sandbox_only=True)
        at_once = asyncio.Semaphore(4)

        served: set[str] = set()

        async def one_page(context: BrowserContext, url: str, slow_data: bool, digest: str | None) -> None:
            if digest is not None:
                if digest in served:
                    return
                served.add(digest)
            async with at_once:
                page = await context.new_page()
                try:
                    await page.goto(url, wait_until="domcontentloaded")
                    # compare complete pages: late content (fixtures/_shared/arrive.js), pages built on a
                    # later frame (`render:` variants, sandbox/weight.py) and slow data requests
                    await page.wait_for_function("() => !document.querySelector('template[data-arrive-after]')"
                                                 " && !document.getElementById('pg-app-template')", timeout=30_000)
                    if slow_data:
                        await page.wait_for_load_state("networkidle")
                    digest = hashlib.sha256((page.url + await page.evaluate(_FINGERPRINT)).encode()).hexdigest()
                    if digest in seen:
                        return
                    seen.add(digest)
                    lang = (await page.evaluate("document.documentElement.lang || 'en'")).split("-")[0].lower()
                    count, found = await _compare_page(page, flow, url, lang)
                    totals["pages"] += 1
                    totals["chains"] += count
                    problems.extend(found)
                finally:
                    await page.close()

        async def one_variant(name: str) -> None:
            variant = load_variant(flow.platform, name)
            context = await browser.new_context(locale="en-US", service_workers="block")
            try:
                account = SandboxAccount("probe", {flow.platform: flow}, {flow.platform: variant})
                await account.attach(context)
                slow_data = any(spec.delay_ms for spec in variant.pages.values())
                digests = _served_digests(variant, account.state[flow.platform])
                await asyncio.gather(*(one_page(context, url, slow_data, digest) for url, digest in digests.items()))
            finally:
                await context.close()

        try:
            await asyncio.gather(*(one_variant(name) for name in variant_names))
        finally:
            await browser.close()
    return totals["pages"], totals["chains"], problems


@pytest.mark.parametrize("platform", ["linkedin", "facebook", "x", "instagram"])
def test_page_query_matches_playwright_on_every_fixture_page(catalogue: Catalogue, platform: str) -> None:
    flow = catalogue.platform(platform)
    # the heavy variants are the default pages plus media and script weight: tests/test_lean.py reads them
    variants = [name for name in list_variants()[platform] if weight.mode(load_variant(platform, name)) != "heavy"]
    total_pages, total_chains, problems = asyncio.run(_compare_platform(flow, variants))
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


DATA_PAGE = """<main><input type="checkbox" id="ai"><label for="ai">Use my data for training content creation AI
models</label></main><script>
fetch('/api/data').then(r => r.json()).then(d => { document.getElementById('ai').checked = d.on;
  window.shownAt = performance.now(); });
</script>"""
PAGE_ACTIVITY = """JSON.parse(window.__privacyguardRead('{"settings": []}')).page"""  # what read_settings sees
ACTIVITY = f"""() => {{ const a = {PAGE_ACTIVITY};
  return {{pending: a.dataPending, doneAt: a.sinceData === null ? null : performance.now() - a.sinceData,
          shownAt: window.shownAt === undefined ? null : window.shownAt}}; }}"""


def test_the_page_counts_its_own_data_requests_until_their_callbacks_have_run(catalogue: Catalogue) -> None:
    """Setting `checked` is no DOM mutation, and under load a page's script can show its data well after
    the network finished it. The page's own count (js/reader.js watchData) holds a request pending until
    the callbacks chained on its answer have run: even with no view of the network (requests=None) the
    placeholder is not read as the value, and the real value is read once shown. XHR (also synchronous)
    is counted alike; live-update connections are not."""
    from privacyguard.collect.runner import CollectRun

    setting = catalogue.platform("linkedin").by_id["linkedin.generative_ai_data"]

    async def run() -> dict[str, object]:
        seen: dict[str, object] = {}
        async with async_playwright() as playwright:
            browser = await launch(playwright, headless=True, sandbox_only=True)
            try:
                context = await CollectRun(catalogue).new_context(browser)
                release = asyncio.Event()

                async def answer(route: object) -> None:
                    url = route.request.url  # type: ignore[attr-defined]
                    if "/api/" in url or "/realtime/" in url:
                        await (release.wait() if "/api/data" in url else asyncio.Event().wait())
                        await route.fulfill(body='{"on": true}', content_type="application/json")  # type: ignore[attr-defined]
                    else:
                        await route.fulfill(body=DATA_PAGE, content_type="text/html")  # type: ignore[attr-defined]

                await context.route("**/*", answer)
                page = await context.new_page()
                await page.goto("https://www.linkedin.com/mypreferences/d/settings/data-for-ai-improvement")
                seen["waiting"] = await page.evaluate(ACTIVITY)
                early, _ = await read_settings(page, [setting], page.url, "en", 0.6, requests=None)
                seen["early"] = early[setting.id]
                release.set()
                await page.wait_for_function("window.shownAt !== undefined")
                late, _ = await read_settings(page, [setting], page.url, "en", 3.0, requests=None)
                seen["late"] = late[setting.id]
                seen["done"] = await page.evaluate(ACTIVITY)
                # a live-update connection is not waited for; XHR, asynchronous or not, is
                seen["live"] = await page.evaluate("() => { fetch('/realtime/updates'); const x = new XMLHttpRequest();"
                                                   " x.open('GET', '/realtime/poll'); x.send(); return 0; }")
                seen["after_live"] = await page.evaluate(ACTIVITY)
                seen["xhr"] = await page.evaluate(f"""() => new Promise(resolve => {{
                    const x = new XMLHttpRequest(); x.open('GET', '/api/data');
                    x.onload = () => resolve({PAGE_ACTIVITY}.dataPending);
                    x.send(); }})""")
                seen["sync"] = await page.evaluate(f"""() => {{ const x = new XMLHttpRequest();
                    x.open('GET', '/api/data', false); x.send();
                    return {PAGE_ACTIVITY}.dataPending; }}""")
                await page.wait_for_function(f"{PAGE_ACTIVITY}.dataPending === 0")
                seen["looks"] = await page.evaluate("""() => {
                    const shown = (f) => Function.prototype.toString.call(f);
                    const fs = [fetch, Response.prototype.json, XMLHttpRequest.prototype.open,
                                XMLHttpRequest.prototype.send, Function.prototype.toString];
                    return {sources: fs.map(shown).concat(fs.map(String)), names: fs.map(f => f.name),
                            lengths: fs.map(f => f.length), prototypes: fs.map(f => 'prototype' in f)}; }""")
                return seen
            finally:
                await browser.close()

    seen = asyncio.run(run())
    assert seen["waiting"]["pending"] == 1  # type: ignore[index]
    early = seen["early"]
    assert early is not None and early.value is None and "still loading its data" in (early.note or ""), early  # type: ignore[attr-defined]
    late = seen["late"]
    assert late is not None and late.value == "on", late  # type: ignore[attr-defined]
    done = seen["done"]
    assert done["pending"] == 0 and done["doneAt"] >= done["shownAt"], done  # type: ignore[index]
    assert seen["after_live"]["pending"] == 0  # type: ignore[index]
    assert seen["xhr"] == 1 and seen["sync"] == 1  # still counted while its listeners run
    looks = seen["looks"]  # the wrapped functions look native to a page script that checks
    assert all(source.endswith("{ [native code] }") for source in looks["sources"]), looks  # type: ignore[index]
    assert looks["names"] == ["fetch", "json", "open", "send", "toString"]  # type: ignore[index]
    assert looks["lengths"] == [1, 0, 2, 0, 0] and not any(looks["prototypes"]), looks  # type: ignore[index]
