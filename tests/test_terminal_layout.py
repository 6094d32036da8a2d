"""What a person sees in a terminal of 80, 100 or 140 columns (and in `--output t.txt`): every setting
label whole (wrapped, never cut), every setting id whole, values as labels ("Only me", not only_me).

Each screen is rendered at the width a terminal would give it; `whole()` reads the text back column
by column, so a label wrapped over three lines of its cell still counts as whole, and one cut with
"…" or broken mid-word does not. One test drives `fix` through a real pseudo-terminal at 80 columns.
"""

from __future__ import annotations

import io
import os
import re
import sys
from collections import defaultdict
from pathlib import Path
from types import SimpleNamespace

import pexpect
import pytest
from rich.console import Console, RenderableType

from conftest import run_cli
from privacyguard import api
from privacyguard import audit as audit_lib
from privacyguard.audit.model import Audit
from privacyguard.catalogue import Catalogue
from privacyguard.cli import catalog as catalog_cmd
from privacyguard.cli import demo as demo_cmd
from privacyguard.cli import history as history_cmd
from privacyguard.cli._common import Fmt, Lang
from privacyguard.fix.apply import QUIT_REASON
from privacyguard.fix.model import Change, Result, RunReport, summarise
from privacyguard.fix.render import run_table
from privacyguard.history.db import History
from privacyguard.i18n import pick
from privacyguard.labels import value_label
from privacyguard.reports.table import build_renderable, render_table
from privacyguard.snapshot import now_utc

WIDTHS = (80, 100, 140)
BOXES = "│┃"
AI = "linkedin.generative_ai_data"


def rendered(renderable: RenderableType, width: int) -> str:
    buffer = io.StringIO()
    Console(file=buffer, width=width, color_system=None).print(renderable)
    return buffer.getvalue()


def streams(text: str) -> list[str]:
    """The text of each table column (and of everything outside tables), lines joined in order."""
    columns: dict[object, list[str]] = defaultdict(list)
    for line in text.splitlines():
        if any(box in line for box in BOXES):
            for index, cell in enumerate(re.split(f"[{BOXES}]", line)[1:-1]):
                columns[index].append(cell.strip())
        else:
            columns["outside"].append(line.strip())
    return [" ".join(" ".join(parts).split()) for parts in columns.values()]


