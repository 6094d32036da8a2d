"""`privacyguard audit submit|collect|report|run|keygen|browser-server`: organisation audits.

Exit codes: 0 all compliant · 1 some FAIL · 2 nothing failed but something unverified (UNKNOWN,
ERROR, not handed in) · 3 bad input. `collect` and `run` still write their result when some
roster rows or bundles were rejected, then exit 3 so the rejection is not missed.
"""

from __future__ import annotations

import contextlib
import signal
import time
from collections.abc import Callable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from privacyguard import audit as audit_lib
from privacyguard.audit.bundle import key_id, new_key
from privacyguard.audit.model import Audit
from privacyguard.audit.remote import BrowserServer
from privacyguard.cli._common import FixturesOpt, Lang, LangOpt, OutputOpt, checked, console, err_console
from privacyguard.cli.progress import run_progress
from privacyguard.errors import BadInput
from privacyguard.files import write_output
from privacyguard.i18n import _
from privacyguard.reports.table import build_renderable

EXIT_BAD_INPUT = 3

app = typer.Typer(help="Organisation audits: staff hand in bundles, or scan a roster centrally.",
                  no_args_is_help=True)


class AuditFmt(StrEnum):
    html = "html"
    csv = "csv"
    json = "json"
    table = "table"


KeyOpt = Annotated[Path | None, typer.Option("--key-file", help="The organisation's signing key (audit keygen).")]


def _summary(result: Audit, out: Path) -> None:
    err_console.print(audit_lib.summary(result))
    err_console.print(_("audit written to {path}").format(path=out))


def _exit(result: Audit) -> int:
    if result.rejected or result.roster_problems:
        err_console.print("[bold red]" + _("error:") + "[/] " + _(
            "{rows} roster row(s) skipped and {bundles} bundle(s) rejected (see above); the rest was processed")
            .format(rows=len(result.roster_problems), bundles=len(result.rejected)))
        return EXIT_BAD_INPUT
    return result.exit_code()


@app.command("submit")
def submit(
    org_policy: Annotated[Path, typer.Option("--org-policy", help="The policy file your organisation gave you.")],
    who: Annotated[str, typer.Option("--who", help="Your name or e-mail, as on the organisation's roster.")],
    out: Annotated[Path, typer.Option("--out", help="Where to write the bundle (JSON) to hand in.",
                                      callback=checked("--out"))],
    key_file: KeyOpt = None,
    account: Annotated[list[str] | None, typer.Option("--account", help="Only this registered account "
                                                      "(repeatable); default: all of them.")] = None,
    lang: LangOpt = Lang.en,
) -> int:
    """Scan your own registered accounts under the organisation's policy and write a bundle to hand in."""
    with run_progress(_("Reading settings")) as progress:
        result = audit_lib.submit(org_policy, who, out, key_file, account or [], lang.value, on_progress=progress)
    console.print(build_renderable(result.report))
    signed = _("signed (key id {key})").format(key=result.bundle.signature.key_id) if result.bundle.signature \
        else _("unsigned")
    err_console.print(_("bundle for {who} written to {path}: {n} account(s), {signed}; it holds statuses and values "
                        "only, no password and no page content").format(
        who=result.bundle.who, path=out, n=len(result.bundle.accounts), signed=signed))
    return result.report.exit_code()


@app.command("collect")
def collect(
    paths: Annotated[list[Path], typer.Argument(help="Folders (or files) of handed-in bundles.")],
    roster: Annotated[Path, typer.Option("--roster", help="Who should hand in what (CSV or YAML).")],
    out: Annotated[Path, typer.Option("--out", help="Where to write the merged audit (JSON).",
                                      callback=checked("--out"))],
    key_file: KeyOpt = None,
    max_age: Annotated[float, typer.Option("--max-age", help="Reject bundles older than this many days.")]
    = audit_lib.DEFAULT_MAX_AGE_DAYS,
    policy: Annotated[str | None, typer.Option("--policy", help="Re-judge every bundle's readings under this "
                                               "policy (default: keep the findings handed in).")] = None,
    lang: LangOpt = Lang.en,
) -> int:
    """Validate and merge bundles; malformed, duplicate, wrongly signed and stale ones are rejected with a reason."""
    with _progress() as progress:
        result = audit_lib.collect(paths, roster, key_file, max_age, policy, lang.value, on_progress=progress)
    result.save(out)
    _summary(result, out)
    return _exit(result)


@contextlib.contextmanager
def _progress() -> Iterator[Callable[[int, int], None]]:
    """How far `collect` is, on a terminal (a large inbox takes seconds); silent in logs and pipes."""
    if not err_console.is_terminal:
        yield lambda done, total: None
        return
    with err_console.status(_("Checking bundles…")) as status:
        yield lambda done, total: status.update(_("Checking bundles: {done} of {total}").format(done=done,
                                                                                                total=total))


