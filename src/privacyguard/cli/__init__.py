"""The `privacyguard` command: a thin layer over privacyguard.api, one module per subcommand.

`main()` is the one exit path: bad input → exit 3 with one message and no traceback.
"""

from __future__ import annotations

import os
import sys

import typer
from rich.markup import escape

try:  # recent typer vendors click; older releases depend on it
    from typer._click import exceptions as click_exc
except ImportError:  # pragma: no cover
    from click import exceptions as click_exc  # type: ignore[no-redef]

from privacyguard.cli import (  # issue 5, issue 3
    accounts,
    catalog,
    config,
    demo,
    doctor,
    evaluate,
    fix,
    history,
    login,
    policy,
    record,
    sandbox,
    scan,
    schedule,
    sweep,
    undo,
)
from privacyguard.cli import audit as audit_cmd  # issue 6
from privacyguard.cli import flows as flows_cmd
from privacyguard.cli._common import err_console
from privacyguard.errors import BadInput, BrowserNotFound, PrivacyGuardError
from privacyguard.i18n import _

EXIT_BAD_INPUT = 3


def error_prefix() -> str:
    """The "error:" prefix of every message main() prints, in the current language."""
    return _("error:")

EXIT_UNVERIFIED = 2

app = typer.Typer(
    name="privacyguard",
    help="Read, judge and fix the privacy settings of your social-media accounts.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
for module in (scan, evaluate, demo, catalog, sweep, login, doctor, record):
    module.register(app)
for module in (fix, undo):  # issue 4
    module.register(app)
app.add_typer(policy.app, name="policy")
app.add_typer(sandbox.app, name="sandbox")
app.add_typer(accounts.app, name="accounts")
app.add_typer(history.app, name="history")
app.add_typer(schedule.app, name="schedule")
app.add_typer(config.app, name="config")
app.add_typer(audit_cmd.app, name="audit")
app.add_typer(flows_cmd.app, name="flows")


def main(argv: list[str] | None = None) -> None:
    """Run the CLI and turn every deliberate error into a message and an exit code."""
    try:
        code = app(args=argv, standalone_mode=False, prog_name="privacyguard")
    except click_exc.NoArgsIsHelpError as exc:
        typer.echo(exc.ctx.get_help() if exc.ctx else str(exc))
        code = 0
    except click_exc.UsageError as exc:
        err_console.print(f"[bold red]{error_prefix()}[/] {exc.format_message()}")
        code = EXIT_BAD_INPUT
    except (typer.Abort, KeyboardInterrupt):
        err_console.print(_("aborted"))
        code = 130
    except BadInput as exc:
        err_console.print(f"[bold red]{error_prefix()}[/] {escape(str(exc))}", markup=True, highlight=False)
        code = EXIT_BAD_INPUT
    except BrowserNotFound as exc:
        err_console.print(f"[bold red]{error_prefix()}[/] {escape(str(exc))}", highlight=False)
        code = EXIT_UNVERIFIED
    except PrivacyGuardError as exc:
        err_console.print(f"[bold red]{error_prefix()}[/] {escape(str(exc))}", highlight=False)
        code = EXIT_UNVERIFIED
    except Exception as exc:
        if os.environ.get("PRIVACYGUARD_DEBUG"):
            raise
        err_console.print("[bold red]" + _("internal error:") + f"[/] {type(exc).__name__} "
                          + _("(set PRIVACYGUARD_DEBUG=1 for details)"), highlight=False)
        code = EXIT_UNVERIFIED
    sys.exit(code or 0)
