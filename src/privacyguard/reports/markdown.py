"""Markdown: for a wiki page, a pull request or an issue. Drift first, then scores and findings."""

from __future__ import annotations

import html

from privacyguard.findings import Report, Status
from privacyguard.i18n import _, use_lang
from privacyguard.labels import account_status_label, expected_label, status_code, value_label
from privacyguard.reports.context import SweepView
from privacyguard.reports.sweep_text import (
    account_scores,
    drift_heading,
    drift_value,
    failed_alerts_text,
    kind_label,
    policy_change_text,
    previous_score,
    score_text,
)
from privacyguard.reports.table import STATUS_ORDER, why

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
    with use_lang(report.tool.get("lang")):
        return _render(report, sweep)


def _render(report: Report, sweep: SweepView | None) -> str:
    policy = report.policy.get("name", "?")
    lines = [_("# privacyguard report"), "",
             _("Policy **{policy}** · readings taken {taken} · privacyguard {version}").format(
                 policy=cell(policy), taken=cell(report.tool.get("snapshot_taken_at", "?")),
                 version=cell(report.tool.get("version", "?"))), ""]
    if sweep is not None:
        lines += [_("## Drift since the last sweep"), "", drift_heading(sweep), ""]
        note = policy_change_text(sweep)
        if note:
            lines += [f"> {cell(note)}", ""]
        if sweep.drift:
            lines += [_row(_("Account"), _("Change"), _("Setting"), _("Before"), _("Now"), _("What happened")),
                      "| --- | --- | --- | --- | --- | --- |"]
            lines += [_row(d.label, kind_label(d.kind), d.title or d.setting, drift_value(d, d.before),
                           drift_value(d, d.after), d.message) for d in sweep.drift]
            lines.append("")
        for line in failed_alerts_text(sweep):
            lines += [f"> **{cell(line)}**", ""]
    lines += [_("## Scores"), "", _row(_("Account"), _("Status"), _("Score"), _("Last sweep")),
              "| --- | --- | --- | --- |"]
    for account, score in account_scores(report):
        lines.append(_row(f"{account.platform}:{account.account}", account_status_label(account.status),
                          score_text(score), score_text(previous_score(sweep, account.platform, account.account))))
    lines.append("")
    for account in sorted(report.accounts, key=lambda a: (a.platform, a.account)):
        lines += [f"## {cell(account.platform)} · {cell(account.account)} ({account_status_label(account.status)})",
                  ""]
        if account.error:
            lines += [_("> could not be collected: {error}").format(error=cell(account.error)), ""]
        lines += [_row(_("Status"), _("Setting"), _("Now"), _("Should be"), _("Why"), _("How to fix it")),
                  "| --- | --- | --- | --- | --- | --- |"]
        for f in sorted(account.findings, key=lambda f: (STATUS_ORDER[f.status], f.setting)):
            fix = cell(" ".join(f.remediation.steps)) if f.status is not Status.PASS else ""
            if f.remediation.url:
                link = _("settings page")
                fix += f" [{link}]({f.remediation.url.replace(' ', '%20').replace('|', '%7C')})"
            lines.append(_row(status_code(f.status), f.title, value_label(f.setting, f.actual),
                              expected_label(f.setting, f.expected), why(f))[:-1] + f"| {fix.strip()} |")
        lines.append("")
    counts = ", ".join(f"{n} {status_code(s)}" for s, n in report.summary.items() if n)
    lines += [_("**Summary:** {counts}").format(counts=counts or _("nothing judged")), ""]
    return "\n".join(lines)
