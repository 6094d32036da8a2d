"""Report writers: one module per format, all taking the same Report (and, for a sweep, its SweepView).

`render(report, fmt, sweep=None)` returns text; new formats register in FORMATS. Every renderer
accepts `sweep=` and shows the drift it carries (docs/reports.md).
"""

from __future__ import annotations

from typing import Protocol

from privacyguard.errors import BadInput, unknown_format
from privacyguard.findings import Report
from privacyguard.i18n import use_lang
from privacyguard.reports.context import SweepView
from privacyguard.reports.csv_report import render_csv
from privacyguard.reports.html import render_html
from privacyguard.reports.json_report import render_json
from privacyguard.reports.junit import render_junit
from privacyguard.reports.markdown import render_markdown
from privacyguard.reports.sarif import render_sarif
from privacyguard.reports.table import render_table


class Renderer(Protocol):
    def __call__(self, report: Report, *, sweep: SweepView | None = None) -> str: ...


FORMATS: dict[str, Renderer] = {
    "json": render_json,
    "table": render_table,
    "html": render_html,
    "csv": render_csv,
    "markdown": render_markdown,
    "junit": render_junit,
    "sarif": render_sarif,
}


def render(report: Report, fmt: str, sweep: SweepView | None = None, *, warn_fails: bool = False) -> str:
    """The report as text; `warn_fails` makes WARN a failure in JUnit (the other formats show WARN as WARN)."""
    try:
        renderer = FORMATS[fmt]
    except KeyError:
        raise BadInput(unknown_format(fmt, FORMATS)) from None
    with use_lang(report.tool.get("lang")):  # every word of the report in the report's language
        if fmt == "junit":
            return render_junit(report, sweep=sweep, warn_fails=warn_fails)
        return renderer(report, sweep=sweep)
