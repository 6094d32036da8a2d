"""Helpers for programs that test or benchmark privacyguard (shipped, as httpx ships a mock transport)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


class MemoryKeyring(KeyringBackend):
    """A keyring that lives only in this process: secrets never touch the disk."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.store:
            raise PasswordDeleteError(username)
        del self.store[(service, username)]


def write_signed_inbox(folder: Path, roster: Path, people: int, key: bytes, teams: int = 12,
                       now: dt.datetime | None = None) -> None:
    """A roster of `people` (one LinkedIn and one Facebook account each) and one signed bundle per
    person in `folder`, as staff would hand them in. Findings vary from person to person (four
    patterns over PASS, FAIL, WARN, UNKNOWN, NOT_APPLICABLE, MUTED; one account in ten failed), so
    the merged audit has every kind of cell. The findings are made here, not by evaluating a
    policy, so the inbox depends only on the catalogue's setting ids and values. For scale tests
    and `make bench` (audit collect). `now`: when the newest bundle was made (fixed: same inbox
    on every run)."""
    from privacyguard.audit.bundle import (
        Bundle,
        BundleAccount,
        BundleFinding,
        BundleReading,
        PolicyRef,
        key_id,
        signature_of,
    )
    from privacyguard.catalogue import load_catalogue
    from privacyguard.findings import Status
    from privacyguard.snapshot import ReadStatus

    catalogue = load_catalogue()
    platforms = ("linkedin", "facebook")
    newest = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    cycle = [Status.PASS, Status.FAIL, Status.WARN, Status.PASS, Status.UNKNOWN, Status.NOT_APPLICABLE,
             Status.MUTED]

    def account(platform: str, pattern: int) -> BundleAccount:
        if pattern == 3 and platform == "facebook":
            return BundleAccount(platform=platform, account="x", status=Status.ERROR,
                                 error={"kind": "checkpoint", "message": "blocked by platform security"})
        readings, findings = {}, []
        for index, setting in enumerate(catalogue.platform(platform).settings):
            status = cycle[(index + pattern) % len(cycle)]
            value = {Status.PASS: setting.values[-1], Status.MUTED: setting.values[0],
                     Status.FAIL: setting.values[0], Status.WARN: setting.values[0]}.get(status)
            readings[setting.id] = BundleReading(status=ReadStatus.READ if value else ReadStatus.NOT_FOUND,
                                                 value=value)
            findings.append(BundleFinding(setting=setting.id, status=status, level="shall" if index % 3 else "should",
                                          severity=("high", "medium", "low")[index % 3],
                                          expected=setting.values[-1], actual=value,
                                          reason=f"{status.value.lower()}: pattern {pattern}, setting {index}"))
        worst = next(s for s in (Status.FAIL, Status.UNKNOWN, Status.WARN, Status.PASS)
                     if any(f.status is s for f in findings))
        return BundleAccount(platform=platform, account="x", status=worst, readings=readings, findings=findings)

    templates = [Bundle(who="x", created_at=newest, catalogue={p: "scale-test" for p in platforms},
                             policy=PolicyRef(name="scale-test", sha256="0" * 64),
                             accounts=[account(p, pattern) for p in platforms]).data() for pattern in range(4)]
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["person,team,email,platform,account,sandbox"]
    for i in range(people):
        name, email = f"Person {i:05d}", f"person{i:05d}@example.org"
        names = {p: f"{p[:2]}-{i:05d}" for p in platforms}
        lines.extend(f"{name},Team {i % teams:02d},{email},{p},{names[p]}," for p in platforms)
        data = json.loads(json.dumps(templates[i % 4 if i % 10 else 3]))
        data["who"] = email if i % 2 else name
        data["created_at"] = (newest - dt.timedelta(minutes=i % 997)).isoformat()
        data["tool"] = {"name": "privacyguard", "version": "scale-test"}
        for entry in data["accounts"]:
            entry["account"] = names[entry["platform"]]
            entry["collected_at"] = data["created_at"]
        data["signature"] = None
        data["signature"] = {"alg": "HMAC-SHA256", "key_id": key_id(key), "value": signature_of(data, key)}
        (folder / f"{i:05d}.json").write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    roster.write_text("\n".join(lines) + "\n", encoding="utf-8")
