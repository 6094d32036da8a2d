"""Every report format, with and without a sweep: drift visible in each; SARIF and JUnit well-formed.
No browser: the sweeps are synthetic (the end-to-end version is in test_sweep.py)."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from privacyguard.catalogue import Catalogue
from privacyguard.findings import Report
from privacyguard.history.db import History
from privacyguard.history.view import sweep_view
from privacyguard.reports import FORMATS, render
from privacyguard.reports.context import SweepView
from privacyguard.snapshot import ReadStatus, now_utc
from sweep_helpers import DATA, judge, linkedin

SARIF_SUBSET = json.loads((DATA / "sarif-2.1.0-subset.schema.json").read_text())
ALL_FORMATS = ["table", "json", "html", "csv", "markdown", "junit", "sarif"]
AI = "linkedin.generative_ai_data"


@pytest.fixture(scope="module")
def swept(catalogue: Catalogue, tmp_path_factory: pytest.TempPathFactory) -> tuple[Report, SweepView]:
    """Two sweeps: the AI toggle switched back on (a new FAIL); another account became unreadable."""
    path = tmp_path_factory.mktemp("h") / "h.sqlite3"
    with History(path) as history:
        for accounts in ([linkedin("li", ai="off"), linkedin("work", ai="off")],
                         [linkedin("li", ai="on"), linkedin("work", error="signed out: the session expired")]):
            snapshot, report = judge(catalogue, *accounts)
            sweep_id = history.add_sweep(snapshot, report, now_utc())
        view = sweep_view(history, history.sweep(sweep_id), catalogue)
    return report, view


def test_the_registry_offers_every_format() -> None:
    assert sorted(FORMATS) == sorted(ALL_FORMATS)


@pytest.mark.parametrize("fmt", ALL_FORMATS)
def test_drift_is_visible_in_every_format(swept: tuple[Report, SweepView], fmt: str) -> None:
    report, view = swept
    assert [(d.account, d.kind.value) for d in view.drift] == [
        ("li", "value_changed"), ("li", "newly_failing"), ("work", "account_unreadable")]
    text = render(report, fmt, view)
    assert "value_changed" in text or "value changed" in text or "changed from off to on" in text, fmt
    assert "newly_failing" in text or "newly failing" in text or "no longer meets the policy" in text, fmt
    assert "account_unreadable" in text or "account unreadable" in text or "could not be read this time" in text
    without = render(report, fmt)
    assert "newly failing" not in without and "newly_failing" not in without


def test_json_carries_the_sweep(swept: tuple[Report, SweepView]) -> None:
    data = json.loads(render(*swept[:1], "json", swept[1]))
    assert data["sweep"]["drift"][0] == {**data["sweep"]["drift"][0], "kind": "value_changed", "setting": AI,
                                         "before": "off", "after": "on"}
    assert data["sweep"]["new_fails"] == ["linkedin:li:linkedin.generative_ai_data"]


def test_csv_has_a_row_per_finding_and_per_drift_item(swept: tuple[Report, SweepView]) -> None:
    rows = list(csv.DictReader(io.StringIO(render(swept[0], "csv", swept[1]))))
    findings = [r for r in rows if r["record"] == "finding"]
    drift = [r for r in rows if r["record"] == "drift"]
    assert len(findings) == sum(len(a.findings) for a in swept[0].accounts)
    assert [(r["drift"], r["before"], r["after"]) for r in drift][:2] == [("value_changed", "off", "on"),
                                                                          ("newly_failing", "PASS, off", "FAIL, on")]
    fail = next(r for r in findings if r["account"] == "li" and r["setting"] == AI)
    assert fail["status"] == "FAIL" and fail["fix_url"].startswith("https://www.linkedin.com/")
    assert any(r["record"] == "account_error" and r["account"] == "work" for r in rows)


def test_markdown_puts_drift_first(swept: tuple[Report, SweepView]) -> None:
    text = render(swept[0], "markdown", swept[1])
    assert text.index("## Drift since the last sweep") < text.index("## Scores") < text.index("## linkedin · li")
    assert "| linkedin:li | value changed | Data for Generative AI Improvement | Off | On |" in text
    assert "[settings page](https://www.linkedin.com/mypreferences/d/settings/data-for-ai-improvement)" in text


def test_junit_counts_and_statuses(swept: tuple[Report, SweepView]) -> None:
    root = ET.fromstring(render(swept[0], "junit", swept[1]))
    assert root.tag == "testsuites"
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert set(suites) == {"privacyguard.linkedin.li", "privacyguard.linkedin.work", "privacyguard.drift"}
    for suite in suites.values():  # the counts match the cases
        cases = suite.findall("testcase")
        assert int(suite.get("tests")) == len(cases)
        assert int(suite.get("failures")) == sum(1 for c in cases if c.find("failure") is not None)
        assert int(suite.get("errors")) == sum(1 for c in cases if c.find("error") is not None)
        assert int(suite.get("skipped")) == sum(1 for c in cases if c.find("skipped") is not None)
    assert int(root.get("tests")) == sum(int(s.get("tests")) for s in suites.values())
    li = suites["privacyguard.linkedin.li"]
    failure = li.find("testcase[@name='linkedin.generative_ai_data: Data for Generative AI Improvement']/failure")
    assert failure is not None and failure.get("type") == "FAIL" and "settings page: https://" in failure.text
    warn = li.find("testcase[@name='linkedin.discovery_by_email: Profile discovery using email address']")
    assert warn.find("failure") is None and warn.find("system-out").text.startswith("WARN")
    work = suites["privacyguard.linkedin.work"]  # could not be read: errors, never passes
    assert int(work.get("errors")) == len(work.findall("testcase")) and int(work.get("failures")) == 0
    drift = suites["privacyguard.drift"]
    assert drift.findall("testcase")[0].get("name") == "value_changed: linkedin.generative_ai_data"


def test_sarif_is_valid_and_uses_baseline_states(swept: tuple[Report, SweepView]) -> None:
    sarif = json.loads(render(swept[0], "sarif", swept[1]))
    jsonschema.validate(sarif, SARIF_SUBSET)
    run = sarif["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        if result["kind"] != "fail":  # SARIF §3.27.10: level must be none unless kind is fail
            assert result["level"] == "none"
    by = {(r["properties"]["account"], r["ruleId"]): r for r in run["results"]}
    assert by[("li", AI)]["kind"] == "fail" and by[("li", AI)]["level"] == "error"
    assert by[("li", AI)]["baselineState"] == "new"
    assert by[("li", "linkedin.discovery_by_email")]["baselineState"] == "unchanged"
    assert by[("work", AI)]["kind"] == "open"
    assert run["invocations"][0]["executionSuccessful"] is False
    assert [d["kind"] for d in run["properties"]["drift"]] == ["value_changed", "newly_failing", "account_unreadable"]
    rule = rules[by[("li", AI)]["ruleIndex"]]
    assert rule["helpUri"] == "https://www.linkedin.com/mypreferences/d/settings/data-for-ai-improvement"


def test_sarif_of_a_plain_scan_has_no_baseline(catalogue: Catalogue) -> None:
    _, report = judge(catalogue, linkedin("li", generative_ai_data=ReadStatus.NOT_FOUND))
    sarif = json.loads(render(report, "sarif"))
    jsonschema.validate(sarif, SARIF_SUBSET)
    assert all("baselineState" not in r for r in sarif["runs"][0]["results"])
    assert {r["kind"] for r in sarif["runs"][0]["results"]} == {"open", "fail"}


def test_html_is_self_contained_and_puts_drift_first(swept: tuple[Report, SweepView]) -> None:
    html = render(swept[0], "html", swept[1])
    assert html.index('id="drift"') < html.index('id="scores"') < html.index('id="trend"') < html.index(
        'id="findings"')
    for forbidden in ("<script src", "<link", "@import", "url(http", "//cdn", "<img src=\"http"):
        assert forbidden not in html
    assert "default-src 'none'" in html
    assert 'href="https://www.linkedin.com/mypreferences/d/settings/data-for-ai-improvement"' in html


def test_other_commands_offer_the_new_formats(pg_home: Path, tmp_path: Path, catalogue: Catalogue) -> None:
    from conftest import run_cli

    snapshot, _ = judge(catalogue, linkedin("li"))
    snap = tmp_path / "snap.json"
    snapshot.save(snap)
    result = run_cli("evaluate", str(snap), "--policy", str(DATA / "sweep-policy.yaml"), "--format", "sarif",
                     home=pg_home)
    assert result.returncode == 1, result.stderr
    jsonschema.validate(json.loads(result.stdout), SARIF_SUBSET)
