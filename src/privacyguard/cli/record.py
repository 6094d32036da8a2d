"""`privacyguard record`: save the settings pages a scan reads as a scrubbed fixture variant."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from privacyguard import api
from privacyguard.cli._common import FixturesOpt, Lang, LangOpt, console, err_console
from privacyguard.i18n import _


def record(
    platform: Annotated[str, typer.Option("--platform", help="The platform whose pages to record.")],
    out: Annotated[Path, typer.Option("--out", help="Fixtures root to write the variant under "
                                      "(OUT/PLATFORM/NAME/).")],
    account: Annotated[str | None, typer.Option("--account", help="A registered account.")] = None,
    sandbox: Annotated[str | None, typer.Option("--sandbox", help="A simulated platform variant.")] = None,
    only: Annotated[list[str] | None, typer.Option("--only", help="Record only the pages of this setting "
                                                   "(repeatable).")] = None,
    name: Annotated[str | None, typer.Option("--name", help="Name of the new variant (default: "
                                             "recorded-SOURCE-DATE).")] = None,
    redact: Annotated[list[str] | None, typer.Option("--redact", help="One more personal value to scrub, e.g. "
                                                     "your name (repeatable).")] = None,
    fixtures: FixturesOpt = None,
    lang: LangOpt = Lang.en,
) -> int:
    """Record the settings pages of one account as a fixture variant, scrubbed of personal data.

    Exit 0 when written, 2 when the account stopped part-way (what was read is written), 3 bad input.
    """
    with err_console.status(_("Recording pages…"), spinner="dots") if err_console.is_terminal else _Quiet():
        result = api.record(platform, out, sandbox=sandbox, account=account, only=only or [], name=name,
                            redact=redact or [], fixtures=fixtures)
    written = result.variant
    table = Table(title=_("Recorded pages"), title_justify="left")
    table.add_column(_("Page"), overflow="fold")
    table.add_column(_("Size"), justify="right", no_wrap=True)
    table.add_column(_("Settings read"), justify="right", no_wrap=True)
    for page, _path in written.pages:
        read = sum(1 for r in page.readings.values() if r.ok)
        table.add_row(escape(page.requested), _("{n} kB").format(n=f"{page.size / 1024:.1f}"),
                      f"{read}/{len(page.readings)}")
    console.print(table)
    removed = result.recorder.removed()
    if removed:
        console.print(_("Removed or replaced before writing:"))
        for kind, count in sorted(removed.items()):
            console.print(f"  {escape(kind)}: {count}")
    read = sum(1 for v in written.truth.values() if v != "absent")
    console.print(_("Variant written to {folder} ({read} of {total} settings read there).").format(
        folder=escape(str(written.folder)), read=read, total=len(written.truth)))
    console.print(_("Replay it: privacyguard flows check --fixtures {out} --sandbox {name}").format(
        out=escape(str(out)), name=escape(written.folder.name)))
    if result.error:
        err_console.print(_("the account stopped part-way: {reason}").format(reason=escape(result.error)))
        return 2
    return 0


class _Quiet:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def register(app: typer.Typer) -> None:
    app.command("record")(record)
