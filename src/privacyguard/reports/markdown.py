"""Markdown: for a wiki page, a pull request or an issue. Drift first, then scores and findings."""

from __future__ import annotations

import html

from privacyguard.findings import Report, Status
from privacyguard.reports.context import SweepView
from privacyguard.reports.sweep_text import (
    KIND_LABEL,
    account_scores,
    drift_heading,
    failed_alerts_text,
    previous_score,
    score_text,
)
from privacyguard.reports.table import STATUS_ORDER

_MARKDOWN_ACTIVE = str.maketrans({"\\": "\\\\", "|": "\\|", "[": "\\[", "]": "\\]", "`": "\\`",
                                  "\n": " ", "\r": " "})


def cell(text: object) -> str:
    """Text from a snapshot, policy or page, made inert: HTML escaped as HTML is, links, code and pipes
    escaped for Markdown, no line breaks. Markdown renderers pass raw HTML through, so `<script>` or
    `<img onerror=…>` in a reading must never reach the report as it came."""
    return html.escape(str(text if text is not None else "—"), quote=True).translate(_MARKDOWN_ACTIVE)


def _row(*cells: object) -> str:
    return "| " + " | ".join(cell(c) for c in cells) + " |"


def render_markdown(report: Report, *, sweep: SweepView | None = None) -> str:
    policy = report.policy.get("name", "?")
    lines = ["# privacyguard report", "",
             f"Policy **{cell(policy)}** · readings taken {cell(report.tool.get('snapshot_taken_at', '?'))} · "
             f"privacyguard {cell(report.tool.get('version', '?'))}", ""]
    if sweep is not None:
        lines += ["## Drift since the last sweep", "", drift_heading(sweep), ""]
        if sweep.drift:
            lines += [_row("Account", "Change", "Setting", "Before", "Now", "What happened"),
                      "| --- | --- | --- | --- | --- | --- |"]
            lines += [_row(d.label, KIND_LABEL[d.kind], d.title or d.setting, d.before, d.after, d.message)
                      for d in sweep.drift]
            lines.append("")
        for line in failed_alerts_text(sweep):
            lines += [f"> **{cell(line)}**", ""]
    lines += ["## Scores", "", _row("Account", "Status", "Score", "Last sweep"), "| --- | --- | --- | --- |"]
    for account, score in account_scores(report):
        lines.append(_row(f"{account.platform}:{account.account}", account.status.value, score_text(score),
                          score_text(previous_score(sweep, account.platform, account.account))))
    lines.append("")
    for account in sorted(report.accounts, key=lambda a: (a.platform, a.account)):
        lines += [f"## {cell(account.platform)} · {cell(account.account)} ({account.status.value})", ""]
        if account.error:
            lines += [f"> could not be collected: {cell(account.error)}", ""]
        lines += [_row("Status", "Setting", "Actual", "Expected", "Why", "How to fix"),
                  "| --- | --- | --- | --- | --- | --- |"]
        for f in sorted(account.findings, key=lambda f: (STATUS_ORDER[f.status], f.setting)):
            fix = cell(" ".join(f.remediation.steps)) if f.status is not Status.PASS else ""
            if f.remediation.url:
                fix += f" [settings page]({f.remediation.url.replace(' ', '%20').replace('|', '%7C')})"
            lines.append(_row(f.status.value, f.title, f.actual, f.expected, f.reason)[:-1] + f"| {fix.strip()} |")
        lines.append("")
    counts = ", ".join(f"{n} {s}" for s, n in report.summary.items() if n)
    lines += [f"**Summary:** {counts or 'nothing judged'}", ""]
    return "\n".join(lines)
