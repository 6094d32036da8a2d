"""Evaluation is a pure function over snapshots: no browser. A setting not read never passes."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jsonschema
import pytest

from privacyguard.catalogue import Catalogue
from privacyguard.evaluate import evaluate
from privacyguard.findings import Status
from privacyguard.policy import load_policy
from privacyguard.reports import render
from privacyguard.reports.json_report import report_schema
from privacyguard.snapshot import AccountError, AccountSnapshot, Reading, ReadStatus, Snapshot

TODAY = dt.date(2026, 11, 26)
DOCS = Path(__file__).resolve().parents[1] / "docs"


def reading(setting: str, value: str | None = None, status: ReadStatus = ReadStatus.READ) -> Reading:
    return Reading(setting=setting, status=status, value=value)


def account_of(platform: str, *readings: Reading, error: AccountError | None = None,
               name: str = "alice") -> AccountSnapshot:
    return AccountSnapshot(platform=platform, account=name, readings={r.setting: r for r in readings}, error=error)


def judge(catalogue: Catalogue, *accounts: AccountSnapshot, policy: str | Path = "recommended", lang: str = "en"):
    return evaluate(Snapshot(accounts=list(accounts)), load_policy(policy, catalogue), catalogue, lang, TODAY)


def finding(report, setting: str):
    return next(f for f in report.findings() if f.setting == setting)


def test_shall_fails_should_warns_and_matches_pass(catalogue: Catalogue) -> None:
    report = judge(catalogue, account_of(
        "linkedin",
        reading("linkedin.generative_ai_data", "on"),  # shall
        reading("linkedin.discovery_by_email", "everyone"),  # should
        reading("linkedin.discovery_by_phone", "nobody"),
    ))
    assert finding(report, "linkedin.generative_ai_data").status is Status.FAIL
    assert finding(report, "linkedin.discovery_by_email").status is Status.WARN
    assert finding(report, "linkedin.discovery_by_phone").status is Status.PASS
    ai = finding(report, "linkedin.generative_ai_data")
    assert ai.uid == "linkedin:alice:linkedin.generative_ai_data"
    assert ai.actual == "on" and ai.expected == "off" and ai.target == "off"
    assert ai.remediation.url and ai.remediation.url.startswith("https://www.linkedin.com/")
    assert ai.remediation.steps
    assert report.exit_code() == 1


@pytest.mark.parametrize("status", [s for s in ReadStatus if s not in (ReadStatus.READ, ReadStatus.NOT_OFFERED)])
def test_a_setting_not_read_never_passes(catalogue: Catalogue, status: ReadStatus) -> None:
    report = judge(catalogue, account_of("linkedin", reading("linkedin.generative_ai_data", None, status)))
    ai = finding(report, "linkedin.generative_ai_data")
    assert ai.status in (Status.UNKNOWN, Status.ERROR)
    assert ai.actual is None
    assert report.exit_code() == 2


def test_a_setting_missing_from_the_snapshot_is_unknown(catalogue: Catalogue) -> None:
    report = judge(catalogue, account_of("facebook"))
    assert {f.status for f in report.findings()} == {Status.UNKNOWN}
    assert report.exit_code() == 2


def test_a_retired_control_is_not_applicable_and_says_what_replaced_it(catalogue: Catalogue) -> None:
    replaced = "Check-ins by others became location tags."
    report = judge(catalogue, account_of("facebook", Reading(setting="facebook.checkins_by_others",
                                                             status=ReadStatus.NOT_OFFERED, note=replaced)))
    checkins = finding(report, "facebook.checkins_by_others")
    assert checkins.status is Status.NOT_APPLICABLE
    assert replaced in checkins.reason


def test_an_account_error_keeps_what_was_read(catalogue: Catalogue) -> None:
    report = judge(catalogue, account_of(
        "linkedin", reading("linkedin.generative_ai_data", "off"),
        reading("linkedin.mentions", None, ReadStatus.PAGE_BLOCKED),
        error=AccountError(kind="checkpoint", message="blocked by platform security"),
    ))
    assert finding(report, "linkedin.generative_ai_data").status is Status.PASS
    assert finding(report, "linkedin.sync_contacts").status is Status.ERROR
    assert report.accounts[0].status is Status.ERROR
    assert report.accounts[0].error == "blocked by platform security"
    assert report.exit_code() == 2


def test_mutes_apply_to_their_accounts_until_they_expire(catalogue: Catalogue, tmp_path: Path) -> None:
    policy = tmp_path / "p.yaml"
    policy.write_text("""extends: recommended
