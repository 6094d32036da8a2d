"""Report writers: one module per format, all taking the same Report.

`render(report, fmt)` returns text; new formats register in FORMATS.
"""

from __future__ import annotations

from collections.abc import Callable

from privacyguard.errors import BadInput
from privacyguard.findings import Report
from privacyguard.reports.json_report import render_json
from privacyguard.reports.table import render_table

Renderer = Callable[[Report], str]

FORMATS: dict[str, Renderer] = {
    "json": render_json,
    "table": render_table,
}


def render(report: Report, fmt: str) -> str:
    try:
        renderer = FORMATS[fmt]
    except KeyError:
        raise BadInput(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}") from None
    return renderer(report)
