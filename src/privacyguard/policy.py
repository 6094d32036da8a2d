"""Policies: YAML files of rules over catalogue settings, validated with pydantic.

A policy may `extend` a built-in profile or another file; its rules override the parent's
field by field. Unknown setting ids and impossible values are errors naming file, line and a
suggestion. See docs/policies.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from privacyguard.catalogue import Catalogue, Setting, suggest, unknown_setting
from privacyguard.errors import PolicyError, UnknownName
from privacyguard.i18n import I18nText, _
from privacyguard.loaders import load_yaml
from privacyguard.resources import policies_dir
from privacyguard.yamlfile import line_for, validate_data, validation_problems

MAX_EXTENDS_DEPTH = 8


class Severity(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"


class Level(StrEnum):
    SHALL = "shall"  # not met → FAIL
    SHOULD = "should"  # not met → WARN


def _canonical(value: Any) -> Any:
    """Booleans written by habit become the catalogue's on/off."""
    if value is True:
        return "on"
    if value is False:
        return "off"
    return value


class Expect(BaseModel):
    """What a rule expects: a value, one of several (`in`), or anything but one (`not`)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)

    equals: str | None = None
    one_of: list[str] | None = Field(default=None, alias="in")
    not_: str | None = Field(default=None, alias="not")

    @model_validator(mode="before")
    @classmethod
    def _from_scalar(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {key: ([_canonical(v) for v in val] if isinstance(val, list) else _canonical(val))
                    for key, val in data.items()}
        return {"equals": _canonical(data)}

    @model_validator(mode="after")
    def _exactly_one(self) -> Expect:
        given = [name for name in ("equals", "one_of", "not_") if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError(_("expect is a value, {in: [values]} or {not: value}"))
        return self

    def values(self) -> list[str]:
        return [v for v in [self.equals, self.not_, *(self.one_of or [])] if v is not None]

    def matches(self, value: str) -> bool:
        if self.equals is not None:
            return value == self.equals
        if self.one_of is not None:
            return value in self.one_of
        return value != self.not_

    def describe(self) -> str:
        if self.equals is not None:
            return self.equals
        if self.one_of is not None:
            return "one of: " + ", ".join(self.one_of)
        return f"not: {self.not_}"

    def target(self, setting: Setting) -> str:
        """The value a fix should set: the stated one, the first listed, or the most private other."""
        if self.equals is not None:
            return self.equals
        if self.one_of:
            return self.one_of[0]
        return next(v for v in reversed(setting.values) if v != self.not_)


class RuleSpec(BaseModel):
    """A rule as written; fields left out are inherited from the parent policy."""

    model_config = ConfigDict(extra="forbid")

    expect: Expect | None = None
    severity: Severity | None = None
    level: Level | None = None
    rationale: I18nText | None = None
    remediation: I18nText | None = None


class MuteSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    setting: str
    accounts: list[str] | None = None
    reason: str = Field(min_length=1)
    until: dt.date


class PolicySpec(BaseModel):
    """A policy file as written."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    description: str | None = None
    extends: str | None = None
    rules: dict[str, RuleSpec] = Field(default_factory=dict)
    disable: list[str] = Field(default_factory=list)
    mute: list[MuteSpec] = Field(default_factory=list)

    @field_validator("rules", mode="before")
    @classmethod
    def _none_is_empty(cls, value: Any) -> Any:
        return {} if value is None else value


class Rule(BaseModel):
    """A rule after inheritance: everything filled in."""

    setting: str
    expect: Expect
    severity: Severity
    level: Level
    rationale: I18nText
    remediation: I18nText | None = None


class Mute(BaseModel):
    setting: str
    accounts: list[str] | None = None
    reason: str
    until: dt.date

    def applies_to(self, account: str) -> bool:
        return self.accounts is None or account in self.accounts

    def active(self, today: dt.date) -> bool:
        return today <= self.until


class Policy(BaseModel):
    """A resolved policy: what evaluation uses."""

    name: str
    source: str
    chain: list[str] = Field(default_factory=list)
    rules: dict[str, Rule] = Field(default_factory=dict)
    mutes: list[Mute] = Field(default_factory=list)

    def header(self) -> dict[str, Any]:
        return {"name": self.name, "source": self.source, "extends": self.chain[1:], "rules": len(self.rules),
                "sha256": self.content_hash()}

    def content_hash(self) -> str:
        """Hash of what the policy asks (resolved rules and mutes), not of its name or file: an edited file
        under the same name hashes differently, so a sweep can tell that the policy changed."""
        data = self.model_dump(mode="json", include={"rules", "mutes"})
        return hashlib.sha256(json.dumps(data, sort_keys=True, separators=(",", ":")).encode("utf-8")).hexdigest()


def builtin_names() -> list[str]:
    return sorted(p.stem for p in policies_dir().glob("*.yaml"))


def _locate(ref: str, relative_to: Path | None) -> Path:
    """A built-in profile name or a path (relative to the file that names it)."""
    if ref in builtin_names():
        return policies_dir() / f"{ref}.yaml"
    path = Path(ref).expanduser()
    if not path.is_absolute() and relative_to is not None:
        path = relative_to.parent / path
    if path.is_file():
        return path
    hint = suggest(ref, builtin_names())
    raise UnknownName(_("no policy {name!r}{hint}: not a built-in profile ({profiles}) nor a file").format(
        name=ref, hint=hint, profiles=", ".join(builtin_names())))


def _raise(problem: PolicyError) -> None:
    raise problem


