"""The config file: config.toml under the privacyguard home (docs/config.md).

It holds the sweep's defaults, the alert targets and the SMTP server. It never holds a secret:
the SMTP password lives in the keyring (`privacyguard config set-smtp-password`). A missing file
means defaults; a malformed one is bad input (exit 3) naming the file and line.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import keyring
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from privacyguard.errors import BadInput, ConfigError
from privacyguard.home import privacyguard_home
from privacyguard.loaders import parse_toml, read_text

KEYRING_SERVICE = "privacyguard"
CONFIG_NAME = "config.toml"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class SweepConfig(_Section):
    policy: str = Field(default="recommended", description="Built-in profile or policy file for sweeps.")
    lang: str = "en"
    accounts: list[str] = Field(default_factory=list, description="Accounts to sweep; empty: every registered one.")
    trend_length: int = Field(default=12, ge=2, le=520, description="Past sweeps shown in the trend chart.")


class AlertsConfig(_Section):
    notify: list[str] = Field(default_factory=list, description="Targets: webhook:URL, email:ADDRESS, desktop.")
    webhook_retries: int = Field(default=3, ge=0, le=10)
    webhook_backoff_seconds: float = Field(default=2.0, ge=0, le=300)
    webhook_timeout_seconds: float = Field(default=10.0, gt=0, le=300)


class SmtpConfig(_Section):
    host: str
    port: int = Field(default=587, ge=1, le=65535)
    user: str | None = None
    sender: str | None = Field(default=None, alias="from")
    starttls: bool = True
    ssl: bool = Field(default=False, description="SMTP over TLS from the start (port 465); excludes starttls.")
    timeout_seconds: float = Field(default=20.0, gt=0, le=300)

    @property
    def from_address(self) -> str:
        return self.sender or self.user or "privacyguard@localhost"

    @property
    def keyring_user(self) -> str:
        return f"smtp:{self.user}@{self.host}"

    def password(self) -> str | None:
        """The SMTP password from the keyring (None when no user is configured or none is stored)."""
        if not self.user:
            return None
        return keyring.get_password(KEYRING_SERVICE, self.keyring_user)


class Config(_Section):
    sweep: SweepConfig = Field(default_factory=SweepConfig)
    alerts: AlertsConfig = Field(default_factory=AlertsConfig)
    smtp: SmtpConfig | None = None
    path: Path | None = Field(default=None, exclude=True)


def config_path() -> Path:
    return privacyguard_home() / CONFIG_NAME


_TABLE = re.compile(r"^\s*\[\s*([A-Za-z0-9_.\-\"' ]+?)\s*\]\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-\"']+)\s*=")


def line_of(text: str, loc: tuple[Any, ...]) -> int | None:
    """The line of a key path like ('smtp', 'port') in TOML text; the table's header for a missing key."""
    names = [str(p) for p in loc if isinstance(p, str)]
    if not names:
        return None
    current: list[str] = []
    headers: dict[tuple[str, ...], int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if match := _TABLE.match(line):
            current = [p.strip().strip("\"'") for p in match.group(1).split(".")]
            headers.setdefault(tuple(current), number)
            continue
        depth = len(current)
        if depth < len(names) and current == names[:depth] and (match := _KEY.match(line)) \
                and match.group(1).strip("\"'") == names[depth]:
            return number
    for depth in range(len(names), 0, -1):
        if tuple(names[:depth]) in headers:
            return headers[tuple(names[:depth])]
    return None


def load_config(path: Path | None = None) -> Config:
    """Read config.toml (defaults when it does not exist)."""
    path = path or config_path()
    if not path.exists():
        return Config(path=None)
    text = read_text(path, ConfigError)
    data = parse_toml(text, path, ConfigError)
    smtp = data.get("smtp")
    if isinstance(smtp, dict) and "password" in smtp:
        raise ConfigError(path, line_of(text, ("smtp", "password")),
                          "never put the SMTP password in this file: store it in the keyring with "
                          "`privacyguard config set-smtp-password` and remove this line")
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(path, line_of(text, tuple(first["loc"])), f"{where}: {first['msg']}") from None
    if config.smtp is not None and config.smtp.ssl and config.smtp.starttls:
        config.smtp.starttls = False  # ssl wins: TLS from the first byte
    config.path = path
    return config


def set_smtp_password(config: Config, password: str) -> str:
    """Store the SMTP password in the keyring; returns the keyring entry name (not the password)."""
    if config.smtp is None or not config.smtp.user:
        where = config.path or config_path()
        raise BadInput(f"{where}: set [smtp] host and user first; the password is stored for that user")
    if not password:
        raise BadInput("empty password: nothing stored")
    keyring.set_password(KEYRING_SERVICE, config.smtp.keyring_user, password)
    return f"{KEYRING_SERVICE} / {config.smtp.keyring_user}"


def delete_smtp_password(config: Config) -> bool:
    if config.smtp is None or not config.smtp.user:
        return False
    try:
        keyring.delete_password(KEYRING_SERVICE, config.smtp.keyring_user)
    except keyring.errors.PasswordDeleteError:
        return False
    return True
