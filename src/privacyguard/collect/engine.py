"""Collect one account: load each settings page once and read every setting on it."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from playwright.async_api import Page

from privacyguard.catalogue import PlatformFlow, Setting
from privacyguard.collect.locate import find_one
from privacyguard.collect.pagequery import Requests, read_settings
from privacyguard.collect.pages import LoadedPage, PageOutcome
from privacyguard.collect.polite import load_politely
from privacyguard.collect.read import read_control
from privacyguard.i18n import pick
from privacyguard.snapshot import AccountError, AccountSnapshot, Evidence, Reading, ReadStatus, now_utc

# Called once a settings page has been read (and has settled), with the readings taken there: what
# `privacyguard record` uses to save the page exactly as the reader saw it.
PageHook = Callable[[Page, LoadedPage, dict[str, Reading]], Awaitable[None]]


@dataclass
class CollectOptions:
    """How patiently and politely to collect. The sandbox needs no pauses, and a short patience: its
    pages, like real ones, may render a control late. Patience costs nothing on a page whose
    controls are all there; a control that never comes costs it once per page."""

    settle_seconds: float = 4.0  # how long a page may take to show its controls (real SPA pages: longer)
    pause_seconds: tuple[float, float] = (0.0, 0.0)  # random pause between page loads on real hosts
    page_timeout_ms: float = 30_000
    only: list[str] = field(default_factory=list)  # setting ids; empty = all
    retries: int = 0  # how often a page answering 429/5xx is tried again (after a backoff)
    backoff_seconds: float = 0.0  # first backoff; doubles each retry; the platform's Retry-After wins
    on_page: PageHook | None = None  # see PageHook

    @classmethod
    def polite(cls) -> CollectOptions:
        """For real hosts: patience for slow pages, a pause between loads, backoff on 429/5xx."""
        return cls(settle_seconds=8.0, pause_seconds=(1.5, 4.0), retries=2, backoff_seconds=8.0)


def _reading_for_unloaded(setting: Setting, loaded: LoadedPage) -> Reading:
    evidence = Evidence(url=loaded.url)
    if loaded.outcome is PageOutcome.MISSING:
        if setting.retired is not None:
            return Reading(setting=setting.id, status=ReadStatus.NOT_OFFERED, evidence=evidence,
                           note=pick(setting.retired.replaced_by))
        return Reading(setting=setting.id, status=ReadStatus.PAGE_MISSING, note=loaded.note, evidence=evidence)
    if loaded.outcome is PageOutcome.FAILED:
        return Reading(setting=setting.id, status=ReadStatus.ERROR, note=loaded.note, evidence=evidence)
    return Reading(setting=setting.id, status=ReadStatus.PAGE_BLOCKED, note=loaded.note, evidence=evidence)


async def read_setting_on_page(page: Page, setting: Setting, loaded: LoadedPage, options: CollectOptions,
                               settled: bool = False, requests: Requests | None = None) -> Reading:
    """Locate and read one setting on the page that is open now: by the reader (patiently, unless
    `settled`: it already waited for this page), else with Playwright locators where it cannot run."""
    patience = 0.0 if settled else options.settle_seconds
    if not settled:
        quick, asked = await read_settings(page, [setting], loaded.url, loaded.lang, patience, requests)
        if quick.get(setting.id) is not None:
            return quick[setting.id]  # type: ignore[return-value]
        patience = 0.0 if asked else patience
    located = await find_one(page, setting.locators, loaded.lang, patience)
    if located.element is None:
        return Reading(setting=setting.id, status=located.status, note=located.note,
                       evidence=Evidence(url=loaded.url, locator=located.description))
    return await read_control(setting, located.element, located.description or "", loaded.url, loaded.lang)


async def collect_account(page: Page, flow: PlatformFlow, account: str, sandbox: str | None = None,
                          options: CollectOptions | None = None,
                          halted: Callable[[], str | None] | None = None) -> AccountSnapshot:
    """Read every (or every chosen) setting of one account, each page loaded once.

    Settings that share a page are read from one load; a setting whose page is missing tries
    its fallback URLs (older page generations). A sign-in wall, checkpoint or rate limit stops
    the account: no further page is loaded, and what was read so far is kept. So does `halted`
    returning a reason (another account of this platform was told to stop for this run).
    """
    options = options or CollectOptions()
    requests = Requests(page)
    snapshot = AccountSnapshot(platform=flow.platform, account=account, sandbox=sandbox)
    settings = [s for s in flow.settings if not options.only or s.id in options.only]
    pending: dict[str, list[str]] = {s.id: [s.url, *s.fallback_urls] for s in settings}
    first_load = True
    while pending:
        url = next(iter(pending.values()))[0]
        group = [sid for sid, urls in pending.items() if urls[0] == url]
        if not first_load and options.pause_seconds[1] > 0:
            await asyncio.sleep(random.uniform(*options.pause_seconds))
        first_load = False
        stop = halted() if halted is not None else None
        if stop is not None:
            loaded = LoadedPage(PageOutcome.RATE_LIMITED, url, note=stop)
        else:
            loaded = await load_politely(page, flow, url, options.page_timeout_ms, options.retries,
                                         options.backoff_seconds, [flow.by_id[sid] for sid in group])
        if loaded.blocks_account:
            for sid in pending:
                snapshot.readings[sid] = _reading_for_unloaded(flow.by_id[sid], loaded)
            snapshot.error = AccountError(kind=loaded.outcome.value, message=loaded.note or loaded.outcome.value)
            break
        first = loaded.look.first if loaded.look is not None else None
        quick, settled = (await read_settings(page, [flow.by_id[sid] for sid in group], loaded.url, loaded.lang,
                                              options.settle_seconds, requests, first)
                          if loaded.outcome is PageOutcome.OK else ({}, False))
        for sid in group:
            setting = flow.by_id[sid]
            if loaded.outcome is PageOutcome.OK:
                reading = quick.get(sid)
                if reading is None:  # the reader could not run on it (or the page): try again, else Playwright
                    reading = await read_setting_on_page(page, setting, loaded, options, settled=settled,
                                                         requests=requests)
                snapshot.readings[sid] = reading
            elif loaded.outcome is PageOutcome.MISSING and len(pending[sid]) > 1:
                pending[sid] = pending[sid][1:]
                continue
            else:
                snapshot.readings[sid] = _reading_for_unloaded(setting, loaded)
            del pending[sid]
        if options.on_page is not None and loaded.outcome is PageOutcome.OK:
            await options.on_page(page, loaded, {sid: snapshot.readings[sid] for sid in group
                                                 if sid in snapshot.readings})
    snapshot.readings = {s.id: snapshot.readings[s.id] for s in settings if s.id in snapshot.readings}
    snapshot.finished_at = now_utc()
    return snapshot
