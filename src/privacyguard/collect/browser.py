"""Find and start a Chromium: Playwright's own if installed, else a system Chromium/Chrome."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
from collections.abc import Awaitable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from playwright.async_api import Browser, BrowserContext, Playwright, async_playwright
from playwright.async_api import Error as PlaywrightError

from privacyguard.collect.cdp import CdpError
from privacyguard.collect.frames import LEAN_ARGS, mark_lean
from privacyguard.collect.rawpage import RawBrowser
from privacyguard.errors import BrowserNotFound, BrowserUnavailable
from privacyguard.i18n import N_, _

ENV_BROWSER = "PRIVACYGUARD_BROWSER"
CLOSE_TIMEOUT_S = 10.0  # closing a context takes milliseconds; a browser that hangs is not waited for
T = TypeVar("T")
# Without these Chromium phones home at start and fills logs with refused connections.
CHROMIUM_ARGS = [
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-default-apps",
    "--disable-dev-shm-usage",
]
SYSTEM_CANDIDATES = [
    "chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
]
HOW_TO_GET_ONE = N_(  # shown translated: how_to_get_one()
    "No Chromium or Chrome found. Install one of:\n"
    "  .venv/bin/python -m playwright install chromium   (Playwright's own build)\n"
    "  sudo apt-get install chromium                     (Debian/Ubuntu)\n"
    "or point {variable} at a Chromium/Chrome executable."
)


def how_to_get_one() -> str:
    return _(HOW_TO_GET_ONE).format(variable=ENV_BROWSER)


@dataclass(frozen=True)
class BrowserChoice:
    kind: str  # "configured", "playwright" or "system"
    executable: str

    def describe(self) -> str:
        return f"{self.executable} ({self.kind})"


def _playwright_executable(playwright: Playwright) -> str | None:
    try:
        path = playwright.chromium.executable_path
    except Exception:
        return None
    return path if path and Path(path).is_file() else None


def _system_executable() -> str | None:
    for candidate in SYSTEM_CANDIDATES:
        found = shutil.which(candidate) or (candidate if Path(candidate).is_file() else None)
        if found:
            return found
    return None


def choose_browser(playwright: Playwright) -> BrowserChoice:
    """The browser privacyguard will use, or BrowserNotFound saying how to get one."""
    configured = os.environ.get(ENV_BROWSER)
    if configured:
        if not Path(configured).is_file():
            raise BrowserNotFound(_("{variable}={path} is not a file.").format(variable=ENV_BROWSER, path=configured)
                                  + "\n" + how_to_get_one())
        return BrowserChoice("configured", configured)
    own = _playwright_executable(playwright)
    if own:
        return BrowserChoice("playwright", own)
    system = _system_executable()
    if system:
        return BrowserChoice("system", system)
    raise BrowserNotFound(how_to_get_one())


async def find_browser_async() -> BrowserChoice:
    async with async_playwright() as playwright:
        return choose_browser(playwright)


def find_browser() -> BrowserChoice:
    """Synchronous lookup, for `doctor` and set-up scripts."""
    return asyncio.run(find_browser_async())


# For a browser that only ever talks to the sandbox: no host name resolves, so even a request the
# sandbox failed to intercept cannot reach a real platform.
SANDBOX_ONLY_ARGS = ["--host-resolver-rules=MAP * ~NOTFOUND"]


# Chromium honours only the last `--disable-features` switch, and Playwright passes its own first:
# a lean browser's switch repeats Playwright's list (this version's; tests/test_lean.py compares it
# with the installed driver's) and adds what read-only runs do without.
PLAYWRIGHT_DISABLED_FEATURES = [
    "AvoidUnnecessaryBeforeUnloadCheckSync", "DestroyProfileOnBrowserClose", "HttpsUpgrades",
    "HttpsFirstBalancedModeAutoEnable", "LensOverlay", "MediaRouter", "PaintHolding", "ThirdPartyStoragePartitioning",
    "AvoidCorsURLLoaderRestartOnRedirect", "TcpPortRandomizationWin", "OptimizationHints",
    "NetworkTimeServiceQuerying", "AimEnabled", "PreconnectToSearch", "msForceBrowserSignIn",
    "msEdgeUpdateLaunchServicesPreferredVersion",
]
# RenderDocument gives every navigation a new frame host in the browser and the renderer: measured
# on this machine it is two fifths of the CPU of loading a settings page (docs/architecture.md).
LEAN_DISABLED_FEATURES = ["RenderDocument"]


def launch_args(sandbox_only: bool = False, lean: bool = False) -> list[str]:
    args = list(CHROMIUM_ARGS) + (SANDBOX_ONLY_ARGS if sandbox_only else []) + (LEAN_ARGS if lean else [])
    if lean:
        args.append("--disable-features=" + ",".join(PLAYWRIGHT_DISABLED_FEATURES + LEAN_DISABLED_FEATURES))
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--no-sandbox")  # Chromium refuses to start as root with its sandbox
    return args


# Chromium's headless shell ("old headless"): the same engine without the browser UI. It costs about
# a third of the CPU per page load of the full browser in headless mode, and is what Playwright's own
# headless runs use. Debian/Ubuntu package: chromium-headless-shell.
HEADLESS_SHELL_CANDIDATES = ["chromium-headless-shell", "/usr/lib/chromium/chromium-headless-shell",
                             "chrome-headless-shell"]


def headless_shell() -> str | None:
    for candidate in HEADLESS_SHELL_CANDIDATES:
        found = shutil.which(candidate) or (candidate if Path(candidate).is_file() else None)
        if found:
            return found
    return None


def executable_for(choice: BrowserChoice, headless: bool) -> str | None:
    """The executable to launch (None: Playwright's own); a system browser runs headless as its shell."""
    if choice.kind == "playwright":
        return None
    if headless and choice.kind == "system":
        return headless_shell() or choice.executable
    return choice.executable


def supports_lean(choice: BrowserChoice, executable: str | None, headless: bool) -> bool:
    """Frames on demand need a headless shell: Playwright's own headless runs use one, a system browser
    runs as its shell when one is installed (executable_for). Full Chrome would never draw a frame."""
    if not headless:
        return False
    if choice.kind == "playwright":
        return True
    return executable is not None and "headless-shell" in Path(executable).name


async def launch(playwright: Playwright, headless: bool = True, sandbox_only: bool = False,
                 lean: bool = False) -> Browser:
    """Start Chromium. `sandbox_only`: nothing can resolve, so nothing can leave the machine.
    `lean`: frames on demand (privacyguard.collect.frames), for read-only runs; ignored where the
    browser cannot do it."""
    choice = choose_browser(playwright)
    executable = executable_for(choice, headless)
    lean = lean and supports_lean(choice, executable, headless)
    try:
        browser = await playwright.chromium.launch(executable_path=executable, headless=headless,
                                                   args=launch_args(sandbox_only, lean))
    except PlaywrightError as exc:  # e.g. TargetClosedError: the executable exits at once
        raise BrowserUnavailable(does_not_start(choice, exc)) from None
    if lean:
        mark_lean(browser)
    return browser


ENV_READ_PATH = "PRIVACYGUARD_READ_PATH"  # "playwright": read simulated accounts over Playwright too
# What Playwright passes to every Chromium it starts that reading depends on: timers of pages nobody
# looks at must run as fast as those of one in front (late-rendering pages), and nothing else may run.
RAW_ARGS = ["--disable-background-timer-throttling", "--disable-backgrounding-occluded-windows",
            "--disable-renderer-backgrounding", "--disable-extensions", "--hide-scrollbars", "--mute-audio"]


def raw_executable(headless: bool) -> str | None:
    """The headless shell the raw read path (privacyguard.collect.rawpage) starts, or None (then
    everything goes over Playwright): a visible browser, PRIVACYGUARD_READ_PATH=playwright, or no
    headless shell (PRIVACYGUARD_BROWSER naming something else, or none installed). Found without
    Playwright, so that a run Playwright is not needed for does not start its driver."""
    if not headless or os.environ.get(ENV_READ_PATH, "").strip().lower() == "playwright":
        return None
    configured = os.environ.get(ENV_BROWSER)
    candidate = configured if configured else headless_shell()
    if candidate is None or "headless-shell" not in Path(candidate).name or not Path(candidate).is_file():
        return None
    return candidate


async def launch_raw(headless: bool = True, sandbox_only: bool = False,
                     playwright: Playwright | None = None) -> RawBrowser | None:
    """A browser for read-only runs of simulated accounts: read over raw CDP, with a lean Playwright
    browser (started on first need, with Playwright's driver if `playwright` is not given) for every
    account the raw path cannot read. None where the raw path cannot run here (raw_executable)."""
    executable = raw_executable(headless)
    if executable is None:
        return None
    started: list[Playwright] = []

    async def start_playwright() -> Browser:
        driver = playwright
        if driver is None:
            driver = await async_playwright().start()
            started.append(driver)
        return await launch(driver, headless=headless, sandbox_only=sandbox_only, lean=True)

    async def stop_playwright() -> None:
        for driver in started:
            with contextlib.suppress(Exception):
                await driver.stop()

    try:
        return await RawBrowser.start(executable, RAW_ARGS + launch_args(sandbox_only=True, lean=True),
                                      start_playwright, stop_playwright)
    except (OSError, CdpError, TimeoutError) as exc:
        raise BrowserUnavailable(does_not_start(BrowserChoice("configured" if os.environ.get(ENV_BROWSER)
                                                              else "system", executable), exc)) from None


class BrowserClosed(Exception):
    """The browser process died mid-run (a crash, a kill, out of memory)."""

    def __init__(self) -> None:
        super().__init__(_("the browser closed unexpectedly (it crashed or was killed); run the command again"))


async def unless_closed(browser: Browser | RawBrowser | None, work: Awaitable[T]) -> T:
    """Await `work` unless the browser dies first: then cancel it and raise BrowserClosed.

    Playwright can leave a call pending for ever when the browser process dies under it (seen with
    `new_page` while a page was opening), so a run would hang instead of saying what happened.
    """
    if browser is None:  # nothing to watch (a caller that opens no browser of its own)
        return await work
    closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def on_close(_browser: Browser | RawBrowser) -> None:
        if not closed.done():
            closed.set_result(None)

    browser.on("disconnected", on_close)
    task = asyncio.ensure_future(work)
    try:
        if not browser.is_connected():
            on_close(browser)
        await asyncio.wait({task, closed}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        browser.remove_listener("disconnected", on_close)
    if task.done():
        return task.result()
    task.cancel()  # its own clean-up (closing a context) is bounded by close_quietly
    with contextlib.suppress(BaseException):
        await asyncio.wait_for(task, CLOSE_TIMEOUT_S)
    raise BrowserClosed


async def close_quietly(context: BrowserContext) -> None:
    """Close a context; one whose browser died is left (closing it could wait for ever)."""
    browser = getattr(context, "browser", None)
    if browser is not None and not browser.is_connected():
        return
    with contextlib.suppress(Exception):
        await asyncio.wait_for(context.close(), CLOSE_TIMEOUT_S)


def browser_failure(exc: BaseException) -> str:
    """One line for an error raised by the browser. One that closed mid-run (it crashed, was killed or
    ran out of memory) is said as such, not as Playwright's "Target page, context or browser has been
    closed", which a person cannot act on."""
    text = str(exc).splitlines()[0] if str(exc) else ""
    if isinstance(exc, BrowserClosed):
        return text
    if type(exc).__name__ == "TargetClosedError" or "has been closed" in text or "Browser closed" in text:
        return _("the browser closed unexpectedly (it crashed or was killed); run the command again") \
            + f" ({type(exc).__name__})"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def does_not_start(choice: BrowserChoice, exc: BaseException) -> str:
    """The one message for a browser that is there but will not run (doctor says the same)."""
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return _("browser {browser}: found but does not start ({error}). Run `privacyguard doctor`; point {variable} "
             "at a working Chromium/Chrome, or install one (python -m playwright install chromium).").format(
        browser=choice.describe(), error=type(exc).__name__ + (": " + first if first else ""), variable=ENV_BROWSER)
