"""How fix and undo runs look: an explanation per planned change, a line per result, a closing table."""

from __future__ import annotations

import io
import json
from typing import Any

from rich.console import Console, Group, RenderableType
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from privacyguard.errors import BadInput
from privacyguard.fix.model import Change, Result, RunReport
from privacyguard.fix.plan import PlannedChange, title

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
    lines.append(Text.from_markup(f"  now: [bold]{escape(item.current or '—')}[/]   "
                                  f"recommended: [bold green]{escape(item.value)}[/]"
                                  + (f"   [dim](policy: {escape(item.finding.expected)})[/]"
                                     if item.finding.expected != item.value else "")))
    if item.finding.rationale:
        lines.append(Text("  why: ") + Text(item.finding.rationale))
    if item.automatable:
        lines.append(Text("  change: ") + Text(item.what))
    else:
        lines.append(Text("  manual: ", style="yellow") + Text(item.what))
        lines.extend(Text(f"    {n}. {step}") for n, step in enumerate(item.steps, 1))
        lines.append(Text("  link: ") + Text(item.url, style="underline"))
    return Group(*lines)


def result_line(change: Change) -> Text:
    line = Text(f"{RESULT_MARK[change.result]} {change.result.value:<9} ", style=RESULT_STYLE[change.result])
    line.append(f"{change.platform} · {change.account} · {change.title or change.setting}: ")
    shown = change.after if change.after is not None else "?"
    if change.result in (Result.APPLIED, Result.UNCHANGED):
        line.append(f"{change.before} → {shown} (read back)")
    elif change.result is Result.FAILED:
        line.append(f"still {shown}, wanted {change.target}")
    else:
        line.append(f"{change.before or '—'}, wanted {change.target}")
    if change.reason and change.result is not Result.APPLIED:
        line.append(f" — {change.reason}", style="dim")
    return line


def run_table(run: RunReport) -> RenderableType:
    heading = "Undo" if run.command == "undo" else "Fix"
    table = Table(title=f"{heading} results" + (f" (run {run.run_id})" if run.run_id else ""),
                  title_justify="left", expand=True, header_style="bold")
    for column in ("Result", "Account", "Setting", "Before", "Target", "After", "Reason"):
        table.add_column(column, no_wrap=column in ("Result", "Before", "Target", "After"))
    for change in run.changes:
        table.add_row(Text(change.result.value, style=RESULT_STYLE[change.result]),
                      f"{change.platform} · {change.account}", change.title or change.setting,
                      change.before or "—", change.target, change.after or "—",
                      change.reason if change.result is not Result.APPLIED else "")
    summary = Text("Summary: ")
    for result in Result:
        count = run.summary.get(result.value, 0)
        if count:
            summary.append(f"{count} {result.value}  ", style=RESULT_STYLE[result])
    if not run.changes:
        summary.append("nothing to do")
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
