"""The simulated platforms' sign-in, on the real sign-in URLs, driven by `behaviour: sign_in:`.

Where a platform signs people in (form action, field names, two-step and challenge URLs) is
given once in its `default` variant; what happens there (a wrong password, a locked account, a
two-step prompt, a checkpoint or captcha, "temporarily blocked", a cookie dialog, sessions that
expire) is switched on by a variant. See docs/fixtures.md ("Sign-in behaviour").

The simulated sign-in page accepts the password the account was registered with (any password
when none was registered), and a two-step page accepts the current code of the registered TOTP
secret (any six digits when none was registered). Sessions it hands out are remembered only as
SHA-256 hashes under the privacyguard home, as a real site would, so no cookie value is stored.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qsl

import pyotp
from playwright.async_api import Request
from pydantic import BaseModel, ConfigDict, ValidationError

from privacyguard.errors import FixtureError
from privacyguard.files import write_state
from privacyguard.i18n import _
from privacyguard.loaders import load_json
from privacyguard.sandbox.fixtures import PageSpec, Variant, url_key
from privacyguard.sandbox.server import SandboxAccount, request_cookie, state_file
from privacyguard.sandbox.server import _redirect as client_redirect

SESSION_DAYS = 365


class SignInSpec(BaseModel):
    """`behaviour: sign_in:` of a variant (merged key by key over its parents)."""

    model_config = ConfigDict(extra="forbid")

    # where: the platform's real URLs and form fields (given once, in the default variant)
    submit: str
    username_field: str
    password_field: str
    home: str
    two_step_url: str
    two_step_submit: str | None = None
    code_field: str
    challenge_url: str
    consent_url: str
    consent_cookie: str
    # what happens
    password: Literal["accept", "reject", "locked"] = "accept"
    two_step: bool = False
    challenge: Literal["none", "checkpoint", "captcha"] = "none"
    challenge_sessions: bool = False  # a session made before this sign-in meets the challenge on every page
    rate_limited: bool = False
    rate_limited_status: int = 429
    consent: bool = False
    keep_sessions: bool = True  # False: sessions from an earlier run (or the sandbox's own) have expired


def spec_for(variant: Variant) -> SignInSpec | None:
    raw = (variant.behaviour.model_extra or {}).get("sign_in")
    if raw is None:
        return None
    try:
        return SignInSpec.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        raise FixtureError(variant.root / variant.platform / variant.name / "variant.yaml", None,
                           f"behaviour.sign_in.{where}: {first['msg']}") from None


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _form(request: Request) -> dict[str, str]:
    return dict(parse_qsl(request.post_data or "", keep_blank_values=True))


def _redirect(location: str, cookies: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The sandbox's redirect (followed through the sandbox), setting cookies first when given."""
    response = client_redirect(location)
    if cookies:
        response["cookies"] = cookies
    return response


