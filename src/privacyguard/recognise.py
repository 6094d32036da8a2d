"""Only a value the setting can take is judged; any other value is unrecognised, and so UNKNOWN.

Collection maps what a page shows onto the setting's known values, so a live reading is
always one of them. Readings also come back from files someone could have edited: saved
snapshots (`evaluate`), handed-in bundles (`audit collect`) and the history database. A
value such as "garbage" there must never PASS ("is garbage"): it is screened out here, in
one place, wherever readings enter.
"""

from __future__ import annotations

from typing import Protocol, TypeVar

from privacyguard.catalogue import Catalogue
from privacyguard.findings import Status
from privacyguard.i18n import _
from privacyguard.snapshot import AccountSnapshot, ReadStatus

JUDGED = {Status.PASS, Status.FAIL, Status.WARN, Status.MUTED}
_SHOWN = 60


class _JudgedLike(Protocol):
    setting: str
    status: Status
    actual: str | None
    reason: str

    def model_copy(self, *, update: dict | None = None, deep: bool = False) -> _JudgedLike: ...


F = TypeVar("F", bound=_JudgedLike)


def known_value(catalogue: Catalogue, setting_id: str, value: str | None) -> bool:
    """True when the value is one the setting can take (or the setting is not in this catalogue)."""
    if value is None or not catalogue.has_setting(setting_id):
        return True
    return value in catalogue.setting(setting_id).values


def why_unrecognised(value: str) -> str:
    return _("the value {value} is not one this setting can take").format(value=repr(value[:_SHOWN]))


def screen_account(account: AccountSnapshot, catalogue: Catalogue) -> AccountSnapshot:
    """The account with every reading of an unknown value turned into an UNRECOGNISED reading."""
    changed = {
        sid: reading.model_copy(update={"status": ReadStatus.UNRECOGNISED, "value": None,
                                        "note": why_unrecognised(reading.value)})
        for sid, reading in account.readings.items()
        if reading.value is not None and not known_value(catalogue, sid, reading.value)
    }
    return account.model_copy(update={"readings": {**account.readings, **changed}}) if changed else account


def value_sets(catalogue: Catalogue) -> dict[str, frozenset[str]]:
    """Every catalogue setting's known values, for screening many findings (`audit collect`) at once."""
    return {s.id: frozenset(s.values) for flow in catalogue.flows.values() for s in flow.settings}


def screen_findings(findings: list[F], catalogue: Catalogue,
                    known: dict[str, frozenset[str]] | None = None) -> tuple[list[F], bool]:
    """Findings judged on an unknown value become UNKNOWN; returns (findings, whether any changed).
    `known`: value_sets(catalogue), when already made (the same test as known_value)."""
    known = value_sets(catalogue) if known is None else known
    screened: list[F] = []
    changed = False
    for finding in findings:
        if finding.status in JUDGED and finding.actual is not None:
            values = known.get(finding.setting)
            if values is not None and finding.actual not in values:
                finding = finding.model_copy(update={"status": Status.UNKNOWN, "actual": None,
                                                     "reason": why_unrecognised(finding.actual)})
                changed = True
        screened.append(finding)
    return screened, changed