def _check_against_catalogue(spec: PolicySpec, lines: dict, path: Path, catalogue: Catalogue,
                             report: Callable[[PolicyError], None] = _raise) -> None:
    """Settings and values the catalogue knows; each problem goes to `report` (default: raise the first)."""
    def fail(loc: tuple, problem: str) -> None:
        report(PolicyError(path, line_for(lines, loc), problem))

    for setting_id, rule in spec.rules.items():
        if not catalogue.has_setting(setting_id):
            fail(("rules", setting_id), unknown_setting(setting_id, catalogue.setting_ids))
            continue
        setting = catalogue.setting(setting_id)
        for value in rule.expect.values() if rule.expect else []:
            if value not in setting.values:
                fail(("rules", setting_id, "expect"),
                     _("{setting} cannot be {value!r}{hint}; its values are: {values}").format(
                         setting=setting_id, value=value, hint=suggest(str(value), setting.values),
                         values=", ".join(setting.values)))
    for index, setting_id in enumerate(spec.disable):
        if not catalogue.has_setting(setting_id):
            fail(("disable", index), unknown_setting(setting_id, catalogue.setting_ids))
    for index, mute in enumerate(spec.mute):
        if not catalogue.has_setting(mute.setting):
            fail(("mute", index, "setting"), unknown_setting(mute.setting, catalogue.setting_ids))


def _read_spec(path: Path, catalogue: Catalogue) -> PolicySpec:
    data, lines = load_yaml(path, PolicyError)
    spec = validate_data(data, lines, path, PolicySpec, PolicyError)
    _check_against_catalogue(spec, lines, path, catalogue)
    return spec


def policy_problems(path: Path, catalogue: Catalogue) -> list[PolicyError]:
    """Every problem of one policy file, for `policy validate` (loading a policy stops at the first).

    A file that is not YAML at all has one problem: nothing after the syntax error can be read.
    """
    try:
        data, lines = load_yaml(path, PolicyError)  # the one loader: encoding, size, depth, aliases
    except PolicyError as exc:
        return [exc]
    if data is None:
        return [PolicyError(path, None, _("the file is empty"))]
    problems: list[PolicyError] = []
    try:
        spec = PolicySpec.model_validate(data)
    except ValidationError as exc:
        problems = [PolicyError(path, line, problem) for line, problem in validation_problems(exc, lines)]
        spec = _what_validates(data)
    _check_against_catalogue(spec, lines, path, catalogue, problems.append)
    return sorted(problems, key=lambda p: p.line or 0)


def _what_validates(data: Any) -> PolicySpec:
    """The parts of an invalid policy that can still be checked against the catalogue: every rule's
    setting id, and the expected values of the rules that are well formed."""
    def valid(model: type[BaseModel], value: Any) -> Any:
        try:
            return model.model_validate(value)
        except ValidationError:
            return None

    rules = data.get("rules") if isinstance(data, dict) else None
    rules = rules if isinstance(rules, dict) else {}
    disable = data.get("disable") if isinstance(data, dict) else None
    return PolicySpec.model_construct(
        rules={str(k): valid(RuleSpec, v) or RuleSpec.model_construct(expect=None) for k, v in rules.items()},
        disable=[d for d in disable if isinstance(d, str)] if isinstance(disable, list) else [], mute=[])


def load_policy(ref: str | Path, catalogue: Catalogue) -> Policy:
    """Resolve a policy (built-in name or file) with everything it extends."""
    chain: list[tuple[Path, PolicySpec]] = []
    path = _locate(str(ref), None)
    while True:
        if len(chain) >= MAX_EXTENDS_DEPTH or any(p == path.resolve() for p, _ in chain):
            raise PolicyError(path, None, _("policy 'extends' chain loops or is too deep"))
        spec = _read_spec(path, catalogue)
        chain.append((path.resolve(), spec))
        if not spec.extends:
            break
        try:
            path = _locate(spec.extends, path)
        except UnknownName as exc:
            raise PolicyError(chain[-1][0], None, _("extends: {problem}").format(problem=exc)) from None

    merged: dict[str, dict[str, Any]] = {}
    mutes: list[Mute] = []
    disabled: set[str] = set()
    for _path, spec in reversed(chain):
        for setting_id, rule in spec.rules.items():
            fields = {k: v for k, v in rule.model_dump(exclude_none=True, by_alias=False).items()}
            if rule.expect is not None:
                fields["expect"] = rule.expect
            merged.setdefault(setting_id, {}).update(fields)
        disabled.update(spec.disable)
        mutes.extend(Mute(**m.model_dump()) for m in spec.mute)

    rules: dict[str, Rule] = {}
    top_path, top = chain[0]
    for setting_id, fields in merged.items():
        if setting_id in disabled:
            continue
        if "expect" not in fields:
            raise PolicyError(top_path, None, _("rule {name!r} has no 'expect' here nor in what it extends").format(
                name=setting_id))
        fields.setdefault("severity", Severity.MEDIUM)
        fields.setdefault("level", Level.SHALL)
        fields.setdefault("rationale", catalogue.setting(setting_id).title)
        rules[setting_id] = Rule(setting=setting_id, **fields)
    name = top.name or (str(ref) if str(ref) in builtin_names() else top_path.stem)
    return Policy(
        name=name,
        source=str(ref) if str(ref) in builtin_names() else str(top_path),
        chain=[spec.name or p.stem for p, spec in chain],
        rules=rules,
        mutes=mutes,
    )
