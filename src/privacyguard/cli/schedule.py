"""`privacyguard schedule install|status|remove`: the weekly sweep through the OS scheduler."""

from __future__ import annotations

import shlex
from typing import Annotated

import typer

from privacyguard import schedule as scheduler
from privacyguard.cli._common import TableOrJson, TableOrJsonOpt, console, echo_json, err_console
from privacyguard.config import load_config
from privacyguard.i18n import _
from privacyguard.sweep import SweepRequest, plan_sweep

app = typer.Typer(help="Run `privacyguard sweep --quiet` every week (systemd timer, cron, launchd or Task Scheduler).",
                  no_args_is_help=True)

BackendOpt = Annotated[str | None, typer.Option("--backend", hidden=True, help="systemd, cron, launchd or windows.")]


@app.command("install")
def install(
    weekly: Annotated[str, typer.Option("--weekly", metavar="DAY", help="Day of the week (mon … sun).")] = "mon",
    at: Annotated[str, typer.Option("--at", metavar="HH:MM", help="Local time, 24-hour clock.")] = "09:00",
    notify: Annotated[list[str] | None, typer.Option("--notify", help="Alert targets for the job (repeatable); "
                                                     "default: config.toml [alerts] notify, read at each run.")] = None,
    backend: BackendOpt = None,
) -> int:
    """Install the weekly sweep (installing again replaces it; never a duplicate)."""
    config = load_config()
    plan_sweep(SweepRequest(notify=notify), config)  # the job must be able to run: accounts, policy, alerts
    record = scheduler.install(weekly, at, notify, backend)
    console.print(_("scheduled ({backend}): {when}").format(backend=record["backend"], when=record["when"]),
                  highlight=False, markup=False)
    console.print(_("runs: {command}").format(command=shlex.join(scheduler.shown_command(record["command"]))),
                  highlight=False, markup=False)
    for path in record.get("files", []):
        console.print(_("wrote {path}").format(path=path), highlight=False, markup=False)
    if record.get("cron_line"):
        console.print(f"crontab: {record['cron_line']}", highlight=False, markup=False)
    if not notify and not config.alerts.notify:
        err_console.print(_("note: no alert targets configured; the job only records sweeps "
                            "(add [alerts] notify to config.toml, see docs/config.md)"), markup=False, highlight=False)
    return 0


@app.command("status")
def status(fmt: TableOrJsonOpt = TableOrJson.table) -> int:
    """Is a weekly sweep installed, and is it intact? Exit 0 yes, 1 no."""
    state = scheduler.status()
    if fmt is TableOrJson.json:
        from privacyguard.history.db import History

        with History() as history:
            last = history.sweeps(limit=1)
        echo_json({"installed": state is not None, **(state or {}),
                   "last_sweep": last[0].model_dump(mode="json", include={"id", "started_at", "exit_code"})
                   if last else None})
        return 0 if state is not None and state["state"].get("ok") else 1
    if state is None:
        console.print(_("no weekly sweep installed; `privacyguard schedule install` sets one up"))
        return 1
    details = state["state"]
    console.print(_("installed ({backend}) {at}: {when}").format(backend=state["backend"],
                                                                 at=state["installed_at"][:16], when=state["when"]),
                  highlight=False, markup=False)
    console.print(_("runs: {command}").format(command=shlex.join(scheduler.shown_command(state["command"]))),
                  highlight=False, markup=False)
    for path, present in details.get("files", {}).items():
        mark = _("ok") if present else _("MISSING")
        console.print(f"{mark:7} {path}", highlight=False, markup=False)
    for key in ("cron_line", "enabled", "next", "loaded", "registered"):
        if key in details and details[key] is not None:
            console.print(f"{key}: {details[key]}", highlight=False, markup=False)
    from privacyguard.history.db import History

    with History(create=False) as history:
        last = history.sweeps(limit=1)
    console.print(_("last sweep: #{id} {when} UTC, exit {code}").format(
                      id=last[0].id, when=f"{last[0].started_at:%Y-%m-%d %H:%M}", code=last[0].exit_code)
                  if last else _("last sweep: none yet"), highlight=False, markup=False)
    if not details.get("ok"):
        err_console.print(_("the installed job is incomplete; run `privacyguard schedule install` again"))
        return 1
    return 0


@app.command("remove")
def remove(backend: BackendOpt = None) -> int:
    """Remove exactly what `schedule install` installed."""
    record, removed = scheduler.remove(backend)
    if record is None:
        console.print(_("no weekly sweep was installed"))
        return 0
    console.print(_("removed the weekly sweep ({backend})").format(backend=record["backend"]),
                  highlight=False, markup=False)
    for item in removed:
        console.print(_("removed {item}").format(item=item), highlight=False, markup=False)
    return 0
