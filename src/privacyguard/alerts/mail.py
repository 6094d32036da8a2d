"""E-mail alerts over SMTP: server settings from config.toml, the password from the keyring."""

from __future__ import annotations

import re
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from privacyguard.alerts.payload import Alert
from privacyguard.config import SmtpConfig
from privacyguard.errors import BadInput, KeyringUnavailable
from privacyguard.history.models import AlertOutcome
from privacyguard.i18n import _
from privacyguard.snapshot import now_utc

ADDRESS = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+$|^[^@\s<>,;]+@localhost$")


def check_address(address: str) -> str:
    if not ADDRESS.match(address):
        raise BadInput(f"email:{address}: " + _("not an e-mail address"))
    return address


@dataclass
class EmailNotifier:
    address: str
    smtp: SmtpConfig

    @property
    def label(self) -> str:
        return f"email:{self.address}"

    def message(self, alert: Alert) -> EmailMessage:
        msg = EmailMessage()
        msg["Subject"] = alert.headline
        msg["From"] = self.smtp.from_address
        msg["To"] = self.address
        msg["Date"] = formatdate(localtime=True)
        msg["Message-ID"] = make_msgid(domain="privacyguard.invalid")
        msg.set_content(alert.text())
        return msg

    def send(self, alert: Alert) -> AlertOutcome:
        try:
            password = self.smtp.password()
        except KeyringUnavailable:
            return AlertOutcome(target=self.label, ok=False, sent_at=now_utc(),
                                error=_("no usable keyring to read the SMTP password from (see `privacyguard doctor`)"))
        if self.smtp.user and password is None:
            return AlertOutcome(target=self.label, ok=False, error=_(
                "no SMTP password in the keyring for {user}; run `privacyguard config set-smtp-password`").format(
                user=self.smtp.user), sent_at=now_utc())
        try:
            context = ssl.create_default_context()
            if self.smtp.ssl:
                client: smtplib.SMTP = smtplib.SMTP_SSL(self.smtp.host, self.smtp.port,
                                                        timeout=self.smtp.timeout_seconds, context=context)
            else:
                client = smtplib.SMTP(self.smtp.host, self.smtp.port, timeout=self.smtp.timeout_seconds)
            with client:
                client.ehlo()
                if self.smtp.starttls and not self.smtp.ssl:
                    client.starttls(context=context)
                    client.ehlo()
                if self.smtp.user and password is not None:
                    client.login(self.smtp.user, password)
                client.send_message(self.message(alert))
        except (TimeoutError, smtplib.SMTPException, OSError, ssl.SSLError) as exc:
            detail = str(exc).replace(password, "***") if password else str(exc)
            return AlertOutcome(target=self.label, ok=False, error=f"{type(exc).__name__}: {detail}"[:300],
                                sent_at=now_utc())
        return AlertOutcome(target=self.label, ok=True, sent_at=now_utc())
