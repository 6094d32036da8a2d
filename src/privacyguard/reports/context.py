"""What a sweep adds to a report: drift since the last sweep, the trend of past sweeps, alerts.

Every report format takes an optional SweepView; `scan` and `evaluate` pass none.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from privacyguard.history.drift import DriftItem
from privacyguard.history.models import AlertOutcome


class TrendPoint(BaseModel):
    sweep_id: int
    taken_at: datetime
    score: float | None
    fails: int


class AccountTrend(BaseModel):
    platform: str
    account: str
    points: list[TrendPoint] = Field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.platform}:{self.account}"


class PolicyChange(BaseModel):
    """The sweep was judged under another policy than the sweep(s) it is compared with."""

    before: str = Field(description="The earlier sweep's policy name")
    after: str = Field(description="This sweep's policy name")
    since: list[int] = Field(default_factory=list, description="The earlier sweeps judged under another policy")
    rejudged: bool = Field(default=False, description="True: the earlier readings were judged again under this "
                           "sweep's policy, so 'newly failing' means the account changed, not the policy")


class SweepView(BaseModel):
    sweep_id: int
    started_at: datetime
    baselines: dict[str, int | None] = Field(default_factory=dict,
                                             description="platform:account → the sweep compared with (None: first)")
    drift: list[DriftItem] = Field(default_factory=list)
    new_fails: list[str] = Field(default_factory=list, description="uids of FAIL findings new since the baseline")
    trend: list[AccountTrend] = Field(default_factory=list)
    alerts: list[AlertOutcome] = Field(default_factory=list)
    policy_change: PolicyChange | None = None

    def drift_for(self, platform: str, account: str) -> list[DriftItem]:
        return [d for d in self.drift if d.platform == platform and d.account == account]

    def to_json(self) -> dict:
        return self.model_dump(mode="json")
