"""Options and output helpers shared by the subcommands."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from privacyguard.files import check_output, write_output
from privacyguard.findings import Report
from privacyguard.i18n import LANG_ENV, _, get_lang, set_lang
from privacyguard.reports import FORMATS, render
from privacyguard.reports.context import SweepView
from privacyguard.reports.table import build_renderable

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


@dataclass
class CliSettings:
    """The root options (privacyguard -v/-q …), set once per run by the root callback."""

    verbose: int = 0
    quiet: bool = False


settings = CliSettings()


class Lang(StrEnum):
    en = "en"
    nl = "nl"


# Every format in the reports registry (table, json, html, csv, markdown, junit, sarif).
Fmt = StrEnum("Fmt", {name: name for name in FORMATS})  # type: ignore[misc]


class TableOrJson(StrEnum):
    """For listings: a table for people, or JSON for scripts (stdout, nothing else on it)."""

    table = "table"
    json = "json"


TableOrJsonOpt = Annotated[TableOrJson, typer.Option("--format", help="table, or json for scripts.")]


def echo_json(data: object) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def platform_name(value: str | list[str] | None) -> str | list[str] | None:
    """Platform names as the catalogue spells them: `--platform LinkedIn` means linkedin."""
    if value is None:
        return None
    return value.lower() if isinstance(value, str) else [v.lower() for v in value]


PolicyOpt = Annotated[str, typer.Option("--policy", help="Built-in profile (recommended, strict) or a policy file.")]
def choose_lang(ctx: typer.Context, param: typer.CallbackParam, value: Lang | None) -> Lang:
    """--lang on the command line sets the language of every message and report of this run; else the
    language main() settled before parsing stays (`privacyguard --lang nl CMD`, $PRIVACYGUARD_LANG, en)."""
    if value is not None and getattr(ctx.get_parameter_source(param.name or ""), "name", "") == "COMMANDLINE":
        set_lang(value.value)
    return Lang(get_lang())


LangOpt = Annotated[Lang, typer.Option("--lang", envvar=LANG_ENV, callback=choose_lang, show_default=False,
                                       help="Language of messages and reports (default: $PRIVACYGUARD_LANG, else en).")]
FormatOpt = Annotated[Fmt, typer.Option("--format", help="Report format.")]
def checked(option: str) -> Callable[[Path | None], Path | None]:
    """A typer callback: an output path is checked while the arguments are read, before any work."""
    return lambda value: check_output(value, option) if value is not None else None


OutputOpt = Annotated[Path | None, typer.Option("--output", help="Write the report to this file.",
                                                callback=checked("--output"))]
FixturesOpt = Annotated[Path | None, typer.Option("--fixtures", help="Another fixtures root, laid out like fixtures/.")]


JunitWarnOpt = Annotated[bool, typer.Option("--junit-warn-fails", help="In --format junit, count WARN (a should rule "
                                            "not met) as a failure; by default it passes with a note, as the exit "
                                            "code does.")]


def emit(report: Report, fmt: str, output: Path | None, sweep: SweepView | None = None, quiet: bool = False,
         warn_fails: bool = False) -> None:
    """Print the report (or write it to a file, saying where)."""
    if output is not None:
        write_output(output, render(report, fmt, sweep, warn_fails=warn_fails))
        if not (quiet or settings.quiet):
            err_console.print(_("report written to {path}").format(path=output))
        return
    if quiet:
        return
    if fmt == "table":
        console.print(build_renderable(report, sweep))
    else:
        typer.echo(render(report, fmt, sweep, warn_fails=warn_fails), nl=False)
