"""`privacyguard fix`: explain each shortfall, ask, change it, read it back (docs/fix.md)."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.prompt import Prompt
from rich.text import Text

from privacyguard import api
from privacyguard.cli._common import (
    FixturesOpt,
    Lang,
    LangOpt,
    OutputOpt,
    PolicyOpt,
    console,
    err_console,
    platform_name,
)
from privacyguard.cli.progress import RunProgress, shown
from privacyguard.errors import BadInput
from privacyguard.files import write_output
from privacyguard.findings import Report
from privacyguard.fix.apply import Decision
from privacyguard.fix.model import Change, Mode, RunReport
from privacyguard.fix.opener import open_page
from privacyguard.fix.plan import PlannedChange
from privacyguard.fix.render import explanation, is_quit, render, result_line, run_table
from privacyguard.fix.session import Opener
from privacyguard.fix.session import fix as run_fix
from privacyguard.i18n import _, ngettext


class Fmt(StrEnum):
    """Fix and undo results come as a table or as JSON (docs/fix.md)."""

    table = "table"
    json = "json"


FormatOpt = Annotated[Fmt, typer.Option("--format", help="Results as a table or JSON.")]
ANSWERS = {"a": Decision.APPLY, "apply": Decision.APPLY, "y": Decision.APPLY, "yes": Decision.APPLY,
           "s": Decision.SKIP, "skip": Decision.SKIP, "n": Decision.SKIP, "no": Decision.SKIP,
           "all": Decision.ALL, "q": Decision.QUIT, "quit": Decision.QUIT}
# Tests replace this to see what --open would open; never opens anything there.
OPENER: Opener = open_page


def is_interactive() -> bool:
    """A person can answer: stdin is a terminal."""
    return sys.stdin.isatty()


def ask(item: PlannedChange, out: Console) -> Decision:
    """Explain one planned change and ask apply / skip / all / quit (manual changes are only shown)."""
    out.print()
    out.print(explanation(item))
    if not item.automatable:
        return Decision.APPLY
    try:
        answer = Prompt.ask(_("  Apply this change? [bold]a[/]pply / [bold]s[/]kip / [bold]all[/] remaining / "
                              "[bold]q[/]uit"), choices=list(ANSWERS), show_choices=False, case_sensitive=False,
                            console=out)
    except EOFError:  # the input ended (Ctrl-D): nothing more is changed
        return Decision.QUIT
    return ANSWERS[answer.lower()]


def fix(
    platform: Annotated[list[str] | None, typer.Option(
        "--platform", callback=platform_name, help="Platform (repeatable).")] = None,
    sandbox: Annotated[str | None, typer.Option("--sandbox", help="Fix a simulated platform variant.")] = None,
    account: Annotated[list[str] | None, typer.Option("--account", help="Registered account (repeatable); "
                                                      "default: all of them.")] = None,
    fixtures: FixturesOpt = None,
    policy: PolicyOpt = api.DEFAULT_POLICY,
    only: Annotated[list[str] | None, typer.Option("--only", help="Only this setting id (repeatable).")] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Apply every change without asking.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the plan; change nothing.")] = False,
    open_pages: Annotated[bool, typer.Option("--open", help="Open each manual change's page in a browser.")] = False,
    lang: LangOpt = Lang.en,
    fmt: FormatOpt = Fmt.table,
    output: OutputOpt = None,
) -> int:
    """Fix what falls short: FAIL and WARN settings are explained, changed on request and read back.

    Exit 0 all fixed, 1 a change failed or a FAIL remains, 2 something could not be read, 3 bad input.
    """
    if sandbox is not None and account:
        raise BadInput(_("--sandbox and --account exclude each other: a sandbox fix uses its own simulated accounts"))
    mode: Mode = "apply"
    interactive = False
    if dry_run:
        mode = "dry_run"
    elif not yes:
        if is_interactive():
            interactive = True
        else:
            mode = "plan_only"
    # JSON belongs on stdout alone; everything said to the person goes to stderr then.
    out = console if fmt is Fmt.table and output is None else err_console

    reading = RunProgress(_("Reading settings")) if shown() else None
    changing: list[RunProgress] = []

    def on_plan(report: Report, plan: list[PlannedChange]) -> None:
        if reading is not None:  # the scan is over; questions and the plan need the screen
            reading.progress.stop()
        manual = sum(1 for p in plan if not p.automatable)
        accounts = len(report.accounts)
        out.print(ngettext("Scanned {n} account against policy {policy}: ",
                           "Scanned {n} accounts against policy {policy}: ", accounts).format(
                      n=accounts, policy=repr(report.policy.get("name", policy)))
                  + ngettext("{n} setting falls short ({auto} automatic, {manual} manual).",
                             "{n} settings fall short ({auto} automatic, {manual} manual).", len(plan)).format(
                      n=len(plan), auto=len(plan) - manual, manual=manual), markup=False)
        if mode == "plan_only":
            err_console.print(Text(_("No terminal to ask you, and no --yes: showing the plan only; nothing is "
                                     "changed."), style="yellow"),
                              Text(_("Run in a terminal, or add --yes to apply everything.")))
        elif mode == "dry_run":
            out.print(Text(_("Dry run: showing the plan only; nothing is changed."), style="cyan"))
        if mode != "apply":
            for item in plan:
                out.print()
                out.print(explanation(item))
        elif not interactive:
            out.print(_("Applying every change (--yes); each is read back before it counts."), markup=False)
            if shown() and plan:
                changing.append(RunProgress(_("Changing settings")))
                changing[0].add_total(len(plan))
                changing[0].progress.start()

    def on_change(change: Change) -> None:
        if not is_quit(change):  # after a quit: one line under the table, not one per change
            out.print(result_line(change))
        for display in changing:
            display(change.setting, "done")

    if reading is not None:
        reading.progress.start()
    try:
        result = run_fix(platform or [], sandbox, account or [], fixtures, policy, lang.value, only or [], mode,
                         decide=(lambda item: ask(item, out if out.is_terminal else err_console)) if interactive
                         else None, on_plan=on_plan, on_change=on_change, opener=OPENER if open_pages else None,
                         on_progress=reading)
    finally:
        for display in (reading, *changing):
            if display is not None:
                display.progress.stop()
    _emit(result.run, fmt, output, out)
    if result.journal is not None:
        if result.run.summary.get("applied"):
            out.print(_("Recorded in {path}; `privacyguard undo` restores the values from before.").format(
                path=result.journal), markup=False)
        else:
            out.print(_("Recorded in {path}; nothing was changed, so there is nothing to undo.").format(
                path=result.journal), markup=False)
    return result.run.exit_code


def _emit(run: RunReport, fmt: Fmt, output: Path | None, out: Console) -> None:
    if output is not None:
        write_output(output, render(run, fmt.value))
        err_console.print(_("results written to {path}").format(path=output), markup=False)
    elif fmt is Fmt.json:
        typer.echo(render(run, "json"), nl=False)
    else:
        out.print()
        out.print(run_table(run))


def register(app: typer.Typer) -> None:
    app.command("fix")(fix)
