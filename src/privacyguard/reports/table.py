"""The terminal report: one table per account, grouped by platform, statuses coloured."""

from __future__ import annotations

import io

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from privacyguard.findings import Finding, Report, Status
from privacyguard.i18n import _, use_lang
from privacyguard.labels import expected_label, status_code, value_label
from privacyguard.reports.context import SweepView
from privacyguard.reports.drift_table import drift_renderable

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
    return finding.reason


def build_renderable(report: Report, sweep: SweepView | None = None) -> Group:
    parts: list = []
    if sweep is not None:  # drift since the last sweep comes first
        parts.append(drift_renderable(sweep))
    for platform in sorted({a.platform for a in report.accounts}):
        for account in (a for a in report.accounts if a.platform == platform):
            table = Table(title=f"{platform} · {account.account}", title_justify="left", expand=True,
                          show_lines=False, header_style="bold")
            # One line per finding: long titles and reasons are cut with an ellipsis, never wrapped.
            table.add_column(_("Status"), no_wrap=True)
            table.add_column(_("Setting"), ratio=4, no_wrap=True, overflow="ellipsis", min_width=20)
            table.add_column(_("Now"), no_wrap=True, overflow="ellipsis", max_width=12)
            table.add_column(_("Should be"), no_wrap=True, overflow="ellipsis", max_width=20)
            table.add_column(_("Why"), ratio=4, no_wrap=True, overflow="ellipsis", min_width=12)
            for finding in sorted(account.findings, key=lambda f: (STATUS_ORDER[f.status], f.setting)):
                table.add_row(status_text(finding.status), finding.title, value_label(finding.setting, finding.actual),
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
