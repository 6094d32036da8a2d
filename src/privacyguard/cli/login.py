"""`privacyguard login NAME`: sign in by hand in a visible browser; the session is saved encrypted."""

from __future__ import annotations

from typing import Annotated

import typer

from privacyguard.accounts import get_account
from privacyguard.cli._common import console, err_console
from privacyguard.i18n import _
from privacyguard.signin.manual import DEFAULT_TIMEOUT, WHAT_TO_DO, login
from privacyguard.signin.observe import Seen


def login_cmd(
    name: Annotated[str, typer.Argument(help="A registered account (see `privacyguard accounts list`).")],
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds to wait for you to finish signing in.")]
    = DEFAULT_TIMEOUT,
) -> int:
    """Open a browser window at the platform's sign-in page; sign in by hand (two-step codes, captchas and
    checkpoints included); privacyguard notices success and saves the session, encrypted, for later scans."""
    account = get_account(name)
    console.print(_("Opening a browser window at the {platform} sign-in page for {name!r}.\n"
                    "Sign in there as you always do; privacyguard never sees or stores your password. "
                    "Leave the window open until this says 'session saved'.").format(platform=account.platform,
                                                                                     name=account.name))

    def on_state(seen: Seen) -> None:
        hint = WHAT_TO_DO.get(seen)
        if hint:
            err_console.print("  … " + _(hint), highlight=False)

    path = login(name, headless=False, timeout_seconds=timeout, on_state=on_state)
    console.print(_("signed in: session saved, encrypted, to {path} (key in the keyring). "
                    "Scans of {name!r} now reuse it.").format(path=path, name=account.name))
    return 0


def register(app: typer.Typer) -> None:
    app.command("login")(login_cmd)
