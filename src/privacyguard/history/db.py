"""The history database: every sweep, kept in SQLite under the privacyguard home.

A sweep is written in one transaction: after a crash (even SIGKILL half-way through the write)
the database holds either the whole sweep or none of it, and every earlier sweep is untouched.
The schema is versioned (PRAGMA user_version) and migrated on open; see migrations.py.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from privacyguard.catalogue import load_catalogue
from privacyguard.errors import HistoryError, StateNotWritable
from privacyguard.files import private_dir, reason
from privacyguard.findings import AccountReport, Report, Status, overall_status
from privacyguard.history.drift import AccountState
from privacyguard.history.migrations import SCHEMA_VERSION, migrate, version
from privacyguard.history.models import AccountRun, AlertOutcome, SweepRecord, SweepSummary
from privacyguard.home import privacyguard_home
from privacyguard.i18n import _
from privacyguard.recognise import screen_account, screen_findings
from privacyguard.score import account_score
from privacyguard.snapshot import AccountSnapshot, Snapshot, now_utc

DB_NAME = "history.sqlite3"
T = TypeVar("T")


def history_path() -> Path:
    return privacyguard_home() / DB_NAME


def _private(path: Path) -> None:
    """The database and its -wal/-shm files: 0600 whatever the umask."""
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(OSError):
            os.chmod(f"{path}{suffix}", 0o600)


def _iso(value: datetime) -> str:
    return value.isoformat()


class HistoryDamaged(HistoryError):
    """The history database fails SQLite's own check (or is not a database at all); names the file."""

    def __init__(self, path: Path, detail: str) -> None:
        self.path, self.detail = path, detail
        super().__init__(_("{path}: the history database is damaged ({detail}); move it aside (`privacyguard sweep` "
                           "does that itself and starts a new history)").format(path=path, detail=detail))


# SQLite's primary result codes that mean the disk or the file system refused, not a damaged file:
# SQLITE_PERM, SQLITE_READONLY, SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN.
_CANNOT_WRITE = {3, 8, 10, 13, 14}
_IOERR_SHORT_READ = 522  # a file shorter than its header says: damage, not the disk


