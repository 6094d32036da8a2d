"""The floor: the smallest program that does a 2-platform sandbox scan's browser work.

Same pages (the bytes the sandbox serves for the `default` variant of LinkedIn and Facebook, at
the same URLs, loaded in the same order, one context per platform, both at once), same reads
(every control on each page, in one evaluation, with a hard-coded selector), and nothing else: no
flows, no locators, no evaluation, no report. `make bench` runs it beside `privacyguard scan` as
alternating pairs and prints the ratios (scripts/bench.py); the product should cost at most 1.3x.

    .venv/bin/python scripts/floor.py --export pages.json   # render the pages once (uses privacyguard)
    .venv/bin/python scripts/floor.py pages.json            # the floor itself (only Playwright)
    .venv/bin/python scripts/floor.py pages.json 200 6      # the same for 200 accounts, 6 at a time

With an account count it is the floor under `audit run`: accounts alternate between the two
platforms, each in a fresh context, so many at a time (the simplest program that could do it).
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sys

# The browser flags of the product's read-only runs (privacyguard.collect.browser.launch_args with
# lean=True): frames only on demand (the floor asks for none), and no RenderDocument. The floor gets
# the cheapest set-up the product has, so that a ratio measures the product's own work, not flags.
LEAN_ARGS = [
    "--enable-begin-frame-control", "--run-all-compositor-stages-before-draw",
    "--disable-features=AvoidUnnecessaryBeforeUnloadCheckSync,DestroyProfileOnBrowserClose,HttpsUpgrades,"
    "HttpsFirstBalancedModeAutoEnable,LensOverlay,MediaRouter,PaintHolding,ThirdPartyStoragePartitioning,"
    "AvoidCorsURLLoaderRestartOnRedirect,TcpPortRandomizationWin,OptimizationHints,NetworkTimeServiceQuerying,"
    "AimEnabled,PreconnectToSearch,msForceBrowserSignIn,msEdgeUpdateLaunchServicesPreferredVersion,RenderDocument",
]

# Every form control a settings page can show, and what it says: one querySelectorAll per page.
READ_ALL = """() => Array.from(document.querySelectorAll(
  'input[type=checkbox], input[type=radio], [role=switch], [role=radio], [role=checkbox], select'),
  e => [e.id || e.name || '', e.checked === undefined ? null : e.checked, e.getAttribute('aria-checked'),
        e.value === undefined ? null : e.value])"""


def export(path: str) -> None:
    """Render the sandbox's pages for every settings URL a default scan loads, in scan order."""
    from privacyguard.catalogue import load_catalogue
    from privacyguard.sandbox.fixtures import load_variant, url_key

    catalogue = load_catalogue()
    pages: dict[str, list[list]] = {}
    for platform in ("linkedin", "facebook"):
        variant = load_variant(platform, "default")
        urls = []
        for setting in catalogue.platform(platform).settings:
            for url in [setting.url, *setting.fallback_urls]:
                urls.append(url)
                if url_key(url) in variant.pages:
                    break  # a scan stops at the first address that answers
        rows = []
        for url in dict.fromkeys(urls):
            spec = variant.pages.get(url_key(url))
            if spec is None:
                rows.append([url, 404, "<!doctype html><html lang=en><body><h1>Not found</h1></body></html>"])
            else:
                rows.append([url, spec.status, variant.render(spec, dict(variant.state), url)])
        pages[platform] = rows
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(pages, handle)


def headless_shell() -> str | None:
    for name in ("chromium-headless-shell", "/usr/lib/chromium/chromium-headless-shell"):
        found = shutil.which(name)
        if found:
            return found
    return None


async def scan(path: str, accounts: int = 0, concurrency: int = 2) -> None:
    from playwright.async_api import async_playwright

    with open(path, encoding="utf-8") as handle:
        pages: dict[str, list[list]] = json.load(handle)
    async with async_playwright() as playwright:
        args = ["--no-sandbox"] if os.geteuid() == 0 else []
        args += LEAN_ARGS
        browser = await playwright.chromium.launch(executable_path=headless_shell(), args=args)
        slots = asyncio.Semaphore(concurrency)

        async def platform(rows: list[list]) -> int:
            async with slots:
                return await one(rows)

        async def one(rows: list[list]) -> int:
            served = {url: (status, body) for url, status, body in rows}
            context = await browser.new_context()

            async def answer(route, request) -> None:
                status, body = served.get(request.url, (404, ""))
                await route.fulfill(status=status, content_type="text/html; charset=utf-8", body=body)

            await context.route("**/*", answer)
            page = await context.new_page()
            controls = 0
            for url, _, _ in rows:
                await page.goto(url, wait_until="domcontentloaded")
                controls += len(await page.evaluate(READ_ALL))
            await context.close()
            return controls

        platforms = list(pages.values())
        jobs = [platforms[i % len(platforms)] for i in range(accounts)] if accounts else platforms
        counts = await asyncio.gather(*(platform(rows) for rows in jobs))
        await browser.close()
    print(json.dumps({"accounts": len(jobs), "pages": sum(len(r) for r in jobs), "controls": sum(counts)}))


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--export":
        export(sys.argv[2])
    elif len(sys.argv) == 2:
        asyncio.run(scan(sys.argv[1]))
    elif len(sys.argv) == 4:
        asyncio.run(scan(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
