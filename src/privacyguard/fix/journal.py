"""The fix journal: every fix run, with each change's before-value, so `undo` can restore it.

One JSON file per run under `$PRIVACYGUARD_HOME/fixes/<run_id>.json` (docs/fix.md). Write-ahead:
before the first click of a change, its intent (setting, before-value, target; result `pending`)
is written and fsynced; after the read-back the entry gets its result. So a run interrupted at any
point (Ctrl-C, a kill, a crash, power loss) leaves every change it may have made in the journal,
and `undo` treats a `pending` one as "possibly changed": it reads the value and restores it if
needed. Each write is atomic (temporary file, fsync, rename). Values only: no secrets, no page
content.
"""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError

from privacyguard import __version__
from privacyguard.collect.runner import Target
from privacyguard.errors import FileFormatError, JournalError
from privacyguard.files import write_state
from privacyguard.fix.model import Result
from privacyguard.home import privacyguard_home
from privacyguard.i18n import _
from privacyguard.loaders import load_json

JOURNAL_SCHEMA = 1
# An intent without an outcome: the steps were about to start when the run stopped, so the value
# may or may not have changed (only the journal uses it; a run's report never shows it).
PENDING = "pending"
Outcome = Result | Literal["pending"]


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


class UndoRecord(BaseModel):
    """What `undo` did to one change."""

    result: Result
    found: str | None = Field(default=None, description="The value when undo came to it.")
    after: str | None = Field(default=None, description="The value read back after restoring.")
    reason: str | None = None
    at: datetime = Field(default_factory=now)


class Entry(BaseModel):
    """One change a fix run attempted."""

    platform: str
    account: str
    sandbox: str | None = None
    fixtures: str | None = None
    registered: bool = Field(default=False, description="A registered account: undo signs in as scan does.")
    setting: str
    before: str | None
    target: str
    after: str | None = None
    result: Outcome
    attempted: bool = Field(default=False, description="The change steps were started (intent written first).")
    reason: str | None = None
    at: datetime = Field(default_factory=now)
    undo: UndoRecord | None = None

    @property
    def target_account(self) -> Target:
        return Target(self.platform, self.account, self.sandbox, Path(self.fixtures) if self.fixtures else None,
                      registered=self.registered)

    @property
    def possibly_changed(self) -> bool:
        """Steps were started but the read-back did not show the value unchanged: an interrupted
        change (`pending`), or one that failed or stopped for the person after its first click."""
        return self.result == PENDING or (self.attempted and self.result in (Result.FAILED, Result.MANUAL)
                                          and self.after != self.before)

    @property
    def undoable(self) -> bool:
        """Applied or possibly changed, with a known before-value, and not yet restored (a failed
        undo may be retried)."""
        return ((self.result is Result.APPLIED or self.possibly_changed) and self.before is not None
                and (self.undo is None or self.undo.result is Result.FAILED))

    @property
    def left_at(self) -> str:
        """The value the fix left, as far as known: undo touches the setting only if it shows this
        (or already the before-value)."""
        return self.after if self.after is not None else self.target


class FixRun(BaseModel):
    schema_version: int = JOURNAL_SCHEMA
    tool_version: str = __version__
    run_id: str
    started_at: datetime = Field(default_factory=now)
    finished_at: datetime | None = None
    policy: str | None = None
    changes: list[Entry] = Field(default_factory=list)

    def undoable(self, accounts: list[str] | None = None) -> list[Entry]:
        return [e for e in self.changes if e.undoable and (not accounts or e.account in accounts)]


def journal_dir() -> Path:
    return privacyguard_home() / "fixes"


def new_run_id() -> str:
    """Sortable by time, unique even for runs started in the same second."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ") + "-" + secrets.token_hex(2)


def run_path(run_id: str) -> Path:
    return journal_dir() / f"{run_id}.json"


def save_run(run: FixRun) -> Path:
    """Write a run atomically and durably (fsync): readers see the old file or the new one."""
    path = run_path(run.run_id)
    data = json.dumps(run.model_dump(mode="json"), indent=2, ensure_ascii=False)
    return write_state(path, data, _("the fix journal"))


def load_run(path: Path) -> FixRun:
    """One run, through the project's JSON loader (encoding, size, depth), then its model.

    A damaged journal is JournalError (exit 3) naming the file, the line where known and the field."""
    try:
        data = load_json(path, JournalError)
    except FileFormatError as exc:
        raise JournalError(exc.path, exc.line, _("not a readable fix journal: {problem}; move it aside").format(
            problem=exc.problem)) from None
    try:
        return FixRun.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or _("the top level")
        raise JournalError(path, None, _("not a readable fix journal: {field}: {problem}; move it aside").format(
            field=where, problem=first["msg"])) from None


def list_runs() -> list[FixRun]:
    """Every recorded run, oldest first."""
    folder = journal_dir()
    if not folder.is_dir():
        return []
    runs = [load_run(p) for p in folder.glob("*.json") if not p.name.startswith(".")]
    return sorted(runs, key=lambda r: (r.started_at, r.run_id))


def last_undoable(accounts: list[str] | None = None) -> FixRun | None:
    """The most recent run that still has applied changes to restore (for these accounts)."""
    for run in reversed(list_runs()):
        if run.undoable(accounts):
            return run
    return None


def known_accounts() -> list[str]:
    return sorted({e.account for run in list_runs() for e in run.changes})
