"""What a fix or undo run reports: one entry per change, a summary and an exit code (docs/fix.md)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, Field

from privacyguard import __version__
from privacyguard.findings import Report, Status

FIX_SCHEMA = 1


class Result(StrEnum):
    """How one change ended. Only `applied` means the value was read back as the target."""

    APPLIED = "applied"  # a fresh page load shows the target value
    FAILED = "failed"  # tried; the read-back is not the target (reason and read-back value given)
    MANUAL = "manual"  # automation cannot or may not change it: plain steps and a deep link
    SKIPPED = "skipped"  # the person said skip or quit; undo: changed since the fix, left alone
    PLANNED = "planned"  # dry run, or no terminal without --yes: shown, not attempted
    UNCHANGED = "unchanged"  # already had the target value when privacyguard got there


Mode = Literal["apply", "dry_run", "plan_only"]


class Change(BaseModel):
    """One setting of one account: what it was, what it should become, what it became."""

    platform: str
    account: str
    setting: str
    title: str = ""
    status: str | None = Field(default=None, description="The finding's status in the scan: FAIL or WARN.")
    before: str | None = Field(description="The value before the change (as read when changing, else as scanned).")
    target: str = Field(description="The value the change sets.")
    after: str | None = Field(default=None, description="The value read back from a fresh page load.")
    result: Result
    reason: str | None = None
    url: str | None = Field(default=None, description="Deep link to the setting's page.")
    steps: list[str] = Field(default_factory=list, description="Plain steps for a person (manual changes).")
    at: datetime | None = None


class RunReport(BaseModel):
    """The output of `privacyguard fix` and `privacyguard undo`."""

    schema_version: int = FIX_SCHEMA
    tool: dict[str, Any] = Field(default_factory=lambda: {"name": "privacyguard", "version": __version__})
    command: Literal["fix", "undo"]
    mode: Mode = "apply"
    policy: str | None = None
    run_id: str | None = Field(default=None, description="The journal entry this run wrote (fix) or undid (undo).")
    changes: list[Change] = Field(default_factory=list)
    summary: dict[str, int] = Field(default_factory=dict)
    exit_code: int = 0


def summarise(changes: list[Change]) -> dict[str, int]:
    counts = {result.value: 0 for result in Result}
    for change in changes:
        counts[change.result.value] += 1
    counts["total"] = len(changes)
    return counts


def fix_exit_code(report: Report, changes: list[Change]) -> int:
    """Judge the accounts as they are after the run, the way `scan` would.

    1 when a change failed or a shall rule is still not met (FAIL left: manual, skipped or only
    planned); else 2 when something could not be read (UNKNOWN/ERROR); else 0 (WARNs may remain,
    as with scan).
    """
    if any(c.result is Result.FAILED for c in changes):
        return 1
    done = {(c.platform, c.account, c.setting) for c in changes if c.result in (Result.APPLIED, Result.UNCHANGED)}
    statuses = {a.status for a in report.accounts if a.status is Status.ERROR}
    for account in report.accounts:
        for finding in account.findings:
            fixed = (account.platform, account.account, finding.setting) in done
            statuses.add(Status.PASS if fixed else finding.status)
    if Status.FAIL in statuses:
        return 1
    if statuses & {Status.UNKNOWN, Status.ERROR}:
        return 2
    return 0


def undo_exit_code(changes: list[Change]) -> int:
    """0 when every change was restored (or already was); 1 when any was not."""
    return 0 if all(c.result in (Result.APPLIED, Result.UNCHANGED) for c in changes) else 1
