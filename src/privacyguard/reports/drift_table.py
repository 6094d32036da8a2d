"""The terminal view of a sweep's drift (shown above the findings tables)."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

from privacyguard.i18n import _
from privacyguard.reports.context import SweepView
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


def drift_renderable(sweep: SweepView) -> Group:
    parts: list = [Text(drift_heading(sweep), style="bold")]
    policy_note = policy_change_text(sweep)
    if policy_note:
        parts.append(Text(policy_note, style="cyan"))
    if sweep.drift:
        table = Table(title=_("Drift since the last sweep"), title_justify="left", expand=True, header_style="bold")
        for column in (_("Account"), _("Change"), _("Setting"), _("Before"), _("Now")):
            table.add_column(column)
        for item in sweep.drift:
            table.add_row(item.label, Text(kind_label(item.kind), style=_STYLE[KIND_WEIGHT[item.kind]]),
                          item.title or item.setting or "—", drift_value(item, item.before),
                          drift_value(item, item.after))
        parts.append(table)
    first = first_sweep_accounts(sweep)
    if first and len(first) < len(sweep.baselines):
        parts.append(Text(_("first sweep of: {accounts}").format(accounts=", ".join(first)), style="dim"))
    for line in failed_alerts_text(sweep):
        parts.append(Text(line, style="bold magenta"))
    return Group(*parts)