class SandboxSignIn:
    """The sign-in handler of one simulated account (plug into SandboxAccount.sign_in_handler)."""

    def __init__(self, password: str | None = None, totp_secret: str | None = None) -> None:
        self._password = password
        self._totp = pyotp.parse_uri(totp_secret) if totp_secret and totp_secret.startswith("otpauth://") else (
            pyotp.TOTP(totp_secret) if totp_secret else None)
        self._issued: dict[str, set[str]] = {}  # platform → hashes of sessions handed out in this run
        self._pending_two_step: set[str] = set()

    # --- sessions ------------------------------------------------------------------------------
    def _store(self, sandbox: SandboxAccount, platform: str) -> Path:
        variant = sandbox.variants[platform]
        return state_file(variant.root, platform, variant.name, sandbox.account).with_suffix(".sessions")

    def _stored(self, sandbox: SandboxAccount, platform: str) -> set[str]:
        path = self._store(sandbox, platform)
        if not path.exists():
            return set()
        stored = load_json(path, FixtureError)
        if not isinstance(stored, list) or not all(isinstance(item, str) for item in stored):
            raise FixtureError(path, None, _("damaged sandbox sessions (not a list of strings); "
                                             "`privacyguard sandbox reset` starts afresh"))
        return set(stored)

    def _issue(self, sandbox: SandboxAccount, platform: str) -> list[dict[str, Any]]:
        token = secrets.token_hex(16)
        digest = _hash(token)
        self._issued.setdefault(platform, set()).add(digest)
        write_state(self._store(sandbox, platform), json.dumps(sorted(self._stored(sandbox, platform) | {digest})),
                    _("the simulated sign-in sessions"))
        sandbox.events.append((platform, "signed_in"))
        flow = sandbox.flows[platform]
        domain = "." + ".".join(flow.hosts[0].split(".")[-2:])
        return [{"name": flow.sign_in.session_cookies[0], "value": token, "domain": domain, "path": "/",
                 "secure": True, "httpOnly": True, "expires": int(time.time()) + SESSION_DAYS * 86400}]

    def accepts_session(self, sandbox: SandboxAccount, platform: str, value: str) -> bool:
        """A session cookie this sandbox handed out (this run, or earlier when sessions are kept)."""
        digest = _hash(value)
        if digest in self._issued.get(platform, set()):
            return True
        spec = spec_for(sandbox.variants[platform])
        keep = spec is None or spec.keep_sessions
        return keep and digest in self._stored(sandbox, platform)

    def _session(self, sandbox: SandboxAccount, platform: str, request: Request) -> str | None:
        """'new' (made by signing in this run), 'old' (an earlier or the sandbox's own) or None."""
        flow = sandbox.flows[platform]
        if not flow.sign_in.session_cookies:
            return "old"
        value = request_cookie(request, flow.sign_in.session_cookies[0])
        if value is None:
            return None
        if _hash(value) in self._issued.get(platform, set()):
            return "new"
        spec = spec_for(sandbox.variants[platform])
        if spec is not None and not spec.keep_sessions:
            return None
        if value == sandbox.session_tokens[platform] or self.accepts_session(sandbox, platform, value):
            return "old"
        return None

    # --- pages ---------------------------------------------------------------------------------
    def _page(self, sandbox: SandboxAccount, platform: str, template: str, url: str, status: int = 200,
              **extra: Any) -> dict[str, Any]:
        variant = sandbox.variants[platform]
        spec = spec_for(variant)
        values = {"error": None, "consent": False, "challenge": None, "username": "", "sign_in": spec, **extra}
        body = variant.render(PageSpec(url=url, template=template), sandbox.state[platform], url, **values)
        return {"status": status, "content_type": "text/html; charset=utf-8", "body": body}

    def _sign_in_page(self, sandbox: SandboxAccount, platform: str, request: Request, spec: SignInSpec,
                      **extra: Any) -> dict[str, Any]:
        flow = sandbox.flows[platform]
        page = sandbox.variants[platform].pages.get(url_key(flow.sign_in.url))
        template = page.template if page else "login.html"
        consent = spec.consent and request_cookie(request, spec.consent_cookie) is None
        return self._page(sandbox, platform, template, request.url, consent=consent, **extra)

    async def __call__(self, sandbox: SandboxAccount, platform: str, request: Request) -> dict[str, Any] | None:
        spec = spec_for(sandbox.variants[platform])
        if spec is None:
            return None
        flow = sandbox.flows[platform]
        key = url_key(request.url)
        post = request.method == "POST"
        if spec.rate_limited:
            sandbox.events.append((platform, "rate_limited"))
            return self._page(sandbox, platform, "blocked.html", request.url, status=spec.rate_limited_status)
        if key == url_key(spec.consent_url) and post:
            choice = _form(request).get("choice", "")
            sandbox.events.append((platform, f"consent:{choice}"))
            domain = "." + ".".join(flow.hosts[0].split(".")[-2:])
            cookie = {"name": spec.consent_cookie, "value": choice or "unknown", "domain": domain, "path": "/",
                      "secure": True, "expires": int(time.time()) + SESSION_DAYS * 86400}
            return {"status": 200, "content_type": "application/json", "body": json.dumps({"ok": True}),
                    "cookies": [cookie]}
        session = self._session(sandbox, platform, request)
        if key == url_key(flow.sign_in.url) and not post:
            if session is not None:
                return _redirect(spec.home)
            return self._sign_in_page(sandbox, platform, request, spec)
        if key == url_key(spec.submit) and post:
            return self._submit(sandbox, platform, request, spec)
        if key == url_key(spec.two_step_url) and not post:
            if platform not in self._pending_two_step:
                return _redirect(flow.sign_in.url)
            return self._page(sandbox, platform, "two-step.html", request.url)
        if key == url_key(spec.two_step_submit or spec.two_step_url) and post:
            return self._two_step(sandbox, platform, request, spec)
        if key == url_key(spec.challenge_url):
            return self._page(sandbox, platform, "challenge.html", request.url, challenge=spec.challenge)
        if key == url_key(spec.home):
            if session is None:
                return _redirect(flow.sign_in.url)
            return self._page(sandbox, platform, "home.html", request.url)
        if session == "old" and spec.challenge_sessions and spec.challenge != "none":
            sandbox.events.append((platform, f"challenge:{spec.challenge}"))
            return _redirect(spec.challenge_url)
        if session is None and request_cookie(request, flow.sign_in.session_cookies[0] if flow.sign_in.session_cookies
                                              else "") is not None and key in sandbox.variants[platform].pages:
            return _redirect(flow.sign_in.url)  # a cookie the platform no longer accepts: signed out
        return None

    def _submit(self, sandbox: SandboxAccount, platform: str, request: Request, spec: SignInSpec) -> dict[str, Any]:
        form = _form(request)
        username = form.get(spec.username_field, "")
        password = form.get(spec.password_field, "")
        sandbox.events.append((platform, "password_submitted"))
        right = bool(password) and (self._password is None
                                    or hmac.compare_digest(password.encode(), self._password.encode()))
        if spec.password == "locked":
            return self._sign_in_page(sandbox, platform, request, spec, error="account_locked", username=username)
        if spec.password == "reject" or not right or not username:
            return self._sign_in_page(sandbox, platform, request, spec, error="wrong_password", username=username)
        if spec.challenge != "none":
            sandbox.events.append((platform, f"challenge:{spec.challenge}"))
            return _redirect(spec.challenge_url)
        if spec.two_step:
            self._pending_two_step.add(platform)
            return _redirect(spec.two_step_url)
        return _redirect(spec.home, self._issue(sandbox, platform))

    def _two_step(self, sandbox: SandboxAccount, platform: str, request: Request, spec: SignInSpec) -> dict[str, Any]:
        if platform not in self._pending_two_step:
            return _redirect(sandbox.flows[platform].sign_in.url)
        code = _form(request).get(spec.code_field, "").strip()
        sandbox.events.append((platform, "code_submitted"))
        valid = code.isdigit() and len(code) == 6 and (self._totp is None or self._totp.verify(code, valid_window=1))
        if not valid:
            return self._page(sandbox, platform, "two-step.html", request.url, error="two_step_rejected")
        self._pending_two_step.discard(platform)
        return _redirect(spec.home, self._issue(sandbox, platform))
