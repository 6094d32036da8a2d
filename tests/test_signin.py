"""Sign-in and its interruptions, on the simulated platforms: each interruption is recognised with its
own kind and message, never guessed at, and no other account suffers.

One scan of many registered accounts (one browser) covers every interruption variant of both
platforms; a second scan of the same accounts shows what is remembered between runs.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import keyring
import pyotp
import pytest
from playwright.async_api import async_playwright

from conftest import MemoryKeyring
from privacyguard import api, credentials, secrets
from privacyguard.accounts import Account, get_account
from privacyguard.catalogue import Catalogue
from privacyguard.collect.browser import launch
from privacyguard.collect.engine import CollectOptions
from privacyguard.collect.runner import CollectRun, Target
from privacyguard.findings import Status
from privacyguard.policy import load_policy
from privacyguard.sandbox import SandboxAccount, load_variant
from privacyguard.sandbox.signin import SandboxSignIn
from privacyguard.signin.automated import Credentials, sign_in
from privacyguard.signin.layer import SignInLayer
from privacyguard.snapshot import AccountSnapshot, ReadStatus, Snapshot

pytestmark = pytest.mark.browser  # `--dist loadfile` (pyproject.toml): one worker, one scan per module

PASSWORD = "S4ndbox password!"
TOTP = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
PLATFORMS = ("linkedin", "facebook", "x", "instagram")
NAMES = {"linkedin": "LinkedIn", "facebook": "Facebook", "x": "X", "instagram": "Instagram"}

# account suffix → (variant, with password?, with TOTP?, expected error kind or None)
CASES = {
    "ok": ("default", True, False, None),
    "nopw": ("default", False, False, None),
    "wrong": ("signin-wrong-password", True, False, "wrong_password"),
    "locked": ("signin-locked", True, False, "account_locked"),
    "twostep": ("signin-two-step", True, True, None),
    "twostep-nototp": ("signin-two-step", True, False, "two_step_required"),
    "checkpoint": ("signin-checkpoint", True, False, "checkpoint"),
    "checkpoint-nopw": ("signin-checkpoint", False, False, "checkpoint"),
    "captcha": ("signin-captcha", True, False, "captcha"),
    "consent": ("signin-cookie-consent", True, False, None),
    "expired": ("signin-session-expired", False, False, "session_expired"),
    "expired-pw": ("signin-session-expired", True, False, None),
}
EXPECTED_MESSAGE = {
    "wrong_password": "wrong password: {platform} rejected the password stored for {account}",
    "account_locked": "account locked or disabled: {platform} said so at sign-in",
    "two_step_required": "two-step code asked for and no TOTP secret stored: run privacyguard login {account}",
    "checkpoint": "blocked by platform security: sign in by hand with privacyguard login {account}",
    "captcha": "blocked by platform security: sign in by hand with privacyguard login {account}",
    "session_expired": "session expired: run privacyguard login {account}",
}


@dataclass
class Round:
    snapshot: Snapshot
    layer: SignInLayer
    run: CollectRun

    def account(self, name: str) -> AccountSnapshot:
        return next(a for a in self.snapshot.accounts if a.account == name)

    def sandbox_events(self, name: str) -> list[str]:
        return [what for target, sandbox in self.run.sandboxes.items() if target.account == name
                for _, what in sandbox.events]


@dataclass
class Scans:
    first: Round
    second: Round
    home: Path


def _scan(catalogue: Catalogue, names: list[str], concurrency: int = 4, full: bool = False) -> Round:
    """Scan registered accounts; sign-in is what is tested, so one setting per platform unless `full`."""
    layer = SignInLayer.from_registry()
    only = [] if full else [catalogue.platform(p).settings[0].id for p in PLATFORMS]
    run = CollectRun(catalogue, CollectOptions(only=only), concurrency=concurrency, sign_in=layer)
    snapshot = asyncio.run(run.run(api.account_targets(names, [], catalogue)))
    return Round(snapshot, layer, run)


@pytest.fixture(scope="module")
def scans(catalogue: Catalogue, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scans]:
    home = tmp_path_factory.mktemp("signin-home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PRIVACYGUARD_HOME", str(home))
        previous = keyring.get_keyring()
        keyring.set_keyring(MemoryKeyring())
        try:
            for platform in PLATFORMS:
                for suffix, (variant, with_password, with_totp, _) in CASES.items():
                    credentials.register(Account(name=f"{platform}-{suffix}", platform=platform, sandbox=variant,
                                                 username="me@example.org"), catalogue,
                                         PASSWORD if with_password else None, TOTP if with_totp else None)
            first = _scan(catalogue, [])
            second = _scan(catalogue, [])
            yield Scans(first, second, home)
        finally:
            keyring.set_keyring(previous)


@pytest.mark.parametrize("platform", PLATFORMS)
@pytest.mark.parametrize("suffix", list(CASES))
def test_each_interruption_has_its_own_kind_and_message(scans: Scans, platform: str, suffix: str) -> None:
    name = f"{platform}-{suffix}"
    expected = CASES[suffix][3]
    account = scans.first.account(name)
    if expected is None:
        assert account.error is None, account.error
        assert [r.status for r in account.readings.values()] == [ReadStatus.READ], account.readings
    else:
        assert account.error is not None and account.error.kind == expected, account.error
        assert account.error.message.startswith(EXPECTED_MESSAGE[expected].format(
            platform=NAMES[platform], account=name)), account.error.message
        assert not any(r.ok for r in account.readings.values())


@pytest.mark.parametrize("platform", PLATFORMS)
def test_the_sandbox_checks_the_registered_password_and_code(scans: Scans, platform: str) -> None:
    first = scans.first
    assert first.sandbox_events(f"{platform}-ok") == ["password_submitted", "signed_in"]
    assert first.sandbox_events(f"{platform}-nopw") == []  # signed in by the sandbox itself: no password
    assert first.sandbox_events(f"{platform}-twostep") == ["password_submitted", "code_submitted", "signed_in"]
    # X's form is in two screens, as on x.com: the name, "Next", then the password
    typed = (["username_sent"] if platform == "x" else []) + ["password_typed", "code_typed"]
    assert first.layer.events[f"{platform}-twostep"][:len(typed)] == typed
    # no code is ever typed without a TOTP secret, and a checkpoint or captcha is left alone
    assert "code_typed" not in first.layer.events[f"{platform}-twostep-nototp"]
    assert first.sandbox_events(f"{platform}-captcha") == ["password_submitted", "challenge:captcha"]


@pytest.mark.parametrize("platform", PLATFORMS)
def test_cookie_consent_is_answered_with_the_most_private_choice(scans: Scans, platform: str) -> None:
    events = scans.first.sandbox_events(f"{platform}-consent")
    most_private = {"linkedin": "consent:deny", "facebook": "consent:essential", "x": "consent:essential",
                    "instagram": "consent:essential"}[platform]
    assert events[0] == most_private and events[-1] == "signed_in"


@pytest.mark.parametrize("platform", PLATFORMS)
def test_later_scans_reuse_the_saved_session(scans: Scans, platform: str) -> None:
    second = scans.second
    for suffix in ("ok", "twostep", "consent"):
        name = f"{platform}-{suffix}"
        assert second.account(name).error is None
        assert second.layer.events[name][0] == "start:session"
        assert "password_submitted" not in second.sandbox_events(name)  # no password typed again


@pytest.mark.parametrize("platform", PLATFORMS)
def test_an_expired_session_signs_in_again_with_a_stored_password(scans: Scans, platform: str) -> None:
    name = f"{platform}-expired-pw"
    assert scans.second.account(name).error is None
    events = [e for e in scans.second.layer.events[name] if e != "username_sent"]  # X: two screens
    assert events[:3] == ["start:session", "session_expired", "password_typed"]
    assert scans.second.account(f"{platform}-expired").error.kind == "session_expired"


@pytest.mark.parametrize("platform", PLATFORMS)
@pytest.mark.parametrize("suffix", ["wrong", "locked", "checkpoint", "captcha"])
def test_security_interruptions_are_never_retried_automatically(scans: Scans, platform: str, suffix: str) -> None:
    name = f"{platform}-{suffix}"
    second = scans.second.account(name)
    assert second.error is not None and second.error.kind == "sign_in_paused"
    assert f"run privacyguard login {name}" in second.error.message
    assert "password_submitted" not in scans.second.sandbox_events(name)


def test_a_checkpoint_leaves_the_other_accounts_complete_in_the_report(pg_home: Path, catalogue: Catalogue) -> None:
    credentials.register(Account(name="li-checkpoint", platform="linkedin", sandbox="signin-checkpoint",
                                 username="me@example.org"), catalogue, PASSWORD)
    credentials.register(Account(name="li-fine", platform="linkedin", sandbox="default"), catalogue, PASSWORD)
    credentials.register(Account(name="fb-fine", platform="facebook", sandbox="hardened"), catalogue)
    snapshot = _scan(catalogue, [], full=True).snapshot
    report = api.evaluate_snapshot(snapshot, load_policy("recommended", catalogue), catalogue=catalogue)
    by_account = {a.account: a for a in report.accounts}
    blocked = by_account["li-checkpoint"]
    assert blocked.status is Status.ERROR and blocked.error_kind == "checkpoint"
    assert blocked.error == "blocked by platform security: sign in by hand with privacyguard login li-checkpoint"
    assert blocked.findings and all(f.status is Status.ERROR for f in blocked.findings)
    for name in ("li-fine", "fb-fine"):
        account = by_account[name]
        assert account.error is None and account.findings
        assert all(f.status not in (Status.ERROR, Status.UNKNOWN) for f in account.findings), [
            (f.setting, f.status, f.reason) for f in account.findings if f.status in (Status.ERROR, Status.UNKNOWN)]
    assert by_account["li-fine"].status is Status.FAIL  # LinkedIn's defaults fail the policy, as they should
    assert report.exit_code() == 1  # a FAIL elsewhere is not hidden by one account's ERROR


def test_a_rate_limit_stops_all_work_on_that_platform_only(pg_home: Path, catalogue: Catalogue) -> None:
    order = (("li-blocked", "linkedin", "signin-rate-limited"), ("li-next", "linkedin", "default"),
             ("fb-fine", "facebook", "default"), ("fb-blocked", "facebook", "signin-rate-limited"))
    for name, platform, variant in order:
        credentials.register(Account(name=name, platform=platform, sandbox=variant), catalogue)
    scan = _scan(catalogue, [name for name, _, _ in order], concurrency=1)
    blocked, following, fine, fb_blocked = (scan.account(name) for name, _, _ in order)
    assert blocked.error.kind == "rate_limited"
    assert blocked.error.message.startswith("temporarily blocked by LinkedIn (too many requests): all work on "
                                            "LinkedIn stopped for this run")
    assert following.error.kind == "rate_limited" and following.error.message.startswith("not scanned: LinkedIn")
    assert Target("linkedin", "li-next", "default", registered=True) not in scan.run.sandboxes  # not one page
    assert fine.error is None and all(r.ok for r in fine.readings.values())
    assert fb_blocked.error.kind == "rate_limited"  # Facebook's "temporarily blocked" page answers HTTP 200


@pytest.mark.parametrize("platform", ["x", "instagram"])
def test_the_new_platforms_rate_limit_is_its_own_status(pg_home: Path, catalogue: Catalogue, platform: str) -> None:
    """X and Instagram answer "slow down" with HTTP 429 and their own page: the account stops as rate limited."""
    credentials.register(Account(name=f"{platform}-blocked", platform=platform, sandbox="signin-rate-limited"),
                         catalogue)
    account = _scan(catalogue, [f"{platform}-blocked"]).account(f"{platform}-blocked")
    assert account.error is not None and account.error.kind == "rate_limited", account.error
    assert account.error.message.startswith(f"temporarily blocked by {NAMES[platform]} (too many requests)")


def test_a_rejected_two_step_code_is_its_own_interruption(catalogue: Catalogue) -> None:
    async def attempt() -> str | None:
        flow = catalogue.platform("facebook")
        async with async_playwright() as playwright:
            browser = await launch(playwright)
            context = await browser.new_context()
            handler = SandboxSignIn(PASSWORD, TOTP)
            sandbox = SandboxAccount("fb-2fa", {"facebook": flow},
                                     {"facebook": load_variant("facebook", "signin-two-step")}, signed_in=False,
                                     sign_in_handler=handler, session_check=handler.accepts_session)
            await sandbox.attach(context)
            other_secret = pyotp.random_base32()
            error = await sign_in(await context.new_page(), flow, "fb-2fa",
                                  Credentials("me@example.org", PASSWORD, pyotp.TOTP(other_secret)))
            await browser.close()
            return error.kind if error else None

    assert asyncio.run(attempt()) == "two_step_rejected"


def test_credentials_never_show_in_repr() -> None:
    shown = repr(Credentials("me@example.org", PASSWORD, pyotp.TOTP(TOTP)))
    assert PASSWORD not in shown and TOTP not in shown


def test_a_new_password_lets_automated_sign_in_try_again(scans: Scans) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PRIVACYGUARD_HOME", str(scans.home))
        keyring.set_keyring(MemoryKeyring())
        assert get_account("linkedin-wrong").sign_in_paused.startswith("wrong_password on ")
        credentials.update("linkedin-wrong", password="another password")
        assert get_account("linkedin-wrong").sign_in_paused is None
        assert secrets.get_password("linkedin-wrong") == "another password"
        assert os.environ["PRIVACYGUARD_HOME"] == str(scans.home)
