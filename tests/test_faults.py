"""Faults (issue 13): an interrupted fix keeps its undo; SIGINT/SIGKILL at random points of fix."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from conftest import REPO, collect_sandbox
from privacyguard.catalogue import Catalogue
from privacyguard.collect import change as change_module
from privacyguard.fix.journal import PENDING, list_runs, load_run, run_path
from privacyguard.fix.model import Result
from privacyguard.fix.session import fix, undo

pytestmark = pytest.mark.browser
AI = "linkedin.generative_ai_data"
EMAIL = "linkedin.discovery_by_email"
PHONE = "linkedin.discovery_by_phone"


class Killed(BaseException):
    """Stands for the process dying: nothing after it runs (no read-back, no outcome in the journal)."""


def _interrupt_at(monkeypatch: pytest.MonkeyPatch, setting: str, after_click: bool, seen: dict) -> None:
    """Stop the fix run at `setting`: just before its first step, or right after its steps ran."""
    real = change_module.run_steps

    async def steps(page, item, control, target, lang, watch=None):  # type: ignore[no-untyped-def]
        if item.id == setting and not seen.get("done"):
            (entry,) = [e for run in list_runs() for e in run.changes if e.setting == setting]
            seen["on_disk"] = (entry.result, entry.before, entry.target)
            if after_click:
                await real(page, item, control, target, lang, watch)
            raise Killed
        await real(page, item, control, target, lang, watch)

    monkeypatch.setattr(change_module, "run_steps", steps)


@pytest.mark.parametrize("after_click", [True, False], ids=["killed-after-the-click", "killed-before-the-click"])
def test_an_interrupted_change_is_journalled_before_its_click_and_undo_settles_it(
        monkeypatch: pytest.MonkeyPatch, catalogue: Catalogue, after_click: bool) -> None:
    seen: dict = {}
    _interrupt_at(monkeypatch, EMAIL, after_click, seen)
    with pytest.raises(Killed):
        fix(["linkedin"], sandbox="default", only=[AI, EMAIL, PHONE], mode="apply", concurrency=1)
    seen["done"] = True  # the next run (undo) goes through unhindered
    # The intent was on disk, with the before-value, when the steps began.
    assert seen["on_disk"] == (PENDING, "everyone", "nobody")
    (run,) = list_runs()
    by_setting = {e.setting: e for e in run.changes}
    assert by_setting[AI].result is Result.APPLIED and by_setting[EMAIL].result == PENDING
    assert PHONE not in by_setting  # never begun: nothing to undo there
    changed = collect_sandbox(catalogue, "linkedin", "default").readings
    assert changed[EMAIL].value == ("nobody" if after_click else "everyone")

    report = undo()
    results = {c.setting: c for c in report.changes}
    assert results[AI].result is Result.APPLIED
    if after_click:
        assert (results[EMAIL].result, results[EMAIL].after) == (Result.APPLIED, "everyone")
    else:
        assert results[EMAIL].result is Result.UNCHANGED and "had not reached" in (results[EMAIL].reason or "")
    assert report.exit_code == 0
    restored = collect_sandbox(catalogue, "linkedin", "default").readings
    assert (restored[AI].value, restored[EMAIL].value, restored[PHONE].value) == ("on", "everyone", "everyone")
    # Settled: a second undo finds nothing left in this run.
    assert not load_run(run_path(run.run_id)).undoable()
    assert undo().changes == []


def _fault_script():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("faults", REPO / "scripts" / "faults.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


def test_random_interruptions_of_fix_undo_and_sweep_leave_the_platforms_and_history_right(
        capsys: pytest.CaptureFixture) -> None:
    """A small sample of `make faults` (scripts/faults.py): real processes, real signals at random (seeded)
    points; judged by the simulated platforms' stored state, the journals, a scan and the history itself."""
    kinds = "fix:SIGKILL,undo:SIGINT,sweep:SIGKILL"
    code = _fault_script().main(["--runs", "3", "--seed", "5", "--kinds", kinds])
    out = capsys.readouterr().out
    for kind in kinds.split(","):
        command, fault = kind.split(":")
        assert f"{command:5} {fault:12}   1 trial(s)" in out, out
    assert "3 trials: 3 right, 0 wrong" in out, out
    assert code == 0