mute:
  - {setting: facebook.search_engines, accounts: [press], reason: spokesperson, until: 2027-01-01}
  - {setting: facebook.lookup_by_email, reason: old exception, until: 2026-01-01}
""")
    readings = [reading("facebook.search_engines", "on"), reading("facebook.lookup_by_email", "everyone")]
    report = judge(catalogue, account_of("facebook", *readings, name="press"),
                   account_of("facebook", *readings, name="bob"), policy=policy)
    by_uid = {f.uid: f for f in report.findings()}
    assert by_uid["facebook:press:facebook.search_engines"].status is Status.MUTED
    assert "spokesperson" in by_uid["facebook:press:facebook.search_engines"].reason
    assert by_uid["facebook:bob:facebook.search_engines"].status is Status.WARN
    expired = by_uid["facebook:press:facebook.lookup_by_email"]
    assert expired.status is Status.WARN and "mute expired on 2026-01-01" in expired.reason


def test_exit_codes(catalogue: Catalogue) -> None:
    passing = judge(catalogue, account_of("linkedin", reading("linkedin.generative_ai_data", "off")),
                    policy=_only(catalogue, "linkedin.generative_ai_data"))
    assert passing.exit_code() == 0
    warning = judge(catalogue, account_of("linkedin", reading("linkedin.discovery_by_email", "everyone")),
                    policy=_only(catalogue, "linkedin.discovery_by_email"))
    assert {f.status for f in warning.findings()} == {Status.WARN} and warning.exit_code() == 0


def _only(catalogue: Catalogue, setting: str) -> Path:
    import tempfile

    folder = Path(tempfile.mkdtemp())
    path = folder / "only.yaml"
    path.write_text(f"rules:\n  {setting}:\n    expect: {{not: everyone}}\n    level: should\n"
                    if "discovery" in setting else f"rules:\n  {setting}:\n    expect: off\n")
    return path


def test_the_same_snapshot_re_evaluated_under_strict_fails_more(catalogue: Catalogue) -> None:
    snap = account_of("linkedin", reading("linkedin.connections_visibility", "on"),
                      reading("linkedin.profile_viewing", "full"))
    recommended = judge(catalogue, snap)
    strict = judge(catalogue, snap, policy="strict")
    assert finding(recommended, "linkedin.connections_visibility").status is Status.PASS
    assert finding(strict, "linkedin.connections_visibility").status is Status.FAIL
    assert finding(strict, "linkedin.profile_viewing").status is Status.FAIL


def test_rationales_in_dutch(catalogue: Catalogue) -> None:
    report = judge(catalogue, account_of("linkedin", reading("linkedin.sync_contacts", "on")), lang="nl")
    sync = finding(report, "linkedin.sync_contacts")
    assert "adresboek" in sync.rationale
    assert sync.title != load_policy("recommended", catalogue).rules["linkedin.sync_contacts"].setting


def test_json_report_matches_its_schema_and_contract(catalogue: Catalogue) -> None:
    report = judge(catalogue, account_of("linkedin", reading("linkedin.generative_ai_data", "on"),
                                         reading("linkedin.mentions", None, ReadStatus.NOT_FOUND)))
    data = json.loads(render(report, "json"))
    jsonschema.validate(data, report_schema())
    assert set(data) >= {"tool", "policy", "accounts", "summary"}
    account = data["accounts"][0]
    assert set(account) >= {"platform", "account", "status", "error", "findings"}
    keys = {"uid", "setting", "title", "status", "severity", "level", "expected", "actual", "reason",
            "rationale", "remediation"}
    for item in account["findings"]:
        assert keys <= set(item)
        assert item["status"] == item["status"].upper()
        assert set(item["remediation"]) >= {"steps", "url"}
    unread = next(f for f in account["findings"] if f["setting"] == "linkedin.sync_contacts")
    assert unread["actual"] is None
    assert data["summary"]["FAIL"] >= 1


def test_documented_schema_is_the_generated_one() -> None:
    documented = json.loads((DOCS / "report-schema.json").read_text())
    assert documented == report_schema(), "run: python scripts/gen_schema.py"


def test_documented_example_report_validates() -> None:
    example = json.loads((DOCS / "examples" / "report.json").read_text())
    jsonschema.validate(example, report_schema())
