"""Regenerate docs/report-schema.json from the report models (a test checks it is current)."""

import json
from pathlib import Path

from privacyguard.reports.json_report import report_schema

target = Path(__file__).resolve().parents[1] / "docs" / "report-schema.json"
target.write_text(json.dumps(report_schema(), indent=2) + "\n", encoding="utf-8")
print(f"wrote {target}")

from privacyguard.fix.render import fix_schema  # noqa: E402

fix_target = target.with_name("fix-schema.json")
fix_target.write_text(json.dumps(fix_schema(), indent=2) + "\n", encoding="utf-8")
print(f"wrote {fix_target}")
