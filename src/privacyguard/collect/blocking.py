"""Read-only runs do not load what reading never needs: images, media, web fonts, beacons.

Why: real settings pages bring megabytes of images and fonts and send analytics beacons; none of
it changes the DOM a setting is read from, and all of it costs network, decoding and (for the
sandbox) answering. A read-only run (scan, sweep, audit run) aborts those requests; scripts,
styles, documents and the pages' own data requests go through. Fixes and `privacyguard login`
(a person at the window) load everything.
Measured on the `heavy` sandbox variant in `make bench` (with and without blocking).
"""

from __future__ import annotations

from playwright.async_api import BrowserContext, Request, Route

# Playwright's resource types (Chromium's; `ping` is navigator.sendBeacon and <a ping>).
UNNEEDED_TYPES = frozenset({"image", "media", "font", "ping"})


def unneeded(request: Request) -> bool:
    return request.resource_type in UNNEEDED_TYPES


async def install(context: BrowserContext) -> None:
    """Abort unneeded requests of this context (real hosts); everything else goes to the network.
    A simulated account's context needs no route of its own: the sandbox's route asks `unneeded`
    first (SandboxAccount.block), which spares Playwright a second handler call per request."""

    async def handle(route: Route, request: Request) -> None:
        if unneeded(request):
            await route.abort("blockedbyclient")
        else:
            await route.fallback()

    await context.route("**/*", handle)
