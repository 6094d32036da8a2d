"""Change a setting through its flow's steps, then read it back from a fresh page load.

Nothing here decides success: the caller compares the read-back value with the target
(`ChangeOutcome.verified`). A change is only ever reported as applied when the reloaded page
shows the target value.

Two things are never done blindly: a dialog the flow's steps did not expect is left alone (its
text becomes the error), and a request for the password is handed to the person
(`needs_person`), never answered.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Locator as PwLocator
from playwright.async_api import Page, Request

from privacyguard.catalogue import Locator, PlatformFlow, Setting, Step
from privacyguard.collect.engine import CollectOptions, read_setting_on_page
from privacyguard.collect.locate import build, find_one
from privacyguard.collect.pages import LoadedPage, PageOutcome, load
from privacyguard.collect.read import normalise
from privacyguard.i18n import _
from privacyguard.labels import value_label
from privacyguard.sandbox.fixtures import url_key
from privacyguard.snapshot import Reading, ReadStatus

STEP_TIMEOUT_MS = 5_000
OPTIONAL_STEP_MS = 500  # an optional step's target must show this soon once the page's writes settled
WRITE_SETTLE_S = 10.0  # longest wait for the page's own save requests before reloading
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class StepFailed(Exception):
    """A change step could not be carried out (the message says which and why)."""


class NeedsPerson(StepFailed):
    """The platform wants the person themselves (the password again): automation stops here."""


@dataclass
class ChangeOutcome:
    before: Reading
    after: Reading | None
    error: str | None = None
    needs_person: bool = False  # the platform asked for the password again (or the flow says it will)
    conflict: bool = False  # the value was not what the caller expected; nothing was touched
    page_messages: list[str] = field(default_factory=list)  # alerts the page showed after the steps
    loaded: LoadedPage | None = None  # the fresh page load the last reading came from (still open)

    def verified(self, target: str) -> bool:
        """True only when the value read back from a fresh page load is the target."""
        return self.after is not None and self.after.ok and self.after.value == target


_OPTION_JS = """el => [el.getAttribute('value') || el.getAttribute('data-value') || '',
  (el.labels && el.labels.length ? el.labels[0].innerText : (el.getAttribute('aria-label') || el.innerText || ''))]"""

# What is on screen that the steps may have caused: open dialogs, password fields, alert messages.
_SCREEN_JS = """() => {
  const shown = el => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length)
      && getComputedStyle(el).visibility !== 'hidden';
  const text = el => (el.getAttribute('aria-label') || el.innerText || '').replace(/\\s+/g, ' ').trim().slice(0, 160);
  return {
    dialogs: [...document.querySelectorAll('[role=dialog], [role=alertdialog], dialog[open]')].filter(shown).map(text),
    password: [...document.querySelectorAll('input[type=password]')].some(shown),
    alerts: [...document.querySelectorAll('[role=alert]')].filter(shown).map(text).filter(t => t),
  };
}"""


class _Writes:
    """The page's own save requests in flight, so the page is not reloaded before they answer."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.pending: set[Request] = set()
        page.on("request", self._started)
        page.on("requestfinished", self._ended)
        page.on("requestfailed", self._ended)

    def _started(self, request: Request) -> None:
        if request.method in WRITE_METHODS:
            self.pending.add(request)

    def _ended(self, request: Request) -> None:
        self.pending.discard(request)

    def detach(self) -> None:
        for event, handler in (("request", self._started), ("requestfinished", self._ended),
                               ("requestfailed", self._ended)):
            self.page.remove_listener(event, handler)

    async def settle(self) -> None:
        """Wait for the writes to answer, then let the page's scripts react (show a dialog, an error)."""
        deadline = time.monotonic() + WRITE_SETTLE_S
        await self._tick(0)  # the page's own handlers have run, so their saves are under way
        while True:
            while self.pending and time.monotonic() < deadline:
                await asyncio.sleep(0.02)
            await self._tick(60)
            if not self.pending or time.monotonic() >= deadline:
                return

    async def _tick(self, ms: int) -> None:
        try:
            await self.page.wait_for_load_state("load", timeout=STEP_TIMEOUT_MS)
            await self.page.evaluate(f"() => new Promise(r => setTimeout(r, {ms}))")
        except PlaywrightError:  # a form post navigates; the new page then counts
            await self.page.wait_for_load_state("load", timeout=STEP_TIMEOUT_MS)


