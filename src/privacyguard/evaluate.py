"""Evaluation: a pure function policy × snapshot → findings. No browser, no I/O.

A setting that was not read is UNKNOWN (or ERROR when the account could not be collected),
never PASS: only a reading with a value can pass.
"""

from __future__ import annotations

import datetime as dt

from privacyguard.catalogue import Catalogue, Setting
from privacyguard.findings import AccountReport, Finding, Remediation, Report, Status, overall_status, summarise
from privacyguard.i18n import N_, _, pick, pick_list, use_lang
from privacyguard.labels import expected_label, value_label
from privacyguard.policy import Level, Mute, Policy, Rule
from privacyguard.recognise import screen_account
from privacyguard.snapshot import AccountSnapshot, Reading, ReadStatus, Snapshot

_UNREAD_REASONS = {
    ReadStatus.NOT_FOUND: N_("could not find the control on the page"),
    ReadStatus.AMBIGUOUS: N_("the page was ambiguous"),
    ReadStatus.UNRECOGNISED: N_("the page shows a value privacyguard does not recognise"),
    ReadStatus.PAGE_MISSING: N_("the settings page was not where expected"),
    ReadStatus.PAGE_BLOCKED: N_("the platform blocked the page"),
    ReadStatus.ERROR: N_("reading failed"),
}


def _remediation(setting: Setting, rule: Rule, target: str, lang: str) -> Remediation:
    steps = pick_list(setting.manual_steps, lang)
    if rule.remediation:
        steps = [pick(rule.remediation, lang), *steps]
    if not steps:
        steps = [_("Open {url} and set '{title}' to '{value}'.").format(
            url=setting.url, title=pick(setting.title, lang), value=value_label(setting.id, target, lang))]
    return Remediation(steps=steps, url=setting.url)


def _judge(rule: Rule, setting: Setting, reading: Reading | None, account: AccountSnapshot,
           mutes: list[Mute], today: dt.date) -> tuple[Status, str]:
    """Status and one-line reason for one rule on one account."""
    if account.error is not None and (reading is None or not reading.ok):
        return Status.ERROR, _("not collected: {error}").format(error=account.error.message)
    if reading is None:
        return Status.UNKNOWN, _("not read in this snapshot")
    if reading.status is ReadStatus.NOT_OFFERED:
        replaced = reading.note or (pick(setting.retired.replaced_by) if setting.retired else "")
        return Status.NOT_APPLICABLE, (_("no longer offered by the platform.") + f" {replaced}").strip()
    if reading.status is ReadStatus.PAGE_BLOCKED:
        return Status.ERROR, reading.note or _(_UNREAD_REASONS[reading.status])
    if not reading.ok:
        detail = f": {reading.note}" if reading.note else ""
        return Status.UNKNOWN, (_(_UNREAD_REASONS[reading.status]) if reading.status in _UNREAD_REASONS
                                else _("not read")) + detail
    assert reading.value is not None
    value = value_label(setting.id, reading.value)
    if rule.expect.matches(reading.value):
        return Status.PASS, _("is {value}").format(value=value)
    failing = Status.FAIL if rule.level is Level.SHALL else Status.WARN
    reason = _("is {value}, expected {expected}").format(value=value,
                                                         expected=expected_label(setting.id, rule.expect.describe()))
    matching = [m for m in mutes if m.setting == rule.setting and m.applies_to(account.account)]
    active = [m for m in matching if m.active(today)]
    if active:
        return Status.MUTED, _("muted until {until}: {reason}").format(until=active[0].until, reason=active[0].reason)
    if matching:
        expired = max(m.until for m in matching)
        return failing, _("{reason} (mute expired on {date})").format(reason=reason, date=expired)
    return failing, reason


def evaluate_account(account: AccountSnapshot, policy: Policy, catalogue: Catalogue,
                     lang: str = "en", today: dt.date | None = None) -> AccountReport:
    with use_lang(lang):
        return _evaluate_account(screen_account(account, catalogue), policy, catalogue, lang,
                                 today or dt.date.today())


def _evaluate_account(account: AccountSnapshot, policy: Policy, catalogue: Catalogue, lang: str,
                      today: dt.date) -> AccountReport:
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
