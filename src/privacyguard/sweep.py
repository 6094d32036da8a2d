"""The weekly sweep: read every registered account (read-only), judge, remember, compare, alert.

    from privacyguard.sweep import SweepRequest, run_sweep
    result = run_sweep(SweepRequest(notify=["webhook:http://127.0.0.1:8080/hook"]))
    print(result.sweep_id, [d.message for d in result.view.drift])

Order matters: everything a user wrote (policy, alert targets, config, accounts) is checked
before the browser starts; the sweep is stored (one transaction) before any alert is sent, so a
failing alert never loses it; alert outcomes are then added to the sweep's record.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from privacyguard import api
from privacyguard.alerts import Notifier, build_alert, parse_targets, send_all, should_alert
from privacyguard.catalogue import Catalogue, load_catalogue
from privacyguard.collect.runner import ProgressCallback, Target
from privacyguard.config import Config, load_config
from privacyguard.errors import BadInput, NothingToScan
from privacyguard.evaluate import evaluate
from privacyguard.findings import Report
from privacyguard.history.db import History, HistoryDamaged, cannot_write, set_aside
from privacyguard.history.models import AlertOutcome
from privacyguard.history.view import sweep_view
from privacyguard.i18n import _, use_lang
from privacyguard.policy import Policy, load_policy
from privacyguard.reports.context import SweepView
from privacyguard.snapshot import Snapshot, now_utc

Collector = Callable[[list[Target], ProgressCallback | None], Snapshot]


@dataclass
class SweepRequest:
    accounts: list[str] = field(default_factory=list)  # empty: config's [sweep] accounts, else all registered
    policy: str | None = None  # None: config's [sweep] policy
    lang: str | None = None
    notify: list[str] | None = None  # None: config's [alerts] notify; [] sends nothing
    report_file: str | None = None  # mentioned in alerts when the report is written to a file


@dataclass
class SweepPlan:
    """A checked request: what will be read, under which policy, and who hears about it."""

    targets: list[Target]
    policy: str
    lang: str
    notifiers: list[Notifier]
    config: Config


@dataclass
class SweepResult:
    sweep_id: int
    report: Report
    view: SweepView
    alerts: list[AlertOutcome]
    alerted: bool
    notes: list[str] = field(default_factory=list)  # said to the person (e.g. a damaged history set aside)

    @property
    def exit_code(self) -> int:
        return self.report.exit_code()


def plan_sweep(request: SweepRequest, config: Config | None = None) -> SweepPlan:
    """Check everything the user gave before any browser starts (bad input → exit 3)."""
    config = config or load_config()
    catalogue = load_catalogue()
    policy = request.policy or config.sweep.policy
    lang = api.check_lang(request.lang or config.sweep.lang)
    load_policy(policy, catalogue)
    names = request.accounts or config.sweep.accounts
    try:
        targets = api.account_targets(names, [], catalogue)
    except NothingToScan:
        raise BadInput(_("nothing to sweep: register an account first (privacyguard accounts add NAME "
                         "--platform P --sandbox VARIANT for a simulated one)")) from None
    notify = config.alerts.notify if request.notify is None else request.notify
    return SweepPlan(targets, policy, lang, parse_targets(notify, config), config)


def run_sweep(request: SweepRequest | None = None, on_progress: ProgressCallback | None = None,
              config: Config | None = None, history_path: Path | None = None,
              collector: Collector | None = None) -> SweepResult:
    """Read, judge, store (one transaction), compare with each account's previous sweep, alert."""
    request = request or SweepRequest()
    plan = plan_sweep(request, config)
    catalogue = load_catalogue()
    policy = load_policy(plan.policy, catalogue)
    notes: list[str] = []
    history = open_history(history_path, notes)  # opened (checked, migrated) before the long part: fails early
    try:
        started = now_utc()
        if collector is not None:
            snapshot = collector(plan.targets, on_progress)
        else:
            snapshot = api.collect(plan.targets, catalogue, on_progress=on_progress)
        report = evaluate(snapshot, policy, catalogue, plan.lang)
        try:
            sweep_id, view = _store(history, snapshot, report, started, plan, catalogue, policy)
        except (HistoryDamaged, sqlite3.DatabaseError) as exc:  # damage quick_check did not see: keep the sweep
            history.close()
            refused = cannot_write(history.path, exc, storing=True) \
                if isinstance(exc, sqlite3.Error) else None
            if refused is not None:  # a full disk is not damage: the history stays where it is
                raise refused from None
            detail = exc.detail if isinstance(exc, HistoryDamaged) else f"{type(exc).__name__}: {exc}"
            history = open_history(history_path, notes, damaged=HistoryDamaged(history.path, detail))
            sweep_id, view = _store(history, snapshot, report, started, plan, catalogue, policy)
        outcomes: list[AlertOutcome] = []
        alerted = bool(plan.notifiers) and should_alert(view)
        if alerted:
            with use_lang(plan.lang):  # the alert speaks the report's language
                outcomes = send_all(plan.notifiers, build_alert(report, view, request.report_file))
            history.record_alerts(sweep_id, outcomes)
            view.alerts = outcomes
    finally:
        history.close()
    return SweepResult(sweep_id, report, view, outcomes, alerted, notes)


def _store(history: History, snapshot: Snapshot, report: Report, started: datetime, plan: SweepPlan,
           catalogue: Catalogue, policy: Policy) -> tuple[int, SweepView]:
    """Store the sweep (one transaction) and compare it with the account's earlier sweeps."""
    sweep_id = history.add_sweep(snapshot, report, started)
    return sweep_id, sweep_view(history, history.sweep(sweep_id), catalogue, plan.config.sweep.trend_length, policy)


def open_history(path: Path | None, notes: list[str], damaged: HistoryDamaged | None = None) -> History:
    """The history a sweep writes to. A damaged one is moved aside (kept) and a new one started, so the
    sweep is never lost; a home that cannot be written fails here, before any browser starts."""
    if damaged is None:
        try:
            history = History(path, create=True)
        except HistoryDamaged as exc:
            damaged = exc
    if damaged is not None:
        moved = set_aside(damaged.path)
        notes.append(_("{path}: the history database is damaged ({detail}). It was moved to {moved}; this sweep "
                       "starts a new history (earlier sweeps stay in the moved file).").format(
            path=damaged.path, detail=damaged.detail, moved=moved))
        history = History(path, create=True)
    history.require_writable()
    return history