async def _screen(page: Page) -> dict[str, Any]:
    try:
        return await page.evaluate(_SCREEN_JS)
    except PlaywrightError:
        return {"dialogs": [], "password": False, "alerts": []}


def _new(after: list[str], before: list[str]) -> list[str]:
    remaining = list(before)
    fresh = []
    for item in after:
        if item in remaining:
            remaining.remove(item)
        else:
            fresh.append(item)
    return fresh


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
    raise StepFailed(_("no option for {value!r} found").format(value=target))


async def _one(page: Page, step: Step, lang: str) -> PwLocator | None:
    """The single element a step targets, waiting (once, for all label languages) for it to appear."""
    assert step.target is not None and step.target != "control"
    candidates = build(page, step.target, lang)
    deadline = time.monotonic() + (OPTIONAL_STEP_MS if step.optional else STEP_TIMEOUT_MS) / 1000
    while True:
        for candidate, description in candidates:
            count = await candidate.count()
            if count == 1 and await candidate.is_visible():
                return candidate
            if count > 1:
                raise StepFailed(_("{what} matches {n} elements").format(what=description, n=count))
        if time.monotonic() >= deadline:
            break
        await asyncio.sleep(0.1)
    if step.optional:
        return None
    raise StepFailed(_("{what} did not appear").format(what=step.target.describe()))


def _uses_dialog(step: Step | None) -> bool:
    """Whether a step addresses a dialog, so that a dialog opened just before it is expected."""
    if step is None:
        return False
    if step.action in ("confirm", "reauthenticate"):
        return True
    if step.action == "choose":
        return step.scope == "dialog"
    locator = step.target if isinstance(step.target, Locator) else None
    while locator is not None:
        if locator.role in ("dialog", "alertdialog"):
            return True
        locator = locator.within
    return False


class _PageSaid(StepFailed):
    """The page showed an alert (an error message) after a step: stop and let the read-back decide."""


class _Watch:
    """What the steps cause on screen: a dialog no step expects, a password prompt, an error alert.

    Checked after every click, so a flow stops at once instead of waiting for a confirmation
    that will not come; nothing unexpected is ever clicked.
    """

    def __init__(self, page: Page, writes: _Writes | None) -> None:
        self.page, self.writes = page, writes
        self.first: dict[str, Any] = {}
        self.last: dict[str, Any] = {}
        self.messages: list[str] = []

    async def start(self) -> None:
        self.first = self.last = await _screen(self.page)

    async def after_action(self, next_step: Step | None) -> None:
        if self.writes is not None:
            await self.writes.settle()
        screen = await _screen(self.page)
        previous, self.last = self.last, screen
        if screen["password"] and not previous["password"]:
            raise NeedsPerson(_("the platform asks for the password again before this change; this needs the person"))
        said = [m for m in _new(screen["alerts"], previous["alerts"]) if m not in self.messages]
        self.messages += said
        dialogs = _new(screen["dialogs"], previous["dialogs"])
        if dialogs and not _uses_dialog(next_step):
            raise StepFailed(_("an unexpected dialog appeared ({text!r}); privacyguard did not click it").format(
                text=dialogs[-1]))
        if said:
            raise _PageSaid(said[-1])

    async def finish(self) -> None:
        """After the last step: nothing may be left open that the flow did not close."""
        screen = await _screen(self.page)
        if screen["password"] and not self.first["password"]:
            raise NeedsPerson(_("the platform asks for the password again before this change; this needs the person"))
        self.messages += [m for m in _new(screen["alerts"], self.first["alerts"]) if m not in self.messages]
        dialogs = _new(screen["dialogs"], self.first["dialogs"])
        if dialogs:
            raise StepFailed(_("an unexpected dialog appeared ({text!r}); privacyguard did not click it").format(
                text=dialogs[-1]))


