"""Webhook alerts: the alert as JSON, POSTed; retried with exponential backoff on failure."""

from __future__ import annotations

import base64
import hashlib
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit, urlunsplit

from privacyguard import __version__
from privacyguard.alerts.payload import Alert
from privacyguard.errors import BadInput, KeyringUnavailable
from privacyguard.history.models import AlertOutcome
from privacyguard.i18n import _
from privacyguard.redaction import redact_url
from privacyguard.secrets import delete_entry, get_entry, set_entry
from privacyguard.snapshot import now_utc

RETRY_STATUSES = {408, 425, 429, 500, 502, 503, 504}
# `webhook:keyring:REF`: a webhook URL kept in the keyring, so that a scheduled job's command line
# (systemd unit, crontab, plist, task XML) never carries its token or password.
STORED = "keyring:"
_ENTRY = "schedule/webhook/"


def is_secret_url(url: str) -> bool:
    """Whether a URL holds more than scheme, host and port (a path, query or user-info may be a secret)."""
    return redact_url(url) != url


def store_webhook(url: str) -> tuple[str, str]:
    """Keep a webhook URL in the keyring; returns (`keyring:REF` for the job, the keyring entry name)."""
    ref = hashlib.sha256(url.encode()).hexdigest()[:16]
    try:
        set_entry(_ENTRY + ref, url, _("the webhook URL of the scheduled sweep"))
    except KeyringUnavailable as exc:
        raise KeyringUnavailable(_(
            "webhook:{url}: a scheduled job never carries a webhook URL's token or password on its command line, "
            "and it cannot be kept in the keyring: put the target in config.toml under [alerts] notify instead "
            "(the job reads it there at each run).").format(url=redact_url(url)) + f"\n{exc}") from None
    return STORED + ref, _ENTRY + ref


def forget_webhook(entry: str) -> None:
    if entry.startswith(_ENTRY):
        delete_entry(entry)


def resolve(url: str) -> str:
    """A `keyring:REF` reference → the URL stored for it (bad input when it is gone)."""
    if not url.startswith(STORED):
        return url
    stored = get_entry(_ENTRY + url[len(STORED):], _("the webhook URL of the scheduled sweep"))
    if stored is None:
        raise BadInput(_("webhook:{url}: no such webhook in the keyring any more; run "
                         "`privacyguard schedule install --notify webhook:URL` again").format(url=url))
    return stored


def check_url(url: str) -> str:
    url = resolve(url)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadInput(f"webhook:{redact_url(url)}: " + _("a webhook needs an http:// or https:// URL"))
    return url


def split_credentials(url: str) -> tuple[str, str | None]:
    """`https://user:pw@host/p` → (`https://host/p`, HTTP Basic `Authorization` value), as curl and
    browsers do: user-info in a URL is never sent as part of the host (urllib would try to resolve it)."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url, None
    host = parts.netloc.rpartition("@")[2]
    credentials = f"{unquote(parts.username or '')}:{unquote(parts.password or '')}".encode()
    bare = urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))
    return bare, "Basic " + base64.b64encode(credentials).decode("ascii")


@dataclass
class WebhookNotifier:
    url: str
    retries: int = 3
    backoff_seconds: float = 2.0
    timeout_seconds: float = 10.0
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)

    @property
    def label(self) -> str:
        return f"webhook:{redact_url(self.url)}"

    def _post(self, body: bytes) -> None:
        url, authorization = split_credentials(self.url)
        headers = {"Content-Type": "application/json", "User-Agent": f"privacyguard/{__version__}"}
        if authorization:
            headers["Authorization"] = authorization
        request = urllib.request.Request(url, data=body, method="POST", headers=headers)
        with urllib.request.urlopen(request, timeout=self.timeout_seconds) as response:
            response.read()

    def send(self, alert: Alert) -> AlertOutcome:
        body = json.dumps(alert.model_dump(mode="json")).encode()
        attempts, error = 0, None
        for attempt in range(self.retries + 1):
            attempts = attempt + 1
            try:
                self._post(body)
                return AlertOutcome(target=self.label, ok=True, attempts=attempts, sent_at=now_utc())
            except urllib.error.HTTPError as exc:
                error = f"HTTP {exc.code}"
                if exc.code not in RETRY_STATUSES:
                    break
            except (urllib.error.URLError, TimeoutError, OSError) as exc:
                reason = getattr(exc, "reason", exc)
                error = f"{type(exc).__name__}: {reason}".replace(self.url, redact_url(self.url))
            if attempt < self.retries:
                self.sleep(self.backoff_seconds * (2 ** attempt))
        return AlertOutcome(target=self.label, ok=False, attempts=attempts, error=error, sent_at=now_utc())
