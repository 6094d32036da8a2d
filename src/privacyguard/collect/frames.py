"""Frames on demand: the lean read-only path's renderer.

Why: a headless browser still draws about 60 frames a second that nobody looks at. Reading
settings needs no pixels, only the DOM, so read-only runs (scan, sweep, audit run) start the
browser with begin-frame control (`LEAN_ARGS`): the compositor makes a frame only when asked.
Measured on this machine it cuts the CPU per page load by a fifth with identical readings
(docs/architecture.md, "The lean read-only path").

A page whose script waits for a frame (`requestAnimationFrame`) must still get one. So
- `tick` issues one frame before every page query (privacyguard.collect.pagequery), so content
  rendered on the next frame is there when the page is read, and every poll while waiting for a
  late control issues another;
- `pumping` issues frames continuously while Playwright acts on the page (sign-in, cookie
  dialogs): its clicks wait for the element to be stable over frames, as a person's would.
Fix mode never uses this path: it launches its browser with full rendering.

A page is only under frame control once `attach` has proved a frame can be issued (its browser was
started with LEAN_ARGS by privacyguard.collect.browser.launch); on any other page every call here does nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any, Protocol

from playwright.async_api import Browser, CDPSession, Page
from playwright.async_api import Error as PlaywrightError

LEAN_ARGS = ["--enable-begin-frame-control", "--run-all-compositor-stages-before-draw"]
PUMP_INTERVAL = 0.016  # about 60 frames a second while Playwright acts on the page
_FRAME = {"noDisplayUpdates": True}  # layout, scripts and animation callbacks run; nothing is drawn


class _Sender(Protocol):
    async def send(self, method: str, params: dict[str, Any] | None = None) -> Any: ...


@dataclass
class _Control:
    session: CDPSession | _Sender
    lock: asyncio.Lock  # one frame at a time per browser: Chromium's GPU process dies of overlapping ones
    pumps: int = 0  # active `pumping` blocks
    task: asyncio.Task[None] | None = None
    paused: int = 0  # active `paused` blocks (reading inside a sign-in)


_CONTROLLED: weakref.WeakKeyDictionary[object, _Control] = weakref.WeakKeyDictionary()
_LEAN_BROWSERS: weakref.WeakKeyDictionary[Browser, asyncio.Lock] = weakref.WeakKeyDictionary()


def mark_lean(browser: Browser) -> None:
    """Note that a browser was started with LEAN_ARGS (privacyguard.collect.browser.launch)."""
    _LEAN_BROWSERS[browser] = asyncio.Lock()


async def attach(page: Page) -> bool:
    """Put a page under frame control if its browser was started lean; True if it is now controlled."""
    lock = _LEAN_BROWSERS.get(page.context.browser) if page.context.browser is not None else None
    if lock is None:
        return False
    try:
        session = await page.context.new_cdp_session(page)
        async with lock:
            await session.send("HeadlessExperimental.beginFrame", _FRAME)
    except PlaywrightError:  # a browser without begin-frame control (headed, remote, full Chrome)
        return False
    _CONTROLLED[page] = _Control(session, lock)
    return True


def control(page: object, sender: _Sender, lock: asyncio.Lock) -> None:
    """Put a page of the raw read path (privacyguard.collect.rawpage) under frame control: its browser is
    started lean by privacyguard itself, and `sender` speaks to its target."""
    _CONTROLLED[page] = _Control(sender, lock)


async def _frame(control: _Control) -> None:
    async with control.lock:
        await control.session.send("HeadlessExperimental.beginFrame", _FRAME)


def controlled(page: Page) -> bool:
    return page in _CONTROLLED


async def tick(page: Page) -> None:
    """One frame now (does nothing on a page not under frame control, or one that went away)."""
    control = _CONTROLLED.get(page)
    if control is None:
        return
    with contextlib.suppress(PlaywrightError):
        await _frame(control)


@contextlib.asynccontextmanager
async def pumping(page: Page) -> AsyncIterator[None]:
    """Frames at display rate for as long as the block runs (Playwright actions need them)."""
    control = _CONTROLLED.get(page)
    if control is None:
        yield
        return

    async def pump() -> None:
        while True:
            if not control.paused:
                try:
                    await _frame(control)
                except PlaywrightError:
                    if page.is_closed():
                        return
            await asyncio.sleep(PUMP_INTERVAL)

    control.pumps += 1
    if control.task is None:
        control.task = asyncio.create_task(pump())
    try:
        yield
    finally:
        control.pumps -= 1
        if control.pumps == 0 and control.task is not None:
            task, control.task = control.task, None
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


@contextlib.asynccontextmanager
async def paused(page: Page) -> AsyncIterator[None]:
    """Back to frames on demand inside a `pumping` block (reading pages during a sign-in)."""
    control = _CONTROLLED.get(page)
    if control is None:
        yield
        return
    control.paused += 1
    try:
        yield
    finally:
        control.paused -= 1
