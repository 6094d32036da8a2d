"""Options and output helpers shared by the subcommands."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from privacyguard.findings import Report
from privacyguard.reports import render
from privacyguard.reports.table import build_renderable

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


class Lang(StrEnum):
    en = "en"
    nl = "nl"


class Fmt(StrEnum):
    table = "table"
    json = "json"


PolicyOpt = Annotated[str, typer.Option("--policy", help="Built-in profile (recommended, strict) or a policy file.")]
LangOpt = Annotated[Lang, typer.Option("--lang", help="Language of rationales and steps.")]
FormatOpt = Annotated[Fmt, typer.Option("--format", help="Report format.")]
OutputOpt = Annotated[Path | None, typer.Option("--output", help="Write the report to this file.")]
FixturesOpt = Annotated[Path | None, typer.Option("--fixtures", help="Another fixtures root, laid out like fixtures/.")]


def emit(report: Report, fmt: str, output: Path | None) -> None:
    """Print the report (or write it to a file, saying where)."""
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(render(report, fmt), encoding="utf-8")
        err_console.print(f"report written to {output}")
        return
    if fmt == "table":
        console.print(build_renderable(report))
    else:
        typer.echo(render(report, fmt), nl=False)
