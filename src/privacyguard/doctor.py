"""`privacyguard doctor`: is everything in place? Browser, display, keyring, home, flows, accounts.

Each check says ok, warn (works, but something is worth knowing) or fail (something will not
work); a failing check says how to put it right.
"""

from __future__ import annotations

import asyncio
import os
import stat
from dataclasses import dataclass
from enum import StrEnum

from playwright.async_api import async_playwright

from privacyguard import credentials, secrets, sessions
from privacyguard.catalogue import load_catalogue
from privacyguard.collect.browser import choose_browser, launch
from privacyguard.errors import PrivacyGuardError
from privacyguard.home import privacyguard_home
from privacyguard.signin.manual import has_display
from privacyguard.snapshot import now_utc


class Level(StrEnum):
    OK = "ok"
    WARN = "warn"
    FAIL = "fail"


@dataclass
class Check:
    name: str
    level: Level
    detail: str
    advice: str | None = None  # printed below the table


async def _browser() -> Check:
    try:
        async with async_playwright() as playwright:
            choice = choose_browser(playwright)
            browser = await launch(playwright)
            version = browser.version
            await browser.close()
    except PrivacyGuardError as exc:
        return Check("browser", Level.FAIL, str(exc))
    except Exception as exc:
        return Check("browser", Level.FAIL, f"found but does not start: {type(exc).__name__}: "
                     f"{str(exc).splitlines()[0] if str(exc) else ''}")
    return Check("browser", Level.OK, f"Chromium {version}: {choice.describe()}")


def _mode_problem(path: os.PathLike[str], allowed: int) -> str | None:
    mode = stat.S_IMODE(os.stat(path).st_mode)
    return None if mode & ~allowed == 0 else f"mode {mode:o} lets others read it (expected {allowed:o})"


def run_checks() -> list[Check]:
    checks = [asyncio.run(_browser())]
    checks.append(Check("display", Level.OK, "available: `privacyguard login` can open a browser window")
                  if has_display() else
                  Check("display", Level.WARN, "none (DISPLAY/WAYLAND_DISPLAY unset): `privacyguard login` needs a "
                        "desktop session; scans work without one"))
    home = privacyguard_home()
    problem = _mode_problem(home, 0o700)
    writable = os.access(home, os.W_OK)
    checks.append(Check("home", Level.FAIL if not writable else (Level.WARN if problem else Level.OK),
                        f"{home}" + ("" if writable else ": not writable") + (f": {problem}" if problem else "")))
    try:
        catalogue = load_catalogue()
        flows = ", ".join(f"{f.platform} {f.version} ({len(f.settings)} settings"
                          f"{'' if f.sign_in.form else ', no automated sign-in'})" for f in catalogue.flows.values())
        checks.append(Check("flows", Level.OK, flows))
    except PrivacyGuardError as exc:
        checks.append(Check("flows", Level.FAIL, str(exc)))
    rows = credentials.statuses()
    needs_keyring = any(r.account.has_password or r.account.has_totp or r.session_saved_at for r in rows)
    backend = secrets.backend_status()
    if backend.usable:
        checks.append(Check("keyring", Level.OK, f"{backend.name}: usable"))
    else:
        level = Level.FAIL if needs_keyring else Level.WARN
        checks.append(Check("keyring", level, f"{backend.name}: not usable ({backend.problem}); "
                            "how to get one: see below", advice=secrets.HOW_TO_GET_ONE))
    now = now_utc()
    if not rows:
        checks.append(Check("accounts", Level.OK, "none registered (privacyguard accounts add)"))
    for row in rows:
        account = row.account
        parts = [f"{account.platform}, {row.kind}",
                 "password in keyring" if account.has_password else "no password",
                 "TOTP in keyring" if account.has_totp else "no TOTP"]
        level = Level.OK
        if row.session_saved_at:
            parts.append(f"session saved {credentials.age(row.session_saved_at, now)} ago")
            file_problem = _mode_problem(sessions.session_path(account.name), 0o600)
            if file_problem:
                parts.append(f"session file {file_problem}")
                level = Level.WARN
        else:
            parts.append("no saved session")
            if not account.has_password and not account.sandbox:
                parts.append(f"run privacyguard login {account.name}")
                level = Level.WARN
        if account.sign_in_paused:
            parts.append(f"automated sign-in paused ({account.sign_in_paused}): run privacyguard login "
                         f"{account.name}")
            level = Level.WARN
        checks.append(Check(f"account {account.name}", level, "; ".join(parts)))
    return checks
