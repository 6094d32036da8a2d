"""`privacyguard accounts add|list|update|remove`: the accounts privacyguard looks after.

Secrets are never command-line arguments (those end up in shell history and `ps`): a password
comes on standard input (--password-stdin) or at a hidden prompt (--ask-password), a TOTP secret
on standard input (--totp-stdin; with both, the password is the first line, the secret the second).
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from privacyguard import credentials
from privacyguard.accounts import Account, get_account
from privacyguard.catalogue import load_catalogue
from privacyguard.cli._common import TableOrJson, TableOrJsonOpt, console, echo_json, err_console, platform_name
from privacyguard.errors import BadInput
from privacyguard.i18n import N_, _
from privacyguard.reports.layout import Col, FitTable
from privacyguard.sandbox import load_variant
from privacyguard.secrets import read_stdin_secrets
from privacyguard.snapshot import now_utc

app = typer.Typer(help="Register, list, update and remove accounts (secrets go to the OS keyring only).",
                  no_args_is_help=True)
# One account per row: names and platforms whole; the username (an e-mail address) and states wrap.
ACCOUNT_COLUMNS = (Col(N_("Name"), whole=True, heading=True), Col(N_("Platform"), whole=True), Col(N_("Username")),
                   Col(N_("Kind")), Col(N_("Password"), whole=True), Col(N_("Two-step"), whole=True),
                   Col(N_("Session")), Col(N_("Sign-in")))

PasswordStdin = Annotated[bool, typer.Option("--password-stdin", help="Read the password from standard input.")]
AskPassword = Annotated[bool, typer.Option("--ask-password", help="Ask for the password at a hidden prompt.")]
TotpStdin = Annotated[bool, typer.Option("--totp-stdin", help="Read the two-step (TOTP) secret or otpauth:// URI "
                                         "from standard input (after the password, when both come that way).")]


def _read_secrets(password_stdin: bool, ask_password: bool, totp_stdin: bool) -> tuple[str | None, str | None]:
    if password_stdin and ask_password:
        raise BadInput(_("--password-stdin and --ask-password exclude each other"))
    password = secret = None
    if password_stdin or totp_stdin:
        password, secret = read_stdin_secrets(sys.stdin.read(), password_stdin, totp_stdin)
    if ask_password:
        # Asked once: a mistyped password shows at the first sign-in as "wrong password", never stored silently.
        password = typer.prompt(_("Password"), hide_input=True, err=True)
    return password, secret


@app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="A name of your choice for this account.")],
    platform: Annotated[str, typer.Option("--platform", callback=platform_name,
                                          help="linkedin, facebook, x, instagram, …")],
    username: Annotated[str | None, typer.Option("--username", help="Sign-in name (e-mail or phone).")] = None,
    sandbox: Annotated[str | None, typer.Option("--sandbox", help="A simulated account of this variant.")] = None,
    password_stdin: PasswordStdin = False,
    ask_password: AskPassword = False,
    totp_stdin: TotpStdin = False,
) -> int:
    """Register an account. Recommended next step: `privacyguard login NAME`."""
    catalogue = load_catalogue()
    catalogue.platform(platform)
    if sandbox is not None:
        load_variant(platform, sandbox)
    password, secret = _read_secrets(password_stdin, ask_password, totp_stdin)
    account = credentials.register(Account(name=name, platform=platform, username=username, sandbox=sandbox),
                                   catalogue, password, secret)
    kind = _("simulated ({variant})").format(variant=account.sandbox) if account.sandbox else _("real")
    stored = [what for what, has in ((_("password"), account.has_password),
                                     (_("two-step secret"), account.has_totp)) if has]
    console.print(_("added {kind} {platform} account {name!r}").format(kind=kind, platform=account.platform,
                                                                        name=account.name)
                  + (_("; {what} stored in the keyring").format(what=_(" and ").join(stored)) if stored else ""))
    if not account.has_password and not account.sandbox:
        console.print(_("next: privacyguard login {name}   (sign in once in a browser window)").format(
            name=account.name))
    return 0


@app.command("list")
def list_cmd(fmt: TableOrJsonOpt = TableOrJson.table) -> int:
    """Every registered account, what it signs in with, and how old its saved session is."""
    now = now_utc()
    if fmt is TableOrJson.json:
        echo_json([{"name": s.account.name, "platform": s.account.platform, "username": s.account.username,
                    "sandbox": s.account.sandbox, "password": s.account.has_password, "totp": s.account.has_totp,
                    "session_saved_at": s.session_saved_at, "sign_in_paused": s.account.sign_in_paused}
                   for s in credentials.statuses()])
        return 0
    statuses = credentials.statuses()
    if not statuses:
        console.print(_("no account registered yet: add one with `privacyguard accounts add NAME --platform P`"),
                      highlight=False, markup=False)
        return 0
    table = FitTable(ACCOUNT_COLUMNS, title=_("Accounts"))
    for status in statuses:
        account = status.account
        table.add_row(account.name, account.platform, account.username or "—",
                      _("sandbox: {variant}").format(variant=account.sandbox) if account.sandbox else _("real"),
                      _("keyring") if account.has_password else "—", _("keyring") if account.has_totp else "—",
                      _("{age} old").format(age=credentials.age(status.session_saved_at, now))
                      if status.session_saved_at else credentials.age(status.session_saved_at, now),
                      _("paused: {since}").format(since=account.sign_in_paused) if account.sign_in_paused else "ok")
    console.print(table)
    return 0


@app.command("update")
def update(
    name: Annotated[str, typer.Argument(help="The account to change.")],
    username: Annotated[str | None, typer.Option("--username", help="New sign-in name.")] = None,
    password_stdin: PasswordStdin = False,
    ask_password: AskPassword = False,
    totp_stdin: TotpStdin = False,
    forget_password: Annotated[bool, typer.Option("--forget-password", help="Remove the stored password.")] = False,
    forget_totp: Annotated[bool, typer.Option("--forget-totp", help="Remove the stored TOTP secret.")] = False,
    forget_session: Annotated[bool, typer.Option("--forget-session", help="Remove the saved session.")] = False,
) -> int:
    """Change an account's sign-in name or secrets (a new secret lets automated sign-in try again)."""
    get_account(name)  # an unknown name is said before any secret is asked for
    password, secret = _read_secrets(password_stdin, ask_password, totp_stdin)
    account = credentials.update(name, username=username, password=password, totp_secret=secret,
                                 forget_password=forget_password, forget_totp=forget_totp,
                                 forget_session=forget_session)
    console.print(_("updated account {name!r}").format(name=account.name))
    return 0


@app.command("remove")
def remove(name: Annotated[str, typer.Argument(help="The account to forget.")]) -> int:
    """Forget an account, with its secrets in the keyring and its saved session."""
    gone = credentials.forget(name)
    extra = []
    if gone.session_removed:
        extra.append(_("saved session"))
    if gone.secrets_removed:
        extra.append(_("keyring entries: {names}").format(names=", ".join(gone.secrets_removed)))
    console.print(_("removed {platform} account {name!r}").format(platform=gone.account.platform,
                                                                  name=gone.account.name)
                  + (f" ({'; '.join(extra)})" if extra else ""))
    if gone.keyring_problem:
        err_console.print("[bold red]" + _("warning:") + "[/] " + _(
            "its secrets could not be removed from the keyring ({problem}); remove the entries of service "
            "'privacyguard' named '{name}/…' by hand").format(problem=gone.keyring_problem, name=name),
            highlight=False)
        return 2
    return 0
