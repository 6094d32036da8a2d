"""`privacyguard doctor`: browser, display, keyring, home folder, flows and accounts at a glance."""

from __future__ import annotations

import typer
from rich.table import Table

from privacyguard.cli._common import TableOrJson, TableOrJsonOpt, console, echo_json
from privacyguard.doctor import LEVEL_LABEL, Level, run_checks
from privacyguard.i18n import _

STYLE = {Level.OK: "green", Level.WARN: "yellow", Level.FAIL: "bold red"}


def doctor(fmt: TableOrJsonOpt = TableOrJson.table) -> int:
    """Check what privacyguard needs. Exit 0 when nothing fails, 2 when something does."""
    checks = run_checks()
    code = 2 if any(c.level is Level.FAIL for c in checks) else 0
    if fmt is TableOrJson.json:
        echo_json([{"check": c.name, "level": c.level.value, "detail": c.detail, "advice": c.advice} for c in checks])
        return code
    table = Table(title=_("privacyguard doctor"), title_justify="left", show_lines=True)
    for column in (_("Check"), "", _("Detail")):
        table.add_column(column)
    for check in checks:
        level = _(LEVEL_LABEL[check.level])
        table.add_row(check.name, f"[{STYLE[check.level]}]{level}[/]", check.detail)
    console.print(table)
    for check in checks:
        if check.advice:
            console.print(f"\n{check.name}: {_(check.advice)}")
    return code


def register(app: typer.Typer) -> None:
    app.command("doctor")(doctor)
