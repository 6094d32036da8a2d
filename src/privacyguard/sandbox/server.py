"""Answer the platforms' real URLs from fixtures, by Playwright request interception.

One SandboxAccount is one simulated person on one or more platforms. It is attached to one
browser context; every request of that context to a simulated host is answered here, and every
other request is aborted, so nothing ever reaches a real platform. State changes made through the
pages persist under the privacyguard home until `privacyguard sandbox reset`.
"""

from __future__ import annotations

import asyncio
import hashlib
import html
import json
import secrets
import shutil
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from playwright.async_api import BrowserContext, Request, Route

from privacyguard.catalogue import PlatformFlow
from privacyguard.errors import FixtureError
from privacyguard.files import write_state
from privacyguard.home import sandbox_state_dir
from privacyguard.i18n import _
from privacyguard.loaders import load_json
from privacyguard.resources import fixtures_dir
from privacyguard.sandbox import behaviour, weight
from privacyguard.sandbox.fixtures import Variant, url_key

NOT_FOUND_HTML = """<!doctype html><html lang="en"><head><title>Page not found</title></head>
<body><main><h1>This page doesn't exist</h1>
<p>Please check your URL or return to the home page.</p></main></body></html>"""

# A hook for sign-in pages: (sandbox, platform, request) → response dict, or None if not handled.
# A response dict may carry "cookies" (Playwright cookie dicts) to set in the browser before it is answered.
SignInHandler = Callable[["SandboxAccount", str, Request], Awaitable[dict[str, Any] | None]]
# Another way to be signed in: (sandbox, platform, session cookie value) → accepted?
SessionCheck = Callable[["SandboxAccount", str, str], bool]


def _root_key(root: Path) -> str:
    if root.resolve() == fixtures_dir().resolve():
        return "builtin"
    return "fixtures-" + hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:10]


def state_file(root: Path, platform: str, variant: str, account: str) -> Path:
    safe_account = "".join(c if c.isalnum() or c in "-_." else "_" for c in account)
    return sandbox_state_dir() / _root_key(root) / platform / variant / f"{safe_account}.json"


def reset_state() -> int:
    """Forget every change made to the simulated platforms; returns how many states were removed."""
    folder = sandbox_state_dir()
    count = sum(1 for _ in folder.rglob("*.json")) if folder.exists() else 0
    shutil.rmtree(folder, ignore_errors=True)
    return count


