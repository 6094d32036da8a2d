"""The raw read path: simulated accounts read over CDP, with Playwright only where it is needed.

Why: Playwright's per-page work (its driver, its protocol layer, the events it tracks for every
frame and request) costs more than the page itself on a long read-only run. The same page loads
and reads over raw CDP took 47 s where the smallest Playwright program took 61 s (200 accounts,
docs/architecture.md, "The raw read path").

What it is: `RawBrowser` is a Chromium started by privacyguard with `--remote-debugging-pipe`
(privacyguard.collect.cdp), always with nothing resolvable (it only ever talks to the sandbox).
`RawPage` offers the few Page calls the read engine makes (`goto`, `url`, `evaluate`, request
events, `wait_for_load_state`) with Playwright's meaning, so the engine, the page query and the
patience rules are the very same code on both paths. Whatever else the engine asks of a page (a
Playwright locator: the reader could not decide a setting; anything new) raises
`NeedsPlaywright`, and the account is read again from the start on a Playwright browser that
`RawBrowser` starts on first need. So the raw path never reads differently: it reads, or it
hands the account over. tests/test_raw_read.py compares both paths on every simulated variant.

Used for: simulated accounts that need no sign-in (`scan --sandbox`, `audit run` and sweeps of
sandbox rows), read-only. Registered accounts (sessions, sign-in), real hosts, fixes, `record`
and remote browsers stay on Playwright.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
import os
import shutil
import signal
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from playwright.async_api import Browser
from playwright.async_api import Error as PlaywrightError

from privacyguard.collect import frames
from privacyguard.collect.cdp import CdpClosed, CdpError, Connection, spawn

log = logging.getLogger(__name__)

# Cookie fields CDP's Storage.setCookies takes, out of a Playwright cookie dict.
_COOKIE_FIELDS = ("name", "value", "url", "domain", "path", "secure", "httpOnly", "sameSite", "expires")


class NeedsPlaywright(Exception):
    """The engine asked the raw page for something only Playwright does; the account goes to Playwright."""

    def __init__(self, what: str) -> None:
        super().__init__(f"the raw read path cannot do {what!r}")
        self.what = what


@dataclass(eq=False)  # counted in sets by identity, as Playwright's requests are
class RawRequest:
    """What the sandbox and the request counter read of a request (Playwright's names and meanings)."""

    url: str
    method: str
    headers: dict[str, str]  # names lower-cased, as Playwright gives them
    post_data: str | None
    resource_type: str  # lower-cased, as Playwright gives them: document, xhr, fetch, image, ping, ...
    main_document: bool = False


@dataclass
class RawResponse:
    """A navigation's response: what pages.load reads of Playwright's."""

    url: str
    status: int
    headers: dict[str, str] = field(default_factory=dict)


class _MainFrame:
    """What Requests' `framenavigated` listener reads: the main frame has no parent."""

    parent_frame = None


class _FrameSender:
    """frames' CDP sender for a raw page: Playwright's CDPSession.send meaning (errors as PlaywrightError)."""

    def __init__(self, page: RawPage) -> None:
        self._page = page

    async def send(self, method: str, params: dict[str, Any] | None = None) -> Any:
        return await self._page.send(method, params)


Responder = Callable[[RawRequest], Awaitable[tuple[dict[str, Any] | None, list[dict[str, Any]]]]]


class RawPage:
    """One account's page in its own browser context, driven over CDP."""

    def __init__(self, browser: RawBrowser, context_id: str, session: str) -> None:
        self._browser, self._context_id, self._session = browser, context_id, session
        self.url = "about:blank"
        self._listeners: dict[str, list[Callable[[Any], None]]] = {}
        self._responder: Responder | None = None
        self._loader: str | None = None  # the main frame's current document
        self._dom_ready_loader: str | None = None  # the last document that fired DOMContentLoaded
        self._committed: list[str] = []  # the main frame's documents, in order (loader ids)
        self._waiting: tuple[str, asyncio.Future[None]] | None = None
        self._document: RawResponse | None = None  # the first main-frame document answered since goto
        self._main_frame_id: str | None = None
        self._closed = False
        self._tasks: set[asyncio.Task[None]] = set()
        self._in_flight: dict[str, RawRequest] = {}  # Network's request id → the request, until it finished
        connection = browser.connection
        connection.on(session, "Fetch.requestPaused", self._request_paused)
        connection.on(session, "Page.frameNavigated", self._frame_navigated)
        connection.on(session, "Page.navigatedWithinDocument", self._within_document)
        connection.on(session, "Page.domContentEventFired", self._dom_content_loaded)
        connection.on(session, "Network.loadingFinished", lambda params: self._finished(params, "requestfinished"))
        connection.on(session, "Network.loadingFailed", lambda params: self._finished(params, "requestfailed"))

    # --- Playwright's Page, the part the read engine uses -------------------------------------------
    @property
    def main_frame(self) -> None:
        return None  # pages._dom_ready then asks wait_for_load_state, which costs nothing here

    def is_closed(self) -> bool:
        return self._closed

    def on(self, event: str, listener: Callable[[Any], None]) -> None:
        self._listeners.setdefault(event, []).append(listener)

    def _emit(self, event: str, value: Any) -> None:
        for listener in self._listeners.get(event, []):
            listener(value)

    async def send(self, method: str, params: dict[str, Any] | None = None) -> Any:
        """One command to this page's target; the browser's errors as Playwright's (the engine catches those)."""
        try:
            return await self._browser.connection.send(method, params, self._session)
        except CdpClosed as exc:
            raise PlaywrightError(f"Target page, context or browser has been closed ({exc})") from None
        except CdpError as exc:
            raise PlaywrightError(f"{method}: {exc}") from None

    async def goto(self, url: str, wait_until: str = "domcontentloaded", timeout: float = 30_000) -> RawResponse | None:
        """Navigate and wait for the new document's DOMContentLoaded, as Playwright's goto does."""
        if wait_until != "domcontentloaded":
            raise NeedsPlaywright(f"goto(wait_until={wait_until!r})")
        self._document = None
        result = await self.send("Page.navigate", {"url": url})
        if result.get("errorText"):
            raise PlaywrightError(f"Page.goto: {result['errorText']} at {url}")
        loader = result.get("loaderId")
        if loader is None:  # a same-document navigation: no new document, no response
            return None
        if not self._ready_since(loader):
            waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._waiting = (loader, waiter)
            try:
                await asyncio.wait_for(self._unless_closed(waiter), timeout / 1000)
            except TimeoutError:
                raise PlaywrightError(f"Page.goto: Timeout {timeout:g}ms exceeded.") from None  # Playwright's words
            finally:
                self._waiting = None
        return self._document

    def _ready_since(self, loader: str) -> bool:
        """Whether the main frame's document is `loader`'s or a later one (a client-side redirect), and
        it fired DOMContentLoaded: what Playwright's goto waits for."""
        if loader not in self._committed or self._loader is None:
            return False
        return (self._committed.index(self._loader) >= self._committed.index(loader)
                and self._dom_ready_loader == self._loader)

    async def _unless_closed(self, waiter: asyncio.Future[None]) -> None:
        closed = self._browser.closed_future()
        await asyncio.wait({waiter, closed}, return_when=asyncio.FIRST_COMPLETED)
        if not waiter.done():
            raise PlaywrightError("Target page, context or browser has been closed")

    async def wait_for_load_state(self, state: str = "load") -> None:
        if state != "domcontentloaded":
            raise NeedsPlaywright(f"wait_for_load_state({state!r})")
        # goto returned at this document's DOMContentLoaded: nothing to wait for

    async def evaluate(self, expression: str, arg: Any = None) -> Any:
        """Playwright's evaluate for what the engine sends: a function (called with `arg`) or an expression."""
        text = expression.strip()
        if (text.startswith(("(", "function", "async")) and "=>" in text) or text.startswith("function"):
            text = f"({text})({json.dumps(arg)})"
        result = await self.send("Runtime.evaluate", {"expression": text, "returnByValue": True,
                                                      "awaitPromise": True})
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            described = (details.get("exception") or {}).get("description") or details.get("text", "error")
            raise PlaywrightError(f"Page.evaluate: {described.splitlines()[0]}")
        return result.get("result", {}).get("value")

    def __getattr__(self, name: str) -> Any:
        raise NeedsPlaywright(name)  # a locator, a click, ...: Playwright reads this account

    # --- events ---------------------------------------------------------------------------------
    def _frame_navigated(self, params: dict[str, Any]) -> None:
        frame = params["frame"]
        if frame.get("parentId"):
            return
        self._main_frame_id = frame["id"]
        self._loader = frame.get("loaderId")
        if self._loader is not None:
            if self._loader in self._committed:
                self._committed.remove(self._loader)
            self._committed.append(self._loader)
            del self._committed[:-64]  # a page that redirects for ever must not grow this for ever
        self.url = frame["url"] + frame.get("urlFragment", "")
        self._emit("framenavigated", _MainFrame())

    def know_main_frame(self, frame: dict[str, Any]) -> None:
        """The page's main frame as it was before Page events were on (requests name their frame)."""
        self._main_frame_id = self._main_frame_id or frame["id"]

    def _within_document(self, params: dict[str, Any]) -> None:
        if params.get("frameId") == self._main_frame_id:
            self.url = params["url"]

    def _dom_content_loaded(self, _params: dict[str, Any]) -> None:
        self._dom_ready_loader = self._loader
        if self._waiting is not None and self._ready_since(self._waiting[0]) and not self._waiting[1].done():
            self._waiting[1].set_result(None)

    def _request_paused(self, params: dict[str, Any]) -> None:
        request = params["request"]
        kind = str(params.get("resourceType", "other")).lower()
        raw = RawRequest(url=request["url"] + request.get("urlFragment", ""), method=request.get("method", "GET"),
                         headers={k.lower(): v for k, v in request.get("headers", {}).items()},
                         post_data=request.get("postData"), resource_type=kind,
                         main_document=kind == "document" and params.get("frameId") == self._main_frame_id)
        self._emit("request", raw)
        network_id = params.get("networkId")
        if network_id:
            self._in_flight[network_id] = raw
        task = asyncio.get_running_loop().create_task(self._answer(params["requestId"], raw, network_id))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _finished(self, params: dict[str, Any], event: str) -> None:
        """The renderer has the whole response (or the request failed): what Playwright's requestfinished
        and requestfailed say. Not our answer being sent: a page's own script may still be on its way to
        the data, and reading waits for this (pagequery.Requests)."""
        request = self._in_flight.pop(params.get("requestId", ""), None)
        if request is not None:
            self._emit(event, request)

    async def _answer(self, request_id: str, request: RawRequest, network_id: str | None) -> None:
        connection = self._browser.connection
        finished: str | None = "requestfailed"
        try:
            response, cookies = await self._responder(request) if self._responder is not None else (None, [])
            if response is None:
                await connection.send("Fetch.failRequest", {"requestId": request_id, "errorReason": "BlockedByClient"},
                                      self._session)
                return
            if cookies:
                await self.add_cookies(cookies)
            body = response.get("body", b"")
            data = body.encode("utf-8") if isinstance(body, str) else bytes(body)
            headers = {str(k).lower(): str(v) for k, v in (response.get("headers") or {}).items()}
            if response.get("content_type"):
                headers["content-type"] = response["content_type"]
            status = int(response.get("status", 200))
            if request.main_document and self._document is None:
                self._document = RawResponse(request.url, status, headers)
            await connection.send("Fetch.fulfillRequest", {
                "requestId": request_id, "responseCode": status,
                "responseHeaders": [{"name": k, "value": v} for k, v in headers.items()],
                "body": base64.b64encode(data).decode("ascii")}, self._session)
            finished = None if network_id else "requestfinished"  # else Network.loadingFinished says when
        except CdpError:  # the page navigated away or closed: the request is gone
            pass
        finally:
            if finished is not None and (not network_id or self._in_flight.pop(network_id, None) is not None):
                self._emit(finished, request)

    # --- set-up ---------------------------------------------------------------------------------
    async def serve(self, responder: Responder, cookies: list[dict[str, Any]]) -> None:
        """Answer every request of this page with `responder` (the sandbox); set its cookies first."""
        self._responder = responder
        if cookies:
            await self.add_cookies(cookies)
        await self.send("Fetch.enable", {"patterns": [{"urlPattern": "*"}]})

    async def add_cookies(self, cookies: list[dict[str, Any]]) -> None:
        await self._browser.connection.send("Storage.setCookies", {
            "browserContextId": self._context_id,
            "cookies": [{k: c[k] for k in _COOKIE_FIELDS if k in c} for c in cookies]})

    async def close(self) -> None:
        """Dispose of the page's context (its cookies and storage go with it)."""
        if self._closed:
            return
        self._closed = True
        for task in list(self._tasks):
            task.cancel()
        connection = self._browser.connection
        with contextlib.suppress(CdpError):
            await asyncio.wait_for(connection.send("Target.disposeBrowserContext",
                                                   {"browserContextId": self._context_id}), 10)
        connection.forget(self._session)


class RawBrowser:
    """A Chromium spoken to over CDP, and a Playwright browser for what the raw path hands over.

    Quacks like Playwright's Browser where the runners look (`is_connected`, the "disconnected"
    event, `close`), so a run's browser slot can hold it."""

    def __init__(self, process: asyncio.subprocess.Process, connection: Connection, profile: str,
                 start_playwright: Callable[[], Awaitable[Browser]],
                 stop_playwright: Callable[[], Awaitable[None]] | None = None) -> None:
        self.process, self.connection, self._profile = process, connection, profile
        self._start_playwright, self._stop_playwright = start_playwright, stop_playwright
        self._playwright: Browser | None = None
        self._playwright_lock = asyncio.Lock()
        self.frame_lock = asyncio.Lock()  # one frame at a time: overlapping ones kill Chromium's GPU process
        self._disconnected: list[Callable[[RawBrowser], None]] = []
        self._closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        connection.on_close(self._on_close)

    @classmethod
    async def start(cls, executable: str, args: list[str], start_playwright: Callable[[], Awaitable[Browser]],
                    stop_playwright: Callable[[], Awaitable[None]] | None = None) -> RawBrowser:
        profile = tempfile.mkdtemp(prefix="privacyguard-raw-")
        try:
            process, connection = await spawn(executable, [f"--user-data-dir={profile}", "--headless", *args,
                                                           "about:blank"])
            browser = cls(process, connection, profile, start_playwright, stop_playwright)
            await asyncio.wait_for(connection.send("Browser.getVersion"), 30)
        except BaseException:
            shutil.rmtree(profile, ignore_errors=True)
            raise
        return browser

    def _on_close(self) -> None:
        if not self._closed.done():
            self._closed.set_result(None)
        for callback in list(self._disconnected):
            callback(self)

    def closed_future(self) -> asyncio.Future[None]:
        return self._closed

    def is_connected(self) -> bool:
        return not self.connection.closed

    def on(self, event: str, callback: Callable[[RawBrowser], None]) -> None:
        if event == "disconnected":
            self._disconnected.append(callback)

    def remove_listener(self, event: str, callback: Callable[[RawBrowser], None]) -> None:
        if event == "disconnected" and callback in self._disconnected:
            self._disconnected.remove(callback)

    async def new_page(self) -> RawPage:
        """A page in a fresh, isolated context, under frame control, with the page query installed."""
        from privacyguard.collect import pagequery  # pagequery imports frames, as this module does

        connection = self.connection
        context = (await connection.send("Target.createBrowserContext", {"disposeOnDetach": True}))["browserContextId"]
        target = (await connection.send("Target.createTarget", {"url": "about:blank",
                                                               "browserContextId": context}))["targetId"]
        session = (await connection.send("Target.attachToTarget", {"targetId": target, "flatten": True}))["sessionId"]
        page = RawPage(self, context, session)
        *_, tree = await asyncio.gather(
            page.send("Page.enable"), page.send("Network.enable"),  # Network: when a request has really finished
            page.send("Page.addScriptToEvaluateOnNewDocument", {"source": pagequery.INSTALL}),
            page.send("Page.getFrameTree"))
        page.know_main_frame(tree["frameTree"]["frame"])
        frames.control(page, _FrameSender(page), self.frame_lock)
        await frames.tick(page)  # as frames.attach does: the first frame, before any page
        return page

    async def playwright_browser(self) -> Browser:
        """The Playwright browser for accounts the raw path hands over, started on first need."""
        async with self._playwright_lock:
            if self._playwright is None or not self._playwright.is_connected():
                self._playwright = await self._start_playwright()
            return self._playwright

    def kill(self) -> None:
        """Kill the browser at once: its whole process group (a distribution's launcher script runs the
        real browser as its child, so killing the launcher alone would leave the browser running)."""
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)

    async def close(self) -> None:
        if self._playwright is not None:
            with contextlib.suppress(Exception):
                await self._playwright.close()
        if self._stop_playwright is not None:
            await self._stop_playwright()
        if not self.connection.closed:
            with contextlib.suppress(CdpError, TimeoutError):
                await asyncio.wait_for(self.connection.send("Browser.close"), 10)
        if self.process.returncode is None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.process.wait(), 10)
        self.kill()  # whatever of it is left (helpers still exiting, or a browser that would not close)
        await self.process.wait()
        await self.connection.close()
        shutil.rmtree(self._profile, ignore_errors=True)
