"""The terminal view of a sweep's drift (shown above the findings tables)."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text

from privacyguard.history.drift import DriftItem
from privacyguard.i18n import N_, _
from privacyguard.reports.context import SweepView
from privacyguard.reports.layout import Col, FitTable
from privacyguard.reports.sweep_text import (
    KIND_WEIGHT,
    drift_heading,
    drift_value,
    failed_alerts_text,
    first_sweep_accounts,
    kind_label,
    policy_change_text,
)

_STYLE = {3: "bold red", 2: "yellow", 1: "cyan", 0: "green"}


DRIFT_COLUMNS = (Col(N_("Change"), whole=True, heading=True), Col(N_("Setting"), heading=True),
                 Col(N_("Id"), whole=True, below=True), Col(N_("Account"), whole=True), Col(N_("Before"), whole=True),
                 Col(N_("Now"), whole=True))


def drift_table(items: list[DriftItem], title: str) -> FitTable:
    """One row per drift item: what kind of change, which setting of which account, before and now."""
    table = FitTable(DRIFT_COLUMNS, title=title)
    for item in items:
        table.add_row(Text(kind_label(item.kind), style=_STYLE[KIND_WEIGHT[item.kind]]),
                      item.title or item.setting or "—", Text(item.setting or "", style="dim"), item.label,
                      drift_value(item, item.before), drift_value(item, item.after))
    return table


def drift_renderable(sweep: SweepView) -> Group:
    parts: list = [Text(drift_heading(sweep), style="bold")]
    policy_note = policy_change_text(sweep)
    if policy_note:
        parts.append(Text(policy_note, style="cyan"))
    if sweep.drift:
        parts.append(drift_table(sweep.drift, _("Drift since the last sweep")))
    first = first_sweep_accounts(sweep)
    if first and len(first) < len(sweep.baselines):
        parts.append(Text(_("first sweep of: {accounts}").format(accounts=", ".join(first)), style="dim"))
    for line in failed_alerts_text(sweep):
        parts.append(Text(line, style="bold magenta"))
    return Group(*parts)