class SandboxAccount:
    """One simulated account per platform, with persistent state, attached to a browser context."""

    def __init__(self, account: str, flows: dict[str, PlatformFlow], variants: dict[str, Variant],
                 signed_in: bool = True, sign_in_handler: SignInHandler | None = None,
                 session_check: SessionCheck | None = None) -> None:
        self.account = account
        self.flows = flows
        self.variants = variants
        self.signed_in = signed_in
        self.sign_in_handler = sign_in_handler
        self.session_check = session_check
        self.context: BrowserContext | None = None
        self.events: list[tuple[str, str]] = []  # (platform, what happened): sign-ins, consent choices, ...
        self.hosts = {host: platform for platform, flow in flows.items() if platform in variants
                      for host in flow.hosts}
        self.session_tokens = {platform: secrets.token_hex(16) for platform in variants}
        self.state = {platform: self._load_state(platform) for platform in variants}
        self.page_loads: list[str] = []
        self.blocked_requests: list[str] = []
        self.asset_requests: list[str] = []  # served images, fonts, scripts and beacons (`render: heavy`)
        # Requests a read-only run does not load (privacyguard.collect.blocking.unneeded), aborted first.
        self.block: Callable[[Request], bool] | None = None

    # --- state -------------------------------------------------------------------------------
    def _state_path(self, platform: str) -> Path:
        variant = self.variants[platform]
        return state_file(variant.root, platform, variant.name, self.account)

    def _load_state(self, platform: str) -> dict[str, Any]:
        state = dict(self.variants[platform].state)
        path = self._state_path(platform)
        if path.exists():
            saved = load_json(path, FixtureError)
            if not isinstance(saved, dict):
                raise FixtureError(path, None, _("damaged sandbox state (not a JSON object); "
                                                 "`privacyguard sandbox reset` starts afresh"))
            state.update(saved)
        return state

    def save_state(self, platform: str) -> None:
        write_state(self._state_path(platform), json.dumps(self.state[platform], indent=1, sort_keys=True),
                    _("the simulated platform's state"))

    # --- browser wiring ----------------------------------------------------------------------
    async def attach(self, context: BrowserContext) -> None:
        """Route every request of the context here; sign in by setting session cookies if asked."""
        self.context = context
        await context.route("**/*", self._handle)
        if self.signed_in:
            await context.add_cookies(self.session_cookies())

    def session_cookies(self) -> list[dict[str, Any]]:
        cookies = []
        for platform in self.variants:
            flow = self.flows[platform]
            if not flow.sign_in.session_cookies:
                continue
            domain = "." + ".".join(flow.hosts[0].split(".")[-2:])
            cookies.append({"name": flow.sign_in.session_cookies[0], "value": self.session_tokens[platform],
                            "domain": domain, "path": "/", "secure": True, "httpOnly": True})
        return cookies

    def is_signed_in(self, platform: str, request: Request) -> bool:
        flow = self.flows[platform]
        if not flow.sign_in.session_cookies:
            return True
        value = request_cookie(request, flow.sign_in.session_cookies[0])
        if value is None:
            return False
        if value == self.session_tokens[platform]:
            return True
        return self.session_check is not None and self.session_check(self, platform, value)

    async def _handle(self, route: Route, request: Request) -> None:
        response, cookies = await self.answer(request)
        if response is None:
            await route.abort("blockedbyclient")
            return
        if cookies and self.context is not None:
            await self.context.add_cookies(cookies)
        await route.fulfill(**response)

    async def answer(self, request: Request) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
        """What one request of the account's browser gets: (the response, as Playwright's `route.fulfill`
        arguments, or None to abort it; cookies to set before answering). Also used by the raw read
        path (privacyguard.collect.rawpage), which answers over CDP instead of a Playwright route."""
        if self.block is not None and self.block(request):
            return None, []
        host = urlsplit(request.url).hostname or ""
        platform = self.hosts.get(host)
        if platform is None:
            self.blocked_requests.append(request.url)
            return None, []
        try:
            response = await self.respond(platform, request)
        except Exception as exc:  # a broken fixture must show as a page error, not hang the browser
            response = {"status": 500, "content_type": "text/plain", "body": f"sandbox error: {type(exc).__name__}"}
        cookies = response.pop("cookies", None) or []
        return response, cookies

    # --- answering -----------------------------------------------------------------------------
    async def respond(self, platform: str, request: Request) -> dict[str, Any]:
        variant = self.variants[platform]
        flow = self.flows[platform]
        key = url_key(request.url)
        if self.sign_in_handler is not None:
            handled = await self.sign_in_handler(self, platform, request)
            if handled is not None:
                return handled
        sign_in_key = url_key(flow.sign_in.url)
        if weight.mode(variant) == "heavy" and weight.is_asset(request.url):
            self.asset_requests.append(request.url)
            return weight.asset(variant, request.url)
        if key in variant.redirects:
            return _redirect(variant.redirects[key])
        page = variant.pages.get(key)
        if page is None:
            return {"status": 404, "content_type": "text/html", "body": NOT_FOUND_HTML}
        if key != sign_in_key and not self.is_signed_in(platform, request):
            return _redirect(flow.sign_in.url)
        if request.method == "POST":
            return self._save(platform, variant, request)
        body = variant.render(page, self.state[platform], request.url)
        if page.content_type.startswith("text/html"):  # a page, not a page's own data request
            self.page_loads.append(request.url)
            body = behaviour.inject(body, variant, self.state[platform])
            body = weight.apply(body, variant, request.url)
        if page.delay_ms:
            await asyncio.sleep(page.delay_ms / 1000)
        return {"status": page.status, "content_type": page.content_type, "body": body}

    def _save(self, platform: str, variant: Variant, request: Request) -> dict[str, Any]:
        """A settings change posted by a page: JSON from scripts, or a classic form."""
        content_type = request.headers.get("content-type", "")
        is_form = "application/x-www-form-urlencoded" in content_type
        try:
            changes = dict(parse_qsl(request.post_data or "")) if is_form else json.loads(request.post_data or "{}")
        except json.JSONDecodeError:
            return _json(400, {"ok": False, "error": "bad request"})
        state = self.state[platform]
        unknown = [k for k in changes if k not in state and not k.startswith("_")]
        if unknown or not isinstance(changes, dict):
            return _json(400, {"ok": False, "error": f"unknown field(s) {unknown}"})
        if behaviour.needs_password(variant, changes):
            if is_form:
                return {"status": 200, "content_type": "text/html; charset=utf-8",
                        "body": behaviour.reauth_page(variant, request.url, changes)}
            return _json(401, {"ok": False, "error": "reauth_required"})
        mode = variant.behaviour.save
        if mode == "error":
            return _json(500, {"ok": False, "error": "Something went wrong. Please try again later."})
        if mode == "ok":
            for field, value in changes.items():
                if field.startswith("_"):
                    continue
                state[field] = _coerce(value, state[field])
            self.save_state(platform)
        if is_form:
            return _redirect(request.url)
        return _json(200, {"ok": True})


def _coerce(value: Any, current: Any) -> Any:
    """Form posts carry strings; keep booleans booleans."""
    if isinstance(current, bool) and isinstance(value, str):
        return value.lower() in ("true", "on", "1", "yes")
    return value


def request_cookie(request: Request, name: str) -> str | None:
    """The value of one cookie the browser sent with a request."""
    for part in request.headers.get("cookie", "").split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return None


def _redirect(location: str) -> dict[str, Any]:
    """A redirect the browser follows *through the sandbox*.

    Chromium does not route the request that follows a fulfilled 3xx: it would go to the real
    network. So the sandbox answers with a page that replaces itself at once (as many real sites'
    client-side redirects do); the browser then requests the target, which is routed here again.
    """
    target = html.escape(location, quote=True)
    body = (f'<!doctype html><html><head><meta http-equiv="refresh" content="0; url={target}">'
            f"<script>location.replace({json.dumps(location)})</script></head>"
            f'<body><a href="{target}">Continue</a></body></html>')
    return {"status": 200, "content_type": "text/html; charset=utf-8", "headers": {"cache-control": "no-store"},
            "body": body}


def _json(status: int, payload: dict[str, Any]) -> dict[str, Any]:
    return {"status": status, "content_type": "application/json", "body": json.dumps(payload)}
