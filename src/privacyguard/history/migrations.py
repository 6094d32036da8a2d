"""The history database's schema, as ordered migrations.

`MIGRATIONS[i]` takes a database at schema version i to version i + 1. The version lives in
SQLite's `PRAGMA user_version` and is set inside the same transaction as the migration, so a
migration either happens completely or not at all. Never edit a released migration: add one.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable

Migration = Callable[[sqlite3.Connection], None]


def _v1_initial(db: sqlite3.Connection) -> None:
    """Sweeps and the accounts each one read (readings and findings as JSON)."""
    db.execute("""
        CREATE TABLE sweeps (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            started_at TEXT NOT NULL,
            finished_at TEXT NOT NULL,
            tool_json TEXT NOT NULL,
            policy_json TEXT NOT NULL,
            lang TEXT NOT NULL,
            exit_code INTEGER NOT NULL,
            summary_json TEXT NOT NULL
        )""")
    db.execute("""
        CREATE TABLE account_runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            sweep_id INTEGER NOT NULL REFERENCES sweeps(id) ON DELETE CASCADE,
            platform TEXT NOT NULL,
            account TEXT NOT NULL,
            status TEXT NOT NULL,
            error TEXT,
            snapshot_json TEXT NOT NULL,
            report_json TEXT NOT NULL,
            UNIQUE (sweep_id, platform, account)
        )""")
    db.execute("CREATE INDEX account_runs_by_account ON account_runs (platform, account, sweep_id)")


def _score(report_json: str) -> float | None:
    """The score as version 2 defined it (frozen here: migrations must not change with the code)."""
    report = json.loads(report_json)
    judged = [f for f in report.get("findings", []) if f.get("status") not in ("NOT_APPLICABLE", "MUTED")]
    if not judged:
        return 0.0 if report.get("error") else None
    return round(100 * sum(1 for f in judged if f.get("status") == "PASS") / len(judged), 1)


def _v2_scores_and_alerts(db: sqlite3.Connection) -> None:
    """A score per account run (backfilled) for trend charts; the outcome of every alert sent."""
    db.execute("ALTER TABLE account_runs ADD COLUMN score REAL")
    rows = db.execute("SELECT id, report_json FROM account_runs").fetchall()
    db.executemany("UPDATE account_runs SET score = ? WHERE id = ?", [(_score(r), i) for i, r in rows])
    db.execute("""
        CREATE TABLE alerts (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            sweep_id INTEGER NOT NULL REFERENCES sweeps(id) ON DELETE CASCADE,
            target TEXT NOT NULL,
            ok INTEGER NOT NULL,
            attempts INTEGER NOT NULL,
            error TEXT,
            sent_at TEXT NOT NULL
        )""")
    db.execute("CREATE INDEX alerts_by_sweep ON alerts (sweep_id)")


MIGRATIONS: list[Migration] = [_v1_initial, _v2_scores_and_alerts]
SCHEMA_VERSION = len(MIGRATIONS)


def version(db: sqlite3.Connection) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def migrate(db: sqlite3.Connection, target: int = SCHEMA_VERSION) -> list[int]:
    """Bring the database up to `target`, one transaction per step; returns the versions reached.

    `db` must be in autocommit mode (isolation_level=None) so each step's BEGIN/COMMIT is ours.
    """
    reached = []
    while (current := version(db)) < target:
        db.execute("BEGIN IMMEDIATE")
        try:
            if version(db) != current:  # another process migrated meanwhile
                db.execute("ROLLBACK")
                continue
            MIGRATIONS[current](db)
            db.execute(f"PRAGMA user_version = {current + 1}")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        reached.append(current + 1)
    return reached