@pytest.mark.parametrize("when", ["at-open", "while-storing"])
def test_a_full_disk_during_a_sweep_keeps_the_history_where_it_is(
        when: str, pg_home: Path, catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch) -> None:
    """A full disk is not a damaged history: the sweep fails naming the history and the full disk (exit 2),
    the history is not set aside, every earlier sweep stays readable, and the next sweep is stored."""
    import resource

    from privacyguard.accounts import Account, add_account
    from privacyguard.errors import StateNotWritable
    from privacyguard.history.db import History
    from privacyguard.snapshot import Snapshot
    from privacyguard.sweep import SweepRequest, run_sweep
    from sweep_helpers import linkedin

    add_account(Account(name="li", platform="linkedin", sandbox="default"), catalogue)
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)

    def plain(targets, on_progress):  # type: ignore[no-untyped-def]
        return Snapshot(accounts=[linkedin("li", ai="on")])

    def filling(targets, on_progress):  # type: ignore[no-untyped-def]
        resource.setrlimit(resource.RLIMIT_FSIZE, (0, hard))  # the disk fills while the accounts are read
        return plain(targets, on_progress)

    assert run_sweep(SweepRequest(notify=[]), collector=plain).sweep_id == 1
    db = pg_home / "history.sqlite3"
    if when == "at-open":  # full before the sweep starts: the history's -wal and -shm files cannot be made
        resource.setrlimit(resource.RLIMIT_FSIZE, (0, hard))
    try:
        with pytest.raises(StateNotWritable) as raised:
            run_sweep(SweepRequest(notify=[]), collector=filling if when == "while-storing" else plain)
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
    said = str(raised.value)
    assert str(db) in said and "disk is full" in said and "the sweeps stored before are kept" in said, said
    assert ("the sweep was read but cannot be stored" in said) == (when == "while-storing"), said
    assert sorted(p.name for p in pg_home.iterdir() if "damaged" in p.name) == []
    with History() as history:
        assert history.latest_id() == 1 and history.sweep(1).runs[0].account == "li"
    assert run_sweep(SweepRequest(notify=[]), collector=plain).sweep_id == 2  # room again: stored


def test_a_journal_that_cannot_be_written_stops_the_fix_before_that_click(
        monkeypatch: pytest.MonkeyPatch, catalogue: Catalogue) -> None:
    """A full disk mid-run: the change whose intent cannot be saved is never made, the run stops with the
    reason, and what was already changed is undone."""
    from privacyguard.errors import StateNotWritable
    from privacyguard.fix import apply as apply_module

    real = apply_module.save_run
    writes: list[int] = []

    def save_run(run):  # type: ignore[no-untyped-def]
        pending = [e for e in run.changes if e.result == PENDING]
        if pending and pending[-1].setting == EMAIL and not writes:
            writes.append(1)
            raise StateNotWritable("cannot write the fix journal to …: the disk is full")
        return real(run)

    monkeypatch.setattr(apply_module, "save_run", save_run)
    with pytest.raises(StateNotWritable, match="disk is full"):
        fix(["linkedin"], sandbox="default", only=[AI, EMAIL, PHONE], mode="apply", concurrency=1)
    now = collect_sandbox(catalogue, "linkedin", "default").readings
    assert (now[AI].value, now[EMAIL].value, now[PHONE].value) == ("off", "everyone", "everyone")
    report = undo()
    assert [(c.setting, c.result) for c in report.changes if c.result is Result.APPLIED] == [(AI, Result.APPLIED)]
    assert collect_sandbox(catalogue, "linkedin", "default").readings[AI].value == "on"


def test_an_interrupted_undo_is_finished_by_the_next_undo(monkeypatch: pytest.MonkeyPatch,
                                                          catalogue: Catalogue) -> None:
    assert fix(["linkedin"], sandbox="default", only=[AI, EMAIL], mode="apply").run.summary["applied"] == 2
    seen: dict = {}
    real = change_module.run_steps

    async def steps(page, item, control, target, lang, watch=None):  # type: ignore[no-untyped-def]
        await real(page, item, control, target, lang, watch)
        if not seen:
            seen["killed"] = item.id
            raise Killed  # restored on the platform, but undo never recorded it

    monkeypatch.setattr(change_module, "run_steps", steps)
    with pytest.raises(Killed):
        undo(concurrency=1)
    report = undo()
    results = {c.setting: c.result for c in report.changes}
    assert results[seen["killed"]] is Result.UNCHANGED and set(results) == {AI, EMAIL}
    assert all(r in (Result.APPLIED, Result.UNCHANGED) for r in results.values()) and report.exit_code == 0
    now = collect_sandbox(catalogue, "linkedin", "default").readings
    assert (now[AI].value, now[EMAIL].value) == ("on", "everyone")


