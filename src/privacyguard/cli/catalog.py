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

CLOSED_COLUMNS = (Col(N_("What"), heading=True), Col(N_("Id"), whole=True, below=True), Col(N_("Since"), whole=True),
                  Col(N_("What happened"), ratio=2), Col(N_("What the advice means today"), ratio=2))
CATALOG_COLUMNS = (Col(N_("Id"), whole=True, heading=True), Col(N_("Setting"), ratio=3), Col(N_("Control"), whole=True),
                   Col(N_("Values"), ratio=2), Col(N_("Fix"), whole=True), Col(N_("Page"), fold=True, ratio=2))
# The kind of control a setting is, as a person calls it (the flow files' word stays in --format json).
CONTROL_LABELS = {"toggle": N_("on/off switch"), "checkbox": N_("tick box"), "radio": N_("choice of options"),
                  "dialog": N_("dialog box"), "text": N_("text field"), "select": N_("drop-down list"),
                  "listbox": N_("list box"), "combobox": N_("drop-down list"), "menu": N_("menu"),
                  "segmented": N_("segmented buttons")}


def catalog(
    platform: Annotated[list[str] | None, typer.Option(
        "--platform", callback=platform_name, help="Only this platform.")] = None,
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
        table = FitTable(CATALOG_COLUMNS, title=_("{name} (catalogue {version})").format(
            name=flow.name, version=flow.version))
        for s in flow.settings:
            title = Text(pick(s.title, lang.value))
            if s.retired:
                title.append(" " + _("(retired)"), style="dim")
            values = " / ".join(s.value_label(v, lang.value) for v in s.values)
            table.add_row(Text(s.id, style="bold"), title, _(CONTROL_LABELS.get(s.control, s.control)), values,
                          _("automatic") if s.automatable else _("manual"), Text(s.url, style="dim"))
        console.print(table)
    if closed:
        table = FitTable(CLOSED_COLUMNS, title=_("No longer there"))
        for c in closed:
            table.add_row(pick(c.name, lang.value), Text(c.setting or "", style="dim"), c.closed,
                          pick(c.what_happened, lang.value), pick(c.advice_today, lang.value))
        console.print(table)
    return 0


def register(app: typer.Typer) -> None:
    app.command("catalog")(catalog)
