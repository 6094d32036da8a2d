"""The terminal view of a sweep's drift (shown above the findings tables)."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

from privacyguard.reports.context import SweepView
from privacyguard.reports.sweep_text import (
    KIND_LABEL,
    KIND_WEIGHT,
    drift_heading,
    failed_alerts_text,
    first_sweep_accounts,
)

_STYLE = {3: "bold red", 2: "yellow", 1: "cyan", 0: "green"}


def drift_renderable(sweep: SweepView) -> Group:
    parts: list = [Text(drift_heading(sweep), style="bold")]
    if sweep.drift:
        table = Table(title="Drift since the last sweep", title_justify="left", expand=True, header_style="bold")
        for column in ("Account", "Change", "Setting", "Before", "Now"):
            table.add_column(column)
        for item in sweep.drift:
            table.add_row(item.label, Text(KIND_LABEL[item.kind], style=_STYLE[KIND_WEIGHT[item.kind]]),
                          item.title or item.setting or "—", item.before or "—", item.after or "—")
        parts.append(table)
    first = first_sweep_accounts(sweep)
    if first and len(first) < len(sweep.baselines):
        parts.append(Text("first sweep of: " + ", ".join(first), style="dim"))
    for line in failed_alerts_text(sweep):
        parts.append(Text(line, style="bold magenta"))
    return Group(*parts)