def test_a_browser_that_dies_mid_change_leaves_a_change_undo_restores(monkeypatch: pytest.MonkeyPatch,
                                                                     catalogue: Catalogue) -> None:
    """Chromium crashes right after the click: the change fails with the reason (no traceback), the
    journal keeps it as possibly changed, and undo puts the value back."""
    real = change_module.run_steps

    async def steps(page, item, control, target, lang, watch=None):  # type: ignore[no-untyped-def]
        await real(page, item, control, target, lang, watch)
        if item.id == EMAIL:
            await page.context.close()  # the page and its browser context die mid-change

    monkeypatch.setattr(change_module, "run_steps", steps)
    result = fix(["linkedin"], sandbox="default", only=[EMAIL], mode="apply")
    (change,) = result.run.changes
    assert change.result is Result.FAILED and "could not read the value back" in (change.reason or "")
    (entry,) = list_runs()[-1].changes
    assert entry.attempted and entry.possibly_changed and entry.undoable
    assert collect_sandbox(catalogue, "linkedin", "default").readings[EMAIL].value == "nobody"
    monkeypatch.setattr(change_module, "run_steps", real)
    report = undo()
    assert [(c.setting, c.result) for c in report.changes] == [(EMAIL, Result.APPLIED)]
    assert collect_sandbox(catalogue, "linkedin", "default").readings[EMAIL].value == "everyone"


def test_a_ctrl_c_while_the_cli_is_still_loading_is_exit_130_without_a_traceback(pg_home: Path) -> None:
    """Loading the CLI takes seconds on a busy machine; a Ctrl-C then is as quiet as one later."""
    import os
    import subprocess

    code = ("import sys\n"
            "class Interrupt:  # Ctrl-C arrives while privacyguard.cli is being imported\n"
            "    def find_spec(self, name, path=None, target=None):\n"
            "        if name == 'privacyguard.cli':\n"
            "            raise KeyboardInterrupt\n"
            "sys.meta_path.insert(0, Interrupt())\n"
            "from privacyguard.__main__ import run\n"
            "run()\n")
    done = subprocess.run([sys.executable, "-c", code, "sweep"], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PRIVACYGUARD_HOME": str(pg_home)}, check=False)
    assert done.returncode == 130 and "Traceback" not in done.stderr, (done.returncode, done.stderr)


def test_a_browser_killed_during_a_scan_is_said_plainly_exit_2(pg_home: Path) -> None:
    """Chromium killed (crash, OOM killer) as soon as it runs: every account is an ERROR naming the
    browser, exit 2, no traceback, no wrong value."""
    import json
    import os
    import subprocess
    import threading

    from conftest import run_cli

    assert run_cli("accounts", "add", "li", "--platform", "linkedin", "--sandbox", "default",
                   home=pg_home).returncode == 0
    env = {**os.environ, "PRIVACYGUARD_HOME": str(pg_home), "COLUMNS": "200", "NO_COLOR": "1"}
    process = subprocess.Popen([sys.executable, "-m", "privacyguard", "scan", "--format", "json"], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    killed: list[bool] = []
    killer = threading.Thread(target=lambda: killed.append(_fault_script().kill_browser(process)))
    killer.start()  # as soon as the browser shows a page
    out, err = process.communicate(timeout=180)
    killer.join()
    assert killed == [True]
    assert process.returncode == 2 and "Traceback" not in err and "internal error" not in err, err
    (account,) = json.loads(out)["accounts"]
    assert account["status"] == "ERROR" and "the browser closed unexpectedly" in account["error"], account
    assert all(f.get("actual") is None for f in account["findings"])


def test_importing_privacyguard_is_instant_so_a_ctrl_c_reaches_the_cli() -> None:
    """Found by `make faults`: a Ctrl-C 0.2 s after start landed in importlib.metadata (the package's
    __version__) before the CLI listened. The version is now looked up on first use."""
    import subprocess

    code = ("import sys\nimport privacyguard\nassert 'importlib.metadata' not in sys.modules\n"
            "from privacyguard import __version__\nassert __version__ and 'importlib.metadata' in sys.modules\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
