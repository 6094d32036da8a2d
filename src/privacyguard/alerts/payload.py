"""What an alert says: new FAILs and drift since the last sweep. Never a secret.

The payload names accounts, settings and values (what a person needs to act), the sweep id and
the deep links to fix things. It carries no password, cookie, token, username or raw page text.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from privacyguard import __version__
from privacyguard.findings import Report
from privacyguard.i18n import _, ngettext
from privacyguard.labels import expected_label, status_code, value_label
from privacyguard.reports.context import SweepView
from privacyguard.score import account_score


class Alert(BaseModel):
    tool: str = "privacyguard"
    version: str = __version__
    sweep_id: int
    started_at: datetime
    headline: str
    exit_code: int
    summary: dict[str, int]
    accounts: list[dict[str, Any]] = Field(default_factory=list)
    new_fails: list[dict[str, Any]] = Field(default_factory=list)
    drift: list[dict[str, Any]] = Field(default_factory=list)
    report_file: str | None = None

    def text(self) -> str:
        """Plain text for e-mail and desktop notifications."""
        lines = [self.headline, ""]
        if self.new_fails:
            lines.append(_("New FAILs:"))
            for f in self.new_fails:
                lines.append(f"  - {f['platform']}:{f['account']}: " + _("{title} is {now}, should be {wanted}").format(
                    title=f["title"], now=value_label(f["setting"], f["actual"]),
                    wanted=expected_label(f["setting"], f["expected"])))
                if f.get("fix_url"):
                    lines.append("    " + _("fix it here: {url}").format(url=f["fix_url"]))
            lines.append("")
        if self.drift:
            lines.append(_("Changes since the last sweep:"))
            lines += [f"  - {d['platform']}:{d['account']}: {d['message']}" for d in self.drift]
            lines.append("")
        lines.append(_("Accounts:"))
        lines += [f"  - {a['platform']}:{a['account']}: {status_code(a['status'])}"
                  + (", " + _("score {score:.0f}%").format(score=a["score"]) if a.get("score") is not None else "")
                  for a in self.accounts]
        if self.report_file:
            lines += ["", _("Full report: {path}").format(path=self.report_file)]
        lines += ["", _("privacyguard sweep #{id} · details: privacyguard history show {id}").format(id=self.sweep_id)]
        return "\n".join(lines) + "\n"


def should_alert(view: SweepView) -> bool:
    """Alert on new FAILs or on any drift (including an account that could not be read)."""
    return bool(view.new_fails or view.drift)


def headline(view: SweepView) -> str:
    parts = []
    if view.new_fails:
        n = len(view.new_fails)
        parts.append(ngettext("{n} new FAIL", "{n} new FAILs", n).format(n=n))
    if view.drift:
        n = len(view.drift)
        parts.append(ngettext("{n} change since the last sweep", "{n} changes since the last sweep", n).format(n=n))
    return "privacyguard: " + (", ".join(parts) if parts else _("nothing new"))


def build_alert(report: Report, view: SweepView, report_file: str | None = None) -> Alert:
    new = set(view.new_fails)
    return Alert(
        sweep_id=view.sweep_id, started_at=view.started_at, headline=headline(view), exit_code=report.exit_code(),
        summary=report.summary,
        accounts=[{"platform": a.platform, "account": a.account, "status": a.status.value, "score": account_score(a)}
                  for a in report.accounts],
        new_fails=[{"platform": a.platform, "account": a.account, "setting": f.setting, "title": f.title,
                    "actual": f.actual, "expected": f.expected, "severity": f.severity, "reason": f.reason,
                    "fix_url": f.remediation.url}
                   for a in report.accounts for f in a.findings if f.uid in new],
        drift=[d.model_dump(mode="json") for d in view.drift],
        report_file=report_file,
    )
