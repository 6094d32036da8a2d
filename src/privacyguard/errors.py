"""The whole exception tree, in one place (as httpx does).

Every error privacyguard raises on purpose derives from :class:`PrivacyGuardError`. The CLI
turns :class:`BadInput` into exit code 3 with one message and no traceback. Messages never
carry secrets: callers must not put passwords, cookies or tokens into them.
"""

from __future__ import annotations

from collections.abc import Iterable

from privacyguard.i18n import _


class PrivacyGuardError(Exception):
    """Base of every deliberate privacyguard error."""


class BadInput(PrivacyGuardError):
    """A file or argument the user gave is wrong (exit code 3)."""


def unknown_format(fmt: str, formats: Iterable[str]) -> str:
    """'unknown format X; choose one of: …', said the same way by every command that writes reports."""
    return _("unknown format {name!r}; choose one of: {formats}").format(name=fmt, formats=", ".join(formats))


class FileFormatError(BadInput):
    """A YAML/JSON file the user wrote is malformed; the message names file, line and problem."""

    def __init__(self, path: object, line: int | None, problem: str) -> None:
        self.path = str(path)
        self.line = line
        self.problem = problem
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {problem}")


class FlowFileError(FileFormatError):
    """A flow file (flows/<platform>.yaml) is invalid."""


class PolicyError(FileFormatError):
    """A policy file is invalid."""


class SnapshotError(FileFormatError):
    """A saved snapshot cannot be read."""


class FixtureError(FileFormatError):
    """A sandbox fixture variant is invalid."""


class NothingToScan(BadInput):
    """No account matches what was asked for (nothing registered, or none on the chosen platforms)."""


class UnknownName(BadInput):
    """An unknown setting, platform, policy, variant or account name; carries a suggestion."""


class BrowserNotFound(PrivacyGuardError):
    """No usable Chromium/Chrome was found; the message says how to get one."""


class CollectError(PrivacyGuardError):
    """Collection of one account failed (kept per account; never stops the others)."""


class RegistryError(FileFormatError):
    """The account registry (accounts.json under the home) is damaged."""


class JournalError(FileFormatError):
    """A fix journal (fixes/<run>.json under the home) is damaged: exit 3 naming it, never a traceback."""


class ScheduleRecordError(FileFormatError):
    """schedule.json under the home (what `schedule install` installed) is damaged."""


class ConfigError(FileFormatError):
    """config.toml under the home is invalid (exit 3, names file and line)."""


class HistoryError(BadInput):
    """The history database cannot be used: written by a newer privacyguard, damaged, or no such sweep."""


class ScheduleError(PrivacyGuardError):
    """The OS scheduler (systemd, cron, launchd, Task Scheduler) is missing or refused a change."""


class KeyringUnavailable(PrivacyGuardError):
    """No usable OS keyring: secrets cannot be stored or read. The message says how to get one.

    privacyguard never falls back to keeping secrets in a plain file.
    """


class SecretError(BadInput):
    """A secret given on stdin or at the prompt is unusable (e.g. not a TOTP secret); never quotes it."""


class SessionError(PrivacyGuardError):
    """A saved browser session cannot be used (its key is gone from the keyring, or the file is damaged)."""


class SignInError(PrivacyGuardError):
    """`privacyguard login` could not complete (no display, timed out, browser closed)."""


class RosterError(FileFormatError):
    """An audit roster cannot be used at all (unreadable, bad header, no valid row)."""


class BundleError(FileFormatError):
    """An audit bundle or audit file is malformed; in `audit collect` it rejects that bundle only."""


class AuditKeyError(BadInput):
    """An audit signing key file is missing, unreadable or too short."""


class BrowserUnavailable(PrivacyGuardError):
    """No browser could be started or reached (every --browser-endpoint failed)."""


class StateNotWritable(PrivacyGuardError):
    """privacyguard cannot write its own state (a read-only or full home); names what and where."""
