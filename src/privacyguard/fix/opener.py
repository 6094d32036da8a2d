"""`fix --open`: show a manual change's page to the person, in a browser they can use.

A real account's page opens in the person's own browser (Python's `webbrowser`, which honours
$BROWSER), where they are signed in. A simulated account's page must not reach the real site, so
it opens in a visible Chromium window wired to the sandbox; the fix waits until it is closed.
The opener is injectable (`fix(..., opener=...)`), so tests never open anything.
"""

from __future__ import annotations

import asyncio
import os
import sys
import webbrowser

from playwright.async_api import async_playwright

from privacyguard.catalogue import load_catalogue
from privacyguard.collect.browser import launch
from privacyguard.fix.plan import PlannedChange
from privacyguard.i18n import _
from privacyguard.sandbox.fixtures import load_variant
from privacyguard.sandbox.server import SandboxAccount


def _has_display() -> bool:
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


async def _sandbox_window(item: PlannedChange) -> None:
    target = item.target
    flow = load_catalogue().platform(target.platform)
    variant = load_variant(target.platform, target.sandbox or "default", target.fixtures)
    sandbox = SandboxAccount(target.account, {flow.platform: flow}, {flow.platform: variant})
    async with async_playwright() as playwright:
        browser = await launch(playwright, headless=False, sandbox_only=True)
        try:
            context = await browser.new_context()
            await sandbox.attach(context)
            page = await context.new_page()
            closed = asyncio.Event()
            page.on("close", lambda _: closed.set())
            browser.on("disconnected", lambda _: closed.set())
            await page.goto(item.url)
            await closed.wait()
        finally:
            if browser.is_connected():
                await browser.close()


def open_page(item: PlannedChange) -> str:
    """Open the page; returns a note for the report (never raises)."""
    if item.target.sandbox is None:
        opened = webbrowser.open(item.url)
        return _("opened in your browser") if opened else _("no browser could be opened; open {url} yourself").format(
            url=item.url)
    if not _has_display():
        return _("no display for a browser window (simulated account); the link is above")
    print(_("Opening {url} (simulated) in a browser window; close it when you are done.").format(url=item.url),
          file=sys.stderr)
    try:
        asyncio.run(_sandbox_window(item))
    except Exception as exc:
        return _("could not open a browser window ({error})").format(error=type(exc).__name__)
    return _("opened in a browser window (simulated account)")
