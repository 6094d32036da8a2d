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
from privacyguard.i18n import N_, _, ngettext
from privacyguard.signin.manual import has_display
from privacyguard.snapshot import now_utc


class Level(StrEnum):
    OK = "ok"
    WARN = "warn"
    FAIL = "fail"


LEVEL_LABEL = {Level.OK: N_("ok"), Level.WARN: N_("warn"), Level.FAIL: N_("fail")}


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
        return Check(_("browser"), Level.FAIL, str(exc))
    except Exception as exc:
        return Check(_("browser"), Level.FAIL, _("found but does not start: {error}").format(
            error=f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"))
    return Check(_("browser"), Level.OK, f"Chromium {version}: {choice.describe()}")


def _mode_problem(path: os.PathLike[str], allowed: int) -> str | None:
    mode = stat.S_IMODE(os.stat(path).st_mode)
    return None if mode & ~allowed == 0 else _("mode {mode} lets others read it (expected {allowed})").format(
        mode=f"{mode:o}", allowed=f"{allowed:o}")


def run_checks() -> list[Check]:
    checks = [asyncio.run(_browser())]
    checks.append(Check(_("display"), Level.OK, _("available: `privacyguard login` can open a browser window"))
                  if has_display() else
                  Check(_("display"), Level.WARN, _("none (DISPLAY/WAYLAND_DISPLAY unset): `privacyguard login` "
                        "needs a desktop session; scans work without one")))
    home = privacyguard_home()
    problem = _mode_problem(home, 0o700)
    writable = os.access(home, os.W_OK)
    checks.append(Check(_("home"), Level.FAIL if not writable else (Level.WARN if problem else Level.OK),
                        f"{home}" + ("" if writable else ": " + _("not writable"))
                        + (f": {problem}" if problem else "")))
    try:
        catalogue = load_catalogue()
        flows = ", ".join(f"{f.platform} {f.version} ("
                          + ngettext("{n} setting", "{n} settings", len(f.settings)).format(n=len(f.settings))
                          + ("" if f.sign_in.form else ", " + _("no automated sign-in")) + ")"
                          for f in catalogue.flows.values())
        checks.append(Check(_("flows"), Level.OK, flows))
    except PrivacyGuardError as exc:
        checks.append(Check(_("flows"), Level.FAIL, str(exc)))
    rows = credentials.statuses()
    needs_keyring = any(r.account.has_password or r.account.has_totp or r.session_saved_at for r in rows)
    backend = secrets.backend_status()
    if backend.usable:
        checks.append(Check(_("keyring"), Level.OK, _("{name}: usable").format(name=backend.name)))
    else:
        level = Level.FAIL if needs_keyring else Level.WARN
        checks.append(Check(_("keyring"), level, _("{name}: not usable ({problem}); how to get one: see below")
                            .format(name=backend.name, problem=backend.problem), advice=secrets.HOW_TO_GET_ONE))
    now = now_utc()
    if not rows:
        checks.append(Check(_("accounts"), Level.OK, _("none registered (privacyguard accounts add)")))
    for row in rows:
        account = row.account
        kind = _("sandbox: {variant}").format(variant=account.sandbox) if account.sandbox else _("real")
        parts = [f"{account.platform}, {kind}",
                 _("password in keyring") if account.has_password else _("no password"),
                 _("TOTP in keyring") if account.has_totp else _("no TOTP")]
        level = Level.OK
        if row.session_saved_at:
            parts.append(_("session saved {age} ago").format(age=credentials.age(row.session_saved_at, now)))
            file_problem = _mode_problem(sessions.session_path(account.name), 0o600)
            if file_problem:
                parts.append(_("session file {problem}").format(problem=file_problem))
                level = Level.WARN
        else:
            parts.append(_("no saved session"))
            if not account.has_password and not account.sandbox:
                parts.append(_("run privacyguard login {name}").format(name=account.name))
                level = Level.WARN
        if account.sign_in_paused:
            parts.append(_("automated sign-in paused ({since}): run privacyguard login {name}").format(
                since=account.sign_in_paused, name=account.name))
            level = Level.WARN
        checks.append(Check(_("account {name}").format(name=account.name), level, "; ".join(parts)))
    return checks
