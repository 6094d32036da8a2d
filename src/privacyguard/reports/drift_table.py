"""The terminal view of a sweep's drift (shown above the findings tables)."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text

from privacyguard.history.drift import DriftItem
from privacyguard.i18n import N_
from privacyguard.labels import value_label
from privacyguard.reports.context import SweepView
from privacyguard.reports.layout import Col, FitTable
from privacyguard.reports.sweep_text import (
    KIND_LABEL,
    KIND_WEIGHT,
    drift_heading,
    failed_alerts_text,
    first_sweep_accounts,
)

_STYLE = {3: "bold red", 2: "yellow", 1: "cyan", 0: "green"}


DRIFT_COLUMNS = (Col(N_("Change"), whole=True, heading=True), Col(N_("Setting"), heading=True),
                 Col(N_("Id"), whole=True, below=True), Col(N_("Account"), whole=True), Col(N_("Before"), whole=True),
                 Col(N_("Now"), whole=True))


def drift_table(items: list[DriftItem], title: str, lang: str | None = None) -> FitTable:
    """One row per drift item: what kind of change, which setting of which account, before and now."""
    table = FitTable(DRIFT_COLUMNS, title=title)
    for item in items:
        setting = item.setting or ""
        table.add_row(Text(KIND_LABEL[item.kind], style=_STYLE[KIND_WEIGHT[item.kind]]),
                      item.title or item.setting or "—", Text(setting, style="dim"), item.label,
                      _value(setting, item.before, lang), _value(setting, item.after, lang))
    return table


def _value(setting: str, value: str | None, lang: str | None) -> str:
    return "—" if value is None else value_label(setting, value, lang)  # a setting new or gone: no value


def drift_renderable(sweep: SweepView, lang: str | None = None) -> Group:
    parts: list = [Text(drift_heading(sweep), style="bold")]
    if sweep.drift:
        parts.append(drift_table(sweep.drift, "Drift since the last sweep", lang))
    first = first_sweep_accounts(sweep)
    if first and len(first) < len(sweep.baselines):
        parts.append(Text("first sweep of: " + ", ".join(first), style="dim"))
    for line in failed_alerts_text(sweep):
        parts.append(Text(line, style="bold magenta"))
    return Group(*parts)
