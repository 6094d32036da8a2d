"""What the history database holds, as models: sweeps, account runs, alert outcomes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from privacyguard.findings import AccountReport, Report, summarise
from privacyguard.snapshot import AccountSnapshot


class AlertOutcome(BaseModel):
    """How one alert went. `target` is redacted (a webhook URL may hold a token): never a secret."""

    target: str
    ok: bool
    attempts: int = 1
    error: str | None = None
    sent_at: datetime | None = None


class AccountRun(BaseModel):
    """One account in one sweep: the raw readings and the findings."""

    id: int
    sweep_id: int
    platform: str
    account: str
    status: str
    error: str | None = None
    score: float | None = None
    snapshot: AccountSnapshot
    report: AccountReport

    @property
    def label(self) -> str:
        return f"{self.platform}:{self.account}"


class SweepRecord(BaseModel):
    id: int
    started_at: datetime
    finished_at: datetime
    tool: dict[str, Any] = Field(default_factory=dict)
    policy: dict[str, Any] = Field(default_factory=dict)
    lang: str = "en"
    exit_code: int
    summary: dict[str, int] = Field(default_factory=dict)
    runs: list[AccountRun] = Field(default_factory=list)
    alerts: list[AlertOutcome] = Field(default_factory=list)

    def report(self) -> Report:
        """The sweep's report, rebuilt exactly as it was judged then."""
        accounts = [run.report for run in self.runs]
        return Report(tool=self.tool, policy=self.policy, accounts=accounts, summary=summarise(accounts))


class SweepSummary(BaseModel):
    """A line of `privacyguard history`."""

    id: int
    started_at: datetime
    accounts: int
    exit_code: int
    summary: dict[str, int]
    policy: str
    alerts_failed: int = 0
    scores: dict[str, float | None] = Field(default_factory=dict)
