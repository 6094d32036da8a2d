"""`privacyguard policy list|show|validate`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from privacyguard.catalogue import load_catalogue
from privacyguard.cli._common import Lang, LangOpt, TableOrJson, TableOrJsonOpt, console, echo_json, err_console
from privacyguard.i18n import N_, _, ngettext, pick
from privacyguard.labels import expected_label, level_label, severity_label
from privacyguard.policy import builtin_names, load_policy, policy_problems
from privacyguard.reports.layout import Col, FitTable

app = typer.Typer(help="List, show and validate policies.", no_args_is_help=True)
# A rule per row: its setting's label and id whole (the id is what `fix --only` takes), the rest wrapped.
RULE_COLUMNS = (Col(N_("Setting"), heading=True, ratio=2), Col(N_("Id"), whole=True, below=True),
                Col(N_("Expect"), ratio=1), Col(N_("Level"), whole=True), Col(N_("Severity"), whole=True),
                Col(N_("Why"), ratio=3))


@app.command("list")
def list_policies(fmt: TableOrJsonOpt = TableOrJson.table) -> int:
    """The built-in policy profiles."""
    catalogue = load_catalogue()
    if fmt is TableOrJson.json:
        policies = [load_policy(name, catalogue) for name in builtin_names()]
        echo_json([{"name": p.name, "rules": len(p.rules), "extends": p.chain[1:]} for p in policies])
        return 0
    table = Table(title=_("Built-in policies"), title_justify="left")
    for column in (_("Name"), _("Rules"), _("Extends")):
        table.add_column(column)
    for name in builtin_names():
        policy = load_policy(name, catalogue)
        table.add_row(name, str(len(policy.rules)), ", ".join(policy.chain[1:]) or "—")
    console.print(table)
    return 0


@app.command("show")
def show(name: Annotated[str, typer.Argument(help="Built-in name or policy file.")], lang: LangOpt = Lang.en) -> int:
    """Every rule of a policy, with its rationale."""
    catalogue = load_catalogue()
    policy = load_policy(name, catalogue)
    table = FitTable(RULE_COLUMNS, title=_("Policy {name}").format(name=policy.name))
    for rule in policy.rules.values():
        table.add_row(pick(catalogue.setting(rule.setting).title, lang.value), Text(rule.setting, style="dim"),
                      expected_label(rule.setting, rule.expect.describe()), level_label(rule.level),
                      severity_label(rule.severity), pick(rule.rationale, lang.value))
    console.print(table)
    for mute in policy.mutes:
        console.print(_("muted: {setting} for {accounts} until {until}: {reason}").format(
            setting=mute.setting, accounts=", ".join(mute.accounts or [_("all accounts")]), until=mute.until,
            reason=mute.reason))
    return 0


@app.command("validate")
def validate(path: Annotated[Path, typer.Argument(help="Policy file to check.")]) -> int:
    """Check a policy file; exit 3 with file, line and problem for every problem found."""
    catalogue = load_catalogue()
    problems = policy_problems(path, catalogue)
    for problem in problems:
        err_console.print("[bold red]" + _("error:") + f"[/] {escape(str(problem))}", highlight=False)
    if problems:
        err_console.print(ngettext("{path}: {n} problem", "{path}: {n} problems", len(problems)).format(
            path=path, n=len(problems)), highlight=False, markup=False)
        return 3
    policy = load_policy(path, catalogue)  # what it extends, and the rules the chain adds up to
    console.print(_("{path}: valid ({n} rules, extends: {extends})").format(
        path=path, n=len(policy.rules), extends=", ".join(policy.chain[1:]) or _("nothing")))
    return 0
