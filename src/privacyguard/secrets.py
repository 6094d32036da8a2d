"""Secrets live only in the OS keyring: passwords, two-step (TOTP) secrets and session keys.

Everything goes under the keyring service "privacyguard", one entry per account and kind
(`NAME/password`, `NAME/totp`, `NAME/session-key`). There is no fallback to a plain file: when
no usable keyring backend exists, `KeyringUnavailable` says so and how to get one.

Nothing here ever puts a secret into an exception message, a log line or a return value meant
for display.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from enum import StrEnum

import keyring
import pyotp
from keyring.errors import KeyringError, PasswordDeleteError

from privacyguard.errors import KeyringUnavailable, SecretError
from privacyguard.i18n import N_, _

SERVICE = "privacyguard"
_PROBE = "_privacyguard_probe"

# Backends that store nothing, refuse everything, or keep secrets in a readable file.
_UNUSABLE = {
    "keyring.backends.fail.Keyring": N_("no keyring backend was found"),
    "keyring.backends.null.Keyring": N_("the keyring is switched off (null backend)"),
    "keyrings.alt.file.PlaintextKeyring": N_("the configured backend keeps secrets in a plain-text file"),
    "keyrings.alt.Windows.RegistryKeyring": N_("the configured backend keeps secrets unencrypted in the registry"),
}

HOW_TO_GET_ONE = N_(  # shown translated: _(HOW_TO_GET_ONE)
    "privacyguard keeps passwords, two-step secrets and session keys only in the OS keyring, never in a plain file.\n"
    "To get a keyring:\n"
    "  - macOS (Keychain) and Windows (Credential Manager): available out of the box.\n"
    "  - Linux desktop: GNOME Keyring or KWallet, unlocked in your desktop session "
    "(e.g. sudo apt-get install gnome-keyring).\n"
    "  - Linux without a desktop (server, container): run privacyguard inside a D-Bus session with an unlocked\n"
    "    gnome-keyring-daemon; see 'Getting a keyring' in docs/accounts.md.\n"
    "  - Or choose a backend explicitly with PYTHON_KEYRING_BACKEND (see `keyring --list-backends`).")


class Kind(StrEnum):
    PASSWORD = "password"
    TOTP = "totp"
    SESSION_KEY = "session-key"


@dataclass(frozen=True)
class BackendStatus:
    name: str
    usable: bool
    problem: str | None = None


def _entry(account: str, kind: Kind) -> str:
    return f"{account}/{kind.value}"


def _backend_name(backend: object) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def backend_status() -> BackendStatus:
    """Which keyring backend is in use and whether it can store and read a secret (a round trip)."""
    backend = keyring.get_keyring()
    name = _backend_name(backend)
    for bad, why in _UNUSABLE.items():
        if name == bad:
            return BackendStatus(name, False, _(why))
    try:
        keyring.set_password(SERVICE, _PROBE, "ok")
        ok = keyring.get_password(SERVICE, _PROBE) == "ok"
        keyring.delete_password(SERVICE, _PROBE)
    except (KeyringError, OSError) as exc:  # locked, no D-Bus, refused
        return BackendStatus(name, False, f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
    except Exception as exc:  # third-party backends raise what they like (e.g. D-Bus errors)
        return BackendStatus(name, False, type(exc).__name__)
    if not ok:
        return BackendStatus(name, False, _("a value stored in the keyring could not be read back"))
    return BackendStatus(name, True)


_checked: list[object] = []  # the backend that passed the round trip (kept, so its identity is stable)


def require_keyring() -> None:
    """Raise KeyringUnavailable (with how to get one) unless the keyring can store secrets."""
    backend = keyring.get_keyring()
    if _checked and _checked[0] is backend:
        return
    status = backend_status()
    if not status.usable:
        raise KeyringUnavailable(_("no usable keyring ({name}: {problem}).").format(name=status.name,
                                                                                  problem=status.problem)
                                 + "\n" + _(HOW_TO_GET_ONE))
    _checked[:] = [backend]


def get_entry(entry: str, what: str) -> str | None:
    """Read any privacyguard secret (entry name under the service), after the same backend check."""
    require_keyring()
    try:
        return keyring.get_password(SERVICE, entry)
    except KeyringError as exc:
        raise KeyringUnavailable(_("the keyring refused to give {what} ({error}).").format(
            what=what, error=type(exc).__name__) + "\n" + _(HOW_TO_GET_ONE)) from None


def set_entry(entry: str, value: str, what: str) -> None:
    """Store any privacyguard secret: every secret goes through `require_keyring` (no plain-text backend)."""
    require_keyring()
    try:
        keyring.set_password(SERVICE, entry, value)
    except KeyringError as exc:
        raise KeyringUnavailable(_("the keyring refused to store {what} ({error}).").format(
            what=what, error=type(exc).__name__) + "\n" + _(HOW_TO_GET_ONE)) from None


def delete_entry(entry: str) -> bool:
    require_keyring()
    try:
        keyring.delete_password(SERVICE, entry)
    except PasswordDeleteError:
        return False
    return True


# What each kind of secret is called in a message ("the keyring refused to give the password of 'li'").
_SECRET_NAMES = {Kind.PASSWORD: N_("the password of {account!r}"), Kind.TOTP: N_("the TOTP secret of {account!r}"),
                 Kind.SESSION_KEY: N_("the session key of {account!r}")}


def _secret_name(account: str, kind: Kind) -> str:
    return _(_SECRET_NAMES[kind]).format(account=account)


def _get(account: str, kind: Kind) -> str | None:
    return get_entry(_entry(account, kind), _secret_name(account, kind))


def _set(account: str, kind: Kind, value: str) -> None:
    set_entry(_entry(account, kind), value, _secret_name(account, kind))


def _delete(account: str, kind: Kind) -> bool:
    return delete_entry(_entry(account, kind))


# --- passwords ---------------------------------------------------------------------------------
def set_password(account: str, password: str) -> None:
    if not password:
        raise SecretError(_("the password is empty"))
    _set(account, Kind.PASSWORD, password)


def get_password(account: str) -> str | None:
    return _get(account, Kind.PASSWORD)


def delete_password(account: str) -> bool:
    return _delete(account, Kind.PASSWORD)


# --- two-step (TOTP) secrets ---------------------------------------------------------------------
def normalise_totp(secret: str) -> str:
    """A base32 TOTP secret (spaces and case ignored) or an otpauth:// URI, checked; raises SecretError."""
    text = secret.strip()
    if text.lower().startswith("otpauth://"):
        try:
            otp = pyotp.parse_uri(text)
        except Exception:  # pyotp raises ValueError and others; the message may quote the URI
            raise SecretError(_("the two-step secret is an otpauth:// URI privacyguard cannot read")) from None
        if not isinstance(otp, pyotp.TOTP):
            raise SecretError(_("the otpauth:// URI is not a time-based (TOTP) secret"))
        _check_base32(otp.secret)
        return text
    compact = "".join(text.split()).upper().rstrip("=")
    _check_base32(compact)
    return compact


