"""What collection returns: for each setting a Reading (a canonical value, or why not).

A Snapshot is plain JSON and can be saved and re-evaluated offline under any policy.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from privacyguard import __version__
from privacyguard.errors import SnapshotError
from privacyguard.files import write_output
from privacyguard.i18n import _
from privacyguard.loaders import load_json
from privacyguard.yamlfile import problem_text

SNAPSHOT_SCHEMA = 1


def now_utc() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


class ReadStatus(StrEnum):
    """Why a reading has (or lacks) a value."""

    READ = "read"  # value holds the canonical value
    NOT_FOUND = "not_found"  # no locator matched on the page
    AMBIGUOUS = "ambiguous"  # several elements matched, or the page contradicts itself
    UNRECOGNISED = "unrecognised"  # the control was found but shows a value the flow cannot map
    PAGE_MISSING = "page_missing"  # the page is gone or moved (404, redirected elsewhere)
    NOT_OFFERED = "not_offered"  # a retired control that this platform version no longer offers
    PAGE_BLOCKED = "page_blocked"  # a login wall, checkpoint or rate limit instead of the page
    ERROR = "error"  # the browser failed while reading


class Evidence(BaseModel):
    """Where a reading came from, so a person can check it."""

    url: str | None = None
    locator: str | None = None
    raw: str | None = None


class Reading(BaseModel):
    setting: str
    status: ReadStatus
    value: str | None = None
    note: str | None = None
    evidence: Evidence = Field(default_factory=Evidence)

    @property
    def ok(self) -> bool:
        return self.status is ReadStatus.READ and self.value is not None


class AccountError(BaseModel):
    """Why a whole account could not be collected (sign-in failed, blocked, browser crash)."""

    kind: str
    message: str


class AccountSnapshot(BaseModel):
    platform: str
    account: str
    sandbox: str | None = None
    started_at: datetime = Field(default_factory=now_utc)
    finished_at: datetime | None = None
    error: AccountError | None = None
    readings: dict[str, Reading] = Field(default_factory=dict)


class Snapshot(BaseModel):
    schema_version: int = SNAPSHOT_SCHEMA
    tool_version: str = __version__
    catalogue: dict[str, str] = Field(default_factory=dict)
    taken_at: datetime = Field(default_factory=now_utc)
    duration_seconds: float | None = None
    accounts: list[AccountSnapshot] = Field(default_factory=list)

    def save(self, path: Path, option: str | None = None) -> None:
        """Write atomically; an unwritable path is bad input naming it."""
        write_output(path, self.model_dump_json(indent=2), option)

    @classmethod
    def load(cls, path: Path) -> Snapshot:
        """A saved snapshot; anything else (another JSON file, an empty or future snapshot) is refused."""
        data = load_json(path, SnapshotError)
        if not isinstance(data, dict) or "schema_version" not in data or "accounts" not in data:
            raise SnapshotError(path, None, _('not a privacyguard snapshot (it needs "schema_version" and "accounts", '
                                              "as `scan --save-snapshot` writes)"))
        if data["schema_version"] != SNAPSHOT_SCHEMA:
            raise SnapshotError(path, None, _("snapshot schema_version {found!r} is not supported (this privacyguard "
                                              "reads version {known})").format(found=data["schema_version"],
                                                                               known=SNAPSHOT_SCHEMA))
        if not data["accounts"]:
            raise SnapshotError(path, None, _("the snapshot holds no account: there is nothing to judge"))
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            first = exc.errors(include_url=False)[0]
            where = ".".join(str(p) for p in first["loc"]) or _("(top level)")
            raise SnapshotError(path, None, _("not a privacyguard snapshot: {where}: {problem}").format(
                where=where, problem=problem_text(first))) from None
