"""Wording shared by every format that shows a sweep: drift labels, headings, scores."""

from __future__ import annotations

from privacyguard.findings import AccountReport, Report
from privacyguard.history.drift import DriftItem, DriftKind
from privacyguard.i18n import N_, _, ngettext
from privacyguard.labels import shown_label
from privacyguard.reports.context import SweepView
from privacyguard.score import account_score

KIND_LABEL = {
    DriftKind.VALUE_CHANGED: N_("value changed"),
    DriftKind.NEWLY_FAILING: N_("newly failing"),
    DriftKind.NEWLY_PASSING: N_("newly passing"),
    DriftKind.SETTING_APPEARED: N_("new setting"),
    DriftKind.SETTING_VANISHED: N_("setting gone"),
    DriftKind.SETTING_UNREADABLE: N_("unreadable"),
    DriftKind.ACCOUNT_UNREADABLE: N_("account unreadable"),
    DriftKind.ACCOUNT_READABLE_AGAIN: N_("account readable again"),
}


def kind_label(kind: DriftKind) -> str:
    """A drift kind in the current language ("newly failing", "voldoet niet meer")."""
    return _(KIND_LABEL[kind])

# How worrying each kind is, for colours and ordering (0 = good news).
KIND_WEIGHT = {
    DriftKind.NEWLY_FAILING: 3, DriftKind.ACCOUNT_UNREADABLE: 3, DriftKind.SETTING_APPEARED: 2,
    DriftKind.SETTING_VANISHED: 2, DriftKind.SETTING_UNREADABLE: 2, DriftKind.VALUE_CHANGED: 1,
    DriftKind.NEWLY_PASSING: 0, DriftKind.ACCOUNT_READABLE_AGAIN: 0,
}


def drift_heading(sweep: SweepView, shown: int | None = None) -> str:
    """The drift's one-line heading; `shown` is how many changes the format lists (the HTML lists each
    changed setting once, so its count is of those lines, not of the drift items behind them)."""
    count = len(sweep.drift) if shown is None else shown
    compared = sorted({b for b in sweep.baselines.values() if b is not None})
    if not compared:
        return _("Sweep #{id}: first sweep, nothing to compare with yet").format(id=sweep.sweep_id)
    since = ", ".join(f"#{b}" for b in compared)
    if not count:
        return _("Sweep #{id}: no drift since the last sweep ({since})").format(id=sweep.sweep_id, since=since)
    return ngettext("Sweep #{id}: {n} change since the last sweep ({since})",
                    "Sweep #{id}: {n} changes since the last sweep ({since})",
                    count).format(id=sweep.sweep_id, n=count, since=since)


def policy_change_text(sweep: SweepView) -> str | None:
    """The policy changed since the compared sweep(s): said once, apart from the readings' drift."""
    change = sweep.policy_change
    if change is None:
        return None
    since = ", ".join(f"#{b}" for b in change.since)
    if change.before == change.after:  # the same policy, edited: its rules are not what they were
        changed = _("The rules of policy {after} changed since sweep {since}.")
    else:
        changed = _("The policy changed from {before} to {after} since sweep {since}.")
    if change.rejudged:
        meaning = _("That is not drift: the earlier readings were judged again under {after}, so the changes below "
                    "are changes on the account.")
    else:
        meaning = _("That is not drift: only the readings are compared below, not what passed or failed.")
    return (changed + " " + meaning).format(before=change.before, after=change.after, since=since)


def drift_value(item: DriftItem, shown: str | None) -> str:
    """A drift item's before or after value, as its label in the current language."""
    return shown_label(item.setting, shown)


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
    return [ngettext("alert to {target} failed after {n} attempt: {error}",
                     "alert to {target} failed after {n} attempts: {error}", a.attempts).format(
                target=a.target, n=a.attempts, error=a.error) for a in sweep.alerts if not a.ok]
