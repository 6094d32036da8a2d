"""`privacyguard accounts add|list|remove`: the accounts privacyguard looks after."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from privacyguard.accounts import Account, add_account, list_accounts, remove_account
from privacyguard.catalogue import load_catalogue
from privacyguard.cli._common import console
from privacyguard.sandbox import load_variant

app = typer.Typer(help="Register, list and remove accounts (no secret is stored in the registry).",
                  no_args_is_help=True)


@app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="A name of your choice for this account.")],
    platform: Annotated[str, typer.Option("--platform", help="linkedin, facebook, …")],
    username: Annotated[str | None, typer.Option("--username", help="Sign-in name (e-mail or phone).")] = None,
    sandbox: Annotated[str | None, typer.Option("--sandbox", help="A simulated account of this variant.")] = None,
) -> int:
    """Register an account."""
    catalogue = load_catalogue()
    if sandbox is not None:
        load_variant(platform, sandbox)
    account = add_account(Account(name=name, platform=platform, username=username, sandbox=sandbox), catalogue)
    kind = f"simulated ({account.sandbox})" if account.sandbox else "real"
    console.print(f"added {kind} {account.platform} account {account.name!r}")
    return 0


@app.command("list")
def list_cmd() -> int:
    """Every registered account."""
    table = Table(title="Accounts", title_justify="left")
    for column in ("Name", "Platform", "Username", "Kind", "Added"):
        table.add_column(column)
    for account in list_accounts():
        table.add_row(account.name, account.platform, account.username or "—",
                      f"sandbox: {account.sandbox}" if account.sandbox else "real",
                      account.added_at.date().isoformat())
    console.print(table)
    return 0


@app.command("remove")
def remove(name: Annotated[str, typer.Argument(help="The account to forget.")]) -> int:
    """Forget an account."""
    account = remove_account(name)
    console.print(f"removed {account.platform} account {account.name!r}")
    return 0
