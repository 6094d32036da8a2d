"""The fix journal: every fix run, with each change's before-value, so `undo` can restore it.

One JSON file per run under `$PRIVACYGUARD_HOME/fixes/<run_id>.json` (docs/fix.md). The file is
rewritten atomically (temporary file, fsync, rename) after every change, so a run that is
interrupted still records each change it made. Values only: no secrets, no page content.
"""

from __future__ import annotations

import json
import os
import secrets
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from privacyguard import __version__
from privacyguard.collect.runner import Target
from privacyguard.errors import BadInput
from privacyguard.fix.model import Result
from privacyguard.home import privacyguard_home

JOURNAL_SCHEMA = 1


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
    result: Result
    reason: str | None = None
    at: datetime = Field(default_factory=now)
    undo: UndoRecord | None = None

    @property
    def target_account(self) -> Target:
        return Target(self.platform, self.account, self.sandbox, Path(self.fixtures) if self.fixtures else None,
                      registered=self.registered)

    @property
    def undoable(self) -> bool:
        """Applied, with a known before-value, and not yet restored (a failed undo may be retried)."""
        return (self.result is Result.APPLIED and self.before is not None
                and (self.undo is None or self.undo.result is Result.FAILED))


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
    """Write a run atomically: readers see the old file or the new one, never half of one."""
    folder = journal_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = run_path(run.run_id)
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    data = json.dumps(run.model_dump(mode="json"), indent=2, ensure_ascii=False)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    tmp.replace(path)
    return path


def load_run(path: Path) -> FixRun:
    try:
        return FixRun.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValidationError, ValueError) as exc:
        raise BadInput(f"{path}: not a readable fix journal ({type(exc).__name__}); move it aside") from None


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
