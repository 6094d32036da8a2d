"""`privacyguard scan`: read accounts' settings and judge them against a policy."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from privacyguard import api
from privacyguard.cli._common import (
    FixturesOpt,
    Fmt,
    FormatOpt,
    JunitWarnOpt,
    Lang,
    LangOpt,
    OutputOpt,
    PolicyOpt,
    checked,
    emit,
    err_console,
    platform_name,
)
from privacyguard.cli.progress import run_progress
from privacyguard.errors import BadInput
from privacyguard.i18n import _


def scan(
    platform: Annotated[list[str] | None, typer.Option(
        "--platform", callback=platform_name, help="Platform to scan (repeatable).")] = None,
    sandbox: Annotated[str | None, typer.Option("--sandbox", help="Scan a simulated platform variant.")] = None,
    account: Annotated[list[str] | None, typer.Option("--account", help="Registered account (repeatable); "
                                                      "default: all of them.")] = None,
    fixtures: FixturesOpt = None,
    policy: PolicyOpt = api.DEFAULT_POLICY,
    lang: LangOpt = Lang.en,
    fmt: FormatOpt = Fmt.table,
    output: OutputOpt = None,
    junit_warn_fails: JunitWarnOpt = False,
    save_snapshot: Annotated[Path | None, typer.Option("--save-snapshot", help="Also save the raw readings.",
                                                       callback=checked("--save-snapshot"))] = None,
) -> int:
    """Read privacy settings and judge them. Exit 0 all pass, 1 FAIL, 2 unverified, 3 bad input."""
    if sandbox is not None and account:
        raise BadInput(_("--sandbox and --account exclude each other: a sandbox scan uses its own simulated "
                         "accounts"))
    with run_progress(_("Reading settings")) as progress:
        result = api.scan(platform or [], sandbox, policy, lang.value, fixtures, accounts=account or [],
                          on_progress=progress)
    if save_snapshot is not None:
        result.snapshot.save(save_snapshot, "--save-snapshot")
        err_console.print(_("snapshot saved to {path}").format(path=save_snapshot))
    emit(result.report, fmt.value, output, warn_fails=junit_warn_fails)
    hint = api.record_hint(result.snapshot)
    if hint:
        err_console.print(_("Some settings could not be read. To show us the page: {command}").format(
            command=escape(hint)), highlight=False, soft_wrap=True)
    return result.report.exit_code()


def register(app: typer.Typer) -> None:
    app.command("scan")(scan)