def assert_whole(text: str, width: int, labels: list[str], ids: list[str]) -> None:
    """Nothing wider than the terminal, nothing cut, every label readable as a whole, every id on one line."""
    lines = text.splitlines()
    assert all(len(line.rstrip()) <= width for line in lines), max(lines, key=len)
    assert "…" not in text
    joined = streams(text)
    for label in labels:
        wanted = " ".join(label.split())
        assert any(wanted in column for column in joined), f"label cut or missing at {width}: {label!r}"
    for setting_id in ids:
        assert re.search(rf"(?<![\w.]){re.escape(setting_id)}(?![\w])", text), f"id cut at {width}: {setting_id}"


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> api.ScanResult:
    """One real sandbox scan of both platforms (a browser run), shared by the screens below."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PRIVACYGUARD_HOME", str(tmp_path_factory.mktemp("scanhome")))
        return api.scan([], "default", account="demo")


def value_labels(result: api.ScanResult) -> list[str]:
    return [value_label(f.setting, f.actual, "en") for f in result.report.findings() if f.actual]


@pytest.mark.parametrize("width", WIDTHS)
def test_scan_table_shows_whole_labels_ids_and_value_labels(scanned: api.ScanResult, width: int) -> None:
    text = rendered(build_renderable(scanned.report), width)
    findings = scanned.report.findings()
    assert_whole(text, width, [f.title for f in findings] + value_labels(scanned), [f.setting for f in findings])
    assert "friends_of_friends" not in text and "only_me" not in text  # raw values stay in JSON
    if width == 80:
        assert "┃" not in text  # too narrow for columns: one block per finding


def test_report_file_is_laid_out_at_140_columns_with_nothing_cut(scanned: api.ScanResult) -> None:
    text = render_table(scanned.report)  # what `scan --output t.txt` writes
    findings = scanned.report.findings()
    assert "┃ Status" in text  # columns at 140
    assert_whole(text, 140, [f.title for f in findings] + value_labels(scanned), [f.setting for f in findings])


@pytest.mark.parametrize("width", WIDTHS)
def test_demo(scanned: api.ScanResult, width: int, monkeypatch: pytest.MonkeyPatch) -> None:
    buffer = io.StringIO()
    monkeypatch.setattr(demo_cmd, "console", Console(file=buffer, width=width, color_system=None))
    monkeypatch.setattr(demo_cmd.api, "scan", lambda *args, **kwargs: scanned)  # the scan is tested above
    assert demo_cmd.demo(Lang.en) == 0
    plan = api.planned_fixes(scanned.report)
    assert plan
    assert_whole(buffer.getvalue(), width, [f.title for f in plan], [f.setting for f in plan])


@pytest.mark.parametrize("width", WIDTHS)
def test_catalog(catalogue: Catalogue, width: int, monkeypatch: pytest.MonkeyPatch) -> None:
    buffer = io.StringIO()
    monkeypatch.setattr(catalog_cmd, "console", Console(file=buffer, width=width, color_system=None))
    assert catalog_cmd.catalog(None, Lang.en, Fmt.table) == 0
    settings = [s for flow in catalogue.flows.values() for s in flow.settings]
    assert_whole(buffer.getvalue(), width, [pick(s.title, "en") for s in settings], [s.id for s in settings])


def _two_sweeps(scanned: api.ScanResult) -> list:
    """Two stored sweeps of the scanned accounts; in the second, two settings changed (drift)."""
    second = scanned.snapshot.model_copy(deep=True)
    li = next(a for a in second.accounts if a.platform == "linkedin")
    fb = next(a for a in second.accounts if a.platform == "facebook")
    li.readings[AI].value = "off"
    fb.readings["facebook.lookup_by_email"].value = "friends_of_friends"
    report = api.evaluate_snapshot(second)
    with History() as history:
        history.add_sweep(scanned.snapshot, scanned.report, now_utc())
        history.add_sweep(second, report, now_utc())
    return [AI, "facebook.lookup_by_email"]


@pytest.mark.parametrize("width", WIDTHS)
def test_history_list_and_diff(scanned: api.ScanResult, catalogue: Catalogue, width: int,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    changed = _two_sweeps(scanned)
    buffer = io.StringIO()
    monkeypatch.setattr(history_cmd, "console", Console(file=buffer, width=width, color_system=None))
    history_cmd.list_sweeps(SimpleNamespace(invoked_subcommand=None), None, 20, history_cmd.ListFmt.table)
    listing = buffer.getvalue()
    today = f"{now_utc():%Y-%m-%d}"
    assert_whole(listing, width, ["#1", "#2", "recommended"], [])
    assert listing.count(today) == 2  # whole dates, not "2026…"
    buffer.seek(0)
    buffer.truncate()
    history_cmd.diff(1, 2, history_cmd.ListFmt.table)
    titles = [pick(catalogue.setting(s).title, "en") for s in changed]
    assert_whole(buffer.getvalue(), width, [*titles, "Friends of friends", "Everyone", "On", "Off"], changed)


def _changes(catalogue: Catalogue, quit_after: int) -> list[Change]:
    """Every LinkedIn and Facebook setting as a change; after `quit_after` of them the person quit."""
    changes = []
    for n, setting in enumerate(s for flow in catalogue.flows.values() for s in flow.settings if s.retired is None):
        before, target = setting.values[0], setting.values[-1]
        quit = n >= quit_after
        changes.append(Change(platform=setting.platform, account="me", setting=setting.id,
                              title=pick(setting.title, "en"), before=before, target=target,
                              after=None if quit else target, result=Result.SKIPPED if quit else Result.APPLIED,
                              reason=QUIT_REASON if quit else None))
    return changes


@pytest.mark.parametrize("width", WIDTHS)
def test_undo_table(catalogue: Catalogue, width: int) -> None:
    changes = _changes(catalogue, quit_after=10_000)
    run = RunReport(command="undo", run_id="r1", changes=changes, summary=summarise(changes))
    text = rendered(run_table(run), width)
    assert_whole(text, width, [c.title for c in changes] + [value_label(c.setting, c.target, "en") for c in changes],
                 [c.setting for c in changes])


@pytest.mark.parametrize("width", WIDTHS)
def test_end_of_fix_after_quit_is_one_line_for_what_was_left(catalogue: Catalogue, width: int) -> None:
    changes = _changes(catalogue, quit_after=2)
    run = RunReport(command="fix", run_id="r2", changes=changes, summary=summarise(changes))
    text = rendered(run_table(run), width)
    done = changes[:2]
    assert_whole(text, width, [c.title for c in done], [c.setting for c in done])
    left = len(changes) - 2
    assert left > 10
    assert [line for line in text.splitlines() if "you quit" in line] == [
        f"· {left} changes left alone: you quit (run fix again to see them)"]
    assert changes[5].setting not in text  # the ones never asked about get no row each


@pytest.fixture(scope="module")
def central_audit(tmp_path_factory: pytest.TempPathFactory) -> tuple[Audit, str]:
    """A real `audit run` over a small sandbox roster at 80 columns; its summary (stderr) and result."""
    home = tmp_path_factory.mktemp("audithome")
    roster = home / "roster.csv"
    roster.write_text("person,team,email,platform,account,sandbox\n"
                      "Ann,Sales,,linkedin,ann-li,default\nAnn,Sales,,facebook,ann-fb,default\n"
                      "Bob,Press,,linkedin,bob-li,hardened\n", encoding="utf-8")
    out = home / "audit.json"
    done = run_cli("audit", "run", str(roster), "--policy", "recommended", "--out", str(out), home=home,
                   env={"COLUMNS": "80"}, timeout=600)
    assert done.returncode in (0, 1), done.stderr
    return Audit.load(out), done.stderr


@pytest.mark.parametrize("width", WIDTHS)
def test_audit_run_summary(central_audit: tuple[Audit, str], catalogue: Catalogue, width: int) -> None:
    result, stderr_at_80 = central_audit
    text = stderr_at_80 if width == 80 else rendered(audit_lib.summary(result), width)
    assert "account(s) scanned" not in text  # no run-together progress text off a terminal
    rules = [r.setting for r in result.rules]
    assert_whole(text.split("audit written to")[0], width, [pick(catalogue.setting(s).title, "en") for s in rules],
                 rules)


def test_fix_quit_through_a_pseudo_terminal_at_80_columns(pg_home: Path, catalogue: Catalogue) -> None:
    """A person at an 80-column terminal: a progress display while reading, one question, q, a short ending."""
    env = dict(os.environ, PRIVACYGUARD_HOME=str(pg_home), NO_COLOR="1", TERM="xterm")
    env.pop("COLUMNS", None)
    child = pexpect.spawn(sys.executable, ["-m", "privacyguard", "fix", "--platform", "linkedin", "--sandbox",
                                           "default"], env=env, encoding="utf-8", timeout=300, dimensions=(50, 80))
    child.logfile_read = transcript = io.StringIO()
    child.expect("Apply this change\\?")
    child.sendline("q")
    child.expect(pexpect.EOF)
    child.close()
    raw = transcript.getvalue()
    assert "time left" in raw and "Reading settings" in raw and "0/1" in raw  # the progress display, with a total
    ending = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", raw.split("Apply this change?")[-1]).replace("\r", "")
    assert "quit before this one" not in ending
    assert len([line for line in ending.splitlines() if "you quit" in line]) == 1
    assert all(len(line) <= 80 for line in ending.splitlines())
    assert "Summary:" in ending and len(ending.strip().splitlines()) < 10, ending
    assert child.exitstatus == 1  # FAILs remain: the person quit


def test_progress_counts_the_queued_accounts_and_stays_off_when_quiet_or_not_a_terminal(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from privacyguard.cli import progress as progress_mod
    from privacyguard.cli._common import settings
    from privacyguard.collect.runner import Target

    display = progress_mod.RunProgress("Reading settings")
    targets = [Target("linkedin", f"a{n}", "default") for n in range(3)]
    for target in targets:
        display(target, "queued")
    display(targets[0], "start")
    display(targets[1], "start")
    display(targets[0], "done")
    task = display.progress.tasks[0]
    assert (task.total, task.completed, task.fields["current"]) == (3, 1, "linkedin:a1")
    monkeypatch.setattr(type(progress_mod.err_console), "is_terminal", property(lambda self: False))
    with progress_mod.run_progress("x") as off:
        assert off is None  # stderr is no terminal: nothing drawn
    monkeypatch.setattr(type(progress_mod.err_console), "is_terminal", property(lambda self: True))
    monkeypatch.setattr(settings, "quiet", True)
    with progress_mod.run_progress("x") as off:
        assert off is None  # -q
    assert progress_mod.shown(quiet=False) is False
    monkeypatch.setattr(settings, "quiet", False)
    assert progress_mod.shown(quiet=True) is False and progress_mod.shown() is True
