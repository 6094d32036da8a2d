"""Report writers: one module per format, all taking the same Report (and, for a sweep, its SweepView).

`render(report, fmt, sweep=None)` returns text; new formats register in FORMATS (format → module
and function, imported when a report is rendered in it: a scan that prints JSON need not load
Jinja, Rich tables and the sweep history). Every renderer accepts `sweep=` and shows the drift it
carries (docs/reports.md).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Protocol

from privacyguard.errors import BadInput, unknown_format
from privacyguard.i18n import use_lang

if TYPE_CHECKING:
    from privacyguard.findings import Report
    from privacyguard.reports.context import SweepView


class Renderer(Protocol):
    def __call__(self, report: Report, *, sweep: SweepView | None = None) -> str: ...


FORMATS: dict[str, tuple[str, str]] = {
    "json": ("json_report", "render_json"),
    "table": ("table", "render_table"),
    "html": ("html", "render_html"),
    "csv": ("csv_report", "render_csv"),
    "markdown": ("markdown", "render_markdown"),
    "junit": ("junit", "render_junit"),
    "sarif": ("sarif", "render_sarif"),
}


def renderer(fmt: str) -> Renderer:
    """The function that renders a report in `fmt` (BadInput for an unknown format)."""
    try:
        module, function = FORMATS[fmt]
    except KeyError:
        raise BadInput(unknown_format(fmt, FORMATS)) from None
    return getattr(importlib.import_module(f"privacyguard.reports.{module}"), function)  # type: ignore[no-any-return]


def render(report: Report, fmt: str, sweep: SweepView | None = None, *, warn_fails: bool = False) -> str:
    """The report as text; `warn_fails` makes WARN a failure in JUnit (the other formats show WARN as WARN)."""
    render_as = renderer(fmt)
    with use_lang(report.tool.get("lang")):  # every word of the report in the report's language
        if fmt == "junit":
            return render_as(report, sweep=sweep, warn_fails=warn_fails)  # type: ignore[call-arg]
        return render_as(report, sweep=sweep)