def cannot_write(path: Path, exc: sqlite3.Error, storing: bool = False) -> StateNotWritable | None:
    """The error to give when SQLite failed because the disk is full or refused a write (None: it did
    not). A full disk must never be taken for a damaged history: that would set a sound one aside."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is None or code == _IOERR_SHORT_READ or code & 0xFF not in _CANNOT_WRITE:
        return None
    why = (_("the disk is full (or a file size limit was reached)") if code & 0xFF in (10, 13)
           else _("the file system refused the write"))
    message = (_("the sweep was read but cannot be stored in {path}: {why} ({detail}); the sweeps stored before "
                 "are kept") if storing else
               _("cannot record sweeps in {path}: {why} ({detail}); the sweeps stored before are kept"))
    return StateNotWritable(message.format(path=path, why=why, detail=exc))


def set_aside(path: Path) -> Path:
    """Move a damaged database (and its -wal/-shm files) aside, keeping it for inspection."""
    stamp = now_utc().strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.damaged-{stamp}")
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{path}{suffix}")
        if source.exists():
            source.replace(Path(f"{target}{suffix}"))
    return target


def _unwritable(path: Path) -> str | None:
    """Why the database cannot be written here (None: it can): a trial file in its folder."""
    try:
        fd, name = tempfile.mkstemp(prefix=".probe-", dir=path.parent)
        os.close(fd)
        os.unlink(name)
    except OSError as exc:
        return reason(exc)
    if path.exists() and not os.access(path, os.W_OK):
        return _("the file is read-only")
    return None


def _first(exc: BaseException) -> str:
    """The first line of an error, without the stored text SQLite quotes."""
    return str(exc).split(" with text ")[0].splitlines()[0][:120] if str(exc) else ""


def _reading(method: Callable[..., T]) -> Callable[..., T]:
    """Damage in the stored data (undecodable text, broken JSON) is HistoryDamaged naming the file,
    never an internal error."""

    @functools.wraps(method)
    def read(self: History, *args: Any, **kwargs: Any) -> T:
        try:
            return method(self, *args, **kwargs)
        except (sqlite3.DatabaseError, ValueError, TypeError, KeyError, AttributeError) as exc:
            # ValueError covers broken JSON and a stored report that fails validation; the others a
            # row whose JSON has the wrong shape (a list where a mapping was written, a NULL date)
            refused = cannot_write(self.path, exc) if isinstance(exc, sqlite3.Error) else None
            if refused is not None:
                raise refused from None
            raise HistoryDamaged(self.path, _("a stored sweep cannot be read: {error}").format(
                error=f"{type(exc).__name__}: {_first(exc)}")) from None

    return read


class History:
    """Open (creating or migrating) the history database. Use as a context manager or close().

    `create=False` (reading: `history`, `schedule status`): a missing database is read as an empty
    one and no file is made. A home that cannot be written is opened read-only (`read_only`), so
    past sweeps can still be read. Damage is detected at open (PRAGMA quick_check): HistoryDamaged.
    """

    def __init__(self, path: Path | None = None, create: bool = True) -> None:
        self.path = path or history_path()
        self.read_only = False
        self.unwritable: str | None = None
        if not self.path.exists() and not create:
            self.db = sqlite3.connect(":memory:", isolation_level=None)
            self.migrated = migrate(self.db)
            return
        if not self.path.parent.exists():
            private_dir(self.path.parent)
        self.unwritable = _unwritable(self.path)
        if self.unwritable and not self.path.exists():
            raise StateNotWritable(_("cannot create the history database {path}: {reason}").format(
                path=self.path, reason=self.unwritable))
        try:
            if self.unwritable:  # read what is there, touch nothing (not even -wal/-shm files)
                self.read_only = True
                self.db = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro&immutable=1", uri=True,
                                          isolation_level=None)
            else:
                self.db = sqlite3.connect(self.path, isolation_level=None, timeout=30)
                self.db.execute("PRAGMA foreign_keys = ON")
                self.db.execute("PRAGMA journal_mode = WAL")
                self.db.execute("PRAGMA synchronous = FULL")
                _private(self.path)
            found = version(self.db)
            check = [str(row[0]) for row in self.db.execute("PRAGMA quick_check(3)").fetchall()]
        except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:  # damaged header text decodes badly too
            with contextlib.suppress(Exception):
                self.db.close()
            refused = cannot_write(self.path, exc) if isinstance(exc, sqlite3.Error) else None
            if refused is not None:
                raise refused from None
            raise HistoryDamaged(self.path, f"{exc}") from None
        if check != ["ok"]:
            self.db.close()
            raise HistoryDamaged(self.path, "quick_check: " + "; ".join(check)[:200])
        if found > SCHEMA_VERSION:
            self.db.close()
            raise HistoryError(_("{path}: written by a newer privacyguard (schema {found}; this one knows up to "
                                 "{known}); upgrade privacyguard").format(path=self.path, found=found,
                                                                          known=SCHEMA_VERSION))
        if self.read_only:
            if found < SCHEMA_VERSION:
                self.db.close()
                raise StateNotWritable(_("cannot upgrade the history database {path}: {reason}").format(
                    path=self.path, reason=self.unwritable))
            self.migrated = []
            return
        try:
            self.migrated = migrate(self.db)
        except sqlite3.DatabaseError as exc:
            self.db.close()
            raise HistoryError(_("{path}: cannot upgrade the history database ({problem})").format(
                path=self.path, problem=exc)) from None

    def require_writable(self) -> None:
        """Fail before the long part of a sweep when its result could not be stored."""
        if self.read_only:
            raise StateNotWritable(_("cannot record sweeps in {path}: {reason}").format(path=self.path,
                                                                                      reason=self.unwritable))

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any error (a crash leaves nothing behind either)."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            # SQLite may have rolled back already (a full disk does that): the first error is the one to tell
            with contextlib.suppress(sqlite3.Error):
                self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # --- writing -----------------------------------------------------------------------------
    def add_sweep(self, snapshot: Snapshot, report: Report, started_at: datetime,
                  finished_at: datetime | None = None) -> int:
        """Store a whole sweep in one transaction; returns its id."""
        finished_at = finished_at or now_utc()
        snapshots = {(a.platform, a.account): a for a in snapshot.accounts}
        with self.transaction() as db:
            cursor = db.execute(
                "INSERT INTO sweeps (started_at, finished_at, tool_json, policy_json, lang, exit_code, summary_json) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (_iso(started_at), _iso(finished_at), json.dumps(report.tool), json.dumps(report.policy),
                 str(report.tool.get("lang", "en")), report.exit_code(), json.dumps(report.summary)))
            sweep_id = int(cursor.lastrowid or 0)
            for account in report.accounts:
                raw = snapshots[(account.platform, account.account)]
                self._insert_run(db, sweep_id, account.platform, account.account, account.status.value,
                                 account.error, account_score(account), raw.model_dump_json(),
                                 account.model_dump_json())
        return sweep_id

    def _insert_run(self, db: sqlite3.Connection, sweep_id: int, platform: str, account: str, status: str,
                    error: str | None, score: float | None, snapshot_json: str, report_json: str) -> None:
        db.execute(
            "INSERT INTO account_runs (sweep_id, platform, account, status, error, score, snapshot_json, report_json) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (sweep_id, platform, account, status, error, score, snapshot_json, report_json))

    def record_alerts(self, sweep_id: int, outcomes: list[AlertOutcome]) -> None:
        with self.transaction() as db:
            db.executemany(
                "INSERT INTO alerts (sweep_id, target, ok, attempts, error, sent_at) VALUES (?, ?, ?, ?, ?, ?)",
                [(sweep_id, o.target, int(o.ok), o.attempts, o.error, _iso(o.sent_at or now_utc())) for o in outcomes])

    # --- reading -----------------------------------------------------------------------------
    def _run(self, row: sqlite3.Row | tuple) -> AccountRun:
        run_id, sweep_id, platform, account, status, error, score, snapshot_json, report_json = row
        catalogue = load_catalogue()  # readings in the file are screened like any other: issue 13 item 3
        snapshot = screen_account(AccountSnapshot.model_validate_json(snapshot_json), catalogue)
        report = AccountReport.model_validate_json(report_json)
        findings, changed = screen_findings(report.findings, catalogue)
        if changed:
            status = overall_status([f.status for f in findings] + ([Status.ERROR] if report.error else []))
            report = report.model_copy(update={"findings": findings, "status": status})
        return AccountRun(id=run_id, sweep_id=sweep_id, platform=platform, account=account, status=report.status,
                          error=error, score=score, snapshot=snapshot, report=report)

    _RUN_COLUMNS = "id, sweep_id, platform, account, status, error, score, snapshot_json, report_json"

    @_reading
    def sweep(self, sweep_id: int) -> SweepRecord:
        row = self.db.execute("SELECT id, started_at, finished_at, tool_json, policy_json, lang, exit_code, "
                              "summary_json FROM sweeps WHERE id = ?", (sweep_id,)).fetchone()
        if row is None:
            last = self.db.execute("SELECT max(id) FROM sweeps").fetchone()[0]
            hint = _("; the last sweep is #{id}").format(id=last) if last else _("; there are no sweeps yet")
            raise HistoryError(_("no sweep #{id} in {path}{hint}").format(id=sweep_id, path=self.path, hint=hint))
        runs = [self._run(r) for r in self.db.execute(
            f"SELECT {self._RUN_COLUMNS} FROM account_runs WHERE sweep_id = ? ORDER BY platform, account", (sweep_id,))]
        alerts = [AlertOutcome(target=t, ok=bool(ok), attempts=n, error=e, sent_at=datetime.fromisoformat(s))
                  for t, ok, n, e, s in self.db.execute(
                      "SELECT target, ok, attempts, error, sent_at FROM alerts WHERE sweep_id = ? ORDER BY id",
                      (sweep_id,))]
        return SweepRecord(id=row[0], started_at=datetime.fromisoformat(row[1]),
                           finished_at=datetime.fromisoformat(row[2]), tool=json.loads(row[3]),
                           policy=json.loads(row[4]), lang=row[5], exit_code=row[6], summary=json.loads(row[7]),
                           runs=runs, alerts=alerts)

    @_reading
    def sweeps(self, account: str | None = None, limit: int = 20) -> list[SweepSummary]:
        """The latest sweeps first; with `account`, only sweeps that read that account."""
        where, args = ("WHERE id IN (SELECT sweep_id FROM account_runs WHERE account = ?)", [account]) \
            if account else ("", [])
        rows = self.db.execute(
            f"SELECT id, started_at, exit_code, summary_json, policy_json FROM sweeps {where} "
            "ORDER BY id DESC LIMIT ?", [*args, limit]).fetchall()
        result = []
        for sweep_id, started, exit_code, summary, policy in rows:
            scores = {f"{p}:{a}": s for p, a, s in self.db.execute(
                "SELECT platform, account, score FROM account_runs WHERE sweep_id = ? "
                + ("AND account = ? " if account else "") + "ORDER BY platform, account",
                [sweep_id, *args])}
            failed = self.db.execute("SELECT count(*) FROM alerts WHERE sweep_id = ? AND ok = 0",
                                     (sweep_id,)).fetchone()[0]
            result.append(SweepSummary(id=sweep_id, started_at=datetime.fromisoformat(started), accounts=len(scores),
                                       exit_code=exit_code, summary=json.loads(summary),
                                       policy=json.loads(policy).get("name", "?"), alerts_failed=failed,
                                       scores=scores))
        return result

    @_reading
    def baselines(self, platform: str, account: str, before_sweep: int) -> tuple[AccountRun | None, AccountRun | None]:
        """The account's run in the sweep before `before_sweep`, and its last run that could be read."""
        previous = self.db.execute(
            f"SELECT {self._RUN_COLUMNS} FROM account_runs WHERE platform = ? AND account = ? AND sweep_id < ? "
            "ORDER BY sweep_id DESC LIMIT 1", (platform, account, before_sweep)).fetchone()
        readable = self.db.execute(
            f"SELECT {self._RUN_COLUMNS} FROM account_runs WHERE platform = ? AND account = ? AND sweep_id < ? "
            "AND error IS NULL ORDER BY sweep_id DESC LIMIT 1", (platform, account, before_sweep)).fetchone()
        return (self._run(previous) if previous else None), (self._run(readable) if readable else None)

    @_reading
    def trend(self, platform: str, account: str, up_to_sweep: int, limit: int = 12) -> list[tuple[int, datetime,
                                                                                                    float | None, int]]:
        """(sweep id, time, score, FAIL count) of the account's last `limit` sweeps up to a sweep, oldest first."""
        rows = self.db.execute(
            "SELECT s.id, s.started_at, r.score, r.report_json FROM account_runs r JOIN sweeps s ON s.id = r.sweep_id "
            "WHERE r.platform = ? AND r.account = ? AND s.id <= ? ORDER BY s.id DESC LIMIT ?",
            (platform, account, up_to_sweep, limit)).fetchall()
        points = []
        for sweep_id, started, score, report_json in reversed(rows):
            fails = sum(1 for f in json.loads(report_json).get("findings", []) if f.get("status") == "FAIL")
            points.append((sweep_id, datetime.fromisoformat(started), score, fails))
        return points

    @_reading
    def policy_of(self, sweep_id: int) -> dict:
        """The header of the policy a sweep was judged under (name, source, ...)."""
        row = self.db.execute("SELECT policy_json FROM sweeps WHERE id = ?", (sweep_id,)).fetchone()
        return json.loads(row[0]) if row else {}

    @_reading
    def latest_id(self) -> int | None:
        return self.db.execute("SELECT max(id) FROM sweeps").fetchone()[0]

    def integrity(self) -> str:
        return str(self.db.execute("PRAGMA integrity_check").fetchone()[0])


def state_of(run: AccountRun | None) -> AccountState | None:
    return AccountState(run.sweep_id, run.snapshot, run.report) if run else None
