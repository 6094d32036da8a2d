"""The `privacyguard` command: a thin layer over privacyguard.api, one module per subcommand.

`main()` is the one exit path: bad input → exit 3 with one message and no traceback.
"""

from __future__ import annotations

import logging
import sys
from typing import Annotated, Any

import typer
from rich.markup import escape

try:  # recent typer vendors click; older releases depend on it
    from typer._click import exceptions as click_exc
except ImportError:  # pragma: no cover
    from click import exceptions as click_exc  # type: ignore[no-redef]

from privacyguard import __version__, logs
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
from privacyguard.cli._common import Lang, choose_lang, err_console, settings
from privacyguard.cli.help_text import localize, only_lang, settle_lang, usage_error
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
    add_completion=True,
)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"privacyguard {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[bool, typer.Option("--version", callback=_print_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
    verbose: Annotated[int, typer.Option("--verbose", "-v", count=True, show_default=False,
                                         help="Say more on stderr (-v: what is done, -vv: debug detail and "
                                         "tracebacks; also PRIVACYGUARD_DEBUG=1).")] = 0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only errors on stderr; no progress display.")] = False,
    lang: Annotated[Lang | None, typer.Option("--lang", callback=choose_lang, show_default=False,
                                              help="Language of every message, help text and report "
                                              "(default: $PRIVACYGUARD_LANG, else en).")] = None,
) -> None:
    """Read, judge and fix the privacy settings of your social-media accounts."""
    settings.verbose, settings.quiet = verbose, quiet
    logs.configure(verbose, quiet, err_console)


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


def _metavar(param: Any) -> str:
    """A metavar a person can read: PLATFORM, not <list[str]>; the choices where there are some."""
    descriptor = getattr(param, "type_descriptor", None)
    choices = getattr(descriptor, "choices", None) or getattr(getattr(param, "type", None), "choices", None)
    if choices:
        values = [str(getattr(c, "value", c)) for c in choices]
        if len("|".join(values)) <= 24:
            return "|".join(values)
        # a long list goes into the help text, where it wraps between words (help_text.localize)
        param.privacyguard_choices = values
        return next((o.lstrip("-") for o in param.opts if o.startswith("--")), param.name or "value").upper()
    return (param.name or "value").upper()


def tidy(command: Any) -> Any:
    """Readable help for every command: metavars without Python types, no metavar on flags (the
    texts themselves are put in the run's language, as written, by help_text.localize)."""
    help_option = command.get_help_option(command.context_class(command))  # made on first use, then kept
    for param in [*command.params, *([help_option] if help_option is not None else [])]:
        if param.param_type_name == "argument":  # its NAME says what it is; "<str>" would only add noise
            param.display_type_rich = lambda ctx: None
        elif param.param_type_name == "option" and param.metavar is None:
            flag = getattr(param, "is_flag", False) or getattr(param, "count", False)
            param.metavar = "" if flag else _metavar(param)
    for sub in getattr(command, "commands", {}).values():
        tidy(sub)
    return command


def command() -> Any:
    """The click command behind the app, with tidied help (built once per process)."""
    global _COMMAND
    if _COMMAND is None:
        _COMMAND = tidy(typer.main.get_command(app))
    return _COMMAND


_COMMAND: Any = None


def main(argv: list[str] | None = None) -> None:
    """Run the CLI and turn every deliberate error into a message and an exit code."""
    settings.verbose, settings.quiet = 0, False
    args = sys.argv[1:] if argv is None else list(argv)
    settle_lang(args)
    if only_lang(args):
        args.append("--help")
    try:
        code = localize(command()).main(args=args, standalone_mode=False, prog_name="privacyguard")
    except click_exc.NoArgsIsHelpError as exc:
        if exc.message:  # Rich already printed the help while the error was made; plain click did not
            typer.echo(exc.message)
        code = 0
    except click_exc.UsageError as exc:
        err_console.print(f"[bold red]{error_prefix()}[/] {escape(usage_error(exc.format_message()))}",
                          highlight=False)
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
        if logs.debugging():
            raise
        logging.getLogger("privacyguard").debug("internal error", exc_info=True)
        err_console.print("[bold red]" + _("internal error:") + f"[/] {type(exc).__name__} "
                          + _("(run with -vv or PRIVACYGUARD_DEBUG=1 for details)"), highlight=False)
        code = EXIT_UNVERIFIED
    sys.exit(code or 0)