async def run_steps(page: Page, setting: Setting, control: PwLocator, target: str, lang: str,
                    watch: _Watch | None = None) -> None:
    """Carry out a setting's change steps on the open page."""
    steps = list(setting.change)
    for index, step in enumerate(steps):
        following = steps[index + 1] if index + 1 < len(steps) else None
        if step.action == "reauthenticate":
            raise NeedsPerson(_("the platform asks for the password again; this needs the person"))
        if step.action == "choose":
            scope: PwLocator | Page = {"control": control, "dialog": page.get_by_role("dialog").last,
                                       "page": page}[step.scope]
            await _choose(scope, setting, target, lang)
            if watch is not None:
                await watch.after_action(following)
            continue
        element = control if step.target == "control" else await _one(page, step, lang)
        if element is None:
            continue
        if step.action in ("click", "confirm"):
            await element.click(timeout=STEP_TIMEOUT_MS)
            if watch is not None:
                await watch.after_action(following)


async def change_setting(page: Page, flow: PlatformFlow, setting: Setting, target: str,
                         options: CollectOptions | None = None,
                         expect_current: str | None = None, current: LoadedPage | None = None,
                         on_intent: Callable[[Reading], None] | None = None) -> ChangeOutcome:
    """Read, change through the flow's steps, reload and read back.

    `expect_current`: touch nothing unless the setting now has this value (or already the
    target); used by undo so that a value the person changed since is left alone.
    `current`: the page a previous change's read-back left open (`ChangeOutcome.loaded`); when it
    is this setting's page, it is read as it is instead of being loaded once more. The read-back
    after a change is always a fresh load.
    """
    options = options or CollectOptions()
    if (current is not None and current.outcome is PageOutcome.OK and url_key(page.url) == url_key(current.url)
            and url_key(current.url) == url_key(setting.url)):
        loaded = current
    else:
        loaded = await load(page, flow, setting.url, options.page_timeout_ms)
    if loaded.outcome is not PageOutcome.OK:
        before = Reading(setting=setting.id, status=ReadStatus.PAGE_MISSING, note=loaded.note)
        return ChangeOutcome(before, None, loaded.note or loaded.outcome.value)
    before = await read_setting_on_page(page, setting, loaded, options)
    if not before.ok:
        return ChangeOutcome(before, None, _("could not read the current value: {problem}").format(
            problem=before.note or value_label(None, before.status.value)))
    if before.value == target:  # read from a fresh load just now: that is the read-back
        return ChangeOutcome(before, before, loaded=loaded)
    if expect_current is not None and before.value != expect_current:
        return ChangeOutcome(before, before, _("it is {now} now, not {then}: changed since; left alone").format(
            now=value_label(setting.id, before.value), then=value_label(setting.id, expect_current)),
                             conflict=True, loaded=loaded)
    located = await find_one(page, setting.locators, loaded.lang, options.settle_seconds)
    if located.element is None:
        return ChangeOutcome(before, None, located.note)
    if on_intent is not None:
        on_intent(before)
    writes = _Writes(page)
    watch = _Watch(page, writes)
    error: str | None = None
    needs_person = False
    try:
        await watch.start()
        await run_steps(page, setting, located.element, target, loaded.lang, watch)
        await writes.settle()
        await watch.finish()
    except NeedsPerson as exc:
        error, needs_person = str(exc), True
    except _PageSaid:
        pass  # the alert is in watch.messages; the read-back decides
    except (StepFailed, PlaywrightError) as exc:
        error = str(exc).splitlines()[0]
        try:  # a step that timed out may have been waiting behind a password prompt or a dialog
            await writes.settle()
            await watch.finish()
        except NeedsPerson as person:
            error, needs_person = str(person), True
        except (StepFailed, PlaywrightError):
            pass
    finally:
        writes.detach()
    messages = watch.messages
    after, reloaded = await _read_back(page, flow, setting, options)
    return ChangeOutcome(before, after, error, needs_person=needs_person, page_messages=messages, loaded=reloaded)


async def _read_back(page: Page, flow: PlatformFlow, setting: Setting,
                     options: CollectOptions) -> tuple[Reading, LoadedPage | None]:
    reloaded = await load(page, flow, setting.url, options.page_timeout_ms)
    if reloaded.outcome is not PageOutcome.OK:
        return Reading(setting=setting.id, status=ReadStatus.PAGE_MISSING, note=reloaded.note), None
    return await read_setting_on_page(page, setting, reloaded, options), reloaded
