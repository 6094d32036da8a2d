"""Evaluation: a pure function policy × snapshot → findings. No browser, no I/O.

A setting that was not read is UNKNOWN (or ERROR when the account could not be collected),
never PASS: only a reading with a value can pass.
"""

from __future__ import annotations

import datetime as dt

from privacyguard.catalogue import Catalogue, Setting
from privacyguard.findings import AccountReport, Finding, Remediation, Report, Status, overall_status, summarise
from privacyguard.i18n import pick, pick_list
from privacyguard.policy import Level, Mute, Policy, Rule
from privacyguard.recognise import screen_account
from privacyguard.snapshot import AccountSnapshot, Reading, ReadStatus, Snapshot

_UNREAD_REASONS = {
    ReadStatus.NOT_FOUND: "could not find the control on the page",
    ReadStatus.AMBIGUOUS: "the page was ambiguous",
    ReadStatus.UNRECOGNISED: "the page shows a value privacyguard does not recognise",
    ReadStatus.PAGE_MISSING: "the settings page was not where expected",
    ReadStatus.PAGE_BLOCKED: "the platform blocked the page",
    ReadStatus.ERROR: "reading failed",
}


def _remediation(setting: Setting, rule: Rule, target: str, lang: str) -> Remediation:
    steps = pick_list(setting.manual_steps, lang)
    if rule.remediation:
        steps = [pick(rule.remediation, lang), *steps]
    if not steps:
        steps = [f"Open {setting.url} and set '{pick(setting.title, lang)}' to '{target}'."]
    return Remediation(steps=steps, url=setting.url)


def _judge(rule: Rule, setting: Setting, reading: Reading | None, account: AccountSnapshot,
           mutes: list[Mute], today: dt.date) -> tuple[Status, str]:
    """Status and one-line reason for one rule on one account."""
    if account.error is not None and (reading is None or not reading.ok):
        return Status.ERROR, f"not collected: {account.error.message}"
    if reading is None:
        return Status.UNKNOWN, "not read in this snapshot"
    if reading.status is ReadStatus.NOT_OFFERED:
        replaced = reading.note or (pick(setting.retired.replaced_by) if setting.retired else "")
        return Status.NOT_APPLICABLE, f"no longer offered by the platform. {replaced}".strip()
    if reading.status is ReadStatus.PAGE_BLOCKED:
        return Status.ERROR, reading.note or _UNREAD_REASONS[reading.status]
    if not reading.ok:
        detail = f": {reading.note}" if reading.note else ""
        return Status.UNKNOWN, _UNREAD_REASONS.get(reading.status, "not read") + detail
    assert reading.value is not None
    if rule.expect.matches(reading.value):
        return Status.PASS, f"is {reading.value}"
    failing = Status.FAIL if rule.level is Level.SHALL else Status.WARN
    reason = f"is {reading.value}, expected {rule.expect.describe()}"
    matching = [m for m in mutes if m.setting == rule.setting and m.applies_to(account.account)]
    active = [m for m in matching if m.active(today)]
    if active:
        return Status.MUTED, f"{reason}; muted until {active[0].until}: {active[0].reason}"
    if matching:
        expired = max(m.until for m in matching)
        return failing, f"{reason} (mute expired on {expired})"
    return failing, reason


def evaluate_account(account: AccountSnapshot, policy: Policy, catalogue: Catalogue,
                     lang: str = "en", today: dt.date | None = None) -> AccountReport:
    today = today or dt.date.today()
    account = screen_account(account, catalogue)
    findings: list[Finding] = []
    for rule in policy.rules.values():
        setting = catalogue.setting(rule.setting)
        if setting.platform != account.platform:
            continue
        reading = account.readings.get(rule.setting)
        status, reason = _judge(rule, setting, reading, account, policy.mutes, today)
        target = rule.expect.target(setting)
        findings.append(Finding(
            uid=f"{account.platform}:{account.account}:{rule.setting}",
            setting=rule.setting,
            title=pick(setting.title, lang),
            status=status,
            severity=rule.severity.value,
            level=rule.level.value,
            expected=rule.expect.describe(),
            actual=reading.value if reading is not None and reading.ok else None,
            reason=reason,
            rationale=pick(rule.rationale, lang),
            remediation=_remediation(setting, rule, target, lang),
            automatable=setting.automatable,
            target=target,
        ))
    statuses = [f.status for f in findings]
    if account.error is not None:
        statuses.append(Status.ERROR)
    return AccountReport(
        platform=account.platform,
        account=account.account,
        status=overall_status(statuses),
        error=account.error.message if account.error else None,
        error_kind=account.error.kind if account.error else None,
        findings=findings,
    )


def evaluate(snapshot: Snapshot, policy: Policy, catalogue: Catalogue,
             lang: str = "en", today: dt.date | None = None) -> Report:
    """Judge every account of a snapshot against a policy."""
    accounts = [evaluate_account(a, policy, catalogue, lang, today) for a in snapshot.accounts]
    return Report(
        tool={"name": "privacyguard", "version": snapshot.tool_version, "catalogue": snapshot.catalogue,
              "snapshot_taken_at": snapshot.taken_at.isoformat(), "duration_seconds": snapshot.duration_seconds,
              "lang": lang},
        policy=policy.header(),
        accounts=accounts,
        summary=summarise(accounts),
    )
