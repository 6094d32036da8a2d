"""Put a stored sweep in context: drift against each account's previous sweep, and its trend."""

from __future__ import annotations

from privacyguard.catalogue import Catalogue
from privacyguard.history.db import History, state_of
from privacyguard.history.drift import AccountState, DriftItem, account_drift, new_fails
from privacyguard.history.models import SweepRecord
from privacyguard.i18n import pick
from privacyguard.reports.context import AccountTrend, SweepView, TrendPoint


def titles(catalogue: Catalogue | None, lang: str) -> dict[str, str]:
    if catalogue is None:
        return {}
    return {sid: pick(catalogue.setting(sid).title, lang) for sid in catalogue.setting_ids}


def sweep_view(history: History, record: SweepRecord, catalogue: Catalogue | None = None,
               trend_limit: int = 12) -> SweepView:
    """Drift of every account in `record` since its own previous sweep, new FAILs, and score trends."""
    names = titles(catalogue, record.lang)
    view = SweepView(sweep_id=record.id, started_at=record.started_at, alerts=record.alerts)
    for run in record.runs:
        previous, readable = history.baselines(run.platform, run.account, record.id)
        current = state_of(run)
        assert current is not None
        view.drift.extend(account_drift(state_of(previous), current, state_of(readable), names, record.lang))
        baseline = previous if previous is None or previous.error is None else readable
        view.baselines[run.label] = baseline.sweep_id if baseline else None
        view.new_fails.extend(f.uid for f in new_fails(state_of(baseline), current))
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
