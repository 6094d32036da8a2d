"""Load a settings page and say what came back: the page, a missing page, or a wall."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page

from privacyguard.catalogue import Locator, PlatformFlow
from privacyguard.collect.locate import build
from privacyguard.collect.pagequery import shows_any
from privacyguard.i18n import _
from privacyguard.sandbox.fixtures import url_key


class PageOutcome(StrEnum):
    OK = "ok"
    MISSING = "missing"  # 404/410, or redirected to another page
    SIGNED_OUT = "signed_out"  # the sign-in page or a login wall
    CHECKPOINT = "checkpoint"  # a security checkpoint, captcha or two-step prompt
    RATE_LIMITED = "rate_limited"  # HTTP 429 / "temporarily blocked"
    FAILED = "failed"  # 5xx or a navigation error


@dataclass
class LoadedPage:
    outcome: PageOutcome
    url: str  # where the browser ended up
    lang: str = "en"
    note: str | None = None
    status: int | None = None  # the HTTP status of the page (for backoff)
    retry_after: float | None = None  # seconds, when the platform said how long to wait

    @property
    def blocks_account(self) -> bool:
        """Outcomes after which loading more pages of this account is pointless or impolite."""
        return self.outcome in (PageOutcome.SIGNED_OUT, PageOutcome.CHECKPOINT, PageOutcome.RATE_LIMITED)


def _path_matches(url: str, paths: list[str]) -> bool:
    path = urlsplit(url).path
    return any(path.startswith(prefix) for prefix in paths)


def classify(flow: PlatformFlow, requested: str, final: str, status: int | None) -> tuple[PageOutcome, str | None]:
    """Name what a navigation produced, from the final URL and HTTP status."""
    if _path_matches(final, flow.sign_in.checkpoint_paths):
        return PageOutcome.CHECKPOINT, _("blocked by platform security (checkpoint)")
    if url_key(final) == url_key(flow.sign_in.url) or _path_matches(final, flow.sign_in.login_wall_paths):
        return PageOutcome.SIGNED_OUT, _("not signed in: the platform showed its sign-in page")
    if status is not None and status in flow.sign_in.rate_limit_statuses:
        return PageOutcome.RATE_LIMITED, _("temporarily blocked by the platform (too many requests)")
    if status in (404, 410):
        return PageOutcome.MISSING, _("the page answered HTTP {status}").format(status=status)
    if status is not None and status >= 500:
        return PageOutcome.FAILED, _("the page answered HTTP {status}").format(status=status)
    if url_key(final) != url_key(requested):
        return PageOutcome.MISSING, _("redirected to {url}").format(url=final)
    return PageOutcome.OK, None


async def load(page: Page, flow: PlatformFlow, url: str, timeout_ms: float = 30_000) -> LoadedPage:
    """Navigate once and classify the result."""
    try:
        response = await page.goto(url, wait_until="domcontentloaded", timeout=timeout_ms)
        await page.wait_for_load_state("domcontentloaded")  # settle client-side redirects
    except PlaywrightError as exc:
        first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        with contextlib.suppress(PlaywrightError):  # leave the error page, or the next goto is interrupted
            await page.goto("about:blank", timeout=timeout_ms)
        return LoadedPage(PageOutcome.FAILED, url, note=_("navigation failed: {problem}").format(problem=first_line))
    # After a redirect the response belongs to the first URL; its status says nothing of the last page.
    status = response.status if response is not None and response.url == page.url else None
    outcome, note = classify(flow, url, page.url, status)
    lang = "en"
    if outcome is PageOutcome.OK:
        lang = (await page.evaluate("document.documentElement.lang || 'en'")).split("-")[0].lower()
        if flow.sign_in.rate_limit_markers and await _shows_any(page, flow.sign_in.rate_limit_markers, lang):
            outcome, note = PageOutcome.RATE_LIMITED, _("temporarily blocked by the platform (it said so on the page)")
    return LoadedPage(outcome, page.url, lang=lang, note=note, status=status,
                      retry_after=_retry_after(response.headers if response else {}))


async def _shows_any(page: Page, markers: list[Locator], lang: str) -> bool:
    """True when any marker is on the page now (no waiting: the page has loaded)."""
    quick = await shows_any(page, markers, lang)
    if quick is not None:
        return quick
    for spec in markers:
        for candidate, _desc in build(page, spec, lang):
            if await candidate.count():
                return True
    return False


def _retry_after(headers: dict[str, str]) -> float | None:
    value = headers.get("retry-after", "").strip()
    return float(value) if value.isdigit() else None
