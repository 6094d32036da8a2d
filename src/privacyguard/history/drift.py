"""Drift: what changed for one account between two sweeps. A pure function, no database.

Drift is what a person wants to hear about after a weekly sweep (docs/history.md):
- a setting whose value changed (someone, or the platform, changed it),
- a rule newly failing or newly passing,
- a setting that appeared on or vanished from the platform (new controls are how platforms add
  opt-outs: a setting read now that was absent, not offered or whose page was missing before),
- a setting that was read before and cannot be read now (the page changed),
- an account that could not be read this time (or can be read again).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from pydantic import BaseModel

from privacyguard.findings import AccountReport, Finding, Status
from privacyguard.i18n import N_, _, use_lang
from privacyguard.labels import shown_label
from privacyguard.snapshot import AccountSnapshot, Reading, ReadStatus

FAILING = {Status.FAIL, Status.WARN}
NOT_ON_PLATFORM = {ReadStatus.NOT_OFFERED, ReadStatus.PAGE_MISSING}


class DriftKind(StrEnum):
    VALUE_CHANGED = "value_changed"
    NEWLY_FAILING = "newly_failing"
    NEWLY_PASSING = "newly_passing"
    SETTING_APPEARED = "setting_appeared"
    SETTING_VANISHED = "setting_vanished"
    SETTING_UNREADABLE = "setting_unreadable"
    ACCOUNT_UNREADABLE = "account_unreadable"
    ACCOUNT_READABLE_AGAIN = "account_readable_again"


# Plain-language one-liners (message catalogue, privacyguard.i18n); {title}, {before}, {after}, {detail}
# are filled in, values as their labels in the chosen language.
MESSAGES: dict[DriftKind, str] = {
    DriftKind.VALUE_CHANGED: N_("'{title}' changed from {before} to {after}"),
    DriftKind.NEWLY_FAILING: N_("'{title}' no longer meets the policy ({after}; was {before})"),
    DriftKind.NEWLY_PASSING: N_("'{title}' now meets the policy (was {before})"),
    DriftKind.SETTING_APPEARED: N_("new on the platform: '{title}' ({after})"),
    DriftKind.SETTING_VANISHED: N_("'{title}' is no longer on the platform ({after}; was {before})"),
    DriftKind.SETTING_UNREADABLE: N_("'{title}' could not be read this time ({after}; was {before})"),
    DriftKind.ACCOUNT_UNREADABLE: N_("the account could not be read this time: {detail}"),
    DriftKind.ACCOUNT_READABLE_AGAIN: N_("the account could be read again (last time: {detail})"),
}


class DriftItem(BaseModel):
    """One change for one account since its baseline sweep."""

    platform: str
    account: str
    kind: DriftKind
    setting: str | None = None
    title: str | None = None
    before: str | None = None
    after: str | None = None
    baseline_sweep: int | None = None
    message: str

    @property
    def label(self) -> str:
        return f"{self.platform}:{self.account}"


@dataclass(frozen=True)
class AccountState:
    """What one sweep knew about one account: its readings and its findings."""

    sweep_id: int | None
    snapshot: AccountSnapshot
    report: AccountReport


def _offered(reading: Reading | None) -> bool:
    return reading is not None and reading.status not in NOT_ON_PLATFORM


def _shown(reading: Reading | None) -> str:
    if reading is None:
        return "absent"
    return reading.value if reading.ok and reading.value is not None else reading.status.value


def _finding_shown(finding: Finding | None) -> str:
    if finding is None:
        return "no rule"
    return f"{finding.status.value}, {finding.actual}" if finding.actual is not None else finding.status.value


def account_drift(previous: AccountState | None, current: AccountState, last_readable: AccountState | None = None,
                  titles: Mapping[str, str] | None = None, lang: str = "en", judge: bool = True) -> list[DriftItem]:
    """Drift of one account from `previous` (its last sweep) to `current`.

    When the previous sweep could not read the account, settings are compared with
    `last_readable` (the last sweep that could), so one bad week does not report every
    setting as vanished and reappeared. `judge=False` leaves out newly failing/passing: the two
    sweeps were judged under different policies, so only the readings can be compared.
    """
    with use_lang(lang):
        return _account_drift(previous, current, last_readable, titles, judge)


def _account_drift(previous: AccountState | None, current: AccountState, last_readable: AccountState | None,
                   titles: Mapping[str, str] | None, judge: bool) -> list[DriftItem]:
    names = dict(titles or {})
    for finding in current.report.findings + (previous.report.findings if previous else []):
        names.setdefault(finding.setting, finding.title)
    base_sweep = previous.sweep_id if previous else None
    items: list[DriftItem] = []

    def add(kind: DriftKind, setting: str | None = None, before: str | None = None, after: str | None = None,
            detail: str = "", baseline: int | None = base_sweep) -> None:
        title = names.get(setting or "", setting or "")
        items.append(DriftItem(platform=current.snapshot.platform, account=current.snapshot.account, kind=kind,
                               setting=setting, title=title if setting else None, before=before, after=after,
                               baseline_sweep=baseline,
                               message=_(MESSAGES[kind]).format(title=title, before=shown_label(setting, before),
                                                                after=shown_label(setting, after), detail=detail)))

    if current.snapshot.error is not None:
        add(DriftKind.ACCOUNT_UNREADABLE, detail=current.snapshot.error.message)
        return items
    if previous is None:
        return items
    baseline = previous
    if previous.snapshot.error is not None:
        add(DriftKind.ACCOUNT_READABLE_AGAIN, detail=previous.snapshot.error.message)
        if last_readable is None:
            return items
        baseline = last_readable
    base_sweep = baseline.sweep_id

    before_readings, now_readings = baseline.snapshot.readings, current.snapshot.readings
    for setting in [*now_readings, *(s for s in before_readings if s not in now_readings)]:
        was, now = before_readings.get(setting), now_readings.get(setting)
        if _offered(now) and not _offered(was):
            add(DriftKind.SETTING_APPEARED, setting, _shown(was), _shown(now), baseline=base_sweep)
        elif _offered(was) and not _offered(now):
            add(DriftKind.SETTING_VANISHED, setting, _shown(was), _shown(now), baseline=base_sweep)
        elif was is not None and now is not None and was.ok and now.ok and was.value != now.value:
            add(DriftKind.VALUE_CHANGED, setting, was.value, now.value, baseline=base_sweep)
        elif was is not None and was.ok and now is not None and not now.ok:
            add(DriftKind.SETTING_UNREADABLE, setting, _shown(was), _shown(now), baseline=base_sweep)

    if not judge:
        return items
    before_findings = {f.setting: f for f in baseline.report.findings}
    for finding in current.report.findings:
        old = before_findings.get(finding.setting)
        if finding.status in FAILING and (old is None or old.status not in FAILING):
            add(DriftKind.NEWLY_FAILING, finding.setting, _finding_shown(old), _finding_shown(finding),
                baseline=base_sweep)
        elif finding.status is Status.PASS and old is not None and old.status is not Status.PASS:
            add(DriftKind.NEWLY_PASSING, finding.setting, _finding_shown(old), _finding_shown(finding),
                baseline=base_sweep)
    return items


def new_fails(previous: AccountState | None, current: AccountState) -> list[Finding]:
    """FAIL findings that were not FAIL in the previous sweep (all FAILs on an account's first sweep)."""
    before = {f.setting: f.status for f in previous.report.findings} if previous else {}
    return [f for f in current.report.findings if f.status is Status.FAIL and before.get(f.setting) is not Status.FAIL]
