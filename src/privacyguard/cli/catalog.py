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
    """List every platform's settings (id, title, control, values, page), and the networks and settings
    of the origin guide that no longer exist, with what happened, when, and what the advice means today."""
    catalogue = load_catalogue()
    flows = [catalogue.platform(p) for p in platform] if platform else [catalogue.flows[p] for p in catalogue.platforms]
    closed = [c for c in catalogue.closed
              if not platform or (c.setting is not None and c.setting.split(".")[0] in platform)]
    if fmt is Fmt.json:
        typer.echo(json.dumps({
            "platforms": [{"id": f.platform, "name": f.name, "version": f.version, "settings": len(f.settings)}
                          for f in flows],
            "settings": [{"id": s.id, "title": pick(s.title, lang.value), "control": s.control, "values": s.values,
                          "url": s.url, "automatable": s.automatable, "retired": s.retired is not None}
                         for flow in flows for s in flow.settings],
            "closed": [c.model_dump() for c in closed],
        }, indent=2, ensure_ascii=False))
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
    if closed:
        heading = "Niet meer te vinden" if lang.value == "nl" else "No longer there"
        table = Table(title=heading, title_justify="left", expand=True)
        for column in (("Wat", "Sinds", "Wat er gebeurde", "Wat het advies nu betekent") if lang.value == "nl"
                       else ("What", "Since", "What happened", "What the advice means today")):
            table.add_column(column)
        for c in closed:
            table.add_row(pick(c.name, lang.value) + (f"\n[dim]{c.setting}[/]" if c.setting else ""), c.closed,
                          pick(c.what_happened, lang.value), pick(c.advice_today, lang.value))
        console.print(table)
    return 0


def register(app: typer.Typer) -> None:
    app.command("catalog")(catalog)
