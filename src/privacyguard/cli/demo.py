"""`privacyguard demo`: scan the simulated `default` platforms and show what a fix would change."""

from __future__ import annotations

import typer
from rich.text import Text

from privacyguard import api
from privacyguard.catalogue import load_catalogue
from privacyguard.cli._common import Lang, LangOpt, console
from privacyguard.i18n import N_, _
from privacyguard.labels import value_label
from privacyguard.reports.layout import Col, FitTable
from privacyguard.reports.table import build_renderable

DEMO_ACCOUNT = "demo"
PLAN_COLUMNS = (Col(N_("Setting"), heading=True), Col(N_("Id"), whole=True, below=True), Col(N_("Account"), whole=True),
                Col(N_("Now"), whole=True), Col(N_("Would become"), whole=True), Col(N_("How"), fold=True, ratio=2))


def demo(lang: LangOpt = Lang.en) -> int:
    """Scan every platform as simulated in the `default` sandbox; nothing real is contacted."""
    catalogue = load_catalogue()
    names = ", ".join(catalogue.flows[p].name for p in catalogue.platforms)
    console.print("[bold]privacyguard demo[/]: " + _("scanning simulated accounts on {names} "
                  "(the 'default' sandbox: the platforms' 2026 defaults, served at their real URLs "
                  "from local fixtures; nothing leaves this machine).").format(names=names) + "\n")
    result = api.scan([], "default", api.DEFAULT_POLICY, lang.value, account=DEMO_ACCOUNT)
    console.print(build_renderable(result.report))
    plan = api.planned_fixes(result.report)
    table = FitTable(PLAN_COLUMNS, title=_("What `privacyguard fix` would change"))
    for finding in plan:
        how = _("automatic, verified by reading back") if finding.automatable else _("manual: {url}").format(
            url=finding.remediation.url or "")
        account = finding.uid.rsplit(":", 1)[0].replace(":", " · ")
        table.add_row(finding.title, Text(finding.setting, style="dim"), account,
                      value_label(finding.setting, finding.actual, lang.value),
                      value_label(finding.setting, finding.target or finding.expected, lang.value), how)
    console.print(table)
    console.print("\n" + _("{n} setting(s) fall short of the 'recommended' policy. "
                  "Exit code of a real scan would be "
                  "{code} (0 pass, 1 fail, 2 unverified).").format(n=len(plan), code=result.report.exit_code()))
    console.print(_("Try fixing them on the simulated accounts: [bold]privacyguard fix --sandbox default[/] "
                  "explains each one and asks before changing it (--dry-run: plan only, --yes: all); every "
                  "change is read back before it counts, and [bold]privacyguard undo[/] puts the old values back."))
    return 0


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
