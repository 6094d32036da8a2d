"""The account registry: which accounts privacyguard looks after. It holds no secret.

Stored as accounts.json under the privacyguard home. Passwords, two-step secrets and saved
browser sessions live elsewhere (the keyring; see privacyguard.secrets).
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError, field_validator

from privacyguard.catalogue import Catalogue, suggest
from privacyguard.collect.runner import Target
from privacyguard.errors import BadInput, RegistryError, UnknownName
from privacyguard.files import write_state
from privacyguard.home import privacyguard_home
from privacyguard.i18n import _, ngettext
from privacyguard.loaders import load_json
from privacyguard.sandbox.fixtures import check_variant_name
from privacyguard.snapshot import now_utc
from privacyguard.yamlfile import problem_text

ACCOUNT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


class Account(BaseModel):
    name: str
    platform: str
    username: str | None = None
    sandbox: str | None = Field(default=None, description="Variant name for a simulated account.")
    fixtures: str | None = None
    has_password: bool = False
    has_totp: bool = False
    added_at: datetime = Field(default_factory=now_utc)
    sign_in_paused: str | None = Field(default=None, description="Why automated sign-in waits for the person "
                                       "(e.g. 'checkpoint on 2026-11-26'); cleared by `privacyguard login`.")

    @field_validator("sandbox")
    @classmethod
    def _plain_variant_name(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                check_variant_name(value)
            except BadInput as exc:
                raise ValueError(str(exc)) from None
        return value

    def target(self) -> Target:
        return Target(self.platform, self.name, self.sandbox, Path(self.fixtures) if self.fixtures else None,
                      registered=True)


class Registry(BaseModel):
    accounts: dict[str, Account] = Field(default_factory=dict)


def registry_path() -> Path:
    return privacyguard_home() / "accounts.json"


def load_registry() -> Registry:
    path = registry_path()
    if not path.exists():
        return Registry()
    data = load_json(path, RegistryError)
    try:
        return Registry.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"]) or _("(top level)")
        raise RegistryError(path, None, ngettext("the account registry is damaged: {where}: {problem} ({n} problem)",
                                                 "the account registry is damaged: {where}: {problem} ({n} problems)",
                                                 exc.error_count()).format(
            where=where, problem=problem_text(first), n=exc.error_count())) from None


def save_registry(registry: Registry) -> None:
    write_state(registry_path(), json.dumps(registry.model_dump(mode="json"), indent=2), _("the account registry"))


def add_account(account: Account, catalogue: Catalogue) -> Account:
    if not ACCOUNT_NAME.match(account.name):
        raise BadInput(_("account name {name!r}: use letters, digits, '.', '_' or '-' (max 64)").format(
            name=account.name))
    catalogue.platform(account.platform)
    registry = load_registry()
    if account.name in registry.accounts:
        raise BadInput(_("account {name!r} already exists; remove it first").format(name=account.name))
    registry.accounts[account.name] = account
    save_registry(registry)
    return account


def update_account(account: Account) -> None:
    registry = load_registry()
    registry.accounts[account.name] = account
    save_registry(registry)


def get_account(name: str) -> Account:
    registry = load_registry()
    if name not in registry.accounts:
        known = list(registry.accounts)
        raise UnknownName(_("no account {name!r}{hint}; see `privacyguard accounts list`").format(
            name=name, hint=suggest(name, known)))
    return registry.accounts[name]


def remove_account(name: str) -> Account:
    registry = load_registry()
    account = get_account(name)
    del registry.accounts[name]
    save_registry(registry)
    return account


def list_accounts() -> list[Account]:
    return sorted(load_registry().accounts.values(), key=lambda a: (a.platform, a.name))
