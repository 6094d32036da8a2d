"""Accounts together with their secrets: register, update, forget. The CLI's `accounts` calls these.

The registry (privacyguard.accounts) never holds a secret; it only records that one exists
(`has_password`, `has_totp`). Secrets go to the keyring (privacyguard.secrets) before the registry
is written, so a failing keyring leaves nothing half-registered.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime

from privacyguard import secrets, sessions
from privacyguard.accounts import Account, add_account, get_account, list_accounts, load_registry, remove_account
from privacyguard.accounts import update_account as save_account
from privacyguard.catalogue import Catalogue
from privacyguard.errors import BadInput, KeyringUnavailable
from privacyguard.i18n import _, ngettext


def needs_username() -> str:
    return _("automated sign-in needs the sign-in name: add --username (e-mail or phone)")


def register(account: Account, catalogue: Catalogue, password: str | None = None,
             totp_secret: str | None = None) -> Account:
    """Add an account; store its password and TOTP secret in the keyring first."""
    if account.name in load_registry().accounts:
        raise BadInput(_("account {name!r} already exists; remove it first or use `accounts update`").format(
            name=account.name))
    catalogue.platform(account.platform)
    if password is not None and account.sandbox is None and not account.username:
        raise BadInput(needs_username())
    normalised = secrets.normalise_totp(totp_secret) if totp_secret is not None else None
    if password is not None or normalised is not None:
        secrets.require_keyring()
    stored: list[str] = []
    try:
        if password is not None:
            secrets.set_password(account.name, password)
            stored.append("password")
        if normalised is not None:
            secrets.set_totp(account.name, normalised)
            stored.append("totp")
        account = account.model_copy(update={"has_password": password is not None,
                                             "has_totp": normalised is not None})
        return add_account(account, catalogue)
    except BaseException:
        if stored:
            with contextlib.suppress(Exception):
                secrets.delete_all(account.name)
        raise


def update(name: str, *, username: str | None = None, password: str | None = None, totp_secret: str | None = None,
           forget_password: bool = False, forget_totp: bool = False, forget_session: bool = False) -> Account:
    """Change an account's sign-in name or secrets. A new secret lets automated sign-in try again."""
    account = get_account(name)
    if password is not None and forget_password:
        raise BadInput(_("give a new password or --forget-password, not both"))
    if totp_secret is not None and forget_totp:
        raise BadInput(_("give a new TOTP secret or --forget-totp, not both"))
    changes: dict[str, object] = {}
    if username is not None:
        changes["username"] = username
    will_have_password = (password is not None or account.has_password) and not forget_password
    if will_have_password and account.sandbox is None and not (username or account.username):
        raise BadInput(needs_username())
    if password is not None:
        secrets.set_password(name, password)
        changes.update(has_password=True, sign_in_paused=None)
    if totp_secret is not None:
        secrets.set_totp(name, totp_secret)
        changes.update(has_totp=True, sign_in_paused=None)
    if forget_password:
        secrets.require_keyring()
        secrets.delete_password(name)
        changes["has_password"] = False
    if forget_totp:
        secrets.require_keyring()
        secrets.delete_totp(name)
        changes["has_totp"] = False
    if forget_session:
        sessions.delete_session(name)
    updated = account.model_copy(update=changes)
    save_account(updated)
    return updated


@dataclass
class Forgotten:
    account: Account
    session_removed: bool
    secrets_removed: list[str]
    keyring_problem: str | None = None


def forget(name: str) -> Forgotten:
    """Remove an account, its saved session and its secrets in the keyring."""
    account = remove_account(name)
    session_removed = sessions.delete_session(name)
    removed: list[str] = []
    problem = None
    needs_keyring = account.has_password or account.has_totp or session_removed
    try:
        removed = secrets.delete_all(name) if needs_keyring else []
    except KeyringUnavailable as exc:
        problem = str(exc).splitlines()[0]
    return Forgotten(account, session_removed, removed, problem)


@dataclass
class AccountStatus:
    account: Account
    session_saved_at: datetime | None

    @property
    def kind(self) -> str:
        return f"sandbox: {self.account.sandbox}" if self.account.sandbox else "real"


def statuses() -> list[AccountStatus]:
    """Every account with what it has for signing in (no keyring access needed)."""
    return [AccountStatus(a, sessions.saved_at(a.name)) for a in list_accounts()]


def age(moment: datetime | None, now: datetime) -> str:
    """'3 days', '5 hours', '12 minutes', or '—'."""
    if moment is None:
        return "—"
    seconds = max(0, int((now - moment).total_seconds()))
    if seconds >= 86400:
        return ngettext("{n} day", "{n} days", seconds // 86400).format(n=seconds // 86400)
    if seconds >= 3600:
        return ngettext("{n} hour", "{n} hours", seconds // 3600).format(n=seconds // 3600)
    if seconds >= 60:
        return ngettext("{n} minute", "{n} minutes", seconds // 60).format(n=seconds // 60)
    return _("just now")
