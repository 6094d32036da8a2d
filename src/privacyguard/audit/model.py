"""AUDIT.json: the merged result of an organisation audit, from `audit collect` or `audit run`.

Both produce the same model, so `audit report` (matrix, rates, trend) works on either. It keeps
only canonical values, statuses and reasons: no secrets, no page content.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError

from privacyguard import __version__
from privacyguard.audit.roster import RosterProblem
from privacyguard.catalogue import Catalogue
from privacyguard.errors import BundleError
from privacyguard.files import write_output
from privacyguard.findings import Finding, Status
from privacyguard.i18n import _, pick
from privacyguard.loaders import load_json
from privacyguard.policy import Policy
from privacyguard.snapshot import now_utc

AUDIT_FORMAT = "privacyguard-audit"
AUDIT_VERSION = 1
# `audit collect` of 10,000 bundles (20,000 accounts) writes 66 MB: far over the loader's 16 MiB for
# files people write, which would leave `audit report` unable to read it.
AUDIT_MAX_BYTES = 512 * 1024 * 1024


class RuleInfo(BaseModel):
    """A matrix column: one rule of the policy."""

    setting: str
    platform: str
    title: str
    level: str = "shall"
    severity: str = "medium"


class Cell(BaseModel):
    """One rule on one account."""

    setting: str
    status: Status
    expected: str | None = None
    actual: str | None = None
    reason: str = ""


class AuditAccount(BaseModel):
    """One roster account with its result."""

    person: str
    team: str = ""
    email: str = ""
    platform: str
    account: str
    sandbox: str | None = None
    roster_line: int | None = None
    source: str = Field(description="The bundle file it came from, or the browser that scanned it.")
    collected_at: datetime | None = None
    status: Status
    error: str | None = None
    cells: list[Cell] = Field(default_factory=list)


class Missing(BaseModel):
    """A roster account with no result: not handed in, or not in the person's bundle."""

    person: str
    team: str = ""
    email: str = ""
    platform: str
    account: str
    roster_line: int | None = None
    reason: str


class Rejected(BaseModel):
    """A bundle that was not merged, and why."""

    file: str
    reason: str
    who: str | None = None


class Endpoint(BaseModel):
    """A browser used by a central run."""

    endpoint: str
    status: Literal["used", "unreachable", "lost"]
    accounts: int = 0
    reason: str | None = None


class PolicyInfo(BaseModel):
    name: str
    sha256: str
    source: str | None = None


class Audit(BaseModel):
    format: Literal["privacyguard-audit"] = AUDIT_FORMAT
    format_version: int = AUDIT_VERSION
    kind: Literal["collect", "run"]
    created_at: datetime = Field(default_factory=now_utc)
    tool: dict[str, str] = Field(default_factory=lambda: {"name": "privacyguard", "version": __version__})
    catalogue: dict[str, str] = Field(default_factory=dict)
    policies: list[PolicyInfo] = Field(default_factory=list)
    roster: str
    rules: list[RuleInfo] = Field(default_factory=list)
    accounts: list[AuditAccount] = Field(default_factory=list)
    missing: list[Missing] = Field(default_factory=list)
    rejected: list[Rejected] = Field(default_factory=list)
    roster_problems: list[RosterProblem] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    endpoints: list[Endpoint] = Field(default_factory=list)
    duration_seconds: float | None = None

    def statuses(self) -> set[Status]:
        return {a.status for a in self.accounts} | {c.status for a in self.accounts for c in a.cells}

    def exit_code(self) -> int:
        """0 all passing, 1 some FAIL, 2 nothing failed but something unverified (incl. not handed in)."""
        statuses = self.statuses()
        if Status.FAIL in statuses:
            return 1
        if statuses & {Status.UNKNOWN, Status.ERROR} or self.missing:
            return 2
        return 0

    def save(self, path: Path, option: str | None = "--out") -> None:
        write_output(path, self.model_dump_json(indent=2) + "\n", option)

    @classmethod
    def load(cls, path: Path) -> Audit:
        data: Any = load_json(path, BundleError, max_bytes=AUDIT_MAX_BYTES)
        if not isinstance(data, dict) or data.get("format") != AUDIT_FORMAT:
            raise BundleError(path, None, _("not a privacyguard audit (made by `audit collect` or `audit run`)"))
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            first = exc.errors(include_url=False)[0]
            where = ".".join(str(p) for p in first["loc"])
            raise BundleError(path, None, f"malformed audit: {where}: {first['msg']}") from None


def rules_of(policy: Policy, catalogue: Catalogue, lang: str = "en") -> list[RuleInfo]:
    """Matrix columns for a resolved policy, in catalogue order (platform by platform)."""
    order = {sid: i for i, sid in enumerate(catalogue.setting_ids)}
    rules = sorted(policy.rules.values(), key=lambda r: order.get(r.setting, len(order)))
    return [RuleInfo(setting=r.setting, platform=catalogue.setting(r.setting).platform,
                     title=pick(catalogue.setting(r.setting).title, lang), level=r.level.value,
                     severity=r.severity.value) for r in rules]


def cells_of(findings: list[Finding] | list[Any]) -> list[Cell]:
    """Matrix cells from findings (report findings or bundle findings)."""
    return [Cell(setting=f.setting, status=f.status, expected=f.expected, actual=f.actual, reason=f.reason)
            for f in findings]
