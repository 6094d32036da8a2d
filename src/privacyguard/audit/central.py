"""The central run: scan every roster account from one place (organisation accounts, the sandbox).

Many accounts per browser, one fresh isolated context per account, a bounded number at a time in
each browser; accounts are spread over one local browser or over remote browser servers. An
account that fails is an ERROR with its reason and the rest go on; a browser that dies gives its
unfinished accounts to the browsers left. Real hosts are paced per platform (few accounts at a
time, spaced starts, pauses between pages, backing off when the platform says "slow down");
the sandbox is not paced.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path

from playwright.async_api import Browser, Playwright, async_playwright

from privacyguard.accounts import Account, load_registry
from privacyguard.audit.model import Audit, AuditAccount, Endpoint, PolicyInfo, cells_of, rules_of
from privacyguard.audit.remote import connect
from privacyguard.audit.roster import Roster, RosterEntry
from privacyguard.catalogue import Catalogue
from privacyguard.collect.browser import launch, launch_raw
from privacyguard.collect.engine import CollectOptions
from privacyguard.collect.rawpage import RawBrowser
from privacyguard.collect.runner import CollectRun, Target
from privacyguard.errors import BrowserUnavailable
from privacyguard.evaluate import evaluate_account
from privacyguard.i18n import _
from privacyguard.policy import Policy
from privacyguard.redaction import redact_url
from privacyguard.signin.layer import SignInLayer
from privacyguard.snapshot import AccountError, AccountSnapshot, now_utc

LOCAL = "local"
MAX_ATTEMPTS = 2  # an account whose browser died is tried once more on another


@dataclass(frozen=True)
class Politeness:
    """How gently real platforms are treated (on top of the collector's own pacing between pages,
    retries with backoff, and stopping a platform after "temporarily blocked"). The sandbox ignores it."""

    per_platform: int = 1  # accounts of one platform at a time, over all browsers
    start_interval: float = 15.0  # seconds between two account starts on one platform


class PlatformPacer:
    """Per-platform slots and spaced starts, for accounts on real hosts."""

    def __init__(self, politeness: Politeness, clock: Callable[[], float] = time.monotonic) -> None:
        self.politeness = politeness
        self.clock = clock
        self._slots: dict[str, asyncio.Semaphore] = {}
        self._next_start: dict[str, float] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    @contextlib.asynccontextmanager
    async def slot(self, platform: str) -> AsyncIterator[None]:
        semaphore = self._slots.setdefault(platform, asyncio.Semaphore(max(1, self.politeness.per_platform)))
        lock = self._locks.setdefault(platform, asyncio.Lock())
        async with semaphore:
            async with lock:  # starts are spaced one after another
                wait = self._next_start.get(platform, 0.0) - self.clock()
                if wait > 0:
                    await asyncio.sleep(wait)
                self._next_start[platform] = self.clock() + self.politeness.start_interval
            yield


class _Independent(dict):
    """Simulated accounts are separate simulated platforms: one blocked account halts no other."""

    def setdefault(self, key: str, default: str | None = None) -> str | None:  # type: ignore[override]
        return default


@dataclass
class _Job:
    index: int
    entry: RosterEntry
    target: Target | None  # None: the row cannot be scanned (see error)
    error: AccountError | None = None
    attempts: int = 0


@dataclass
class _Browser:
    label: str
    browser: Browser | RawBrowser
    accounts: int = 0
    lost: str | None = None


ProgressCallback = Callable[[RosterEntry, str], None]


def _registered(entry: RosterEntry, registry: dict[str, Account]) -> tuple[Target | None, AccountError | None]:
    account = registry.get(entry.account)
    line = _(" (roster line {n})").format(n=entry.line) if entry.line else ""
    if account is None:
        return None, AccountError(kind="not_registered", message=_(
            "account {name!r} is not registered on this machine{line}: privacyguard accounts add {name} "
            "--platform {platform} --username ...").format(name=entry.account, line=line, platform=entry.platform))
    if account.platform != entry.platform:
        return None, AccountError(kind="not_registered", message=_(
            "account {name!r} is registered as a {platform} account, the roster says {wanted}{line}").format(
            name=entry.account, platform=account.platform, wanted=entry.platform, line=line))
    return account.target(), None


async def _settle_connection(browser: Browser | RawBrowser, seconds: float = 2.0) -> None:
    """After a crash, give a dying connection a moment to say so, so its account is retried elsewhere."""
    deadline = time.monotonic() + seconds
    while browser.is_connected() and time.monotonic() < deadline:
        await asyncio.sleep(0.1)


async def _collect_one(run: CollectRun, browser: Browser | RawBrowser, target: Target) -> AccountSnapshot:
    """collect_one, and a crash snapshot if even the context cannot be made (a dying remote browser)."""
    try:
        return await run.collect_one(browser, target)
    except Exception as exc:
        message = str(exc).splitlines()[0] if str(exc) else ""
        return AccountSnapshot(platform=target.platform, account=target.account, sandbox=target.sandbox,
                               finished_at=now_utc(),
                               error=AccountError(kind="crash", message=f"{type(exc).__name__}: {message}"))


def _interleave(jobs: list[_Job]) -> list[_Job]:
    """Alternate platforms, so waiting for one platform's pacing never idles the browsers."""
    by_platform: dict[str, list[_Job]] = {}
    for job in jobs:
        by_platform.setdefault(job.entry.platform, []).append(job)
    columns = list(by_platform.values())
    return [column[i] for i in range(max(map(len, columns), default=0)) for column in columns if i < len(column)]


