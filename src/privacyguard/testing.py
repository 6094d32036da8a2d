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


def write_signed_inbox(folder: Path, roster: Path, people: int, key: bytes, policy: str = "recommended",
                       teams: int = 12, now: dt.datetime | None = None) -> None:
    """A roster of `people` (one LinkedIn and one Facebook account each) and one signed bundle per
    person in `folder`, as staff would hand them in. Readings vary from person to person (four
    patterns of open and private values, some unreadable, one account in ten failed), so that the
    merged audit has every kind of cell. For scale tests and `make bench` (audit collect).
    `now`: when the newest bundle was made (a fixed time makes the inbox the same on every run)."""
    from privacyguard.audit.bundle import build_bundle, key_id, signature_of
    from privacyguard.catalogue import load_catalogue
    from privacyguard.policy import load_policy
    from privacyguard.snapshot import AccountError, AccountSnapshot, Reading, ReadStatus, Snapshot

    catalogue = load_catalogue()
    resolved = load_policy(policy, catalogue)
    platforms = ("linkedin", "facebook")
    newest = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0)

    def account(platform: str, pattern: int) -> AccountSnapshot:
        readings = {}
        for index, setting in enumerate(catalogue.platform(platform).settings):
            if (index + pattern) % 7 == 0:
                readings[setting.id] = Reading(setting=setting.id, status=ReadStatus.NOT_FOUND)
            else:
                value = setting.values[-1] if (index * pattern) % 3 else setting.values[0]
                readings[setting.id] = Reading(setting=setting.id, status=ReadStatus.READ, value=value)
        snap = AccountSnapshot(platform=platform, account="x", readings=readings)
        if pattern == 3 and platform == "facebook":
            snap.readings, snap.error = {}, AccountError(kind="checkpoint", message="blocked by platform security")
        return snap

    templates = [build_bundle("x", Snapshot(catalogue=catalogue.versions(),
                                            accounts=[account(p, pattern) for p in platforms]),
                              resolved, catalogue).data() for pattern in range(4)]
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["person,team,email,platform,account,sandbox"]
    for i in range(people):
        name, email = f"Person {i:05d}", f"person{i:05d}@example.org"
        names = {p: f"{p[:2]}-{i:05d}" for p in platforms}
        lines.extend(f"{name},Team {i % teams:02d},{email},{p},{names[p]}," for p in platforms)
        data = json.loads(json.dumps(templates[i % 4 if i % 10 else 3]))
        data["who"] = email if i % 2 else name
        data["created_at"] = (newest - dt.timedelta(minutes=i % 997)).isoformat()
        for entry in data["accounts"]:
            entry["account"] = names[entry["platform"]]
            entry["collected_at"] = data["created_at"]
        data["signature"] = None
        data["signature"] = {"alg": "HMAC-SHA256", "key_id": key_id(key), "value": signature_of(data, key)}
        (folder / f"{i:05d}.json").write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    roster.write_text("\n".join(lines) + "\n", encoding="utf-8")
