"""The command line as a user runs it: real processes, real Chromium, simulated platforms."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from conftest import run_cli
from privacyguard.reports.json_report import report_schema

pytestmark = pytest.mark.browser
LEGACY = {"linkedin.social_advertising", "linkedin.tweets_to_linkedin", "facebook.checkins_by_others"}


def scan_json(home: Path, variant: str, *extra: str) -> tuple[int, dict]:
    result = run_cli("scan", "--platform", "linkedin", "--platform", "facebook", "--sandbox", variant,
                     "--format", "json", *extra, home=home)
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, json.loads(result.stdout)


def by_setting(report: dict) -> dict[str, dict]:
    return {f["setting"]: f for a in report["accounts"] for f in a["findings"]}


def test_default_sandbox_fails_where_the_platforms_defaults_are_unsafe(pg_home: Path, tmp_path: Path) -> None:
    snapshot_file = tmp_path / "snap.json"
    code, report = scan_json(pg_home, "default", "--save-snapshot", str(snapshot_file))
    jsonschema.validate(report, report_schema())
    findings = by_setting(report)
    assert code == 1
    assert findings["linkedin.generative_ai_data"]["status"] == "FAIL"
    assert findings["linkedin.generative_ai_data"]["actual"] == "on"
    assert {a["platform"] for a in report["accounts"]} == {"linkedin", "facebook"}
    # every non-legacy setting was read
    snapshot = json.loads(snapshot_file.read_text())
    for account in snapshot["accounts"]:
        for setting, reading in account["readings"].items():
            expected = "not_offered" if setting in LEGACY else "read"
            assert reading["status"] == expected, (setting, reading)
    for setting in LEGACY:
        assert findings[setting]["status"] == "NOT_APPLICABLE"
        assert findings[setting]["reason"].startswith("no longer offered")
    assert report["summary"]["FAIL"] >= 3 and report["summary"]["WARN"] >= 3


def test_hardened_sandbox_passes(pg_home: Path) -> None:
    code, report = scan_json(pg_home, "hardened")
    statuses = {f["status"] for f in by_setting(report).values()}
    assert statuses <= {"PASS", "NOT_APPLICABLE"}, [
        (s, f["status"], f["reason"]) for s, f in by_setting(report).items() if f["status"] != "PASS"]
    assert code == 0


def test_legacy_2012_sandbox_reads_the_seed_settings(pg_home: Path) -> None:
    code, report = scan_json(pg_home, "legacy-2012")
    findings = by_setting(report)
    for setting in LEGACY:
        assert findings[setting]["actual"] in ("on", "off"), findings[setting]
        assert findings[setting]["status"] in ("PASS", "FAIL")
    assert code in (1, 2)


def test_redesign_sandbox_reads_unknown_never_a_false_value(pg_home: Path) -> None:
    code, report = scan_json(pg_home, "redesign")
    findings = by_setting(report)
    unknown = [s for s, f in findings.items() if f["status"] == "UNKNOWN"]
    assert unknown, "the redesign variant must break some locators"
    for setting in unknown:
        assert findings[setting]["actual"] is None
    has_fail = any(f["status"] == "FAIL" for f in findings.values())
    assert code == (1 if has_fail else 2)


def test_table_output_groups_by_platform_with_summary_and_time(pg_home: Path) -> None:
    result = run_cli("scan", "--platform", "linkedin", "--platform", "facebook", "--sandbox", "default",
                     home=pg_home)
    assert result.returncode == 1
    out = result.stdout
    assert "facebook · sandbox-default" in out and "linkedin · sandbox-default" in out
    assert out.index("facebook ·") < out.index("linkedin ·")
    assert "Summary:" in out and "scanned in" in out
    assert "FAIL" in out


def test_dutch_report(pg_home: Path) -> None:
    _, report = scan_json(pg_home, "default", "--lang", "nl")
    assert "adresboek" in by_setting(report)["linkedin.sync_contacts"]["rationale"]


def test_saved_snapshot_is_re_evaluated_offline(pg_home: Path, tmp_path: Path) -> None:
    snapshot_file = tmp_path / "snap.json"
    run_cli("scan", "--platform", "linkedin", "--sandbox", "hardened", "--save-snapshot", str(snapshot_file),
            "--format", "json", home=pg_home)
    recommended = run_cli("evaluate", str(snapshot_file), "--format", "json", home=pg_home)
    strict = run_cli("evaluate", str(snapshot_file), "--policy", "strict", "--format", "json", home=pg_home)
    assert recommended.returncode == 0
    assert strict.returncode == 1
    assert by_setting(json.loads(strict.stdout))["linkedin.connections_visibility"]["status"] == "FAIL"


def test_report_written_to_file(pg_home: Path, tmp_path: Path) -> None:
    out = tmp_path / "r" / "report.json"
    result = run_cli("scan", "--platform", "facebook", "--sandbox", "default", "--format", "json",
                     "--output", str(out), home=pg_home)
    assert result.returncode == 1
    jsonschema.validate(json.loads(out.read_text()), report_schema())


def test_demo_runs(pg_home: Path) -> None:
    result = run_cli("demo", home=pg_home)
    assert result.returncode == 0, result.stderr
    assert "What `privacyguard fix` would change" in result.stdout
    assert "linkedin.generative_ai_data" in result.stdout
