"""The history database: one transaction per sweep, versioned schema, crash safety. No browser."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import REPO, run_cli
from privacyguard.catalogue import Catalogue
from privacyguard.errors import HistoryError
from privacyguard.history.db import History
from privacyguard.history.migrations import SCHEMA_VERSION, migrate
from privacyguard.history.view import diff_sweeps, sweep_view
from privacyguard.snapshot import now_utc
from sweep_helpers import DATA, judge, linkedin


def add(history: History, catalogue: Catalogue, *accounts) -> int:
    snapshot, report = judge(catalogue, *accounts)
    return history.add_sweep(snapshot, report, now_utc())


def dump(path: Path) -> list[tuple]:
    """Every row of every table, to compare a database before and after."""
    with sqlite3.connect(path) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                                 "AND name != 'sqlite_sequence' ORDER BY name")]
        return [(t, *row) for t in tables for row in db.execute(f"SELECT * FROM {t} ORDER BY 1")]


def test_a_sweep_round_trips_and_is_compared_with_the_previous_one(catalogue: Catalogue, tmp_path: Path) -> None:
    with History(tmp_path / "h.sqlite3") as history:
        first = add(history, catalogue, linkedin("li", ai="on"), linkedin("other", ai="off"))
        second = add(history, catalogue, linkedin("li", ai="off"), linkedin("other", ai="off"))
        record = history.sweep(second)
        assert [r.account for r in record.runs] == ["li", "other"]
        assert record.report().exit_code() == 0 and history.sweep(first).exit_code == 1
        view = sweep_view(history, record, catalogue)
        assert [(d.account, d.kind.value) for d in view.drift] == [("li", "value_changed"), ("li", "newly_passing")]
        assert view.baselines == {"linkedin:li": first, "linkedin:other": first}
        assert [p.score for p in view.trend[0].points] == [0.0, 50.0]  # WARN on e-mail discovery remains
        assert [s.id for s in history.sweeps(limit=1)] == [second]
        assert [s.id for s in history.sweeps(account="other")] == [second, first]
        assert [(d.kind.value) for d in diff_sweeps(history.sweep(first), record, catalogue)] == [
            "value_changed", "newly_passing"]
        with pytest.raises(HistoryError, match="no sweep #99"):
            history.sweep(99)


def test_a_v1_database_is_migrated_and_keeps_everything(catalogue: Catalogue, tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as db:
        db.executescript((DATA / "history-v1.sql").read_text())
    before = dump(path)
    with History(path) as history:
        assert history.migrated == [2]
        assert history.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 2
        old = history.sweep(1)
        assert old.runs[0].score == 50.0  # backfilled by migration 2 from the stored findings
        assert old.runs[0].snapshot.readings["linkedin.generative_ai_data"].value == "on"
        new = add(history, catalogue, linkedin("li", ai="off", email="nobody"))
        view = sweep_view(history, history.sweep(new), catalogue)
        assert (view.drift[0].kind.value, view.drift[0].before, view.drift[0].after) == ("value_changed", "on", "off")
        assert history.integrity() == "ok"
    after = dump(path)
    old_rows = {(r[0], r[1]) for r in before}
    # every v1 row is still there, field for field (plus the new score column on account runs)
    for row in before:
        match = next(r for r in after if (r[0], r[1]) == (row[0], row[1]))
        assert match[:len(row)] == row
    assert ("sweeps", 2) in {(r[0], r[1]) for r in after} - old_rows


def test_migrations_are_ordered_and_resumable(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "m.sqlite3", isolation_level=None)
    assert migrate(db, target=1) == [1]
    assert migrate(db) == [2]
    assert migrate(db) == []
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"sweeps", "account_runs", "alerts"} <= tables


def test_a_newer_or_foreign_database_is_refused_with_the_file_named(tmp_path: Path, pg_home: Path) -> None:
    newer = tmp_path / "newer.sqlite3"
    sqlite3.connect(newer).execute("PRAGMA user_version = 99").connection.close()
    with pytest.raises(HistoryError, match="newer privacyguard"):
        History(newer)
    pg_home.mkdir(parents=True, exist_ok=True)
    (pg_home / "history.sqlite3").write_text("not a database, just text " * 100)
    result = run_cli("history", home=pg_home)
    assert result.returncode == 3
    assert "history.sqlite3" in result.stderr and "Traceback" not in result.stderr


def test_an_error_inside_the_write_rolls_the_whole_sweep_back(catalogue: Catalogue, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "h.sqlite3"
    with History(path) as history:
        add(history, catalogue, linkedin("li"))
    before = dump(path)
    calls = []

    def broken(self: History, *args: object) -> None:
        calls.append(args)
        if len(calls) == 2:
            raise RuntimeError("disk on fire")
        original(self, *args)

    original = History._insert_run
    monkeypatch.setattr(History, "_insert_run", broken)
    with History(path) as history, pytest.raises(RuntimeError):
        add(history, catalogue, linkedin("a"), linkedin("b"))
    assert dump(path) == before


KILLER = textwrap.dedent("""
    import os, signal, sys
    sys.path.insert(0, {tests!r})
    from privacyguard.catalogue import load_catalogue
    from privacyguard.history.db import History
    from privacyguard.snapshot import now_utc
    from sweep_helpers import judge, linkedin

    original = History._insert_run
    count = 0
    def insert_then_die(self, *args):
        global count
        original(self, *args)
        count += 1
        if count == {after}:
            os.kill(os.getpid(), signal.SIGKILL)   # no cleanup, no rollback: like a power cut of the process
    History._insert_run = insert_then_die
    snapshot, report = judge(load_catalogue(), *[linkedin(f"acc{{i}}", ai="off") for i in range(4)])
    from pathlib import Path
    History(Path({path!r})).add_sweep(snapshot, report, now_utc())
""")


@pytest.mark.parametrize("after", [1, 3])
def test_a_sweep_killed_half_way_through_the_write_leaves_earlier_sweeps_intact(
        catalogue: Catalogue, tmp_path: Path, after: int) -> None:
    path = tmp_path / "h.sqlite3"
    with History(path) as history:
        add(history, catalogue, linkedin("acc0", ai="on"))
        add(history, catalogue, linkedin("acc0", ai="off"))
        earlier = [history.sweep(i).model_dump() for i in (1, 2)]
    before = dump(path)
    script = tmp_path / "killer.py"
    script.write_text(KILLER.format(tests=str(REPO / "tests"), path=str(path), after=after))
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == -signal.SIGKILL, result.stderr
    assert os.path.exists(str(path) + "-wal")  # the kill left an unfinished write-ahead log behind
    with History(path) as history:
        assert history.integrity() == "ok"
        assert history.latest_id() == 2
        assert [history.sweep(i).model_dump() for i in (1, 2)] == earlier
        assert history.db.execute("SELECT count(*) FROM account_runs").fetchone()[0] == 2
        add(history, catalogue, linkedin("acc0", ai="on"))  # and the next sweep is stored as usual
        assert history.latest_id() == 3
    assert set(before) <= set(dump(path))
