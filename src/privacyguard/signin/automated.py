"""Automated sign-in for organisation-managed accounts: the password (and TOTP code) from the keyring.

It types the password once. Every interruption ends the attempt with its own kind and message;
none is retried here, and none is worked around: a checkpoint or captcha is for the person.
Nothing raised or returned here contains the password, the code or a cookie.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyotp
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page

from privacyguard.catalogue import Locator, PlatformFlow
from privacyguard.collect.locate import find_one
from privacyguard.i18n import N_, _
from privacyguard.labels import value_label
from privacyguard.signin.messages import account_error
from privacyguard.signin.observe import DocumentStatus, Seen, dismiss_consent, wait_for
from privacyguard.snapshot import AccountError

STEP_SECONDS = 20  # how long one step (a page answering a submit) may take
ACTION_MS = 10_000

_SEEN_TO_KIND = {
    Seen.WRONG_PASSWORD: "wrong_password",
    Seen.ACCOUNT_LOCKED: "account_locked",
    Seen.TWO_STEP_REJECTED: "two_step_rejected",
    Seen.CAPTCHA: "captcha",
    Seen.CHECKPOINT: "checkpoint",
    Seen.RATE_LIMITED: "rate_limited",
}


@dataclass
class Credentials:
    """What automated sign-in types. Kept out of repr so it cannot end up in a log or traceback."""

    username: str
    password: str
    totp: pyotp.TOTP | None = None

    def __repr__(self) -> str:
        return f"Credentials(username={self.username!r}, password=***, totp={'***' if self.totp else None})"


async def _fill(page: Page, specs: list[Locator], value: str) -> bool:
    located = await find_one(page, specs, "en", settle_seconds=5)
    if located.element is None:
        return False
    await located.element.fill(value, timeout=ACTION_MS)
    return True


async def _visible_now(page: Page, specs: list[Locator]) -> bool:
    """Whether a field is on the page at this moment (no waiting: it decides whether to press Next)."""
    located = await find_one(page, specs, "en", settle_seconds=0)
    return located.element is not None


async def _click(page: Page, specs: list[Locator]) -> bool:
    located = await find_one(page, specs, "en", settle_seconds=5)
    if located.element is None:
        return False
    await located.element.click(timeout=ACTION_MS)
    return True


def _ended(seen: Seen, account: str, platform: str, what: str) -> AccountError:
    kind = _SEEN_TO_KIND.get(seen)
    if kind is not None:
        return account_error(kind, account, platform)
    return account_error("sign_in_failed", account, platform, _("{when}: the platform showed {what}").format(
        when=_(what), what=value_label(None, seen.value)))


async def sign_in(page: Page, flow: PlatformFlow, account: str, credentials: Credentials,
                  events: list[str] | None = None) -> AccountError | None:
    """Sign in on `page`; None when signed in, else why not (an interruption, never guessed)."""
    events = events if events is not None else []
    form = flow.sign_in.form
    if form is None:
        return account_error("sign_in_unsupported", account, flow.name)
    tracker = DocumentStatus(page)
    try:
        await page.goto(flow.sign_in.url, wait_until="domcontentloaded")
        seen = await wait_for(page, flow, tracker, set(), STEP_SECONDS)
        if seen is Seen.CONSENT:
            if not await dismiss_consent(page, flow):
                return account_error("sign_in_failed", account, flow.name, _("a cookie dialog could not be answered"))
            events.append("consent_declined")
            seen = await wait_for(page, flow, tracker, {Seen.CONSENT}, STEP_SECONDS)
        if seen is Seen.SIGNED_IN:
            return None
        if seen is not Seen.SIGN_IN_FORM:
            return _ended(seen, account, flow.name, N_("the sign-in page"))
        if not await _fill(page, form.username, credentials.username):
            return account_error("sign_in_failed", account, flow.name, _("the sign-in form has changed"))
        if form.next and not await _visible_now(page, form.password):
            if not await _click(page, form.next):
                return account_error("sign_in_failed", account, flow.name,
                                     _("the sign-in form's Next button has changed"))
            events.append("username_sent")
        if not await _fill(page, form.password, credentials.password):
            if form.next:  # the second screen did not come: perhaps the platform said why instead
                seen = await wait_for(page, flow, tracker, {Seen.SIGN_IN_FORM, Seen.SIGNED_OUT, Seen.OTHER}, 2)
                if seen in _SEEN_TO_KIND:
                    return _ended(seen, account, flow.name, N_("after the name"))
            return account_error("sign_in_failed", account, flow.name, _("the sign-in form has changed"))
        events.append("password_typed")
        if not await _click(page, form.submit):
            return account_error("sign_in_failed", account, flow.name, _("the sign-in button has changed"))
        seen = await wait_for(page, flow, tracker, {Seen.SIGN_IN_FORM, Seen.SIGNED_OUT}, STEP_SECONDS)
        if seen is Seen.TWO_STEP:
            if credentials.totp is None:
                return account_error("two_step_required", account, flow.name)
            assert flow.sign_in.two_step is not None
            if not await _fill(page, flow.sign_in.two_step.code, credentials.totp.now()):
                return account_error("sign_in_failed", account, flow.name, _("the two-step page has changed"))
            events.append("code_typed")
            if not await _click(page, flow.sign_in.two_step.submit):
                return account_error("sign_in_failed", account, flow.name, _("the two-step page has changed"))
            seen = await wait_for(page, flow, tracker, {Seen.TWO_STEP}, STEP_SECONDS)
        if seen is Seen.SIGNED_IN:
            return None
        if seen in (Seen.SIGN_IN_FORM, Seen.SIGNED_OUT):
            return account_error("sign_in_failed", account, flow.name,
                                 _("the platform showed its sign-in page again without a reason privacyguard knows"))
        return _ended(seen, account, flow.name, N_("after the password"))
    except PlaywrightError as exc:  # never quote the exception: a fill() error could echo its argument
        return account_error("sign_in_failed", account, flow.name, _("browser error {error}").format(
            error=type(exc).__name__))
