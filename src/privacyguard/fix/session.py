"""Library entry points: `fix()` scans, plans, asks, changes and verifies; `undo()` restores.

    from privacyguard.fix.session import fix, undo
    result = fix(["linkedin"], sandbox="default", mode="apply")   # decide=None: apply everything
    print(result.run.summary, result.run.exit_code)
    undo()

Everything runs in one browser: the scan, then one context per account for its changes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from playwright.async_api import async_playwright

from privacyguard import api
from privacyguard.accounts import list_accounts
from privacyguard.catalogue import load_catalogue, suggest
from privacyguard.collect.browser import launch
from privacyguard.collect.engine import CollectOptions
from privacyguard.collect.runner import CollectRun, ProgressCallback
from privacyguard.errors import UnknownName
from privacyguard.evaluate import evaluate
from privacyguard.files import require_writable
from privacyguard.findings import Report
from privacyguard.fix.apply import Decide, Fixer, OnChange, Undoer, change_from_plan
from privacyguard.fix.journal import (
    FixRun,
    journal_dir,
    known_accounts,
    last_undoable,
    new_run_id,
    now,
    run_path,
    save_run,
)
from privacyguard.fix.model import Change, Mode, Result, RunReport, fix_exit_code, summarise, undo_exit_code
from privacyguard.fix.plan import PlannedChange, check_only, plan
from privacyguard.i18n import _
from privacyguard.policy import load_policy
from privacyguard.snapshot import Snapshot

# Opens a manual change's page for the person; returns a note for the report.
Opener = Callable[[PlannedChange], str]
OnPlan = Callable[[Report, list[PlannedChange]], None]


@dataclass
class FixResult:
    snapshot: Snapshot
    report: Report  # the scan before any change
    plan: list[PlannedChange]
    run: RunReport
    journal: Path | None = None


def fix(platforms: list[str], sandbox: str | None = None, accounts: list[str] | None = None,
        fixtures: Path | None = None, policy: str | Path = api.DEFAULT_POLICY, lang: str = "en",
        only: list[str] | None = None, mode: Mode = "apply", decide: Decide | None = None,
        on_plan: OnPlan | None = None, on_change: OnChange | None = None, opener: Opener | None = None,
        concurrency: int = 4, on_progress: ProgressCallback | None = None) -> FixResult:
    """Scan, then change every FAIL and WARN the person agrees to (all, when `decide` is None).

    mode: `apply` changes; `dry_run` and `plan_only` (no terminal) only plan. Input is checked
    before the browser starts; bad input raises BadInput (exit 3).
    """
    catalogue = load_catalogue()
    api.check_lang(lang)
    resolved = load_policy(policy, catalogue)
    if sandbox is not None:
        targets = api.sandbox_targets(platforms, sandbox, catalogue, fixtures)
    else:
        targets = api.account_targets(accounts or [], platforms, catalogue)
    only = list(dict.fromkeys(only or []))
    if only:
        check_only(only, sorted({t.platform for t in targets}), catalogue, list(resolved.rules))
        resolved = resolved.model_copy(update={"rules": {k: v for k, v in resolved.rules.items() if k in only}})
    if mode == "apply":  # no change is made that the journal could not record for undo
        require_writable(journal_dir(), _("the fix journal (what undo restores)"), _("nothing was changed"))
    run = api.collect_run(catalogue, CollectOptions(only=only), concurrency, on_progress)

    async def session() -> tuple[Snapshot, Report, list[PlannedChange], list[Change], FixRun | None]:
        async with async_playwright() as playwright:
            browser = await launch(playwright, headless=run.headless,
                                   sandbox_only=all(t.sandbox is not None for t in targets))
            try:
                snapshot = await run.run(targets, browser)
                report = evaluate(snapshot, resolved, catalogue, lang)
                planned = plan(report, targets, catalogue, lang, only)
                if on_plan is not None:
                    on_plan(report, planned)
                if mode != "apply":
                    return snapshot, report, planned, [change_from_plan(i, Result.PLANNED) for i in planned], None
                journal = FixRun(run_id=new_run_id(), policy=resolved.name)
                changes = await Fixer(run, journal, decide, on_change).apply(browser, planned)
                return snapshot, report, planned, changes, journal
            finally:
                await browser.close()

    snapshot, report, planned, changes, journal = asyncio.run(session())
    if journal is not None and journal.changes:
        journal.finished_at = now()
        save_run(journal)
    if opener is not None and mode == "apply":
        by_key = {(i.target.platform, i.target.account, i.setting.id): i for i in planned}
        for change in changes:
            if change.result is Result.MANUAL:
                note = opener(by_key[(change.platform, change.account, change.setting)])
                change.reason = f"{change.reason}; {note}" if change.reason else note
    result = RunReport(command="fix", mode=mode, policy=resolved.name,
                       run_id=journal.run_id if journal is not None and journal.changes else None,
                       changes=changes, summary=summarise(changes), exit_code=fix_exit_code(report, changes))
    path = run_path(result.run_id) if result.run_id else None
    return FixResult(snapshot, report, planned, result, path)


def _check_accounts(names: list[str]) -> None:
    known = set(known_accounts()) | {a.name for a in list_accounts()}
    for name in names:
        if name not in known:
            raise UnknownName(_("no fix was ever recorded for account {name!r}{hint}").format(
                name=name, hint=suggest(name, sorted(known))))


def undo(accounts: list[str] | None = None, dry_run: bool = False, on_change: OnChange | None = None,
         concurrency: int = 4, run: CollectRun | None = None) -> RunReport:
    """Restore the before-values of the last fix run (that still has something to restore)."""
    names = list(dict.fromkeys(accounts or []))
    _check_accounts(names)
    journal = last_undoable(names)
    if journal is None:
        return RunReport(command="undo", mode="dry_run" if dry_run else "apply", summary=summarise([]))
    entries = journal.undoable(names)
    if dry_run:
        changes = [Change(platform=e.platform, account=e.account, setting=e.setting, before=e.after, target=e.before
                          or "", result=Result.PLANNED) for e in entries]
        return RunReport(command="undo", mode="dry_run", policy=journal.policy, run_id=journal.run_id,
                         changes=changes, summary=summarise(changes), exit_code=0)
    require_writable(journal_dir(), _("the fix journal (what undo records)"), _("nothing was restored"))
    collect = run or api.collect_run(load_catalogue(), CollectOptions(), concurrency)

    async def session() -> list[Change]:
        async with async_playwright() as playwright:
            browser = await launch(playwright, headless=collect.headless,
                                   sandbox_only=all(e.sandbox is not None for e in entries))
            try:
                return await Undoer(collect, journal, on_change).undo(browser, entries)
            finally:
                await browser.close()

    changes = asyncio.run(session())
    return RunReport(command="undo", policy=journal.policy, run_id=journal.run_id, changes=changes,
                     summary=summarise(changes), exit_code=undo_exit_code(changes))
