"""Faults (issue 13): an interrupted fix keeps its undo; SIGINT/SIGKILL at random points of fix."""

from __future__ import annotations

import importlib.util
import sys

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
    spec = importlib.util.spec_from_file_location("fault_fix", REPO / "scripts" / "fault_fix.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


def test_random_sigint_and_sigkill_during_fix_then_undo_restores_every_setting(capsys: pytest.CaptureFixture) -> None:
    """A small sample of `make faults` (scripts/fault_fix.py): real processes, real signals, a scan at the end."""
    code = _fault_script().main(["--runs", "3", "--seed", "1"])  # seed 1: SIGINT, SIGINT, SIGKILL
    out = capsys.readouterr().out
    assert "2 SIGINT, 1 SIGKILL" in out, out
    assert "3 fully restored, 0 not" in out and "0 setting(s) left at a wrong value" in out, out
    assert code == 0
