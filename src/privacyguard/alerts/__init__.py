"""Alerts after a sweep: webhook, e-mail, desktop. A failed alert is reported, never fatal.

Targets are written `webhook:URL`, `email:ADDRESS` or `desktop` (on the command line with
--notify, or in config.toml under [alerts] notify). They are checked before the sweep starts.
"""

from __future__ import annotations

from typing import Protocol

from privacyguard.alerts.desktop import DesktopNotifier
from privacyguard.alerts.mail import EmailNotifier, check_address
from privacyguard.alerts.payload import Alert, build_alert, should_alert
from privacyguard.alerts.webhook import WebhookNotifier, check_url
from privacyguard.config import Config, shown_target
from privacyguard.errors import BadInput
from privacyguard.history.models import AlertOutcome
from privacyguard.i18n import _
from privacyguard.snapshot import now_utc


class Notifier(Protocol):
    @property
    def label(self) -> str: ...

    def send(self, alert: Alert) -> AlertOutcome: ...


def parse_target(text: str, config: Config) -> Notifier:
    """One --notify target → a notifier; bad input (exit 3) if it cannot work."""
    kind, _sep, rest = text.strip().partition(":")
    kind = kind.lower()
    if kind == "webhook":
        alerts = config.alerts
        return WebhookNotifier(check_url(rest), alerts.webhook_retries, alerts.webhook_backoff_seconds,
                               alerts.webhook_timeout_seconds)
    if kind == "email":
        if config.smtp is None:
            where = config.path or _("config.toml under the privacyguard home")
            raise BadInput(_("{target}: e-mail alerts need an [smtp] section with host in {path} "
                             "(docs/config.md)").format(target=text, path=where))
        return EmailNotifier(check_address(rest), config.smtp)
    if kind == "desktop" and not rest:
        return DesktopNotifier()
    raise BadInput(_("alert target {target!r}: use webhook:URL, email:ADDRESS or desktop").format(
        target=shown_target(text)))


def parse_targets(texts: list[str], config: Config) -> list[Notifier]:
    return [parse_target(t, config) for t in dict.fromkeys(texts)]


def send_all(notifiers: list[Notifier], alert: Alert) -> list[AlertOutcome]:
    """Send to every target; one target's failure (even a bug) never stops the others."""
    outcomes = []
    for notifier in notifiers:
        try:
            outcomes.append(notifier.send(alert))
        except Exception as exc:  # an alert must never lose the sweep
            outcomes.append(AlertOutcome(target=notifier.label, ok=False, error=f"{type(exc).__name__}",
                                         sent_at=now_utc()))
    return outcomes


__all__ = ["Alert", "AlertOutcome", "DesktopNotifier", "EmailNotifier", "Notifier", "WebhookNotifier", "build_alert",
           "parse_targets", "send_all", "should_alert"]