@dataclass
class CentralRun:
    catalogue: Catalogue
    policy: Policy
    concurrency: int = 4  # accounts at a time in each browser
    endpoints: list[str] = field(default_factory=list)
    fixtures: Path | None = None
    politeness: Politeness = field(default_factory=Politeness)
    sign_in: SignInLayer | None = None  # default: the account registry's sessions and secrets
    lang: str = "en"
    on_progress: ProgressCallback | None = None
    headless: bool = True

    def jobs(self, roster: Roster) -> list[_Job]:
        registry = load_registry().accounts
        jobs = []
        for index, entry in enumerate(roster.entries):
            if entry.sandbox:
                jobs.append(_Job(index, entry, Target(entry.platform, entry.account, entry.sandbox, self.fixtures)))
            else:
                target, error = _registered(entry, registry)
                jobs.append(_Job(index, entry, target, error))
        return jobs

    def _runs(self) -> tuple[CollectRun, CollectRun]:
        """One collector for simulated accounts (no pacing, independent) and one for real hosts (polite,
        a platform stops for the whole run once it says "temporarily blocked"). Both sign in registered
        accounts through the sign-in layer (saved session, else password)."""
        sign_in = self.sign_in if self.sign_in is not None else SignInLayer.from_registry()
        sandbox = CollectRun(self.catalogue, CollectOptions(), sign_in=sign_in, halted=_Independent())
        real = CollectRun(self.catalogue, CollectOptions(), sign_in=sign_in, real_options=CollectOptions.polite())
        return sandbox, real

    async def _browsers(self, playwright: Playwright, endpoints_out: list[Endpoint],
                        sandbox_only: bool, any_sandbox: bool = False) -> list[_Browser]:
        if not self.endpoints:  # simulated accounts over raw CDP where it can run (collect/rawpage.py)
            raw = await launch_raw(self.headless, sandbox_only, playwright) if any_sandbox else None
            return [_Browser(LOCAL, raw or await launch(playwright, self.headless, sandbox_only, lean=True))]
        attempts = await asyncio.gather(*(connect(playwright, e) for e in self.endpoints), return_exceptions=True)
        browsers = []
        for endpoint, outcome in zip(self.endpoints, attempts, strict=True):
            if isinstance(outcome, BaseException):
                endpoints_out.append(Endpoint(endpoint=redact_url(endpoint), status="unreachable", reason=str(outcome)))
            else:
                browsers.append(_Browser(redact_url(endpoint), outcome))
        if not browsers:
            reasons = "; ".join(e.reason or "" for e in endpoints_out)
            raise BrowserUnavailable(_("no browser endpoint could be reached: {reasons}").format(reasons=reasons))
        return browsers

    async def collect(self, jobs: list[_Job]) -> tuple[dict[int, tuple[AccountSnapshot, str]], list[Endpoint]]:
        """Scan every job; returns {job index: (snapshot, browser label)} and what each browser did."""
        results: dict[int, tuple[AccountSnapshot, str]] = {}
        endpoints: list[Endpoint] = []
        for job in jobs:
            if job.target is None:
                assert job.error is not None
                results[job.index] = (AccountSnapshot(platform=job.entry.platform, account=job.entry.account,
                                                      error=job.error, finished_at=now_utc()), "")
        queue: asyncio.Queue[_Job] = asyncio.Queue()
        if self.on_progress:  # the total, before the first account starts
            for job in jobs:
                if job.target is not None:
                    self.on_progress(job.entry, "queued")
        for job in _interleave([j for j in jobs if j.target is not None]):
            queue.put_nowait(job)
        if queue.empty():
            return results, endpoints
        sandbox_run, real_run = self._runs()
        pacer = PlatformPacer(self.politeness)

        async def work(slot: _Browser) -> None:
            while True:
                try:
                    job = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                if not slot.browser.is_connected():
                    queue.put_nowait(job)
                    return
                target = job.target
                assert target is not None
                if self.on_progress:
                    self.on_progress(job.entry, "start")
                if target.sandbox is not None:
                    snapshot = await _collect_one(sandbox_run, slot.browser, target)
                elif target.platform in real_run.halted:  # blocked earlier in this run: not even tried
                    snapshot = await _collect_one(real_run, slot.browser, target)
                else:
                    async with pacer.slot(target.platform):
                        snapshot = await _collect_one(real_run, slot.browser, target)
                if snapshot.error is not None and snapshot.error.kind == "crash":
                    await _settle_connection(slot.browser)
                if not slot.browser.is_connected():
                    slot.lost = slot.lost or (snapshot.error.message if snapshot.error else "disconnected")
                    job.attempts += 1
                    if job.attempts < MAX_ATTEMPTS:
                        queue.put_nowait(job)  # another browser takes it
                        return
                    snapshot.error = AccountError(kind="browser_lost", message=_(
                        "the browser {browser} was lost twice while scanning this account: {problem}").format(
                        browser=slot.label, problem=slot.lost))
                slot.accounts += 1
                results[job.index] = (snapshot, slot.label)
                if self.on_progress:
                    self.on_progress(job.entry, "done")

        async with async_playwright() as playwright:
            sandbox_only = all(j.target is None or j.target.sandbox is not None for j in jobs)
            any_sandbox = any(j.target is not None and j.target.sandbox is not None for j in jobs)
            browsers = await self._browsers(playwright, endpoints, sandbox_only, any_sandbox)
            try:
                while not queue.empty():
                    live = [b for b in browsers if b.browser.is_connected()]
                    if not live:
                        break
                    await asyncio.gather(*(work(b) for b in live for _ in range(max(1, self.concurrency))))
            finally:
                for b in browsers:
                    with contextlib.suppress(Exception):
                        await b.browser.close()
            while not queue.empty():
                job = queue.get_nowait()
                lost = "; ".join(f"{b.label}: {b.lost}" for b in browsers if b.lost)
                results[job.index] = (AccountSnapshot(platform=job.entry.platform, account=job.entry.account,
                                                      sandbox=job.entry.sandbox, finished_at=now_utc(),
                                                      error=AccountError(kind="browser_lost", message=_(
                                                          "no browser left to scan this account ({problem})").format(
                                                          problem=lost))), "")
            for b in browsers:
                endpoints.append(Endpoint(endpoint=b.label, status="lost" if b.lost else "used", accounts=b.accounts,
                                          reason=b.lost))
        return results, endpoints

    async def run(self, roster: Roster, policy_sha: str) -> Audit:
        started = time.monotonic()
        jobs = self.jobs(roster)
        results, endpoints = await self.collect(jobs)
        audit = Audit(kind="run", roster=str(roster.path), roster_problems=roster.problems,
                      catalogue=self.catalogue.versions(), rules=rules_of(self.policy, self.catalogue, self.lang),
                      policies=[PolicyInfo(name=self.policy.name, sha256=policy_sha, source=self.policy.source)],
                      endpoints=endpoints if self.endpoints else [])
        for job in sorted(jobs, key=lambda j: j.index):
            snapshot, label = results[job.index]
            report = evaluate_account(snapshot, self.policy, self.catalogue, self.lang)
            entry = job.entry
            audit.accounts.append(AuditAccount(
                person=entry.person, team=entry.team, email=entry.email, platform=entry.platform,
                account=entry.account, sandbox=entry.sandbox, roster_line=entry.line,
                source=label or "not scanned", collected_at=snapshot.finished_at, status=report.status,
                error=report.error, cells=cells_of(report.findings)))
        audit.duration_seconds = round(time.monotonic() - started, 2)
        return audit
