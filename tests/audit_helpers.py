"""Helpers for the audit tests: a small org policy over whatever settings the catalogue has, and
synthetic snapshots, so bundle/merge/matrix tests need no browser."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from privacyguard.catalogue import Catalogue
from privacyguard.snapshot import AccountError, AccountSnapshot, Evidence, Reading, ReadStatus, Snapshot

PLATFORMS = ("linkedin", "facebook")


def two_settings(catalogue: Catalogue, platform: str) -> list[str]:
    """The first two non-retired settings of a platform, with two values or more."""
    flow = catalogue.platform(platform)
    return [s.id for s in flow.settings if s.retired is None and len(s.values) >= 2][:2]


def write_policy(path: Path, catalogue: Catalogue) -> dict[str, str]:
    """A policy over two settings per platform, expecting each one's last (most private) value.

    Returns {setting: expected value}. The second setting of each platform is a `should` rule.
    """
    expected: dict[str, str] = {}
    lines = ["name: test-org", "rules:"]
    for platform in PLATFORMS:
        for index, sid in enumerate(two_settings(catalogue, platform)):
            value = catalogue.setting(sid).values[-1]
            expected[sid] = value
            level = "shall" if index == 0 else "should"
            lines.append(f"  {sid}: {{expect: \"{value}\", level: {level}}}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return expected


def snapshot_for(catalogue: Catalogue, platform: str, account: str, good: bool, error: str | None = None,
                 unreadable: str | None = None) -> AccountSnapshot:
    """One account: every policy setting read as the expected value (good) or the first, open value."""
    readings = {}
    for sid in two_settings(catalogue, platform):
        values = catalogue.setting(sid).values
        readings[sid] = Reading(setting=sid, status=ReadStatus.READ, value=values[-1] if good else values[0],
                                evidence=Evidence(url="https://example.invalid/page", raw="RAW PAGE TEXT 12345"))
        if sid == unreadable:
            readings[sid] = Reading(setting=sid, status=ReadStatus.UNRECOGNISED,
                                    note="page shows 'SECRET-LOOKING PAGE TEXT'",
                                    evidence=Evidence(raw="SECRET-LOOKING PAGE TEXT"))
    snap = AccountSnapshot(platform=platform, account=account, readings=readings,
                           finished_at=dt.datetime.now(dt.UTC).replace(microsecond=0))
    if error:
        snap.readings = {}
        snap.error = AccountError(kind="checkpoint", message=error)
    return snap


def snapshot(catalogue: Catalogue, *accounts: AccountSnapshot) -> Snapshot:
    return Snapshot(catalogue=catalogue.versions(), accounts=list(accounts))
