"""Helpers for the sweep/history tests: synthetic snapshots and reports, no browser needed."""

from __future__ import annotations

import json
from pathlib import Path

from privacyguard.catalogue import Catalogue
from privacyguard.evaluate import evaluate
from privacyguard.findings import Report
from privacyguard.policy import load_policy
from privacyguard.resources import fixtures_dir
from privacyguard.sandbox.server import state_file
from privacyguard.snapshot import AccountError, AccountSnapshot, Evidence, Reading, ReadStatus, Snapshot

DATA = Path(__file__).parent / "data"
POLICY = DATA / "sweep-policy.yaml"


def reading(setting: str, value: str | None = None, status: ReadStatus | None = None) -> Reading:
    status = status or (ReadStatus.READ if value is not None else ReadStatus.NOT_FOUND)
    return Reading(setting=setting, status=status, value=value if status is ReadStatus.READ else None,
                   evidence=Evidence(url="https://www.linkedin.com/x"))


def linkedin(account: str = "li", ai: str | None = "on", email: str | None = "everyone",
             error: str | None = None, **statuses: ReadStatus) -> AccountSnapshot:
    readings = {}
    for setting, value in (("linkedin.generative_ai_data", ai), ("linkedin.discovery_by_email", email)):
        short = setting.split(".")[1]
        if short in statuses:
            readings[setting] = reading(setting, None, statuses[short])
        elif value is not None:
            readings[setting] = reading(setting, value)
    return AccountSnapshot(platform="linkedin", account=account, readings={} if error else readings,
                           error=AccountError(kind="signed_out", message=error) if error else None)


def judge(catalogue: Catalogue, *accounts: AccountSnapshot) -> tuple[Snapshot, Report]:
    snapshot = Snapshot(accounts=list(accounts))
    return snapshot, evaluate(snapshot, load_policy(POLICY, catalogue), catalogue)


def set_sandbox_state(platform: str, variant: str, account: str, **state: object) -> None:
    """Change a simulated account's settings between sweeps (as the platform or the person would)."""
    path = state_file(fixtures_dir(), platform, variant, account)
    current = json.loads(path.read_text()) if path.is_file() else {}
    current.update(state)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(current))
