"""CSV for spreadsheets: one row per finding, then one row per drift item (column `record`)."""

from __future__ import annotations

import csv
import io

from privacyguard.findings import Report
from privacyguard.reports.context import SweepView
from privacyguard.score import account_score

COLUMNS = ["record", "sweep_id", "platform", "account", "setting", "title", "status", "severity", "level",
           "expected", "actual", "reason", "fix_url", "score", "drift", "before", "after", "message"]


def render_csv(report: Report, *, sweep: SweepView | None = None) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, extrasaction="raise")
    writer.writeheader()
    sweep_id = sweep.sweep_id if sweep else ""
    for account in report.accounts:
        score = account_score(account)
        base = {"sweep_id": sweep_id, "platform": account.platform, "account": account.account,
                "score": "" if score is None else score}
        if account.error:
            writer.writerow({**base, "record": "account_error", "status": account.status.value,
                             "reason": account.error})
        for f in account.findings:
            writer.writerow({**base, "record": "finding", "setting": f.setting, "title": f.title,
                             "status": f.status.value, "severity": f.severity, "level": f.level,
                             "expected": f.expected, "actual": f.actual or "", "reason": f.reason,
                             "fix_url": f.remediation.url or ""})
    for item in sweep.drift if sweep else []:
        writer.writerow({"record": "drift", "sweep_id": sweep_id, "platform": item.platform, "account": item.account,
                         "setting": item.setting or "", "title": item.title or "", "drift": item.kind.value,
                         "before": item.before or "", "after": item.after or "", "message": item.message})
    return buffer.getvalue()
