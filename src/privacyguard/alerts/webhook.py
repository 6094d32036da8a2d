"""Webhook alerts: the alert as JSON, POSTed; retried with exponential backoff on failure."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from privacyguard import __version__
from privacyguard.alerts.payload import Alert
from privacyguard.errors import BadInput
from privacyguard.history.models import AlertOutcome
from privacyguard.redaction import redact_url
from privacyguard.snapshot import now_utc

RETRY_STATUSES = {408, 425, 429, 500, 502, 503, 504}


def check_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadInput(f"webhook:{redact_url(url)}: a webhook needs an http:// or https:// URL")
    return url


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
        request = urllib.request.Request(self.url, data=body, method="POST", headers={
            "Content-Type": "application/json", "User-Agent": f"privacyguard/{__version__}"})
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
