"""The config file: config.toml under the privacyguard home (docs/config.md).

It holds the sweep's defaults, the alert targets and the SMTP server. It never holds a secret:
the SMTP password lives in the keyring (`privacyguard config set-smtp-password`). A missing file
means defaults; a malformed one is bad input (exit 3) naming the file and line.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from privacyguard.errors import BadInput, ConfigError, KeyringUnavailable
from privacyguard.home import ENV_HOME, privacyguard_home
from privacyguard.i18n import _
from privacyguard.loaders import parse_toml, read_text
from privacyguard.redaction import redact_url
from privacyguard.secrets import SERVICE as KEYRING_SERVICE
from privacyguard.secrets import delete_entry, get_entry, set_entry
from privacyguard.yamlfile import problem_text

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
        """The SMTP password from the keyring (None when no user is configured or none is stored).

        Raises KeyringUnavailable when there is no usable keyring (never reads a plain-text one)."""
        if not self.user:
            return None
        return get_entry(self.keyring_user, _("the SMTP password"))


class Config(_Section):
    sweep: SweepConfig = Field(default_factory=SweepConfig)
    alerts: AlertsConfig = Field(default_factory=AlertsConfig)
    smtp: SmtpConfig | None = None
    path: Path | None = Field(default=None, exclude=True)


def config_path() -> Path:
    """Where config.toml is read from and belongs.

    With PRIVACYGUARD_HOME set, in that home (everything of that home in one folder). Otherwise in
    the user config folder (platformdirs: ~/.config/privacyguard on Linux), except that a config.toml
    still in the data folder, where earlier versions kept it, is read as long as there is no new one.
    """
    if os.environ.get(ENV_HOME):
        return privacyguard_home() / CONFIG_NAME
    new = Path(platformdirs.user_config_dir("privacyguard")) / CONFIG_NAME
    old = privacyguard_home() / CONFIG_NAME
    return old if old.is_file() and not new.is_file() else new


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
    if path.exists() and not path.is_file():
        raise ConfigError(path, None, _("is a folder, not a file; config.toml must be a file"))
    if not path.is_file():
        return Config(path=None)
    text = read_text(path, ConfigError)
    data = parse_toml(text, path, ConfigError)
    smtp = data.get("smtp")
    if isinstance(smtp, dict) and "password" in smtp:
        raise ConfigError(path, line_of(text, ("smtp", "password")),
                          _("never put the SMTP password in this file: store it in the keyring with "
                            "`privacyguard config set-smtp-password` and remove this line"))
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(path, line_of(text, tuple(first["loc"])), f"{where}: {problem_text(first)}") from None
    if config.smtp is not None and config.smtp.ssl and config.smtp.starttls:
        config.smtp.starttls = False  # ssl wins: TLS from the first byte
    check_values(config, path, text)
    config.path = path
    return config


def check_values(config: Config, path: Path, text: str) -> None:
    """What the types allow but privacyguard cannot use: a language, alert target, policy or account
    that does not exist. Checked at load, so every command names the file, line and key."""
    from privacyguard.accounts import list_accounts
    from privacyguard.i18n import SUPPORTED_LANGS
    from privacyguard.policy import builtin_names

    def fail(key: tuple[str, str], problem: str) -> None:
        raise ConfigError(path, line_of(text, key), f"{'.'.join(key)}: {problem}")

    if config.sweep.lang not in SUPPORTED_LANGS:
        fail(("sweep", "lang"), _("{lang!r} is not a language privacyguard speaks (choose one of: {langs})").format(
            lang=config.sweep.lang, langs=", ".join(SUPPORTED_LANGS)))
    for target in config.alerts.notify:
        problem = target_problem(target)
        if problem:
            fail(("alerts", "notify"), f"{shown_target(target)!r}: {problem}")
    policy = config.sweep.policy
    if policy not in builtin_names():
        found = Path(policy).expanduser()
        if not found.is_absolute():
            found = path.parent / found if (path.parent / found).is_file() else found
        if not found.is_file():
            fail(("sweep", "policy"), _("{name!r} is neither a built-in policy ({profiles}) nor an existing policy "
                                        "file").format(name=policy, profiles=", ".join(builtin_names())))
        config.sweep.policy = str(found)
    known = {account.name for account in list_accounts()}
    for name in config.sweep.accounts:
        if name not in known:
            fail(("sweep", "accounts"), _("no registered account {name!r}").format(name=name)
                 + suggest_name(name, sorted(known)))


def target_problem(target: str) -> str | None:
    """Why an alert target cannot work (None: it can). webhook:http(s)://host…, email:ADDRESS, desktop."""
    kind, sep, rest = target.strip().partition(":")
    kind = kind.lower()
    if kind == "webhook" and sep:
        if rest.startswith("keyring:"):
            return None
        parts = urlsplit(rest)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return _("a webhook needs an http:// or https:// URL")
        return None
    if kind == "email" and sep:
        return None if re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", rest.strip()) else _("not an e-mail address")
    if kind == "desktop" and not rest:
        return None
    return _("use webhook:URL, email:ADDRESS or desktop")


def suggest_name(name: str, known: list[str]) -> str:
    from privacyguard.catalogue import suggest

    return suggest(name, known) if known else _("; none is registered (privacyguard accounts add)")


def shown_target(target: str) -> str:
    """An alert target as it may be shown (screens, logs, job files): a webhook URL redacted."""
    kind, sep, rest = target.strip().partition(":")
    if kind.lower() == "webhook" and sep:
        return f"{kind}:{redact_url(rest)}"
    return target


def password_state(smtp: SmtpConfig) -> str:
    """Whether the SMTP password is stored, for `config show`; never fails for want of a keyring."""
    if not smtp.user:
        return _("not needed (no user)")
    try:
        return _("stored in the keyring") if smtp.password() else _("not stored")
    except KeyringUnavailable as exc:
        return _("cannot tell: {problem}").format(problem=str(exc).splitlines()[0])


def set_smtp_password(config: Config, password: str) -> str:
    """Store the SMTP password in the keyring; returns the keyring entry name (not the password)."""
    if config.smtp is None or not config.smtp.user:
        where = config.path or config_path()
        raise BadInput(_("{path}: set [smtp] host and user first; the password is stored for that user").format(
            path=where))
    if not password:
        raise BadInput(_("empty password: nothing stored"))
    set_entry(config.smtp.keyring_user, password, _("the SMTP password"))
    return f"{KEYRING_SERVICE} / {config.smtp.keyring_user}"


def delete_smtp_password(config: Config) -> bool:
    if config.smtp is None or not config.smtp.user:
        return False
    return delete_entry(config.smtp.keyring_user)