def _check_base32(secret: str) -> None:
    if len(secret) < 16:
        raise SecretError(_("the two-step secret is too short (a TOTP secret has at least 16 base32 characters)"))
    try:
        base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    except (binascii.Error, ValueError):
        raise SecretError(_("the two-step secret is not base32 (letters A-Z and digits 2-7)")) from None


def set_totp(account: str, secret: str) -> None:
    _set(account, Kind.TOTP, normalise_totp(secret))


def get_totp(account: str) -> str | None:
    return _get(account, Kind.TOTP)


def delete_totp(account: str) -> bool:
    return _delete(account, Kind.TOTP)


def totp_for(secret: str) -> pyotp.TOTP:
    """The TOTP generator for a stored secret (base32 or otpauth:// URI)."""
    if secret.lower().startswith("otpauth://"):
        otp = pyotp.parse_uri(secret)
        assert isinstance(otp, pyotp.TOTP)
        return otp
    return pyotp.TOTP(secret)


def totp_code(account: str) -> str | None:
    """The current two-step code for an account, or None when no TOTP secret is stored."""
    secret = get_totp(account)
    return totp_for(secret).now() if secret else None


# --- session keys --------------------------------------------------------------------------------
def get_session_key(account: str) -> str | None:
    return _get(account, Kind.SESSION_KEY)


def set_session_key(account: str, key: str) -> None:
    _set(account, Kind.SESSION_KEY, key)


# --- all of an account's secrets -------------------------------------------------------------------
def delete_all(account: str) -> list[str]:
    """Remove every secret of an account; returns the kinds that were there."""
    return [kind.value for kind in Kind if _delete(account, kind)]


def read_stdin_secrets(text: str, password: bool, totp: bool) -> tuple[str | None, str | None]:
    """Split what came on stdin: the password on the first line, the TOTP secret on the next.

    With only one of them asked for, the first line is it. Never echoes what it read.
    """
    lines = text.splitlines()
    wanted = int(password) + int(totp)
    if len(lines) < wanted or any(not line for line in lines[:wanted]):
        if password and totp:
            raise SecretError(_("expected the password and the TOTP secret on standard input, one per line"))
        raise SecretError(_("expected the password on standard input") if password
                          else _("expected the TOTP secret on standard input"))
    pw = lines[0] if password else None
    secret = lines[wanted - 1] if totp else None
    return pw, secret
