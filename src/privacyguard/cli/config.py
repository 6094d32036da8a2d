"""`privacyguard config path|show|set-smtp-password|delete-smtp-password`."""

from __future__ import annotations

import getpass
import sys

import typer

from privacyguard.cli._common import TableOrJson, TableOrJsonOpt, echo_json, err_console
from privacyguard.config import (
    config_path,
    delete_smtp_password,
    load_config,
    password_state,
    set_smtp_password,
    shown_target,
)
from privacyguard.i18n import _

app = typer.Typer(help="The config file (config.toml under the home) and the SMTP password in the keyring.",
                  no_args_is_help=True)


@app.command("path")
def path_cmd() -> int:
    """Where the config file is (it need not exist: defaults apply)."""
    typer.echo(str(config_path()))
    return 0


@app.command("show")
def show(fmt: TableOrJsonOpt = TableOrJson.table) -> int:
    """The settings in force (checks the file: exit 3 naming file and line if it is wrong)."""
    config = load_config()
    if fmt is TableOrJson.json:
        data = config.model_dump(mode="json", by_alias=True)
        data["path"] = str(config.path or config_path())
        data["exists"] = config.path is not None
        data["alerts"]["notify"] = [shown_target(t) for t in config.alerts.notify]  # secrets never shown
        if config.smtp:
            data["smtp"]["password"] = password_state(config.smtp)
        echo_json(data)
        return 0
    typer.echo(_("config file: {path}").format(
        path=config.path or _("{path} (not present: defaults)").format(path=config_path())))
    accounts = ", ".join(config.sweep.accounts) or _("all registered")
    notify = ", ".join(map(shown_target, config.alerts.notify)) or _("none")
    typer.echo(f"[sweep] policy={config.sweep.policy} lang={config.sweep.lang} accounts={accounts}")
    typer.echo(f"[alerts] notify={notify} retries={config.alerts.webhook_retries} "
               f"backoff={config.alerts.webhook_backoff_seconds}s")
    if config.smtp:
        typer.echo(f"[smtp] {config.smtp.host}:{config.smtp.port} user={config.smtp.user or '—'} "
                      f"from={config.smtp.from_address} starttls={config.smtp.starttls} ssl={config.smtp.ssl} "
                      + _("password: {state}").format(state=password_state(config.smtp)))
    return 0


@app.command("set-smtp-password")
def set_password() -> int:
    """Store the SMTP password in the keyring (read from standard input, or asked for on a terminal)."""
    config = load_config()
    if sys.stdin.isatty():
        password = getpass.getpass(_("SMTP password (not shown): "))
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    entry = set_smtp_password(config, password)
    err_console.print(_("SMTP password stored in the keyring ({entry})").format(entry=entry), markup=False)
    return 0


@app.command("delete-smtp-password")
def delete_password() -> int:
    """Remove the SMTP password from the keyring."""
    removed = delete_smtp_password(load_config())
    err_console.print(_("SMTP password removed from the keyring") if removed else _("no SMTP password was stored"),
                      markup=False)
    return 0
