"""The terminal report: one table per account, grouped by platform, statuses coloured."""

from __future__ import annotations

import io

from rich.console import Console, Group
from rich.text import Text

from privacyguard.findings import Finding, Report, Status
from privacyguard.i18n import N_, _, use_lang
from privacyguard.labels import expected_label, status_code, value_label
from privacyguard.reports.context import SweepView
from privacyguard.reports.drift_table import drift_renderable
from privacyguard.reports.layout import Col, FitTable

STATUS_STYLE = {
    Status.PASS: "green",
    Status.FAIL: "bold red",
    Status.WARN: "yellow",
    Status.UNKNOWN: "magenta",
    Status.ERROR: "bold magenta",
    Status.NOT_APPLICABLE: "dim",
    Status.MUTED: "cyan",
}
STATUS_ORDER = {s: i for i, s in enumerate([Status.FAIL, Status.ERROR, Status.UNKNOWN, Status.WARN,
                                             Status.MUTED, Status.PASS, Status.NOT_APPLICABLE])}


def status_text(status: Status) -> Text:
    return Text(status_code(status), style=STATUS_STYLE[status])


def why(finding: Finding) -> str:
    """One line: for a rule not met, why it matters; otherwise why this status."""
    if finding.status in (Status.FAIL, Status.WARN):
        return finding.rationale
    if finding.status is Status.PASS:  # "is <value>" would only repeat the Now column
        return ""
    return finding.reason


SCAN_COLUMNS = (Col(N_("Status"), whole=True, heading=True), Col(N_("Setting"), heading=True),
                Col(N_("Id"), whole=True, below=True), Col(N_("Now")), Col(N_("Should be")),
                Col(N_("Why"), ratio=4, fold=True))


def build_renderable(report: Report, sweep: SweepView | None = None) -> Group:
    """Drift first (for a sweep), then a table per account, laid out for the width it is printed at
    (reports/layout.py); every word in the report's language."""
    with use_lang(report.tool.get("lang")):
        return _renderable(report, sweep)


def _renderable(report: Report, sweep: SweepView | None) -> Group:
    parts: list = []
    if sweep is not None:  # drift since the last sweep comes first
        parts.append(drift_renderable(sweep))
    for platform in sorted({a.platform for a in report.accounts}):
        for account in (a for a in report.accounts if a.platform == platform):
            table = FitTable(SCAN_COLUMNS, title=f"{platform} · {account.account}")
            for finding in sorted(account.findings, key=lambda f: (STATUS_ORDER[f.status], f.setting)):
                table.add_row(status_text(finding.status), finding.title, Text(finding.setting, style="dim"),
                              value_label(finding.setting, finding.actual),
                              expected_label(finding.setting, finding.expected), why(finding))
            if account.error:
                kind = f" [{account.error_kind}]" if account.error_kind else ""
                parts.append(Text(f"{platform} · {account.account}{kind}: {account.error}", style="bold magenta"))
            parts.append(table)
    summary = Text(_("Summary: "))
    for status in Status:
        count = report.summary.get(status.value, 0)
        if count:
            summary.append(f"{count} {status_code(status)}  ", style=STATUS_STYLE[status])
    duration = report.tool.get("duration_seconds")
    if duration is not None:
        summary.append(_("· scanned in {seconds}s").format(seconds=f"{duration:.1f}"), style="dim")
    parts.append(summary)
    return Group(*parts)


def render_table(report: Report, width: int = 140, color: bool = False, *, sweep: SweepView | None = None) -> str:
    """The table as text (for --output files and tests); the CLI prints the renderable directly."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=color, color_system="standard" if color else None)
    with use_lang(report.tool.get("lang")):
        console.print(build_renderable(report, sweep))
    return buffer.getvalue()
