"""Collect many accounts in one browser: one isolated context per account, bounded concurrency.

One account's failure (a crash, a wall, a broken page) is recorded on that account and never
stops the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from playwright.async_api import Browser, BrowserContext, async_playwright

from privacyguard.catalogue import Catalogue
from privacyguard.collect.browser import launch
from privacyguard.collect.engine import CollectOptions, collect_account
from privacyguard.sandbox.fixtures import load_variant
from privacyguard.sandbox.server import SandboxAccount
from privacyguard.snapshot import AccountError, AccountSnapshot, Snapshot, now_utc


@dataclass(frozen=True)
class Target:
    """One account on one platform: simulated (sandbox = variant name) or real."""

    platform: str
    account: str
    sandbox: str | None = None
    fixtures: Path | None = None

    @property
    def label(self) -> str:
        return f"{self.platform}:{self.account}"


def sandbox_account_name(variant: str) -> str:
    """The account name a plain `--sandbox VARIANT` scan uses."""
    return f"sandbox-{variant}"


# Prepares a fresh context for a target (sign-in, sandbox routing); returns an error or None.
ContextPreparer = Callable[[BrowserContext, Target], Awaitable[AccountError | None]]
ProgressCallback = Callable[[Target, str], None]


@dataclass
class CollectRun:
    catalogue: Catalogue
    options: CollectOptions = field(default_factory=CollectOptions)
    concurrency: int = 4
    headless: bool = True
    prepare_real: ContextPreparer | None = None  # set by the sign-in layer for real accounts
    on_progress: ProgressCallback | None = None
    sandboxes: dict[Target, SandboxAccount] = field(default_factory=dict)

    async def _prepare_sandbox(self, context: BrowserContext, target: Target) -> AccountError | None:
        flow = self.catalogue.platform(target.platform)
        variant = load_variant(target.platform, target.sandbox or "default", target.fixtures)
        sandbox = SandboxAccount(target.account, {flow.platform: flow}, {flow.platform: variant})
        self.sandboxes[target] = sandbox
        await sandbox.attach(context)
        return None

    async def new_context(self, browser: Browser) -> BrowserContext:
        """A fresh, isolated context with the options every account gets."""
        return await browser.new_context(locale="en-US", service_workers="block")

    async def prepare(self, context: BrowserContext, target: Target) -> AccountError | None:
        """Make a fresh context ready for a target: sandbox routing, or sign-in for a real account.

        The one place that does this, so scan, fix and undo open an account the same way.
        """
        if target.sandbox is not None:
            return await self._prepare_sandbox(context, target)
        if self.prepare_real is not None:
            return await self.prepare_real(context, target)
        return AccountError(kind="not_configured", message="real accounts need the sign-in layer")

    async def collect_one(self, browser: Browser, target: Target) -> AccountSnapshot:
        flow = self.catalogue.platform(target.platform)
        context = await self.new_context(browser)
        try:
            error = await self.prepare(context, target)
            if error is not None:
                return AccountSnapshot(platform=target.platform, account=target.account,
                                       sandbox=target.sandbox, error=error, finished_at=now_utc())
            page = await context.new_page()
            return await collect_account(page, flow, target.account, target.sandbox, self.options)
        except Exception as exc:  # one account's crash never stops the others
            message = str(exc).splitlines()[0] if str(exc) else ""
            return AccountSnapshot(platform=target.platform, account=target.account, sandbox=target.sandbox,
                                   error=AccountError(kind="crash", message=f"{type(exc).__name__}: {message}"),
                                   finished_at=now_utc())
        finally:
            with contextlib.suppress(Exception):  # a crashed browser cannot close its contexts
                await context.close()

    async def run(self, targets: list[Target], browser: Browser | None = None) -> Snapshot:
        started = time.monotonic()
        semaphore = asyncio.Semaphore(max(1, self.concurrency))

        async def guarded(b: Browser, target: Target) -> AccountSnapshot:
            async with semaphore:
                if self.on_progress:
                    self.on_progress(target, "start")
                result = await self.collect_one(b, target)
                if self.on_progress:
                    self.on_progress(target, "done")
                return result

        async def with_browser(b: Browser) -> list[AccountSnapshot]:
            return list(await asyncio.gather(*(guarded(b, t) for t in targets)))

        if browser is not None:
            accounts = await with_browser(browser)
        else:
            async with async_playwright() as playwright:
                sandbox_only = all(t.sandbox is not None for t in targets)
                owned = await launch(playwright, headless=self.headless, sandbox_only=sandbox_only)
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
