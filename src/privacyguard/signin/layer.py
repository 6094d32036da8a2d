"""The sign-in layer of a scan: per registered account, reuse the saved session, else sign in.

Order, per account (real or simulated alike):
1. a saved session (encrypted, see privacyguard.sessions) is put into the browser context;
2. else a simulated account registered without a password is signed in by the sandbox itself;
3. else, with a stored password, privacyguard signs in through the sign-in page (once);
4. else: ERROR "not signed in: run privacyguard login NAME".
If the settings pages then show the sign-in page (an expired session), a stored password signs in
once more; without one: ERROR "session expired: run privacyguard login NAME". A session that
worked is saved again, so it stays fresh. Interruptions that a second attempt could make worse
(wrong password, locked, checkpoint, captcha, rejected code) pause automated sign-in for that
account until the person signs in by hand or updates the secret.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from playwright.async_api import BrowserContext, Page

from privacyguard import secrets, sessions
from privacyguard.accounts import Account, list_accounts, update_account
from privacyguard.catalogue import PlatformFlow
from privacyguard.collect.pages import PageOutcome
from privacyguard.errors import KeyringUnavailable, SessionError, StateNotWritable
from privacyguard.i18n import _
from privacyguard.sandbox.server import SandboxAccount
from privacyguard.sandbox.signin import SandboxSignIn
from privacyguard.signin.automated import Credentials, sign_in
from privacyguard.signin.messages import PAUSES_AUTOMATION, account_error
from privacyguard.snapshot import AccountError, AccountSnapshot, now_utc

Reader = Callable[[], Awaitable[AccountSnapshot]]

_RESTORE_STORAGE_JS = """(data => {
  const items = data[location.origin];
  if (!items) return;
  try { for (const [k, v] of items) { if (localStorage.getItem(k) === null) localStorage.setItem(k, v); } } catch (e) {}
})(%s)"""


async def restore_session(context: BrowserContext, state: dict[str, Any]) -> None:
    """Put a saved storage state (cookies, local storage) into an existing browser context."""
    cookies = state.get("cookies") or []
    if cookies:
        await context.add_cookies(cookies)
    origins = {o["origin"]: [[i["name"], i["value"]] for i in o.get("localStorage", [])]
               for o in state.get("origins") or [] if o.get("localStorage")}
    if origins:
        await context.add_init_script(_RESTORE_STORAGE_JS % json.dumps(origins))


def _failed(flow: PlatformFlow, account: str, sandbox: str | None, error: AccountError) -> AccountSnapshot:
    return AccountSnapshot(platform=flow.platform, account=account, sandbox=sandbox, error=error,
                           finished_at=now_utc())


@dataclass
class SignInLayer:
    """Sessions and sign-in for registered accounts; plugs into collect.runner.CollectRun."""

    accounts: dict[str, Account] = field(default_factory=dict)
    save_sessions: bool = True
    events: dict[str, list[str]] = field(default_factory=dict)  # account → what happened (for tests, no secrets)

    @classmethod
    def from_registry(cls) -> SignInLayer:
        return cls({a.name: a for a in list_accounts()})

    def _log(self, account: str, what: str) -> None:
        self.events.setdefault(account, []).append(what)

    # --- simulated accounts ------------------------------------------------------------------------
    def sandbox_setup(self, account_name: str, registered: bool) -> tuple[bool, SandboxSignIn]:
        """(does the sandbox sign the account in itself?, the simulated sign-in pages)."""
        account = self.accounts.get(account_name) if registered else None
        if account is None:
            return True, SandboxSignIn()
        password = secrets.get_password(account.name) if account.has_password else None
        totp = secrets.get_totp(account.name) if account.has_totp else None
        self_sign_in = not account.has_password and not sessions.has_session(account.name)
        return self_sign_in, SandboxSignIn(password, totp)

    # --- the procedure -------------------------------------------------------------------------------
    async def collect(self, context: BrowserContext, page: Page, flow: PlatformFlow, account_name: str,
                      sandbox: SandboxAccount | None, variant: str | None, read: Reader) -> AccountSnapshot:
        account = self.accounts.get(account_name)
        if account is None:  # an unregistered simulated account (`scan --sandbox`): nothing to sign in
            return await read()
        try:
            state = sessions.load_session(account.name)
        except SessionError as exc:
            return _failed(flow, account.name, variant,
                           account_error("session_unreadable", account.name, flow.name, str(exc)))
        except KeyringUnavailable as exc:
            return _failed(flow, account.name, variant, account_error(
                "keyring_unavailable", account.name, flow.name, str(exc).splitlines()[0]))
        if state is not None:
            await restore_session(context, state)
            how = "session"
        elif sandbox is not None and sandbox.signed_in:
            how = "sandbox"
        elif account.has_password:
            error = await self._sign_in(page, flow, account, sandbox)
            if error is not None:
                return _failed(flow, account.name, variant, error)
            how = "password"
        else:
            return _failed(flow, account.name, variant, account_error("not_signed_in", account.name, flow.name))
        self._log(account.name, f"start:{how}")
        snapshot = await read()
        if snapshot.error is not None and snapshot.error.kind == PageOutcome.SIGNED_OUT.value and how != "password":
            if account.has_password:
                self._log(account.name, "session_expired")
                error = await self._sign_in(page, flow, account, sandbox)
                if error is not None:
                    return _failed(flow, account.name, variant, error)
                how = "password"
                snapshot = await read()
            else:
                snapshot.error = account_error("session_expired", account.name, flow.name)
        self._explain(snapshot, account, flow)
        if snapshot.error is None and how in ("session", "password") and self.save_sessions:
            try:
                sessions.save_session(account.name, await context.storage_state())
                self._log(account.name, "session_saved")
            except StateNotWritable as exc:  # the readings stand; only the next sign-in is not saved
                logging.getLogger("privacyguard").warning("%s; the account was read all the same", exc)
        return snapshot

    def _explain(self, snapshot: AccountSnapshot, account: Account, flow: PlatformFlow) -> None:
        """Say what a wall met while reading means for this account, and pause automation where due."""
        error = snapshot.error
        if error is None:
            return
        if error.kind in ("checkpoint", "rate_limited"):
            snapshot.error = account_error(error.kind, account.name, flow.name)
        if snapshot.error is not None and snapshot.error.kind in PAUSES_AUTOMATION:
            self._pause(account, snapshot.error.kind)

    def _pause(self, account: Account, kind: str) -> None:
        paused = account.model_copy(update={"sign_in_paused": f"{kind} on {now_utc().date().isoformat()}"})
        self.accounts[account.name] = paused
        update_account(paused)

    async def _sign_in(self, page: Page, flow: PlatformFlow, account: Account,
                       sandbox: SandboxAccount | None) -> AccountError | None:
        if account.sign_in_paused:
            return account_error("sign_in_paused", account.name, flow.name, account.sign_in_paused)
        username = account.username or (account.name if sandbox is not None else None)
        if not username:
            return account_error("no_username", account.name, flow.name)
        try:
            password = secrets.get_password(account.name)
            totp_secret = secrets.get_totp(account.name) if account.has_totp else None
        except KeyringUnavailable as exc:
            return account_error("keyring_unavailable", account.name, flow.name, str(exc).splitlines()[0])
        if not password:
            return account_error("sign_in_failed", account.name, flow.name, _("the password is not in the keyring"))
        credentials = Credentials(username, password, secrets.totp_for(totp_secret) if totp_secret else None)
        del password, totp_secret
        steps: list[str] = []
        error = await sign_in(page, flow, account.name, credentials, steps)
        for step in steps:
            self._log(account.name, step)
        self._log(account.name, f"sign_in:{error.kind if error else 'ok'}")
        if error is not None and error.kind in PAUSES_AUTOMATION:
            self._pause(account, error.kind)
        return error
