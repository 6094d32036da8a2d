"""How fix and undo runs look: an explanation per planned change, a line per result, a closing table."""

from __future__ import annotations

import io
import json
from typing import Any

from rich.console import Console, Group, RenderableType
from rich.text import Text

from privacyguard.errors import BadInput, unknown_format
from privacyguard.fix.apply import QUIT_REASON
from privacyguard.fix.model import Change, Result, RunReport
from privacyguard.fix.plan import PlannedChange, title
from privacyguard.i18n import N_, _, ngettext
from privacyguard.labels import expected_label, status_code, value_label
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
RESULT_WORDS = {Result.APPLIED: N_("applied"), Result.UNCHANGED: N_("unchanged"), Result.FAILED: N_("failed"),
                Result.MANUAL: N_("manual"), Result.SKIPPED: N_("skipped"), Result.PLANNED: N_("planned")}


def result_word(result: Result) -> str:
    return _(RESULT_WORDS[result])


def explanation(item: PlannedChange) -> RenderableType:
    """What the person needs to decide: setting, now vs recommended, why, and what the change does."""
    status = item.finding.status.value
    head = Text.assemble((f"{status_code(status)} ", STATUS_STYLE.get(status, "")),
                         (f"{item.target.platform} · {item.target.account} — ", "dim"),
                         (title(item), "bold"), (f"  ({item.setting.id})", "dim"))
    lines: list[RenderableType] = [head]
    sid = item.setting.id
    policy = _("(policy: {expected})").format(expected=expected_label(sid, item.finding.expected))
    now = value_label(sid, item.current) if item.current else "—"
    lines.append(Text.assemble("  " + _("now:") + " ", (now, "bold"),
                               "   " + _("recommended:") + " ", (value_label(sid, item.value), "bold green"),
                               ("   " + policy if item.finding.expected != item.value else "", "dim")))
    if item.finding.rationale:
        lines.append(Text("  " + _("why:") + " ") + Text(item.finding.rationale))
    if item.automatable:
        lines.append(Text("  " + _("change:") + " ") + Text(item.what))
    else:
        lines.append(Text("  " + _("manual:") + " ", style="yellow") + Text(item.what))
        lines.extend(Text(f"    {n}. {step}") for n, step in enumerate(item.steps, 1))
        lines.append(Text("  " + _("link:") + " ") + Text(item.url, style="underline"))
    return Group(*lines)


def result_line(change: Change) -> Text:
    line = Text(f"{RESULT_MARK[change.result]} {result_word(change.result):<9} ", style=RESULT_STYLE[change.result])
    line.append(f"{change.platform} · {change.account} · {change.title or change.setting}: ")
    sid = change.setting
    shown = value_label(sid, change.after) if change.after is not None else "?"
    target = value_label(sid, change.target)
    if change.result in (Result.APPLIED, Result.UNCHANGED):
        line.append(_("{before} → {after} (read back)").format(before=value_label(sid, change.before), after=shown))
    elif change.result is Result.FAILED:
        line.append(_("still {now}, wanted {target}").format(now=shown, target=target))
    else:
        line.append(_("{before}, wanted {target}").format(
            before=value_label(sid, change.before) if change.before else "—", target=target))
    if change.reason and change.result is not Result.APPLIED:
        line.append(f" — {change.reason}", style="dim")
    return line


def is_quit(change: Change) -> bool:
    """Left alone because the person quit before it came up (summed up in one line)."""
    return change.result is Result.SKIPPED and change.reason in (QUIT_REASON, _(QUIT_REASON))


def quit_line(count: int) -> Text:
    # The change q was pressed on is counted too: it is left alone like the ones never asked about.
    return Text("· " + ngettext("{n} change left alone: you quit (run fix again to see it)",
                                "{n} changes left alone: you quit (run fix again to see them)",
                                count).format(n=count), style="dim")


def _value(setting: str, value: str | None) -> str:
    """A value's label; "—" where there is none (a skipped change has no after)."""
    return "—" if value is None else value_label(setting, value)


RUN_COLUMNS = (Col(N_("Result"), whole=True, heading=True), Col(N_("Setting"), heading=True),
               Col(N_("Id"), whole=True, below=True), Col(N_("Account"), whole=True), Col(N_("Before"), whole=True),
               Col(N_("Target"), whole=True), Col(N_("After"), whole=True), Col(N_("Reason"), ratio=2))


def run_table(run: RunReport) -> RenderableType:
    """The closing table (reports/layout.py); changes left alone after a quit are one line under it."""
    heading = _("Undo results") if run.command == "undo" else _("Fix results")
    table = FitTable(RUN_COLUMNS, title=heading + (" " + _("(run {id})").format(id=run.run_id) if run.run_id else ""))
    quitted = [c for c in run.changes if is_quit(c)]
    for change in run.changes:
        if is_quit(change):
            continue
        sid = change.setting
        table.add_row(Text(result_word(change.result), style=RESULT_STYLE[change.result]), change.title or sid,
                      Text(sid, style="dim"), f"{change.platform} · {change.account}", _value(sid, change.before),
                      _value(sid, change.target), _value(sid, change.after),
                      change.reason if change.result is not Result.APPLIED else "")
    summary = Text(_("Summary: "))
    for result in Result:
        count = run.summary.get(result.value, 0)
        if count:
            summary.append(f"{count} {result_word(result)}  ", style=RESULT_STYLE[result])
    if not run.changes:
        summary.append(_("nothing to do"))
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


def render_table(run: RunReport, width: int = 140) -> str:
    buffer = io.StringIO()
    Console(file=buffer, width=width, color_system=None).print(run_table(run))
    return buffer.getvalue()


def render(run: RunReport, fmt: str) -> str:
    if fmt == "json":
        return render_json(run)
    if fmt == "table":
        return render_table(run)
    raise BadInput(unknown_format(fmt, ["table", "json"]))
