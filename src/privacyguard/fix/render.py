"""How fix and undo runs look: an explanation per planned change, a line per result, a closing table."""

from __future__ import annotations

import io
import json
from typing import Any

from rich.console import Console, Group, RenderableType
from rich.text import Text

from privacyguard.errors import BadInput
from privacyguard.fix.apply import QUIT_REASON
from privacyguard.fix.model import Change, Result, RunReport
from privacyguard.fix.plan import PlannedChange, title
from privacyguard.i18n import N_, ngettext, use_lang
from privacyguard.labels import expected_label, value_label
from privacyguard.reports.layout import Col, FitTable

RESULT_STYLE = {
    Result.APPLIED: "bold green",
    Result.UNCHANGED: "green",
    Result.FAILED: "bold red",
    Result.MANUAL: "yellow",
    Result.SKIPPED: "dim",
    Result.PLANNED: "cyan",
}
RESULT_MARK = {Result.APPLIED: "✓", Result.UNCHANGED: "✓", Result.FAILED: "✗", Result.MANUAL: "→",
               Result.SKIPPED: "·", Result.PLANNED: "·"}
STATUS_STYLE = {"FAIL": "bold red", "WARN": "yellow"}


def explanation(item: PlannedChange) -> RenderableType:
    """What the person needs to decide: setting, now vs recommended, why, and what the change does."""
    status = item.finding.status.value
    head = Text.assemble((f"{status:<4} ", STATUS_STYLE.get(status, "")),
                         (f"{item.target.platform} · {item.target.account} — ", "dim"),
                         (title(item), "bold"), (f"  ({item.setting.id})", "dim"))
    lines: list[RenderableType] = [head]
    now = value_label(item.setting.id, item.current, item.lang)
    recommended = value_label(item.setting.id, item.value, item.lang)
    line = Text.assemble("  now: ", (now, "bold"), "   recommended: ", (recommended, "bold green"))
    if item.finding.expected != item.value:
        with use_lang(item.lang):
            line.append(f"   (policy: {expected_label(item.setting.id, item.finding.expected)})", style="dim")
    lines.append(line)
    if item.finding.rationale:
        lines.append(Text("  why: ") + Text(item.finding.rationale))
    if item.automatable:
        lines.append(Text("  change: ") + Text(item.what))
    else:
        lines.append(Text("  manual: ", style="yellow") + Text(item.what))
        lines.extend(Text(f"    {n}. {step}") for n, step in enumerate(item.steps, 1))
        lines.append(Text("  link: ") + Text(item.url, style="underline"))
    return Group(*lines)


def _value(setting: str, value: str | None, lang: str, missing: str = "—") -> str:
    """A value's label; "—" where there is none (not read yet, or never: a skipped change has no after)."""
    return missing if value is None else value_label(setting, value, lang)


def is_quit(change: Change) -> bool:
    """Left alone because the person quit before it came up (summed up in one line)."""
    return change.result is Result.SKIPPED and change.reason == QUIT_REASON


def result_line(change: Change, lang: str = "en") -> Text:
    def show(value: str | None, missing: str = "—") -> str:
        return _value(change.setting, value, lang, missing)

    line = Text(f"{RESULT_MARK[change.result]} {change.result.value:<9} ", style=RESULT_STYLE[change.result])
    line.append(f"{change.platform} · {change.account} · {change.title or change.setting}: ")
    if change.result in (Result.APPLIED, Result.UNCHANGED):
        line.append(f"{show(change.before)} → {show(change.after, '?')} (read back)")
    elif change.result is Result.FAILED:
        line.append(f"still {show(change.after, '?')}, wanted {show(change.target)}")
    else:
        line.append(f"{show(change.before)}, wanted {show(change.target)}")
    if change.reason and change.result is not Result.APPLIED:
        line.append(f" — {change.reason}", style="dim")
    return line


def quit_line(count: int) -> Text:
    return Text("· " + ngettext("{n} other change not asked about: you quit (run fix again to see it)",
                                "{n} other changes not asked about: you quit (run fix again to see them)",
                                count).format(n=count), style="dim")


RUN_COLUMNS = (Col(N_("Result"), whole=True, heading=True), Col(N_("Setting"), heading=True),
               Col(N_("Id"), whole=True, below=True), Col(N_("Account"), whole=True), Col(N_("Before"), whole=True),
               Col(N_("Target"), whole=True), Col(N_("After"), whole=True), Col(N_("Reason"), ratio=2))


def run_table(run: RunReport, lang: str = "en") -> RenderableType:
    """The closing table; changes left alone after a quit are one line under it, not a row each."""
    heading = "Undo" if run.command == "undo" else "Fix"
    table = FitTable(RUN_COLUMNS, title=f"{heading} results" + (f" (run {run.run_id})" if run.run_id else ""))
    quitted = [c for c in run.changes if is_quit(c)]
    for change in run.changes:
        if is_quit(change):
            continue
        table.add_row(Text(change.result.value, style=RESULT_STYLE[change.result]), change.title or change.setting,
                      Text(change.setting, style="dim"), f"{change.platform} · {change.account}",
                      _value(change.setting, change.before, lang), _value(change.setting, change.target, lang),
                      _value(change.setting, change.after, lang),
                      change.reason if change.result is not Result.APPLIED else "")
    summary = Text("Summary: ")
    for result in Result:
        count = run.summary.get(result.value, 0)
        if count:
            summary.append(f"{count} {result.value}  ", style=RESULT_STYLE[result])
    if not run.changes:
        summary.append("nothing to do")
        return summary
    parts: list[RenderableType] = [table] if table.rows else []
    if quitted:
        parts.append(quit_line(len(quitted)))
    return Group(*parts, summary)


def fix_schema() -> dict[str, Any]:
    """JSON Schema of fix and undo output (docs/fix-schema.json), generated from the models."""
    schema = RunReport.model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "privacyguard fix/undo result"
    return schema


def render_json(run: RunReport) -> str:
    return json.dumps(run.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


def render_table(run: RunReport, width: int = 140, lang: str = "en") -> str:
    buffer = io.StringIO()
    Console(file=buffer, width=width, color_system=None).print(run_table(run, lang))
    return buffer.getvalue()


def render(run: RunReport, fmt: str, lang: str = "en") -> str:
    if fmt == "json":
        return render_json(run)
    if fmt == "table":
        return render_table(run, lang=lang)
    raise BadInput(f"unknown format {fmt!r}; choose one of: table, json")
