"""`privacyguard catalog`: the settings privacyguard knows, per platform."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.text import Text

from privacyguard.catalogue import load_catalogue
from privacyguard.cli._common import Fmt, FormatOpt, Lang, LangOpt, console, platform_name
from privacyguard.i18n import N_, _, pick
from privacyguard.reports.layout import Col, FitTable

CATALOG_COLUMNS = (Col(N_("Id"), whole=True, heading=True), Col(N_("Setting"), ratio=3), Col(N_("Control"), whole=True),
                   Col(N_("Values"), ratio=2), Col(N_("Fix"), whole=True), Col(N_("Page"), fold=True, ratio=2))


def catalog(
    platform: Annotated[list[str] | None, typer.Option(
        "--platform", callback=platform_name, help="Only this platform.")] = None,
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
        table = FitTable(CATALOG_COLUMNS, title=f"{flow.name} (catalogue {flow.version})")
        for s in flow.settings:
            title = Text(pick(s.title, lang.value))
            if s.retired:
                title.append(" " + _("(retired)"), style="dim")
            values = " / ".join(s.value_label(v, lang.value) for v in s.values)
            table.add_row(Text(s.id, style="bold"), title, s.control, values,
                          _("automatic") if s.automatable else _("manual"), Text(s.url, style="dim"))
        console.print(table)
    return 0


def register(app: typer.Typer) -> None:
    app.command("catalog")(catalog)
