"""`privacyguard evaluate`: re-judge a saved snapshot offline, under any policy."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from privacyguard import api
from privacyguard.cli._common import Fmt, FormatOpt, JunitWarnOpt, Lang, LangOpt, OutputOpt, PolicyOpt, emit
from privacyguard.snapshot import Snapshot


def evaluate(
    snapshot: Annotated[Path, typer.Argument(help="A snapshot saved with scan --save-snapshot.")],
    policy: PolicyOpt = api.DEFAULT_POLICY,
    lang: LangOpt = Lang.en,
    fmt: FormatOpt = Fmt.table,
    output: OutputOpt = None,
    junit_warn_fails: JunitWarnOpt = False,
) -> int:
    """Evaluate a saved snapshot against a policy (no browser)."""
    report = api.evaluate_snapshot(Snapshot.load(snapshot), policy, lang.value)
    emit(report, fmt.value, output, warn_fails=junit_warn_fails)
    return report.exit_code()


def register(app: typer.Typer) -> None:
    app.command("evaluate")(evaluate)
