"""Collect many accounts in one browser: one isolated context per account, bounded concurrency.

One account's failure (a crash, a wall, a broken page) is recorded on that account and never
stops the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from playwright.async_api import Browser, BrowserContext, Page, async_playwright

from privacyguard.catalogue import Catalogue, PlatformFlow
from privacyguard.collect import blocking, frames, pagequery
from privacyguard.collect.browser import (
    BrowserClosed,
    browser_failure,
    close_quietly,
    launch,
    launch_raw,
    unless_closed,
)
from privacyguard.collect.engine import CollectOptions, collect_account
from privacyguard.collect.rawpage import NeedsPlaywright, RawBrowser
from privacyguard.errors import KeyringUnavailable
from privacyguard.i18n import _
from privacyguard.sandbox.fixtures import load_variant
from privacyguard.sandbox.server import SandboxAccount, SignInHandler
from privacyguard.sandbox.signin import SandboxSignIn
from privacyguard.snapshot import AccountError, AccountSnapshot, Snapshot, now_utc

log = logging.getLogger(__name__)

@dataclass(frozen=True)
class Target:
    """One account on one platform: simulated (sandbox = variant name) or real."""

    platform: str
    account: str
    sandbox: str | None = None
    fixtures: Path | None = None
    registered: bool = False  # a registered account: sessions and sign-in apply (see privacyguard.signin)

    @property
    def label(self) -> str:
        return f"{self.platform}:{self.account}"


def sandbox_account_name(variant: str) -> str:
    """The account name a plain `--sandbox VARIANT` scan uses."""
    return f"sandbox-{variant}"


# Prepares a fresh context for a target (sign-in, sandbox routing); returns an error or None.
ContextPreparer = Callable[[BrowserContext, Target], Awaitable[AccountError | None]]
ProgressCallback = Callable[[Target, str], None]
Reader = Callable[[], Awaitable[AccountSnapshot]]
# Work on an opened account's page other than a scan (fix, undo): returns a snapshot whose error says
# whether the account could be used (e.g. `signed_out`, so that the sign-in layer signs in once more).
Work = Callable[[Page, CollectOptions], Awaitable[AccountSnapshot]]


class SignInLayer(Protocol):
    """Sessions and sign-in for registered accounts (implemented by privacyguard.signin.layer)."""

    def sandbox_setup(self, account_name: str, registered: bool) -> tuple[bool, SignInHandler]: ...

    async def collect(self, context: BrowserContext, page: Page, flow: PlatformFlow, account_name: str,
                      sandbox: SandboxAccount | None, variant: str | None, read: Reader) -> AccountSnapshot: ...


@dataclass
class CollectRun:
    catalogue: Catalogue
    options: CollectOptions = field(default_factory=CollectOptions)
    concurrency: int = 4
    headless: bool = True
    prepare_real: ContextPreparer | None = None  # set by the sign-in layer for real accounts
    on_progress: ProgressCallback | None = None
    sandboxes: dict[Target, SandboxAccount] = field(default_factory=dict)
    sign_in: SignInLayer | None = None  # sessions and sign-in of registered accounts, real and simulated
    real_options: CollectOptions = field(default_factory=CollectOptions.polite)  # pacing for real hosts only
    halted: dict[str, str] = field(default_factory=dict)  # platform → why all work on it stopped in this run
    lean: bool = True  # the browser it starts draws frames only on demand (privacyguard.collect.frames)
    block_unneeded: bool = True  # scans skip images, media, fonts and beacons (privacyguard.collect.blocking)
    read_over: dict[str, str] = field(default_factory=dict)  # target label → "raw" or "playwright" (RawBrowser runs)

    def _sandbox_account(self, target: Target) -> SandboxAccount:
        flow = self.catalogue.platform(target.platform)
        variant = load_variant(target.platform, target.sandbox or "default", target.fixtures)
        signed_in, handler = True, SandboxSignIn()
        if self.sign_in is not None:
            signed_in, handler = self.sign_in.sandbox_setup(target.account, target.registered)
        session_check = getattr(handler, "accepts_session", None)
        sandbox = SandboxAccount(target.account, {flow.platform: flow}, {flow.platform: variant},
                                 signed_in=signed_in, sign_in_handler=handler, session_check=session_check)
        self.sandboxes[target] = sandbox
        return sandbox

    async def _prepare_sandbox(self, context: BrowserContext, target: Target) -> AccountError | None:
        await self._sandbox_account(target).attach(context)
        return None

    def reads_raw(self, target: Target) -> bool:
        """Whether an account can go the raw read path (privacyguard.collect.rawpage): a simulated
        account that needs no sign-in, only read, and not recorded."""
        return target.sandbox is not None and not target.registered and self.options.on_page is None

    async def _collect_raw(self, browser: RawBrowser, flow: PlatformFlow, target: Target) -> AccountSnapshot:
        """Read a simulated account over raw CDP; NeedsPlaywright where the engine needs more than it gives."""
        page = await browser.new_page()
        try:
            try:
                sandbox = self._sandbox_account(target)
            except KeyringUnavailable as exc:
                return AccountSnapshot(platform=target.platform, account=target.account, sandbox=target.sandbox,
                                       error=AccountError(kind="keyring_unavailable",
                                                          message=str(exc).splitlines()[0]), finished_at=now_utc())
            if self.block_unneeded:
                sandbox.block = blocking.unneeded
            await page.serve(sandbox.answer, sandbox.session_cookies() if sandbox.signed_in else [])
            snapshot = await collect_account(page, flow, target.account, target.sandbox,  # type: ignore[arg-type]
                                             self.options, halted=lambda: self.halted.get(flow.platform))
            if not browser.is_connected():  # read while the browser died: its failed pages say nothing
                raise BrowserClosed
            return snapshot
        finally:
            await page.close()

    def _halted_error(self, platform: str) -> AccountError | None:
        if platform not in self.halted:
            return None
        return AccountError(kind="rate_limited", message=self.halted[platform])

    async def collect_one(self, browser: Browser | RawBrowser, target: Target) -> AccountSnapshot:
        """Read one account. On a RawBrowser: over raw CDP where it can (reads_raw), else, or when the
        raw path hands the account over (NeedsPlaywright), from the start on its Playwright browser."""
        flow = self.catalogue.platform(target.platform)
        halted = self._halted_error(target.platform)
        if halted is not None:
            return AccountSnapshot(platform=target.platform, account=target.account, sandbox=target.sandbox,
                                   error=halted, finished_at=now_utc())
        context: BrowserContext | None = None
        try:
            if isinstance(browser, RawBrowser):
                if not self.reads_raw(target):
                    return await self._on_playwright(browser, target)
                try:
                    self.read_over[target.label] = "raw"
                    result = await self._collect_raw(browser, flow, target)
                except NeedsPlaywright as exc:
                    log.info("%s: read again over Playwright (%s)", target.label, exc)
                    return await self._on_playwright(browser, target)
            else:
                context = await self.new_context(browser)  # a dying (remote) browser fails here: this account only
                result = await self._collect_in(context, flow, target)
            if result.error is not None and result.error.kind == "rate_limited":
                self.halted.setdefault(target.platform, _(
                    "not scanned: {platform} temporarily blocked privacyguard earlier in this run (account "
                    "{account}); all work on {platform} stopped; try again later").format(
                    platform=flow.name, account=target.account))
            return result
        except Exception as exc:  # one account's crash never stops the others
            return AccountSnapshot(platform=target.platform, account=target.account, sandbox=target.sandbox,
                                   error=AccountError(kind="crash", message=browser_failure(exc)),
                                   finished_at=now_utc())
        finally:
            if context is not None:  # a crashed browser cannot close its contexts
                await close_quietly(context)

    async def _on_playwright(self, raw: RawBrowser, target: Target) -> AccountSnapshot:
        self.read_over[target.label] = "playwright"
        browser = await raw.playwright_browser()
        return await unless_closed(browser, self.collect_one(browser, target))

    async def new_context(self, browser: Browser) -> BrowserContext:
        """A fresh, isolated context with the options every account gets."""
        context = await browser.new_context(locale="en-US", service_workers="block")
        await pagequery.install(context)
        return context

    async def open_account(self, context: BrowserContext, target: Target, work: Work) -> AccountSnapshot:
        """Open an account for work other than a scan (fix, undo) exactly as a scan opens it.

        Sandbox routing, then the saved session or a sign-in (sign-in layer); `work` runs on the
        signed-in page with the options for its host (polite pacing for real ones).
        """
        return await self._collect_in(context, self.catalogue.platform(target.platform), target, work)

    async def _collect_in(self, context: BrowserContext, flow: PlatformFlow, target: Target,
                          work: Work | None = None) -> AccountSnapshot:
        sandbox = None
        if target.sandbox is not None:
            try:
                await self._prepare_sandbox(context, target)
            except KeyringUnavailable as exc:
                return AccountSnapshot(platform=target.platform, account=target.account, sandbox=target.sandbox,
                                       error=AccountError(kind="keyring_unavailable",
                                                          message=str(exc).splitlines()[0]), finished_at=now_utc())
            sandbox = self.sandboxes[target]
            options = self.options
        elif self.sign_in is None:
            error = await self.prepare_real(context, target) if self.prepare_real is not None else AccountError(
                kind="not_configured", message="real accounts need the sign-in layer")
            if error is not None:
                return AccountSnapshot(platform=target.platform, account=target.account,
                                       sandbox=target.sandbox, error=error, finished_at=now_utc())
            options = self.real_options
        else:
            options = self.real_options
        if work is None and self.block_unneeded:
            if sandbox is not None:  # the sandbox's own route asks first: one handler per request, not two
                sandbox.block = blocking.unneeded
            else:
                await blocking.install(context)
        page = await context.new_page()
        await frames.attach(page)  # lean browsers only (read-only runs): frames on demand

        async def read() -> AccountSnapshot:
            if work is not None:
                async with frames.pumping(page):  # work acts on the page: full rendering
                    return await work(page, options)
            async with frames.paused(page):
                return await collect_account(page, flow, target.account, target.sandbox, options,
                                             halted=lambda: self.halted.get(flow.platform))

        if self.sign_in is not None and (target.registered or target.sandbox is None):
            async with frames.pumping(page):  # sign-in acts on the page: full rendering, except while reading
                return await self.sign_in.collect(context, page, flow, target.account, sandbox, target.sandbox, read)
        return await read()

    async def run(self, targets: list[Target], browser: Browser | None = None) -> Snapshot:
        started = time.monotonic()
        semaphore = asyncio.Semaphore(max(1, self.concurrency))

        # Real hosts: one account per platform at a time (sandboxes: as many as the semaphore allows).
        per_platform = {t.platform: asyncio.Semaphore(1) for t in targets if t.sandbox is None}

        async def guarded(b: Browser | RawBrowser, target: Target) -> AccountSnapshot:
            polite = per_platform[target.platform] if target.sandbox is None else contextlib.nullcontext()
            async with polite, semaphore:
                if self.on_progress:
                    self.on_progress(target, "start")
                log.info("reading %s%s", target.label, f" (sandbox {target.sandbox})" if target.sandbox else "")
                try:
                    result = await unless_closed(b, self.collect_one(b, target))
                except BrowserClosed as exc:
                    result = AccountSnapshot(platform=target.platform, account=target.account, sandbox=target.sandbox,
                                             error=AccountError(kind="crash", message=str(exc)), finished_at=now_utc())
                log.info("read %s: %d setting(s)%s", target.label, len(result.readings),
                         f", error: {result.error.kind}" if result.error else "")
                if self.on_progress:
                    self.on_progress(target, "done")
                return result

        async def with_browser(b: Browser | RawBrowser) -> list[AccountSnapshot]:
            return list(await asyncio.gather(*(guarded(b, t) for t in targets)))

        if self.on_progress:  # the total, before the first account starts
            for target in targets:
                self.on_progress(target, "queued")

        sandbox_only = all(t.sandbox is not None for t in targets)
        raw = None
        if browser is None and self.lean and any(self.reads_raw(t) for t in targets):
            raw = await launch_raw(headless=self.headless, sandbox_only=sandbox_only)  # Playwright when needed
        if browser is not None:
            accounts = await with_browser(browser)
        elif raw is not None:
            try:
                accounts = await with_browser(raw)
            finally:
                await raw.close()
        else:
            async with async_playwright() as playwright:
                owned = await launch(playwright, headless=self.headless, sandbox_only=sandbox_only, lean=self.lean)
                try:
                    accounts = await with_browser(owned)
                finally:
                    await owned.close()
        return Snapshot(catalogue=self.catalogue.versions(), accounts=accounts,
                        duration_seconds=round(time.monotonic() - started, 2))


def collect(targets: list[Target], catalogue: Catalogue, options: CollectOptions | None = None,
            concurrency: int = 4) -> Snapshot:
    """Synchronous entry point: collect every target in one browser."""
    run = CollectRun(catalogue=catalogue, options=options or CollectOptions(), concurrency=concurrency)
    return asyncio.run(run.run(targets))
