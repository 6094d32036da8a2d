"""What a page around sign-in shows, recognised from the flow's `sign_in` data, never guessed.

`observe` looks at the page as it is now and names one state; `wait_for` polls until the page
leaves the states the caller is waiting out (for instance the form it just submitted).
"""

from __future__ import annotations

import asyncio
import time
from enum import StrEnum
from urllib.parse import urlsplit

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page, Response

from privacyguard.catalogue import Locator, PlatformFlow
from privacyguard.collect.locate import build, find_one
from privacyguard.sandbox.fixtures import url_key

POLL_SECONDS = 0.2


class Seen(StrEnum):
    SIGNED_IN = "signed_in"  # the session cookie is there and no sign-in page is in the way
    SIGN_IN_FORM = "sign_in_form"  # the form, without an error
    SIGNED_OUT = "signed_out"  # a login wall without a form
    WRONG_PASSWORD = "wrong_password"
    ACCOUNT_LOCKED = "account_locked"
    TWO_STEP = "two_step"
    TWO_STEP_REJECTED = "two_step_rejected"
    CAPTCHA = "captcha"
    CHECKPOINT = "checkpoint"
    RATE_LIMITED = "rate_limited"
    CONSENT = "consent"
    OTHER = "other"  # none of the above (e.g. a page still loading, or an unknown page)


class DocumentStatus:
    """Remembers the HTTP status of the last document the page's main frame loaded."""

    def __init__(self, page: Page) -> None:
        self.status: int | None = None
        self._page = page
        page.on("response", self._on_response)

    def _on_response(self, response: Response) -> None:
        try:
            if response.request.is_navigation_request() and response.frame == self._page.main_frame:
                self.status = response.status
        except PlaywrightError:
            pass


async def _visible(page: Page, markers: list[Locator], lang: str = "en") -> bool:
    for spec in markers:
        for candidate, _ in build(page, spec, lang):
            count = await candidate.count()
            for index in range(min(count, 5)):
                if await candidate.nth(index).is_visible():
                    return True
    return False


def _path_in(url: str, paths: list[str]) -> bool:
    path = urlsplit(url).path
    return any(path.startswith(p) for p in paths)


async def has_session_cookie(page: Page, flow: PlatformFlow) -> bool:
    if not flow.sign_in.session_cookies:
        return False
    wanted = set(flow.sign_in.session_cookies)
    cookies = await page.context.cookies([f"https://{host}/" for host in flow.hosts])
    return any(c["name"] in wanted and c.get("value") for c in cookies)


async def observe(page: Page, flow: PlatformFlow, status: int | None = None) -> Seen:
    """Name what the page shows now. Raises PlaywrightError while the page is between documents."""
    sign_in = flow.sign_in
    lang = "en"
    if status is not None and status in sign_in.rate_limit_statuses:
        return Seen.RATE_LIMITED
    if await _visible(page, sign_in.rate_limit_markers, lang):
        return Seen.RATE_LIMITED
    if sign_in.cookie_consent and await _visible(page, sign_in.cookie_consent.dialog, lang):
        return Seen.CONSENT
    if sign_in.two_step and await _visible(page, sign_in.two_step.code, lang):
        if await _visible(page, sign_in.two_step.rejected, lang):
            return Seen.TWO_STEP_REJECTED
        return Seen.TWO_STEP
    if await _visible(page, sign_in.captcha_markers, lang):
        return Seen.CAPTCHA
    if await _visible(page, sign_in.checkpoint_markers, lang) or _path_in(page.url, sign_in.checkpoint_paths):
        return Seen.CHECKPOINT
    for error in sign_in.errors:
        if await _visible(page, error.markers, lang):
            return Seen(error.kind)
    if sign_in.form and (await _visible(page, sign_in.form.password, lang)
                         or (sign_in.form.next and await _visible(page, sign_in.form.username, lang))):
        return Seen.SIGN_IN_FORM  # in a two-screen form, the first screen has the name only
    if url_key(page.url) == url_key(sign_in.url) or _path_in(page.url, sign_in.login_wall_paths):
        return Seen.SIGNED_OUT
    if await has_session_cookie(page, flow):
        return Seen.SIGNED_IN
    return Seen.OTHER


async def wait_for(page: Page, flow: PlatformFlow, tracker: DocumentStatus, leave: set[Seen],
                   timeout_seconds: float) -> Seen:
    """Observe until the page shows something outside `leave` (or the time is up: the last state)."""
    deadline = time.monotonic() + timeout_seconds
    seen = Seen.OTHER
    while True:
        try:
            await page.wait_for_load_state("domcontentloaded", timeout=max(1.0, timeout_seconds) * 1000)
            seen = await observe(page, flow, tracker.status)
        except PlaywrightError:  # navigating: the document went away under us
            seen = Seen.OTHER
        if seen not in leave and seen is not Seen.OTHER:
            return seen
        if time.monotonic() >= deadline:
            return seen
        await asyncio.sleep(POLL_SECONDS)


async def dismiss_consent(page: Page, flow: PlatformFlow, timeout_seconds: float = 10) -> bool:
    """Answer a cookie-consent dialog with its most private choice; True when one was answered."""
    consent = flow.sign_in.cookie_consent
    if consent is None or not await _visible(page, consent.dialog):
        return False
    located = await find_one(page, consent.most_private, "en", settle_seconds=2)
    if located.element is None:
        return False
    await located.element.click(timeout=timeout_seconds * 1000)
    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline:
        try:
            if not await _visible(page, consent.dialog):
                return True
        except PlaywrightError:
            return True
        await asyncio.sleep(POLL_SECONDS)
    return False
