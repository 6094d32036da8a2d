"""`privacyguard flows check`: what the flows make of a (recorded) fixture variant, with repair suggestions."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from privacyguard import api
from privacyguard.cli._common import Lang, LangOpt, console
from privacyguard.i18n import N_, _
from privacyguard.record.check import CheckedSetting, CheckedVariant
from privacyguard.snapshot import ReadStatus

app = typer.Typer(help="Check the flows against recorded (or any) fixture pages.", no_args_is_help=True)

EXIT_UNREAD = 2
# What a candidate resembled the setting's wordings by (privacyguard.record.suggest.rank).
MATCHED_BY = {"name": N_("accessible name"), "label": N_("label"), "question": N_("question text")}


@app.command("check")
def check(
    fixtures: Annotated[Path, typer.Option("--fixtures", help="Fixtures root, laid out like fixtures/ "
                                           "(e.g. what `privacyguard record --out` wrote).")],
    sandbox: Annotated[str | None, typer.Option("--sandbox", help="Only this variant (default: all).")] = None,
    platform: Annotated[list[str] | None, typer.Option("--platform", help="Only this platform (repeatable).")] = None,
    suggest: Annotated[bool, typer.Option("--suggest", help="For settings not found, rank the page's controls "
                                          "and print flow snippets that would read them.")] = False,
    lang: LangOpt = Lang.en,
) -> int:
    """Read each setting of the variant(s). Exit 0 all read, 2 something unread, 3 bad input."""
    results = api.check_flows(fixtures, sandbox, platform or [], suggest)
    for variant in results:
        _print_variant(variant, suggest)
    return 0 if all(v.ok for v in results) else EXIT_UNREAD


def _outcome(checked: CheckedSetting) -> str:
    reading = checked.reading
    text = _("read: {value}").format(value=reading.value) if reading.ok else str(reading.status)
    if checked.verdict == "wrong":
        text += " — " + _("truth file says {value}").format(value=checked.truth)
    return text


def _how(checked: CheckedSetting) -> str:
    reading = checked.reading
    evidence = reading.evidence
    if reading.ok:
        return evidence.locator or ""
    seen = reading.note or ""
    if evidence.raw:
        seen += (" — " if seen else "") + _("saw {raw}").format(raw=repr(evidence.raw))
    if evidence.url:
        seen += (" — " if seen else "") + evidence.url
    return seen


def _print_variant(variant: CheckedVariant, suggest: bool) -> None:
    table = Table(title=f"{variant.platform}/{variant.variant}", title_justify="left", expand=True)
    table.add_column("", no_wrap=True, width=1)
    table.add_column(_("Setting"), overflow="fold", ratio=3)
    table.add_column(_("Outcome"), overflow="fold", ratio=2)
    table.add_column(_("How it matched, or what was seen"), overflow="fold", ratio=5)
    for checked in variant.settings:
        table.add_row("✓" if checked.ok else "✗", escape(checked.setting), escape(_outcome(checked)),
                      escape(_how(checked)))
    console.print(table)
    if variant.error:
        console.print(_("the account stopped part-way: {reason}").format(reason=escape(variant.error)))
    if not suggest:
        return
    for checked in variant.settings:
        if checked.reading.status not in (ReadStatus.NOT_FOUND, ReadStatus.AMBIGUOUS):
            continue
        if not checked.suggestions:
            console.print(_("{setting}: no candidate control on its page.").format(setting=escape(checked.setting)))
            continue
        console.print(_("{setting}: candidates, best first").format(setting=escape(checked.setting)))
        for rank, candidate in enumerate(checked.suggestions, 1):
            text = candidate.name or candidate.label or candidate.question
            console.print(f"  {rank}. {escape(candidate.role)} {escape(repr(text[:80]))} "
                          + _("(score {score}, by its {where})").format(
                              score=f"{candidate.score:.2f}", where=_(MATCHED_BY[candidate.matched_by])))
        console.print(_("  flow snippet (add under the setting's `locators:`):"))
        for line in checked.suggestions[0].snippet(checked.page_lang).splitlines():
            console.print("    " + escape(line), soft_wrap=True)
