"""Saved browser sessions: as good as a password, so encrypted at rest.

A session is Playwright's storage state (cookies and local storage) of a signed-in browser
context. It is written to `<home>/sessions/<account>.bin` (mode 0600, folder 0700), encrypted
with Fernet (AES-128-CBC with an HMAC-SHA256, from `cryptography`); the key is a random one per
account, kept in the keyring (`NAME/session-key`). Without the keyring entry the file is useless.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken

from privacyguard import secrets
from privacyguard.errors import SessionError
from privacyguard.files import write_state
from privacyguard.home import privacyguard_home
from privacyguard.i18n import _
from privacyguard.snapshot import now_utc

FORMAT = 1


def sessions_dir() -> Path:
    """Where sessions are kept; made (0700) only when a session is saved, so reading needs no write."""
    return privacyguard_home() / "sessions"


def session_path(account: str) -> Path:
    return sessions_dir() / f"{account}.bin"


def has_session(account: str) -> bool:
    return session_path(account).is_file()


def saved_at(account: str) -> datetime | None:
    """When the session was last saved (from the file, so no keyring access is needed)."""
    path = session_path(account)
    if not path.is_file():
        return None
    return datetime.fromtimestamp(path.stat().st_mtime, UTC).replace(microsecond=0)


def _fernet(account: str, create: bool) -> Fernet | None:
    key = secrets.get_session_key(account)
    if key is None:
        if not create:
            return None
        key = Fernet.generate_key().decode("ascii")
        secrets.set_session_key(account, key)
    return Fernet(key.encode("ascii"))


def save_session(account: str, storage_state: dict[str, Any]) -> Path:
    """Encrypt and write a browser session (atomically, never readable by others)."""
    fernet = _fernet(account, create=True)
    assert fernet is not None
    payload = json.dumps({"format": FORMAT, "saved_at": now_utc().isoformat(), "state": storage_state})
    token = fernet.encrypt(payload.encode("utf-8"))
    return write_state(session_path(account), token,
                       _("the saved browser session of {account!r}").format(account=account))


def load_session(account: str) -> dict[str, Any] | None:
    """The saved storage state, or None when there is none. SessionError when it cannot be opened."""
    path = session_path(account)
    if not path.is_file():
        return None
    fernet = _fernet(account, create=False)
    if fernet is None:
        raise SessionError(_("the saved session of {account!r} cannot be opened: its key is not in the keyring; "
                             "run privacyguard login {account}").format(account=account))
    try:
        payload = json.loads(fernet.decrypt(path.read_bytes()))
    except (InvalidToken, ValueError):
        raise SessionError(_("the saved session of {account!r} is damaged or was encrypted with another key; "
                             "run privacyguard login {account}").format(account=account)) from None
    state = payload.get("state")
    if not isinstance(state, dict):
        raise SessionError(_("the saved session of {account!r} is damaged; run privacyguard login {account}").format(
            account=account))
    return state


def delete_session(account: str) -> bool:
    """Remove the session file (its key goes with the account's other secrets)."""
    path = session_path(account)
    if path.is_file():
        path.unlink()
        return True
    return False
