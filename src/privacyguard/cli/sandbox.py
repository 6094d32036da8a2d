"""`privacyguard sandbox list|reset`: the simulated platforms."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from privacyguard.cli._common import TableOrJson, TableOrJsonOpt, console, echo_json
from privacyguard.i18n import _, ngettext
from privacyguard.sandbox import list_variants, load_variant, reset_state

app = typer.Typer(help="The simulated platforms used by --sandbox.", no_args_is_help=True)


@app.command("list")
def list_cmd(fixtures: Annotated[Path | None, typer.Option("--fixtures", help="Another fixtures root.")] = None,
             fmt: TableOrJsonOpt = TableOrJson.table) -> int:
    """Variants available per platform."""
    if fmt is TableOrJson.json:
        echo_json([{"platform": platform, "variant": name, "description": load_variant(platform, name, fixtures)
                    .description} for platform, names in list_variants(fixtures).items() for name in names])
        return 0
    table = Table(title=_("Sandbox variants"), title_justify="left", expand=True)
    for column in (_("Platform"), _("Variant"), _("Description")):
        table.add_column(column)
    for platform, names in list_variants(fixtures).items():
        for name in names:
            table.add_row(platform, name, load_variant(platform, name, fixtures).description)
    console.print(table)
    return 0


@app.command("reset")
def reset() -> int:
    """Forget every change made to simulated accounts (they return to their variant's values)."""
    removed = reset_state()
    console.print(ngettext("sandbox reset: {n} saved account state removed",
                           "sandbox reset: {n} saved account states removed", removed).format(n=removed))
    return 0
