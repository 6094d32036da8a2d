"""`audit report` formats: json, csv, html (self-contained) and table (the terminal summary).

Every format renders the same Matrix (audit/matrix.py); new formats register in FORMATS.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable

from rich.console import Console, Group
from rich.text import Text

from privacyguard.audit.html import render_html
from privacyguard.audit.matrix import MISSING, Matrix, Rate, build_matrix, matrix_dict
from privacyguard.audit.model import Audit
from privacyguard.errors import BadInput, unknown_format
from privacyguard.i18n import N_, _
from privacyguard.reports.layout import Col, FitTable

Renderer = Callable[[Matrix, Audit], str]


def render_json(matrix: Matrix, audit: Audit) -> str:
    return json.dumps(matrix_dict(matrix, audit), indent=2, ensure_ascii=False) + "\n"


def render_csv(matrix: Matrix, audit: Audit) -> str:
    """One row per roster account; one column per rule holding that account's status (MISSING if not handed in)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    settings = [r.setting for r in matrix.rules]
    writer.writerow(["person", "team", "email", "platform", "account", "status", "source", "error", *settings])
    platform_of = {r.setting: r.platform for r in matrix.rules}
    for a in sorted(audit.accounts, key=lambda a: (a.team, a.person, a.platform, a.account)):
        cells = {c.setting: c.status.value for c in a.cells}
        writer.writerow([a.person, a.team, a.email, a.platform, a.account, a.status.value, a.source, a.error or "",
                         *[cells.get(s, "") if platform_of[s] == a.platform else "" for s in settings]])
    for m in audit.missing:
        writer.writerow([m.person, m.team, m.email, m.platform, m.account, MISSING, "", m.reason,
                         *[MISSING if platform_of[s] == m.platform else "" for s in settings]])
    return buffer.getvalue()


def _pct(rate: Rate) -> str:
    return "—" if rate.rate is None else f"{rate.rate * 100:.0f}% ({rate.compliant}/{rate.total})"


def table_renderable(matrix: Matrix, audit: Audit) -> Group:
    """A short terminal summary: overall rate, rates per rule/team/platform, missing, errors, rejected."""
    people = len({a.person for a in audit.accounts} | {m.person for m in audit.missing})
    parts: list = [Text(_("Audit of {people} people, {accounts} accounts · compliant: {rate}").format(
        people=people, accounts=len(audit.accounts) + len(audit.missing), rate=_pct(matrix.overall)),
        style="bold")]
    titles = {r.setting: r.title for r in matrix.rules}
    for key, title, heading, rates in (
            ("rule", N_("Rule"), _("Compliance per rule"), matrix.by_rule),
            ("team", N_("Team"), _("Compliance per team"), matrix.by_team),
            ("platform", N_("Platform"), _("Compliance per platform"), matrix.by_platform)):
        trend = (matrix.trend or {}).get(f"by_{key}", {})
        by_rule = key == "rule"
        columns = ([Col(N_("Setting"), heading=True), Col(N_("Id"), whole=True, below=True)] if by_rule
                   else [Col(title, whole=True, heading=True)])
        columns += [Col(N_("Compliant"), whole=True)] + ([Col(N_("Change"), whole=True)] if trend else [])
        table = FitTable(columns, title=heading)
        for name, rate in rates.items():
            row: list = [titles.get(name, name), Text(name, style="dim")] if by_rule else [name]
            row.append(_pct(rate))
            if trend:
                change = trend.get(name, {}).get("change")
                row.append("—" if change is None else _("{change} pts").format(change=f"{change * 100:+.0f}"))
            table.add_row(*row)
        parts.append(table)
    for title, items in ((_("Not handed in"), [f"{m['person']} ({m['platform']}:{m['account']}): {m['reason']}"
                                            for m in matrix.not_handed_in]),
                         (_("Errors"), [f"{e['person']} ({e['platform']}:{e['account']}): {e['error']}"
                                     for e in matrix.errors]),
                         (_("Rejected bundles"), [f"{r.file}: {r.reason}" for r in audit.rejected]),
                         (_("Roster problems"), [p.describe() for p in audit.roster_problems]),
                         (_("Notes"), audit.notes)):
        if items:
            parts.append(Text(f"{title}:", style="bold"))
            parts.extend(Text(f"  {item}") for item in items)
    return Group(*parts)


def render_table(matrix: Matrix, audit: Audit, width: int = 140) -> str:
    """The terminal summary as text, for files (the CLI prints the renderable at the terminal's width)."""
    buffer = io.StringIO()
    Console(file=buffer, width=width, color_system=None).print(table_renderable(matrix, audit))
    return buffer.getvalue()


def audit_summary(audit: Audit, previous: Audit | None = None) -> Group:
    """The terminal summary: rates only, so no person rows are built (20,000 accounts: a second)."""
    return table_renderable(build_matrix(audit, previous, with_rows=False), audit)


FORMATS: dict[str, Renderer] = {
    "html": render_html,
    "csv": render_csv,
    "json": render_json,
    "table": render_table,
}


def render_audit(audit: Audit, fmt: str, previous: Audit | None = None) -> str:
    try:
        renderer = FORMATS[fmt]
    except KeyError:
        raise BadInput(unknown_format(fmt, FORMATS)) from None
    return renderer(build_matrix(audit, previous, with_rows=renderer is not render_table), audit)
