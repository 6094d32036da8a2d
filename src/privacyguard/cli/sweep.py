"""`privacyguard sweep`: read every registered account, remember it, say what changed, alert."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from privacyguard.cli._common import Fmt, FormatOpt, JunitWarnOpt, Lang, OutputOpt, choose_lang, emit, err_console
from privacyguard.cli.progress import run_progress
from privacyguard.i18n import _, chosen_lang, set_lang
from privacyguard.sweep import SweepRequest, run_sweep


def sweep(
    account: Annotated[list[str] | None, typer.Option("--account", help="Only this registered account "
                                                      "(repeatable); default: every one.")] = None,
    policy: Annotated[str | None, typer.Option("--policy", help="Built-in profile or policy file; default: "
                                               "config.toml [sweep] policy, else recommended.")] = None,
    notify: Annotated[list[str] | None, typer.Option("--notify", help="Alert on new FAILs or drift: webhook:URL, "
                                                     "email:ADDRESS or desktop (repeatable); default: config.toml "
                                                     "[alerts] notify.")] = None,
    fmt: FormatOpt = Fmt.table,
    output: OutputOpt = None,
    junit_warn_fails: JunitWarnOpt = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar and no report on the terminal "
                                        "(--output still writes one); for scheduled runs.")] = False,
    lang: Annotated[Lang | None, typer.Option("--lang", callback=choose_lang,
                                              help="Language of the report; default: $PRIVACYGUARD_LANG, "
                                              "else config.toml [sweep] lang, else en.")] = None,
) -> int:
    """Read-only scan of every registered account, stored in the history and compared with the last sweep.

    Exit 0 all pass, 1 FAIL, 2 unverified, 3 bad input. Drift is shown first in every format.
    """
    # --lang (here or before the command), else $PRIVACYGUARD_LANG, else config.toml's [sweep] lang, else en
    request = SweepRequest(accounts=account or [], policy=policy, lang=chosen_lang(),
                           notify=notify or None, report_file=str(output.resolve()) if output else None)
    with run_progress(_("Sweeping accounts"), quiet) as progress:
        result = run_sweep(request, on_progress=progress)
    set_lang(result.report.tool.get("lang"))  # config.toml's [sweep] lang when --lang was not given
    for note in result.notes:
        err_console.print("[bold yellow]" + _("warning:") + f"[/] {escape(note)}", highlight=False)
    emit(result.report, fmt.value, output, result.view, quiet=quiet, warn_fails=junit_warn_fails)
    for outcome in result.alerts:
        if not outcome.ok:
            message = _("alert to {target} failed after {n} attempt(s): {error}; the sweep is saved as #{id}")
            err_console.print("[bold yellow]" + _("warning:") + "[/] " + escape(message.format(
                target=outcome.target, n=outcome.attempts, error=outcome.error or "", id=result.sweep_id)),
                highlight=False)
        elif not quiet:
            err_console.print(_("alert sent to {target}").format(target=outcome.target), highlight=False,
                              markup=False)
    if not quiet:
        err_console.print(_("sweep #{id} saved; see `privacyguard history show {id}`").format(id=result.sweep_id),
                          highlight=False)
    return result.exit_code


def register(app: typer.Typer) -> None:
    app.command("sweep")(sweep)
