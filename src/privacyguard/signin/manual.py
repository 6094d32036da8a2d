"""`privacyguard login NAME`: the person signs in by hand in a visible browser; privacyguard watches.

Two-step codes, captchas and checkpoints are the person's to answer: privacyguard only dismisses a
cookie dialog with its most private choice, fills in the sign-in name if it knows it, and waits.
It notices success (the platform's session cookie is set and a settings page loads instead of a
sign-in or checkpoint page), then saves the browser session encrypted (privacyguard.sessions).

`wait_for_person` takes a page, so tests can play the person in a headless browser.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page, async_playwright

from privacyguard import sessions
from privacyguard.accounts import Account, get_account, update_account
from privacyguard.catalogue import PlatformFlow, load_catalogue
from privacyguard.collect.browser import launch
from privacyguard.collect.locate import find_one
from privacyguard.collect.pages import PageOutcome, load
from privacyguard.errors import SignInError
from privacyguard.i18n import N_, _
from privacyguard.sandbox.fixtures import load_variant
from privacyguard.sandbox.server import SandboxAccount
from privacyguard.signin.layer import SignInLayer
from privacyguard.signin.observe import DocumentStatus, Seen, dismiss_consent, observe

POLL_SECONDS = 0.5
DEFAULT_TIMEOUT = 600.0

Person = Callable[[Page], Awaitable[None]]  # plays the person in tests
StateCallback = Callable[[Seen], None]

WHAT_TO_DO = {
    Seen.SIGN_IN_FORM: N_("sign in in the browser window"),
    Seen.SIGNED_OUT: N_("sign in in the browser window"),
    Seen.WRONG_PASSWORD: N_("the platform did not accept the password: try again in the browser window"),
    Seen.ACCOUNT_LOCKED: N_("the platform says the account is locked or disabled: follow its steps in the window"),
    Seen.TWO_STEP: N_("enter your two-step code in the browser window"),
    Seen.TWO_STEP_REJECTED: N_("the code was not accepted: try again in the browser window"),
    Seen.CAPTCHA: N_("answer the security check (captcha) in the browser window"),
    Seen.CHECKPOINT: N_("the platform wants to confirm it's you: answer it in the browser window"),
    Seen.RATE_LIMITED: N_("the platform says it has temporarily blocked you: close the window and try later"),
    Seen.CONSENT: N_("answer the cookie dialog in the browser window"),
    Seen.SIGNED_IN: N_("signed in; checking that the settings pages open"),
}


def has_display() -> bool:
    """A visible browser needs a display: always on macOS and Windows, DISPLAY/WAYLAND_DISPLAY on Linux."""
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


async def wait_for_person(page: Page, flow: PlatformFlow, timeout_seconds: float = DEFAULT_TIMEOUT,
                          on_state: StateCallback | None = None, watching: asyncio.Event | None = None) -> None:
    """Wait until the person has signed in and a settings page loads; SignInError on timeout or close.

    `watching` is set once the first state has been seen (a test's 'person' starts then).
    """
    tracker = DocumentStatus(page)
    deadline = time.monotonic() + timeout_seconds
    last: Seen | None = None
    consent_answered = False
    while True:
        if page.is_closed():
            raise SignInError(_("the browser window was closed before signing in was finished; nothing was saved"))
        try:
            seen = await observe(page, flow, tracker.status)
        except PlaywrightError:
            seen = Seen.OTHER
        if seen is not last and seen is not Seen.OTHER:
            last = seen
            if on_state is not None:
                on_state(seen)
        if watching is not None and last is not None:
            watching.set()
        if seen is Seen.CONSENT and not consent_answered:
            with contextlib.suppress(PlaywrightError):
                consent_answered = await dismiss_consent(page, flow)
        if seen is Seen.SIGNED_IN:
            loaded = await load(page, flow, flow.settings[0].url)
            if loaded.outcome is PageOutcome.OK:
                return
        if time.monotonic() >= deadline:
            shown = _(" (the page last said: {what})").format(what=_(WHAT_TO_DO[last])) if last in WHAT_TO_DO else ""
            raise SignInError(_("gave up after {seconds:.0f} s waiting for the sign-in to finish{shown}; nothing was "
                                "saved (run privacyguard login again, or give --timeout)").format(
                seconds=timeout_seconds, shown=shown))
        await asyncio.sleep(POLL_SECONDS)


async def _prefill(page: Page, flow: PlatformFlow, username: str | None) -> None:
    """Fill in the sign-in name when the form is there and empty (the password stays the person's)."""
    if not username or flow.sign_in.form is None:
        return
    with contextlib.suppress(PlaywrightError):
        await dismiss_consent(page, flow)
        located = await find_one(page, flow.sign_in.form.username, "en", settle_seconds=2)
        if located.element is not None and not await located.element.input_value():
            await located.element.fill(username)


async def login_async(name: str, headless: bool = False, timeout_seconds: float = DEFAULT_TIMEOUT,
                      person: Person | None = None, on_state: StateCallback | None = None) -> Path:
    """Open the sign-in page of a registered account, wait for the person, save the session."""
    account = get_account(name)
    flow = load_catalogue().platform(account.platform)
    if not headless and not has_display():
        raise SignInError(_(
            "`privacyguard login` opens a visible browser window, and no display was found (DISPLAY and "
            "WAYLAND_DISPLAY are unset). Run it in your desktop session, or over `ssh -X`; on a server, sign in "
            "on your own computer instead."))
    async with async_playwright() as playwright:
        browser = await launch(playwright, headless=headless)
        try:
            context = await browser.new_context(locale="en-US", service_workers="block", no_viewport=not headless)
            if account.sandbox is not None:
                await _attach_sandbox(context, account, flow)
            page = await context.new_page()
            await page.goto(flow.sign_in.url, wait_until="domcontentloaded")
            await _prefill(page, flow, account.username)
            watching = asyncio.Event()

            async def play(act: Person) -> None:
                await watching.wait()
                await act(page)

            helper = asyncio.create_task(play(person)) if person is not None else None
            try:
                await wait_for_person(page, flow, timeout_seconds, on_state, watching)
            finally:
                if helper is not None:
                    if not helper.done():
                        helper.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await helper
            path = sessions.save_session(account.name, await context.storage_state())
        finally:
            with contextlib.suppress(Exception):
                await browser.close()
    _resume_automation(account)
    return path


async def _attach_sandbox(context: object, account: Account, flow: PlatformFlow) -> None:
    """A simulated account signs in through the simulated sign-in pages, like a real one."""
    variant = load_variant(account.platform, account.sandbox or "default",
                           Path(account.fixtures) if account.fixtures else None)
    _, handler = SignInLayer({account.name: account}).sandbox_setup(account.name, registered=True)
    sandbox = SandboxAccount(account.name, {flow.platform: flow}, {flow.platform: variant}, signed_in=False,
                             sign_in_handler=handler, session_check=handler.accepts_session)
    await sandbox.attach(context)  # type: ignore[arg-type]


def _resume_automation(account: Account) -> None:
    current = get_account(account.name)
    if current.sign_in_paused:
        update_account(current.model_copy(update={"sign_in_paused": None}))


def login(name: str, headless: bool = False, timeout_seconds: float = DEFAULT_TIMEOUT,
          person: Person | None = None, on_state: StateCallback | None = None) -> Path:
    """Synchronous `login_async`."""
    return asyncio.run(login_async(name, headless, timeout_seconds, person, on_state))
