"""The floor under the floor: the audit's page loads and reads over raw CDP, without Playwright.

scripts/floor.py is the smallest Playwright program that does the audit's browser work. This one
does the same work (the same pages at the same URLs, served by request interception, one fresh
browser context per account, `concurrency` at a time, every control read in one evaluation) with
nothing between Python and Chromium: the browser is started with `--remote-debugging-pipe` and
spoken to in CDP's own JSON (through privacyguard's pipe transport,
collect/cdp.py, which is only that). It issues one frame per page (begin-frame control), as the product's
lean path does. `make bench` runs it in section 5 beside `audit run` and floor.py: it is what this
machine can do at best with a browser, which is the figure to set the audit's goal against.

    .venv/bin/python scripts/floor.py --export pages.json          # the pages (uses privacyguard)
    .venv/bin/python scripts/floor_cdp.py pages.json 200 6          # 200 accounts, 6 at a time
    .venv/bin/python scripts/floor_cdp.py pages.json 40 naive       # 40 accounts, a fresh browser each,
                                                                    # one after another

The naive mode is the simplest program's own naive baseline: how much faster than it the same
program can be on this machine bounds what any reader can show against a naive run of itself.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from floor import LEAN_ARGS, READ_ALL, headless_shell

from privacyguard.collect.cdp import Connection, spawn  # the transport only: a pipe and JSON messages

_READ_ALL_TEXT = f"JSON.stringify(({READ_ALL})())"
T = TypeVar("T")


async def start_browser(profile: str) -> tuple[asyncio.subprocess.Process, Connection]:
    args = [f"--user-data-dir={profile}", "--headless", "--no-first-run", "--disable-background-networking",
            "--disable-extensions", "--disable-sync", "--mute-audio", *LEAN_ARGS, "about:blank"]
    if os.geteuid() == 0:
        args.insert(0, "--no-sandbox")
    return await spawn(headless_shell() or "chromium-headless-shell", args)


async def read_account(cdp: Connection, frame_lock: asyncio.Lock, rows: list[list[Any]]) -> int:
    """Load one account's pages in a fresh browser context and read each; the number of controls read."""
    served = {url: (status, base64.b64encode(body.encode()).decode()) for url, status, body in rows}
    context = (await cdp.send("Target.createBrowserContext", {"disposeOnDetach": True}))["browserContextId"]
    target = (await cdp.send("Target.createTarget", {"url": "about:blank", "browserContextId": context}))["targetId"]
    session = (await cdp.send("Target.attachToTarget", {"targetId": target, "flatten": True}))["sessionId"]
    loaded: asyncio.Future[None] | None = None

    def answer(params: dict[str, Any]) -> None:
        status, body = served.get(params["request"]["url"], (404, ""))
        cdp.send("Fetch.fulfillRequest", {"requestId": params["requestId"], "responseCode": status,
                                          "responseHeaders": [{"name": "content-type",
                                                               "value": "text/html; charset=utf-8"}],
                                          "body": body}, session)

    def dom_ready(_: dict[str, Any]) -> None:
        if loaded is not None and not loaded.done():
            loaded.set_result(None)

    cdp.on(session, "Fetch.requestPaused", answer)
    cdp.on(session, "Page.domContentEventFired", dom_ready)
    await asyncio.gather(cdp.send("Fetch.enable", {"patterns": [{"urlPattern": "*"}]}, session),
                         cdp.send("Page.enable", {}, session))
    controls = 0
    for url, _, _ in rows:
        loaded = asyncio.get_running_loop().create_future()
        await cdp.send("Page.navigate", {"url": url}, session)
        await loaded
        async with frame_lock:  # overlapping frames kill the GPU process
            await cdp.send("HeadlessExperimental.beginFrame", {"noDisplayUpdates": True}, session)
        result = await cdp.send("Runtime.evaluate", {"expression": _READ_ALL_TEXT, "returnByValue": True}, session)
        controls += len(json.loads(result["result"]["value"]))
    await cdp.send("Target.disposeBrowserContext", {"browserContextId": context})
    return controls


async def in_browser(work: Callable[[Connection], Awaitable[T]]) -> T:
    """Start a browser with a fresh profile, do `work` with it, close it."""
    with tempfile.TemporaryDirectory() as profile:
        process, cdp = await start_browser(profile)
        try:
            return await work(cdp)
        finally:
            await cdp.send("Browser.close")
            await process.wait()
            await cdp.close()


async def audit(path: str, accounts: int, concurrency: int | None) -> None:
    """`accounts` accounts, alternating platforms: `concurrency` at a time in one browser, or (None) one
    after another with a fresh browser each (the naive baseline)."""
    with open(path, encoding="utf-8") as handle:
        pages: dict[str, list[list[Any]]] = json.load(handle)
    platforms = list(pages.values())
    frame_lock = asyncio.Lock()
    started = time.perf_counter()
    if concurrency is None:
        counts = [await in_browser(lambda cdp, i=i: read_account(cdp, frame_lock, platforms[i % len(platforms)]))
                  for i in range(accounts)]
    else:
        slots = asyncio.Semaphore(concurrency)

        async def one(cdp: Connection, rows: list[list[Any]]) -> int:
            async with slots:
                return await read_account(cdp, frame_lock, rows)

        async def every(cdp: Connection) -> list[int]:
            return await asyncio.gather(*(one(cdp, platforms[i % len(platforms)]) for i in range(accounts)))

        counts = await in_browser(every)
    seconds = time.perf_counter() - started
    print(json.dumps({"accounts": accounts, "controls": sum(counts), "seconds": round(seconds, 1)}))


def main() -> None:
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    asyncio.run(audit(sys.argv[1], int(sys.argv[2]), None if sys.argv[3] == "naive" else int(sys.argv[3])))


if __name__ == "__main__":
    main()
