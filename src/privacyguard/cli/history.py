"""`privacyguard history`: past sweeps; `history show ID`; `history diff ID1 ID2`."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated

import typer
from rich.text import Text

from privacyguard.catalogue import load_catalogue
from privacyguard.cli._common import Fmt, FormatOpt, OutputOpt, console, emit
from privacyguard.errors import BadInput
from privacyguard.history.db import History
from privacyguard.history.view import diff_sweeps, sweep_view
from privacyguard.i18n import N_, _, use_lang
from privacyguard.reports.drift_table import drift_table
from privacyguard.reports.layout import Col, FitTable
from privacyguard.reports.sweep_text import score_text

app = typer.Typer(help="Past sweeps: list them, show one, compare two.", invoke_without_command=True)


class ListFmt(StrEnum):
    table = "table"
    json = "json"


HISTORY_COLUMNS = (Col(N_("Sweep"), whole=True, heading=True), Col(N_("When (UTC)"), whole=True, heading=True),
                   Col(N_("Policy"), whole=True), Col(N_("Scores"), ratio=2), Col(N_("Findings")),
                   Col(N_("Drift"), whole=True),
                   Col(N_("Alerts"), whole=True), Col(N_("Exit"), whole=True))


def _scores(scores: dict[str, float | None]) -> str:
    """One score per account ("me 80%"), the platform left out as the sweep's accounts say it."""
    return ", ".join(f"{label.split(':', 1)[-1]} {score_text(s)}" for label, s in scores.items())


def _counts(summary: dict[str, int]) -> str:
    unverified = summary.get("UNKNOWN", 0) + summary.get("ERROR", 0)
    return _("{fail} FAIL, {warn} WARN, {unverified} unverified").format(
        fail=summary.get("FAIL", 0), warn=summary.get("WARN", 0), unverified=unverified)


@app.callback()
def list_sweeps(
    ctx: typer.Context,
    account: Annotated[str | None, typer.Option("--account", help="Only sweeps that read this account.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="How many sweeps, latest first.")] = 20,
    fmt: Annotated[ListFmt, typer.Option("--format", help="table or json.")] = ListFmt.table,
) -> int:
    """List past sweeps, latest first (with `show ID` or `diff ID1 ID2` to look closer)."""
    if ctx.invoked_subcommand is not None:
        return 0
    catalogue = load_catalogue()
    with History(create=False) as history:
        rows = history.sweeps(account, limit)
        drift = {row.id: len(sweep_view(history, history.sweep(row.id), catalogue).drift) for row in rows}
    if fmt is ListFmt.json:
        typer.echo(json.dumps([{**row.model_dump(mode="json"), "drift": drift[row.id]} for row in rows], indent=2))
        return 0
    if not rows:
        console.print(_("no sweeps yet of {account}; run `privacyguard sweep`").format(account=account) if account
                      else _("no sweeps yet; run `privacyguard sweep`"))
        return 0
    table = FitTable(HISTORY_COLUMNS, title=_("Sweeps of {account}").format(account=account) if account
                     else _("Sweeps"))
    for row in rows:
        table.add_row(f"#{row.id}", f"{row.started_at:%Y-%m-%d %H:%M}", row.policy, _scores(row.scores),
                      _counts(row.summary), str(drift[row.id]),
                      Text(_("{n} failed").format(n=row.alerts_failed), style="bold yellow") if row.alerts_failed
                      else "—",
                      str(row.exit_code))
    console.print(table)
    return 0


@app.command("show")
def show(
    sweep_id: Annotated[int, typer.Argument(metavar="ID", help="A sweep id from `privacyguard history`.")],
    fmt: FormatOpt = Fmt.table,
    output: OutputOpt = None,
) -> int:
    """One past sweep as it was judged then, with its drift, in any report format."""
    with History(create=False) as history:
        record = history.sweep(sweep_id)
        view = sweep_view(history, record, load_catalogue())
    emit(record.report(), fmt.value, output, view)
    return 0


@app.command("diff")
def diff(
    first: Annotated[int, typer.Argument(metavar="ID1", help="The older sweep.")],
    second: Annotated[int, typer.Argument(metavar="ID2", help="The newer sweep.")],
    fmt: Annotated[ListFmt, typer.Option("--format", help="table or json.")] = ListFmt.table,
) -> int:
    """What changed between two sweeps (same definitions as a sweep's drift)."""
    if first == second:
        raise BadInput(_("history diff: give two different sweep ids"))
    older, newer = sorted((first, second))
    with History(create=False) as history:
        newer_record = history.sweep(newer)
        items = diff_sweeps(history.sweep(older), newer_record, load_catalogue())
        newer_lang = newer_record.lang
    if fmt is ListFmt.json:
        typer.echo(json.dumps({"from": older, "to": newer, "drift": [i.model_dump(mode="json") for i in items]},
                              indent=2, ensure_ascii=False))
        return 0
    if not items:
        console.print(_("no drift between sweep #{older} and #{newer}").format(older=older, newer=newer))
        return 0
    with use_lang(newer_lang):  # the words of the newer sweep's language, as its values
        console.print(drift_table(items, _("Drift from sweep #{older} to #{newer}").format(older=older, newer=newer)))
    return 0
