"""The JSON report (docs/report-format.md; schema generated from the models)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from privacyguard.findings import Report

if TYPE_CHECKING:
    from privacyguard.reports.context import SweepView

_FINDING_FIELDS = ("uid", "setting", "title", "status", "severity", "level", "expected", "actual",
                   "reason", "rationale", "remediation", "automatable", "target")


def report_schema() -> dict[str, Any]:
    """JSON Schema of the report, generated from the pydantic models."""
    schema = Report.model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "privacyguard report"
    return schema


def render_json(report: Report, *, sweep: SweepView | None = None) -> str:
    data = report.model_dump(mode="json")
    if sweep is not None:  # a sweep adds its id, drift, new FAILs, trend and alerts (docs/reports.md)
        data["sweep"] = sweep.to_json()
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
