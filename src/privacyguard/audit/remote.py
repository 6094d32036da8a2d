"""Browsers beyond this machine: connect to Playwright browser servers, or start one.

`audit run --browser-endpoint ws://...` connects to servers started with `playwright run-server`,
`chromium.launch_server()` or `privacyguard audit browser-server`; the accounts are spread over
them and a server that cannot be reached (or dies) gives its accounts to the others.

A browser server lets whoever reaches it drive a browser: bind it to 127.0.0.1 or a private
network only. The endpoint's path is random and acts as its password; it is never printed in
audit results (see `redact`).
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

from playwright._impl._driver import compute_driver_executable, get_driver_env
from playwright.async_api import Browser, Playwright

from privacyguard.collect.browser import choose_browser, executable_for, launch_args
from privacyguard.errors import BadInput, BrowserUnavailable
from privacyguard.i18n import _
from privacyguard.redaction import redact_url

CONNECT_TIMEOUT_MS = 15_000

# Run by the Node.js that ships inside the playwright package: launchServer accepts an executable
# path (needed for a system Chromium), which `playwright run-server` does not.
_SERVER_JS = """
const { chromium } = require(process.env.PG_PLAYWRIGHT_PACKAGE);
const options = JSON.parse(process.env.PG_LAUNCH_OPTIONS);
chromium.launchServer(options).then(server => {
  process.stdout.write(server.wsEndpoint() + '\\n');
  const stop = () => server.close().finally(() => process.exit(0));
  process.on('SIGTERM', stop); process.on('SIGINT', stop);
  process.stdin.on('end', stop); process.stdin.resume();
}, error => { process.stderr.write(String(error && error.message || error) + '\\n'); process.exit(1); });
"""


def check_endpoint(endpoint: str) -> str:
    """An endpoint must be a ws:// or wss:// URL (bad input otherwise)."""
    parts = urlsplit(endpoint)
    if parts.scheme not in ("ws", "wss") or not parts.hostname:
        raise BadInput(_("--browser-endpoint {endpoint}: expected ws://HOST:PORT/PATH (a Playwright browser "
                         "server)").format(endpoint=redact_url(endpoint)))
    return endpoint


async def connect(playwright: Playwright, endpoint: str, timeout_ms: float = CONNECT_TIMEOUT_MS) -> Browser:
    """Connect to a remote browser server; BrowserUnavailable (with a one-line reason) if it cannot be reached."""
    try:
        return await playwright.chromium.connect(endpoint, timeout=timeout_ms)
    except Exception as exc:
        first = str(exc).splitlines()[0].replace(endpoint, redact_url(endpoint)) if str(exc) else type(exc).__name__
        raise BrowserUnavailable(_("{endpoint} unreachable: {problem}").format(endpoint=redact_url(endpoint),
                                                                               problem=first)) from None


class BrowserServer:
    """A Playwright browser server on this machine, with the Chromium privacyguard would use.

    with BrowserServer(port=0) as server: ... server.endpoint ...   (ws://127.0.0.1:PORT/<random>)
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0, headless: bool = True) -> None:
        self.host = host
        self.port = port
        self.headless = headless
        self.endpoint: str | None = None
        self.process: subprocess.Popen[str] | None = None

    def start(self, timeout: float = 30.0) -> str:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            choice = choose_browser(playwright)
        node, cli = compute_driver_executable()
        options: dict = {"host": self.host, "port": self.port, "headless": self.headless, "args": launch_args()}
        executable = executable_for(choice, self.headless)
        if executable is not None:
            options["executablePath"] = executable
        env = dict(os.environ, **get_driver_env(), PG_PLAYWRIGHT_PACKAGE=str(Path(cli).parent),
                   PG_LAUNCH_OPTIONS=json.dumps(options))
        # The script is given inline: a file for it would be one more thing left behind in /tmp.
        self.process = subprocess.Popen([node, "-e", _SERVER_JS], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True, env=env)
        line = self._first_line(timeout)
        if not line.startswith("ws"):
            error = self.process.stderr.read() if self.process.stderr and self.process.poll() is not None else ""
            self.stop()
            raise BrowserUnavailable(_("the browser server did not start: {problem}").format(
                problem=(error or line).strip()[:300]))
        self.endpoint = line.strip()
        return self.endpoint

    def _first_line(self, timeout: float) -> str:
        import threading

        result: list[str] = []
        assert self.process is not None and self.process.stdout is not None
        reader = threading.Thread(target=lambda: result.append(self.process.stdout.readline()), daemon=True)
        reader.start()
        reader.join(timeout)
        return result[0] if result else ""

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """Stop abruptly (as a crashed or unplugged machine would)."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            with contextlib.suppress(Exception):
                self.process.stdin.close()  # type: ignore[union-attr]
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        for stream in (self.process.stdout, self.process.stderr):
            with contextlib.suppress(Exception):
                stream.close()  # type: ignore[union-attr]

    def __enter__(self) -> BrowserServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
