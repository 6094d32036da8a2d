"""One number per account for people and trend charts: the share of checks that pass.

Checks that do not apply (NOT_APPLICABLE) or whose risk was accepted (MUTED) are left out; a
check that could not be read (UNKNOWN, ERROR) counts as not passing, never as passing.
"""

from __future__ import annotations

from privacyguard.findings import AccountReport, Finding, Status

NOT_JUDGED = {Status.NOT_APPLICABLE, Status.MUTED}


def score_findings(findings: list[Finding]) -> float | None:
    """Percentage (0-100, one decimal) of judged checks that PASS; None when nothing was judged."""
    judged = [f for f in findings if f.status not in NOT_JUDGED]
    if not judged:
        return None
    passed = sum(1 for f in judged if f.status is Status.PASS)
    return round(100 * passed / len(judged), 1)


def account_score(account: AccountReport) -> float | None:
    if account.error and not account.findings:
        return 0.0
    return score_findings(account.findings)
