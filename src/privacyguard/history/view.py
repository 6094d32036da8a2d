"""Put a stored sweep in context: drift against each account's previous sweep, and its trend."""

from __future__ import annotations

from privacyguard.catalogue import Catalogue
from privacyguard.evaluate import evaluate_account
from privacyguard.history.db import History, state_of
from privacyguard.history.drift import AccountState, DriftItem, account_drift, new_fails
from privacyguard.history.models import SweepRecord
from privacyguard.i18n import pick
from privacyguard.policy import Policy
from privacyguard.reports.context import AccountTrend, PolicyChange, SweepView, TrendPoint


def titles(catalogue: Catalogue | None, lang: str) -> dict[str, str]:
    if catalogue is None:
        return {}
    return {sid: pick(catalogue.setting(sid).title, lang) for sid in catalogue.setting_ids}


def _policy_changed(before: dict, after: dict) -> bool:
    """Judged under a different policy? Compared by content (the resolved rules' hash) where both sweeps
    recorded it, so an edited policy file counts and a renamed copy does not; older sweeps by name and source."""
    if before.get("sha256") and after.get("sha256"):
        return before["sha256"] != after["sha256"]
    return (before.get("name"), before.get("source")) != (after.get("name"), after.get("source"))


def _rejudged(state: AccountState | None, policy: Policy, catalogue: Catalogue, lang: str) -> AccountState | None:
    """An earlier sweep's readings judged under this sweep's policy (evaluation is pure: no browser)."""
    if state is None:
        return None
    return AccountState(state.sweep_id, state.snapshot, evaluate_account(state.snapshot, policy, catalogue, lang))


def sweep_view(history: History, record: SweepRecord, catalogue: Catalogue | None = None,
               trend_limit: int = 12, policy: Policy | None = None) -> SweepView:
    """Drift of every account in `record` since its own previous sweep, new FAILs, and score trends.

    A policy change is not drift: when the earlier sweep was judged under another policy, its readings
    are judged again under `policy` (this sweep's) and compared with that, so "newly failing" still
    means the account changed; without `policy`, only the readings are compared. Either way the view
    says the policy changed (`policy_change`).
    """
    names = titles(catalogue, record.lang)
    view = SweepView(sweep_id=record.id, started_at=record.started_at, alerts=record.alerts)
    for run in record.runs:
        previous, readable = history.baselines(run.platform, run.account, record.id)
        current = state_of(run)
        assert current is not None
        baseline = previous if previous is None or previous.error is None else readable
        before, last_readable = state_of(previous), state_of(readable)
        judge = True
        if baseline is not None:
            old_policy = history.policy_of(baseline.sweep_id)
            if _policy_changed(old_policy, record.policy):
                can_rejudge = policy is not None and catalogue is not None
                if can_rejudge:
                    before = _rejudged(before, policy, catalogue, record.lang)
                    last_readable = _rejudged(last_readable, policy, catalogue, record.lang)
                judge = can_rejudge
                change = view.policy_change or PolicyChange(before=str(old_policy.get("name", "?")),
                                                            after=str(record.policy.get("name", "?")),
                                                            rejudged=can_rejudge)
                change.since = sorted({*change.since, baseline.sweep_id})
                view.policy_change = change
        view.drift.extend(account_drift(before, current, last_readable, names, record.lang, judge=judge))
        view.baselines[run.label] = baseline.sweep_id if baseline else None
        if judge:
            compared = before if previous is None or previous.error is None else last_readable
            view.new_fails.extend(f.uid for f in new_fails(compared, current))
        view.trend.append(AccountTrend(platform=run.platform, account=run.account, points=[
            TrendPoint(sweep_id=s, taken_at=t, score=score, fails=fails)
            for s, t, score, fails in history.trend(run.platform, run.account, record.id, trend_limit)]))
    return view


def diff_sweeps(older: SweepRecord, newer: SweepRecord, catalogue: Catalogue | None = None) -> list[DriftItem]:
    """Drift between two chosen sweeps, for the accounts in either (an account missing from one is noted)."""
    names = titles(catalogue, newer.lang)
    before = {run.label: run for run in older.runs}
    items: list[DriftItem] = []
    for run in newer.runs:
        old = before.pop(run.label, None)
        current = AccountState(run.sweep_id, run.snapshot, run.report)
        previous = AccountState(old.sweep_id, old.snapshot, old.report) if old else None
        items.extend(account_drift(previous, current, None, names, newer.lang))
    return items
