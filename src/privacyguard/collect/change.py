"""Change a setting through its flow's steps, then read it back from a fresh page load.

Nothing here decides success: the caller compares the read-back value with the target. A
change is only ever reported as applied when the reloaded page shows the target value.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Locator as PwLocator
from playwright.async_api import Page, Request

from privacyguard.catalogue import PlatformFlow, Setting, Step
from privacyguard.collect.engine import CollectOptions, read_setting_on_page
from privacyguard.collect.locate import build, find_one
from privacyguard.collect.pages import PageOutcome, load
from privacyguard.collect.read import normalise
from privacyguard.snapshot import Reading, ReadStatus

STEP_TIMEOUT_MS = 5_000


class StepFailed(Exception):
    """A change step could not be carried out (the message says which and why)."""


@dataclass
class ChangeOutcome:
    before: Reading
    after: Reading | None
    error: str | None = None


_OPTION_JS = """el => [el.getAttribute('value') || el.getAttribute('data-value') || '',
  (el.labels && el.labels.length ? el.labels[0].innerText : (el.getAttribute('aria-label') || el.innerText || ''))]"""


async def _choose(scope: PwLocator | Page, setting: Setting, target: str, lang: str) -> None:
    wanted = {normalise(t) for t in setting.raw_texts(target, lang)}
    options = scope.locator("[role=radio], input[type=radio]")
    for index in range(await options.count()):
        option = options.nth(index)
        value, text = await option.evaluate(_OPTION_JS)
        if normalise(value) in wanted or normalise(text) in wanted:
            if await option.evaluate("el => el instanceof HTMLInputElement"):
                await option.check(timeout=STEP_TIMEOUT_MS)
            else:
                await option.click(timeout=STEP_TIMEOUT_MS)
            return
    raise StepFailed(f"no option for {target!r} found")


async def _one(page: Page, step: Step, lang: str) -> PwLocator | None:
    """The single element a step targets, waiting (once, for all label languages) for it to appear."""
    assert step.target is not None and step.target != "control"
    candidates = build(page, step.target, lang)
    deadline = time.monotonic() + (1.0 if step.optional else STEP_TIMEOUT_MS / 1000)
    while True:
        for candidate, description in candidates:
            count = await candidate.count()
            if count == 1 and await candidate.is_visible():
                return candidate
            if count > 1:
                raise StepFailed(f"{description} matches {count} elements")
        if time.monotonic() >= deadline:
            break
        await asyncio.sleep(0.1)
    if step.optional:
        return None
    raise StepFailed(f"{step.target.describe()} did not appear")


async def run_steps(page: Page, setting: Setting, control: PwLocator, target: str, lang: str) -> None:
    """Carry out a setting's change steps on the open page."""
    for step in setting.change:
        if step.action == "reauthenticate":
            raise StepFailed("the platform asks for the password again; this needs the person")
        if step.action == "choose":
            scope: PwLocator | Page = {"control": control, "dialog": page.get_by_role("dialog").last,
                                       "page": page}[step.scope]
            await _choose(scope, setting, target, lang)
            continue
        element = control if step.target == "control" else await _one(page, step, lang)
        if element is None:
            continue
        if step.action in ("click", "confirm"):
            await element.click(timeout=STEP_TIMEOUT_MS)


async def change_setting(page: Page, flow: PlatformFlow, setting: Setting, target: str,
                         options: CollectOptions | None = None) -> ChangeOutcome:
    """Read, change through the flow's steps, reload and read back."""
    options = options or CollectOptions()
    loaded = await load(page, flow, setting.url, options.page_timeout_ms)
    if loaded.outcome is not PageOutcome.OK:
        before = Reading(setting=setting.id, status=ReadStatus.PAGE_MISSING, note=loaded.note)
        return ChangeOutcome(before, None, loaded.note or loaded.outcome.value)
    before = await read_setting_on_page(page, setting, loaded, options)
    if not before.ok:
        return ChangeOutcome(before, None, f"could not read the current value: {before.note or before.status}")
    if before.value != target:
        located = await find_one(page, setting.locators, loaded.lang, options.settle_seconds)
        if located.element is None:
            return ChangeOutcome(before, None, located.note)
        in_flight = _RequestTracker(page)
        try:
            await run_steps(page, setting, located.element, target, loaded.lang)
            await in_flight.settle(STEP_TIMEOUT_MS / 1000)
        except (StepFailed, PlaywrightError) as exc:
            error = str(exc).splitlines()[0]
            await in_flight.settle(STEP_TIMEOUT_MS / 1000)
            after = await _read_back(page, flow, setting, options)
            return ChangeOutcome(before, after, error)
        finally:
            in_flight.stop()
    return ChangeOutcome(before, await _read_back(page, flow, setting, options))


class _RequestTracker:
    """The requests a change started (its saves), so the read-back waits until they are answered.

    Waiting for "network idle" is not enough: it returns at once when the page was idle before the
    save began, and reloading then cancels the save in flight.
    """

    def __init__(self, page: Page) -> None:
        self.page = page
        self.pending: set[Request] = set()
        page.on("request", self._started)
        page.on("requestfinished", self._ended)
        page.on("requestfailed", self._ended)

    def _started(self, request: Request) -> None:
        self.pending.add(request)

    def _ended(self, request: Request) -> None:
        self.pending.discard(request)

    async def settle(self, timeout: float) -> None:
        await asyncio.sleep(0.15)  # let a click's handler start its request
        deadline = time.monotonic() + timeout
        while self.pending and time.monotonic() < deadline:
            await asyncio.sleep(0.05)

    def stop(self) -> None:
        self.page.remove_listener("request", self._started)
        self.page.remove_listener("requestfinished", self._ended)
        self.page.remove_listener("requestfailed", self._ended)


async def _read_back(page: Page, flow: PlatformFlow, setting: Setting, options: CollectOptions) -> Reading:
    reloaded = await load(page, flow, setting.url, options.page_timeout_ms)
    if reloaded.outcome is not PageOutcome.OK:
        return Reading(setting=setting.id, status=ReadStatus.PAGE_MISSING, note=reloaded.note)
    return await read_setting_on_page(page, setting, reloaded, options)