@app.command("report")
def report(
    audit_file: Annotated[Path, typer.Argument(help="An audit from `audit collect` or `audit run`.")],
    fmt: Annotated[AuditFmt, typer.Option("--format", help="html (self-contained), csv (the matrix), json, "
                                          "or table (a terminal summary).")] = AuditFmt.table,
    previous: Annotated[Path | None, typer.Option("--previous", help="An earlier audit, for the trend.")] = None,
    output: OutputOpt = None,
    lang: LangOpt = Lang.en,
) -> int:
    """The compliance matrix person × rule, rates per rule/team/platform, who has not handed in, the trend."""
    current = Audit.load(audit_file)
    before = Audit.load(previous) if previous is not None else None
    if fmt is AuditFmt.table and output is None:  # laid out for this terminal's width
        console.print(audit_lib.summary(current, before))
        return current.exit_code()
    text = audit_lib.report_text(current, fmt.value, before)
    if output is not None:
        write_output(output, text)
        err_console.print(_("report written to {path}").format(path=output))
    else:
        typer.echo(text, nl=False)
    return current.exit_code()


@app.command("run")
def run(
    roster: Annotated[Path, typer.Argument(help="The accounts to scan (CSV or YAML roster).")],
    policy: Annotated[str, typer.Option("--policy", help="The organisation's policy (file or built-in name).")],
    out: Annotated[Path, typer.Option("--out", help="Where to write the audit (JSON).", callback=checked("--out"))],
    concurrency: Annotated[int, typer.Option("--concurrency", help="Accounts at a time in each browser.")] = 4,
    browser_endpoint: Annotated[list[str] | None, typer.Option(
        "--browser-endpoint", help="A Playwright browser server ws://... (repeatable); default: a local browser.")]
    = None,
    fixtures: FixturesOpt = None,
    lang: LangOpt = Lang.en,
) -> int:
    """Scan every roster account from here: one browser, one isolated context per account, bounded concurrency."""
    with run_progress(_("Scanning roster accounts")) as progress:
        result = audit_lib.run_central(roster, policy, concurrency, browser_endpoint or [], fixtures, lang.value,
                                       on_progress=progress)
    result.save(out)
    _summary(result, out)
    return _exit(result)


@app.command("keygen")
def keygen(out: Annotated[Path, typer.Option("--out", help="Key file to create (kept private: mode 600).",
                                            callback=checked("--out"))]) -> int:
    """Make a signing key for bundles. Hand it to staff privately; keep it out of e-mail and chat logs."""
    if out.exists():
        raise BadInput(_("{path} already exists; a new key would make every bundle signed with the old one fail")
                       .format(path=out))
    key = new_key()
    write_output(out, key + "\n", "--out", mode=0o600, exclusive=True)
    console.print(_("key written to {path} (key id {key})").format(path=out, key=key_id(key.encode())))
    return 0


@app.command("browser-server")
def browser_server(
    host: Annotated[str, typer.Option("--host", help="Address to listen on; keep it private.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port (0: any free one).")] = 0,
) -> int:
    """Serve this machine's Chromium to `audit run --browser-endpoint` (stop with Ctrl-C)."""
    server = BrowserServer(host=host, port=port)
    endpoint = server.start()
    with _stop_requests() as stop:
        console.print(_("browser server listening: {endpoint}").format(endpoint=endpoint))
        console.print(_("anyone who can reach this address can drive the browser: keep it on a private network"))
        try:
            while not stop.requested:
                time.sleep(0.25)  # a signal cuts it short: its handler runs, then the rest of the sleep
                if not server.running() and not stop.requested:
                    # A Ctrl-C in a terminal reaches the server's Node.js too, which may stop first.
                    time.sleep(2.0)
                    if stop.requested:
                        break
                    err_console.print(_("the browser server stopped on its own"))
                    return 2
        finally:
            server.stop()
    return 0


class _StopRequest:
    requested = False


@contextlib.contextmanager
def _stop_requests() -> Iterator[_StopRequest]:
    """Ctrl-C and SIGTERM set a flag instead of raising; the caller polls it.

    Python runs signal handlers in the main thread whichever thread the kernel hands the signal to
    (blocking it with pthread_sigmask only covered the main thread, so a helper thread could take
    it and the next line of Python raised KeyboardInterrupt). The handler only sets a flag: taking
    a lock in it (threading.Event.set) could deadlock with the main thread holding that lock.
    """
    stop = _StopRequest()

    def request(*_: object) -> None:
        stop.requested = True

    signals = (signal.SIGINT, signal.SIGTERM)
    previous = {number: signal.signal(number, request) for number in signals}
    try:
        yield stop
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
