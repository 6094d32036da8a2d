"""`privacyguard catalog`: the settings privacyguard knows, per platform."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from privacyguard.catalogue import load_catalogue
from privacyguard.cli._common import Fmt, FormatOpt, Lang, LangOpt, console
from privacyguard.i18n import _, pick


def catalog(
    platform: Annotated[list[str] | None, typer.Option("--platform", help="Only this platform.")] = None,
    lang: LangOpt = Lang.en,
    fmt: FormatOpt = Fmt.table,
) -> int:
    """List every setting: id, title, control, values, page and whether it can be fixed automatically."""
    catalogue = load_catalogue()
    flows = [catalogue.platform(p) for p in platform] if platform else [catalogue.flows[p] for p in catalogue.platforms]
    if fmt is Fmt.json:
        rows = [{"id": s.id, "title": pick(s.title, lang.value), "control": s.control, "values": s.values,
                 "url": s.url, "automatable": s.automatable, "retired": s.retired is not None}
                for flow in flows for s in flow.settings]
        typer.echo(json.dumps(rows, indent=2))
        return 0
    for flow in flows:
        table = Table(title=_("{name} (catalogue {version})").format(name=flow.name, version=flow.version),
                      title_justify="left", expand=True)
        for column in (_("Setting"), _("Title"), _("Control"), _("Values"), _("Page")):
            table.add_column(column)
        for s in flow.settings:
            title = pick(s.title, lang.value) + (" [dim](" + _("retired") + ")[/]" if s.retired else "")
            table.add_row(s.id, title, s.control, " / ".join(s.values), s.url)
        console.print(table)
    return 0


def register(app: typer.Typer) -> None:
    app.command("catalog")(catalog)
