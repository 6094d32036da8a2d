"""How fix and undo runs look: an explanation per planned change, a line per result, a closing table."""

from __future__ import annotations

import io
import json
from typing import Any

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from privacyguard.errors import BadInput
from privacyguard.fix.model import Change, Result, RunReport
from privacyguard.fix.plan import PlannedChange, title
from privacyguard.i18n import N_, _
from privacyguard.labels import expected_label, status_code, value_label

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


def run_table(run: RunReport) -> RenderableType:
    heading = _("Undo results") if run.command == "undo" else _("Fix results")
    table = Table(title=heading + (" " + _("(run {id})").format(id=run.run_id) if run.run_id else ""),
                  title_justify="left", expand=True, header_style="bold")
    for column, tight in ((_("Result"), True), (_("Account"), False), (_("Setting"), False), (_("Before"), True),
                          (_("Target"), True), (_("After"), True), (_("Reason"), False)):
        table.add_column(column, no_wrap=tight)
    for change in run.changes:
        sid = change.setting
        table.add_row(Text(result_word(change.result), style=RESULT_STYLE[change.result]),
                      f"{change.platform} · {change.account}", change.title or change.setting,
                      value_label(sid, change.before) if change.before else "—", value_label(sid, change.target),
                      value_label(sid, change.after) if change.after else "—",
                      change.reason if change.result is not Result.APPLIED else "")
    summary = Text(_("Summary: "))
    for result in Result:
        count = run.summary.get(result.value, 0)
        if count:
            summary.append(f"{count} {result_word(result)}  ", style=RESULT_STYLE[result])
    if not run.changes:
        summary.append(_("nothing to do"))
    return Group(table, summary) if run.changes else summary


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
    raise BadInput(f"unknown format {fmt!r}; choose one of: table, json")
