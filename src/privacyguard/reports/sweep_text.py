"""Wording shared by every format that shows a sweep: drift labels, headings, scores."""

from __future__ import annotations

from privacyguard.findings import AccountReport, Report
from privacyguard.history.drift import DriftKind
from privacyguard.reports.context import SweepView
from privacyguard.score import account_score

KIND_LABEL = {
    DriftKind.VALUE_CHANGED: "value changed",
    DriftKind.NEWLY_FAILING: "newly failing",
    DriftKind.NEWLY_PASSING: "newly passing",
    DriftKind.SETTING_APPEARED: "new setting",
    DriftKind.SETTING_VANISHED: "setting gone",
    DriftKind.SETTING_UNREADABLE: "unreadable",
    DriftKind.ACCOUNT_UNREADABLE: "account unreadable",
    DriftKind.ACCOUNT_READABLE_AGAIN: "account readable again",
}

# How worrying each kind is, for colours and ordering (0 = good news).
KIND_WEIGHT = {
    DriftKind.NEWLY_FAILING: 3, DriftKind.ACCOUNT_UNREADABLE: 3, DriftKind.SETTING_APPEARED: 2,
    DriftKind.SETTING_VANISHED: 2, DriftKind.SETTING_UNREADABLE: 2, DriftKind.VALUE_CHANGED: 1,
    DriftKind.NEWLY_PASSING: 0, DriftKind.ACCOUNT_READABLE_AGAIN: 0,
}


def drift_heading(sweep: SweepView) -> str:
    compared = sorted({b for b in sweep.baselines.values() if b is not None})
    if not compared:
        return f"Sweep #{sweep.sweep_id}: first sweep, nothing to compare with yet"
    since = ", ".join(f"#{b}" for b in compared)
    if not sweep.drift:
        return f"Sweep #{sweep.sweep_id}: no drift since the last sweep ({since})"
    return f"Sweep #{sweep.sweep_id}: {len(sweep.drift)} change(s) since the last sweep ({since})"


def first_sweep_accounts(sweep: SweepView) -> list[str]:
    return [label for label, baseline in sweep.baselines.items() if baseline is None]


def score_text(score: float | None) -> str:
    return "—" if score is None else f"{score:.0f}%"


def account_scores(report: Report) -> list[tuple[AccountReport, float | None]]:
    return [(account, account_score(account)) for account in report.accounts]


def previous_score(sweep: SweepView | None, platform: str, account: str) -> float | None:
    if sweep is None:
        return None
    for trend in sweep.trend:
        if trend.platform == platform and trend.account == account and len(trend.points) >= 2:
            return trend.points[-2].score
    return None


def failed_alerts_text(sweep: SweepView) -> list[str]:
    return [f"alert to {a.target} failed after {a.attempts} attempt(s): {a.error}" for a in sweep.alerts if not a.ok]
