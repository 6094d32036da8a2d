"""JUnit XML for CI dashboards: a test suite per account, a test case per rule.

FAIL → <failure>; UNKNOWN and ERROR (could not verify) → <error>; NOT_APPLICABLE and MUTED →
<skipped>; WARN passes (as the exit code does) with the warning in <system-out>, or, with
`warn_fails=True` (`--junit-warn-fails`), is a <failure type="WARN">. A sweep with drift adds a
`privacyguard.drift` suite: one informational test case per drift item (none when nothing drifted).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from privacyguard.findings import AccountReport, Finding, Report, Status
from privacyguard.i18n import _
from privacyguard.reports.context import SweepView
from privacyguard.reports.sweep_text import drift_heading, kind_label
from privacyguard.score import account_score


def _details(f: Finding) -> str:
    lines = [_("expected: {value}").format(value=f.expected),
             _("actual: {value}").format(value=f.actual if f.actual is not None else _("(not read)")),
             _("why: {text}").format(text=f.rationale)]
    lines += [_("fix: {step}").format(step=step) for step in f.remediation.steps]
    if f.remediation.url:
        lines.append(_("settings page: {url}").format(url=f.remediation.url))
    return "\n".join(lines)


def _case(suite: ET.Element, classname: str, f: Finding, warn_fails: bool) -> str:
    case = ET.SubElement(suite, "testcase", classname=classname, name=f"{f.setting}: {f.title}", time="0")
    if f.status is Status.FAIL or (f.status is Status.WARN and warn_fails):
        ET.SubElement(case, "failure", message=f.reason, type=f.status.value).text = _details(f)
        return "failures"
    if f.status in (Status.UNKNOWN, Status.ERROR):
        ET.SubElement(case, "error", message=f.reason, type=f.status.value).text = _details(f)
        return "errors"
    if f.status in (Status.NOT_APPLICABLE, Status.MUTED):
        ET.SubElement(case, "skipped", message=f"{f.status.value}: {f.reason}")
        return "skipped"
    if f.status is Status.WARN:
        ET.SubElement(case, "system-out").text = f"WARN: {f.reason}\n{_details(f)}"
    return "passed"


def _suite(root: ET.Element, account: AccountReport, timestamp: str, warn_fails: bool) -> dict[str, int]:
    classname = f"privacyguard.{account.platform}.{account.account}"
    suite = ET.SubElement(root, "testsuite", name=classname, timestamp=timestamp, time="0")
    props = ET.SubElement(suite, "properties")
    score = account_score(account)
    for name, value in (("platform", account.platform), ("account", account.account),
                        ("status", account.status.value), ("score", "" if score is None else str(score))):
        ET.SubElement(props, "property", name=name, value=value)
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0, "passed": 0}
    if account.error and not any(f.status is Status.ERROR for f in account.findings):
        case = ET.SubElement(suite, "testcase", classname=classname, name="collection", time="0")
        ET.SubElement(case, "error", message=account.error, type="ERROR")
        counts["tests"] += 1
        counts["errors"] += 1
    for f in account.findings:
        counts[_case(suite, classname, f, warn_fails)] += 1
        counts["tests"] += 1
    for key in ("tests", "failures", "errors", "skipped"):
        suite.set(key, str(counts[key]))
    return counts


def render_junit(report: Report, *, sweep: SweepView | None = None, warn_fails: bool = False) -> str:
    root = ET.Element("testsuites", name="privacyguard")
    timestamp = str(report.tool.get("snapshot_taken_at", ""))[:19]
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for account in sorted(report.accounts, key=lambda a: (a.platform, a.account)):
        counts = _suite(root, account, timestamp, warn_fails)
        for key in totals:
            totals[key] += counts[key]
    if sweep is not None and sweep.drift:  # no drift: no empty suite
        suite = ET.SubElement(root, "testsuite", name="privacyguard.drift", tests=str(len(sweep.drift)), failures="0",
                              errors="0", skipped="0", timestamp=timestamp, time="0")
        props = ET.SubElement(suite, "properties")
        ET.SubElement(props, "property", name="sweep_id", value=str(sweep.sweep_id))
        ET.SubElement(props, "property", name="summary", value=drift_heading(sweep))
        for item in sweep.drift:
            case = ET.SubElement(suite, "testcase", classname=f"privacyguard.drift.{item.platform}.{item.account}",
                                 name=f"{item.kind.value}: {item.setting or item.label}", time="0")
            ET.SubElement(case, "system-out").text = _("{kind}: {message} (before: {before}, now: {after})").format(
                kind=kind_label(item.kind), message=item.message, before=item.before or "—", after=item.after or "—")
        totals["tests"] += len(sweep.drift)
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
