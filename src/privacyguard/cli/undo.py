"""`privacyguard undo`: restore the values the last fix run changed, and read them back (docs/fix.md)."""

from __future__ import annotations

from typing import Annotated

import typer

from privacyguard.cli._common import Lang, LangOpt, OutputOpt, console, err_console
from privacyguard.cli.fix import Fmt, FormatOpt, _emit
from privacyguard.fix.model import Change
from privacyguard.fix.render import result_line
from privacyguard.fix.session import undo as run_undo
from privacyguard.i18n import _, ngettext


def undo(
    account: Annotated[list[str] | None, typer.Option("--account", help="Only this account (repeatable).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would be restored; change nothing.")] = False,
    fmt: FormatOpt = Fmt.table,
    output: OutputOpt = None,
    lang: LangOpt = Lang.en,
) -> int:
    """Restore the before-values of the last fix run. Exit 0 all restored, 1 some not, 3 bad input."""
    out = console if fmt is Fmt.table and output is None else err_console

    def on_change(change: Change) -> None:
        out.print(result_line(change))

    run = run_undo(account or [], dry_run=dry_run, on_change=on_change)
    if run.run_id is None:
        out.print(_("Nothing to undo: no fix run has changes left to restore for {accounts}.").format(
            accounts=", ".join(account)) if account else _("Nothing to undo: no fix run has changes left to restore."))
    elif dry_run:
        out.print(ngettext("Dry run: would restore {n} change of fix run {run}; nothing is changed.",
                           "Dry run: would restore {n} changes of fix run {run}; nothing is changed.",
                           len(run.changes)).format(n=len(run.changes), run=run.run_id))
    _emit(run, fmt, output, out)
    return run.exit_code


def register(app: typer.Typer) -> None:
    app.command("undo")(undo)
