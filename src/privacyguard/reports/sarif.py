"""SARIF 2.1.0 for code-scanning dashboards and security tooling.

A rule per setting, a result per finding. Status → (kind, level): FAIL → fail/error, WARN →
fail/warning, UNKNOWN and ERROR → open (could not decide), PASS → pass, NOT_APPLICABLE →
notApplicable, MUTED → fail/warning with an external suppression carrying the reason. SARIF
requires level "none" for every kind but "fail". A sweep sets each result's `baselineState`
(new / updated / unchanged) and puts the drift list in `runs[0].properties.drift`.
"""

from __future__ import annotations

import json
from typing import Any

from privacyguard.findings import Finding, Report, Status
from privacyguard.history.drift import DriftKind
from privacyguard.i18n import _
from privacyguard.reports.context import SweepView

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"

_KIND_LEVEL = {
    Status.FAIL: ("fail", "error"),
    Status.WARN: ("fail", "warning"),
    Status.MUTED: ("fail", "warning"),
    Status.UNKNOWN: ("open", "none"),
    Status.ERROR: ("open", "none"),
    Status.PASS: ("pass", "none"),
    Status.NOT_APPLICABLE: ("notApplicable", "none"),
}


def _rule(f: Finding) -> dict[str, Any]:
    help_text = "\n".join(f.remediation.steps) or f.reason
    rule: dict[str, Any] = {
        "id": f.setting,
        "name": f.setting.split(".", 1)[-1],
        "shortDescription": {"text": f.title},
        "fullDescription": {"text": f.rationale or f.title},
        "help": {"text": help_text},
        "defaultConfiguration": {"level": "error" if f.level == "shall" else "warning"},
        "properties": {"severity": f.severity, "level": f.level, "expected": f.expected},
    }
    if f.remediation.url:
        rule["helpUri"] = f.remediation.url
    return rule


def _baseline_state(f: Finding, platform: str, account: str, sweep: SweepView) -> str:
    if sweep.baselines.get(f"{platform}:{account}") is None:
        return "new"
    kinds = {d.kind for d in sweep.drift_for(platform, account) if d.setting == f.setting}
    if f.uid in sweep.new_fails or DriftKind.NEWLY_FAILING in kinds:
        return "new"
    if kinds:
        return "updated"
    return "unchanged"


def render_sarif(report: Report, *, sweep: SweepView | None = None) -> str:
    rules: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    results: list[dict[str, Any]] = []
    notifications: list[dict[str, Any]] = []
    for account in sorted(report.accounts, key=lambda a: (a.platform, a.account)):
        if account.error:
            text = _("{account} could not be collected: {error}").format(
                account=f"{account.platform}:{account.account}", error=account.error)
            notifications.append({"level": "error", "message": {"text": text}})
        for f in account.findings:
            if f.setting not in index:
                index[f.setting] = len(rules)
                rules.append(_rule(f))
            kind, level = _KIND_LEVEL[f.status]
            location: dict[str, Any] = {"logicalLocations": [
                {"name": f.setting, "fullyQualifiedName": f.uid, "kind": "resource"}]}
            if f.remediation.url:
                location["physicalLocation"] = {"artifactLocation": {"uri": f.remediation.url}}
            result: dict[str, Any] = {
                "ruleId": f.setting,
                "ruleIndex": index[f.setting],
                "kind": kind,
                "level": level,
                "message": {"text": f"{f.title}: {f.reason}"},
                "locations": [location],
                "partialFingerprints": {"privacyguardUid/v1": f.uid},
                "properties": {"status": f.status.value, "platform": account.platform, "account": account.account,
                               "expected": f.expected, "actual": f.actual, "severity": f.severity},
            }
            if f.status is Status.MUTED:
                result["suppressions"] = [{"kind": "external", "status": "accepted", "justification": f.reason}]
            if sweep is not None:
                result["baselineState"] = _baseline_state(f, account.platform, account.account, sweep)
                result["properties"]["drift"] = [d.kind.value for d in sweep.drift_for(account.platform,
                                                                                         account.account)
                                                 if d.setting == f.setting]
            results.append(result)
    run: dict[str, Any] = {
        "tool": {"driver": {"name": "privacyguard", "version": str(report.tool.get("version", "")),
                            "rules": rules}},
        "invocations": [{"executionSuccessful": not notifications,
                         "toolExecutionNotifications": notifications}],
        "results": results,
        "properties": {"policy": report.policy, "summary": report.summary, "catalogue": report.tool.get("catalogue")},
    }
    if sweep is not None:
        run["automationDetails"] = {"id": f"privacyguard/sweep/{sweep.sweep_id}"}
        run["properties"]["sweep"] = {"id": sweep.sweep_id, "baselines": sweep.baselines}
        run["properties"]["drift"] = [d.model_dump(mode="json") for d in sweep.drift]
    sarif = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(sarif, indent=2, ensure_ascii=False) + "\n"
