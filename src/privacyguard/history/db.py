"""The history database: every sweep, kept in SQLite under the privacyguard home.

A sweep is written in one transaction: after a crash (even SIGKILL half-way through the write)
the database holds either the whole sweep or none of it, and every earlier sweep is untouched.
The schema is versioned (PRAGMA user_version) and migrated on open; see migrations.py.
"""

from __future__ import annotations

import functools
import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from privacyguard.catalogue import load_catalogue
from privacyguard.errors import HistoryError
from privacyguard.findings import AccountReport, Report, Status, overall_status
from privacyguard.history.drift import AccountState
from privacyguard.history.migrations import SCHEMA_VERSION, migrate, version
from privacyguard.history.models import AccountRun, AlertOutcome, SweepRecord, SweepSummary
from privacyguard.home import privacyguard_home
from privacyguard.recognise import screen_account, screen_findings
from privacyguard.score import account_score
from privacyguard.snapshot import AccountSnapshot, Snapshot, now_utc

DB_NAME = "history.sqlite3"


def history_path() -> Path:
    return privacyguard_home() / DB_NAME


def _iso(value: datetime) -> str:
    return value.isoformat()


Method = TypeVar("Method", bound=Callable[..., Any])


def _reads_stored_data(method: Method) -> Method:
    """Rows are a file someone could have damaged or edited: a bad one is HistoryError naming the
    database (exit 3), never a traceback from sqlite, JSON or validation deep inside a report."""

    @functools.wraps(method)
    def wrapper(self: History, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except HistoryError:
            raise
        except (sqlite3.DatabaseError, ValueError, TypeError, KeyError, AttributeError) as exc:
            detail = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
            raise HistoryError(f"{self.path}: the history database is damaged ({detail})") from None

    return wrapper  # type: ignore[return-value]


class History:
    """Open (creating or migrating) the history database. Use as a context manager or close()."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or history_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = sqlite3.connect(self.path, isolation_level=None, timeout=30)
            self.db.execute("PRAGMA foreign_keys = ON")
            self.db.execute("PRAGMA journal_mode = WAL")
            self.db.execute("PRAGMA synchronous = FULL")
            found = version(self.db)
        except sqlite3.DatabaseError as exc:
            raise HistoryError(f"{self.path}: not a privacyguard history database ({exc})") from None
        if found > SCHEMA_VERSION:
            self.db.close()
            raise HistoryError(f"{self.path}: written by a newer privacyguard (schema {found}; this one knows up to "
                               f"{SCHEMA_VERSION}); upgrade privacyguard")
        try:
            self.migrated = migrate(self.db)
        except sqlite3.DatabaseError as exc:
            self.db.close()
            raise HistoryError(f"{self.path}: cannot upgrade the history database ({exc})") from None

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

    @_reads_stored_data
    def sweep(self, sweep_id: int) -> SweepRecord:
        row = self.db.execute("SELECT id, started_at, finished_at, tool_json, policy_json, lang, exit_code, "
                              "summary_json FROM sweeps WHERE id = ?", (sweep_id,)).fetchone()
        if row is None:
            last = self.db.execute("SELECT max(id) FROM sweeps").fetchone()[0]
            hint = f"; the last sweep is #{last}" if last else "; there are no sweeps yet"
            raise HistoryError(f"no sweep #{sweep_id} in {self.path}{hint}")
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

    @_reads_stored_data
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

    @_reads_stored_data
    def baselines(self, platform: str, account: str, before_sweep: int) -> tuple[AccountRun | None, AccountRun | None]:
        """The account's run in the sweep before `before_sweep`, and its last run that could be read."""
        previous = self.db.execute(
            f"SELECT {self._RUN_COLUMNS} FROM account_runs WHERE platform = ? AND account = ? AND sweep_id < ? "
            "ORDER BY sweep_id DESC LIMIT 1", (platform, account, before_sweep)).fetchone()
        readable = self.db.execute(
            f"SELECT {self._RUN_COLUMNS} FROM account_runs WHERE platform = ? AND account = ? AND sweep_id < ? "
            "AND error IS NULL ORDER BY sweep_id DESC LIMIT 1", (platform, account, before_sweep)).fetchone()
        return (self._run(previous) if previous else None), (self._run(readable) if readable else None)

    @_reads_stored_data
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

    @_reads_stored_data
    def policy_of(self, sweep_id: int) -> dict:
        """The header of the policy a sweep was judged under (name, source, ...)."""
        row = self.db.execute("SELECT policy_json FROM sweeps WHERE id = ?", (sweep_id,)).fetchone()
        return json.loads(row[0]) if row else {}

    @_reads_stored_data
    def latest_id(self) -> int | None:
        return self.db.execute("SELECT max(id) FROM sweeps").fetchone()[0]

    def integrity(self) -> str:
        return str(self.db.execute("PRAGMA integrity_check").fetchone()[0])


def state_of(run: AccountRun | None) -> AccountState | None:
    return AccountState(run.sweep_id, run.snapshot, run.report) if run else None
