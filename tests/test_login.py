"""`privacyguard login`: the person signs in by hand; privacyguard notices success and saves the session.

The library function takes a `person` that plays the human in a headless browser; one test runs
the same in a visible (headed) browser under Xvfb, and the command itself is run under Xvfb too.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Awaitable, Callable
from pathlib import Path

import pyotp
import pytest
from playwright.async_api import Page

from conftest import run_cli
from file_keyring import cli_env
from privacyguard import credentials, sessions
from privacyguard.accounts import Account, get_account, update_account
from privacyguard.catalogue import Catalogue
from privacyguard.collect.engine import CollectOptions
from privacyguard.collect.runner import CollectRun
from privacyguard.errors import SignInError
from privacyguard.signin.layer import SignInLayer
from privacyguard.signin.manual import login
from privacyguard.signin.observe import Seen

pytestmark = pytest.mark.browser

PASSWORD = "typed by hand 1!"
TOTP = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def person_signing_in(password: str, totp: str | None = None) -> Callable[[Page], Awaitable[None]]:
    """A person at the keyboard: waits for the form, types the password, then a code if asked."""

    async def act(page: Page) -> None:
        password_box = page.locator("input[type=password]")
        await password_box.wait_for(timeout=30_000)
        # Like a person, click into a box before typing: a click waits until no dialog covers the form
        # (typing behind a cookie dialog while privacyguard answers it would lose the keystrokes).
        name_box = page.locator("input[autocomplete=username]")
        if not await name_box.input_value():
            await name_box.click()
            await name_box.fill("me@example.org")
        await password_box.click()
        await password_box.fill(password)
        await page.locator("button[type=submit]").first.click()
        if totp:
            code_box = page.locator("#input__phone_verification_pin, #approvals_code")
            await code_box.wait_for(timeout=30_000)
            await asyncio.sleep(1.5)  # a person reads the code off their phone
            await code_box.fill(pyotp.TOTP(totp).now())
            await page.locator("button[type=submit]").first.click()

    return act


def _scan_events(catalogue: Catalogue, name: str) -> tuple[list[str], object]:
    layer = SignInLayer.from_registry()
    run = CollectRun(catalogue, CollectOptions(only=[catalogue.platform(get_account(name).platform).settings[0].id]),
                     sign_in=layer)
    snapshot = asyncio.run(run.run([get_account(name).target()]))
    return layer.events[name], snapshot.accounts[0]


def test_login_saves_a_session_that_later_scans_use(catalogue: Catalogue) -> None:
    credentials.register(Account(name="li", platform="linkedin", sandbox="default", username="me@example.org"),
                         catalogue, PASSWORD)
    update_account(get_account("li").model_copy(update={"sign_in_paused": "checkpoint on 2026-01-01"}))
    states: list[Seen] = []
    path = login("li", headless=True, timeout_seconds=60, person=person_signing_in(PASSWORD), on_state=states.append)
    assert path == sessions.session_path("li") and sessions.has_session("li")
    assert Seen.SIGN_IN_FORM in states and states[-1] is Seen.SIGNED_IN
    assert get_account("li").sign_in_paused is None  # signing in by hand lets automation go on
    events, account = _scan_events(catalogue, "li")
    assert events[0] == "start:session" and "password_typed" not in events
    assert account.error is None


def test_login_with_a_two_step_code(catalogue: Catalogue) -> None:
    credentials.register(Account(name="fb", platform="facebook", sandbox="signin-two-step"), catalogue, None, TOTP)
    states: list[Seen] = []
    login("fb", headless=True, timeout_seconds=60, person=person_signing_in("any password", TOTP),
          on_state=states.append)
    assert Seen.TWO_STEP in states and states[-1] is Seen.SIGNED_IN
    events, account = _scan_events(catalogue, "fb")
    assert events[0] == "start:session" and account.error is None


def test_login_answers_the_cookie_dialog_most_privately(catalogue: Catalogue) -> None:
    credentials.register(Account(name="fbc", platform="facebook", sandbox="signin-cookie-consent"), catalogue)
    states: list[Seen] = []
    login("fbc", headless=True, timeout_seconds=60, person=person_signing_in("x"), on_state=states.append)
    assert states[0] is Seen.CONSENT and states[-1] is Seen.SIGNED_IN


def test_login_gives_up_after_the_timeout_and_saves_nothing(catalogue: Catalogue) -> None:
    credentials.register(Account(name="slow", platform="linkedin", sandbox="default"), catalogue)
    shown = r"gave up after 2 s waiting for the sign-in to finish \(the page last said: sign in in the browser window\)"
    with pytest.raises(SignInError, match=shown):
        login("slow", headless=True, timeout_seconds=2)
    assert not sessions.has_session("slow")


def test_cli_login_needs_a_display_and_a_known_account(pg_home: Path) -> None:
    env = {"DISPLAY": "", "WAYLAND_DISPLAY": ""}
    run_cli("accounts", "add", "li", "--platform", "linkedin", "--sandbox", "default", home=pg_home)
    no_display = run_cli("login", "li", home=pg_home, env=env)
    assert no_display.returncode == 2 and "no display was found" in no_display.stderr
    unknown = run_cli("login", "nobody", home=pg_home, env=env)
    assert unknown.returncode == 3 and "no account 'nobody'" in unknown.stderr


XVFB = shutil.which("xvfb-run")
needs_xvfb = pytest.mark.skipif(XVFB is None, reason="xvfb-run not installed (Debian package xvfb; "
                                "scripts/install_test_services.sh installs it where apt-get works)")


@needs_xvfb
def test_headed_login_under_xvfb(pg_home: Path, tmp_path: Path) -> None:
    """The real thing: a visible browser window (on a virtual display); the 'person' types in it."""
    env = cli_env(tmp_path / "keyring.json")
    added = run_cli("accounts", "add", "li", "--platform", "linkedin", "--sandbox", "signin-two-step",
                    "--username", "me@example.org", "--password-stdin", "--totp-stdin", home=pg_home,
                    stdin=f"{PASSWORD}\n{TOTP}\n", env=env)
    assert added.returncode == 0, added.stderr
    script = tmp_path / "headed.py"
    script.write_text(textwrap.dedent(f"""
        import os, sys
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from test_login import person_signing_in
        from privacyguard.signin.manual import has_display, login
        assert has_display(), os.environ.get("DISPLAY")
        print(login("li", headless=False, timeout_seconds=90, person=person_signing_in({PASSWORD!r}, {TOTP!r})))
    """))
    result = subprocess.run([XVFB, "-a", sys.executable, str(script)], capture_output=True, text=True, timeout=300,
                            env=dict(os.environ, PRIVACYGUARD_HOME=str(pg_home), **env), check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().endswith("sessions/li.bin")
    scan = run_cli("scan", "--account", "li", "--format", "json", home=pg_home, env=env)
    assert scan.returncode in (0, 1), scan.stderr
    assert '"error": null' in scan.stdout


@needs_xvfb
def test_cli_login_opens_a_window_and_waits_for_the_person(pg_home: Path) -> None:
    run_cli("accounts", "add", "li", "--platform", "linkedin", "--sandbox", "default", home=pg_home)
    result = subprocess.run([XVFB, "-a", sys.executable, "-m", "privacyguard", "login", "li", "--timeout", "3"],
                            capture_output=True, text=True, timeout=180, check=False,
                            env=dict(os.environ, PRIVACYGUARD_HOME=str(pg_home), COLUMNS="200", NO_COLOR="1"))
    assert "Opening a browser window at the linkedin sign-in page" in result.stdout
    assert "sign in in the browser window" in result.stderr
    assert result.returncode == 2 and "gave up after 3 s" in result.stderr
