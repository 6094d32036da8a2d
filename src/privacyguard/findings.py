"""What evaluation produces: findings per account, and the report that carries them."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

from privacyguard import __version__


class Status(StrEnum):
    PASS = "PASS"
    FAIL = "FAIL"  # a shall rule not met
    WARN = "WARN"  # a should rule not met
    UNKNOWN = "UNKNOWN"  # could not read: never counted as passing
    ERROR = "ERROR"  # collection failed
    NOT_APPLICABLE = "NOT_APPLICABLE"  # the platform no longer offers the control
    MUTED = "MUTED"  # accepted risk, with reason and expiry


# The order an account's overall status is chosen in: the first present wins.
STATUS_PRECEDENCE = [Status.FAIL, Status.ERROR, Status.UNKNOWN, Status.WARN, Status.MUTED,
                     Status.PASS, Status.NOT_APPLICABLE]


class Remediation(BaseModel):
    steps: list[str] = Field(default_factory=list)
    url: str | None = None


class Finding(BaseModel):
    uid: str
    setting: str
    title: str
    status: Status
    severity: str
    level: str
    expected: str
    actual: str | None
    reason: str
    rationale: str
    remediation: Remediation
    automatable: bool = False
    target: str | None = Field(default=None, description="The value a fix would set.")


class AccountReport(BaseModel):
    platform: str
    account: str
    status: Status
    error: str | None = None
    error_kind: str | None = Field(default=None, description="Why the account could not be collected, as a "
                                   "stable code (e.g. wrong_password, checkpoint, rate_limited; docs/accounts.md).")
    findings: list[Finding] = Field(default_factory=list)


class Report(BaseModel):
    tool: dict[str, Any] = Field(default_factory=lambda: {"name": "privacyguard", "version": __version__})
    policy: dict[str, Any] = Field(default_factory=dict)
    accounts: list[AccountReport] = Field(default_factory=list)
    summary: dict[str, int] = Field(default_factory=dict)

    def findings(self) -> list[Finding]:
        return [f for account in self.accounts for f in account.findings]

    def exit_code(self) -> int:
        """0 all passing, 1 some FAIL, 2 nothing failed but something could not be verified."""
        statuses = {f.status for f in self.findings()} | {a.status for a in self.accounts}
        if Status.FAIL in statuses:
            return 1
        if statuses & {Status.UNKNOWN, Status.ERROR}:
            return 2
        return 0


def summarise(accounts: list[AccountReport]) -> dict[str, int]:
    counts = {status.value: 0 for status in Status}
    for account in accounts:
        for finding in account.findings:
            counts[finding.status.value] += 1
    return counts


def overall_status(statuses: list[Status]) -> Status:
    for status in STATUS_PRECEDENCE:
        if status in statuses:
            return status
    return Status.UNKNOWN
