"""`audit report`: matrix person × rule, rates per rule/team/platform, not handed in, trend; the HTML
report is checked in a real Chromium (renders, right cells, nothing fetched)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from audit_helpers import snapshot, snapshot_for, two_settings, write_policy
from conftest import run_cli
from privacyguard.audit import collect, report_text
from privacyguard.audit.bundle import build_bundle, write_bundle
from privacyguard.audit.matrix import MISSING, build_matrix
from privacyguard.audit.model import Audit
from privacyguard.catalogue import Catalogue
from privacyguard.collect.browser import choose_browser, launch_args
from privacyguard.policy import load_policy


def _audit(tmp: Path, catalogue: Catalogue, ann_good: bool, with_dan: bool) -> Audit:
    """Ann (Sales): LinkedIn + Facebook; Bob (Press): LinkedIn, could not be collected; Cas (Sales):
    Facebook, not handed in; Dan (Press): LinkedIn, handed in only in the later audit."""
    policy_file = tmp / "policy.yaml"
    write_policy(policy_file, catalogue)
    policy = load_policy(policy_file, catalogue)
    roster = tmp / "roster.csv"
    roster.write_text("person,team,email,platform,account,sandbox\n"
                      "Ann,Sales,,linkedin,ann-li,\nAnn,Sales,,facebook,ann-fb,\nBob,Press,,linkedin,bob-li,\n"
                      "Cas,Sales,,facebook,cas-fb,\nDan,Press,,linkedin,dan-li,\n", encoding="utf-8")
    inbox = tmp / f"inbox-{ann_good}-{with_dan}"
    inbox.mkdir()
    bundles = {
        "ann": [snapshot_for(catalogue, "linkedin", "ann-li", ann_good),
                snapshot_for(catalogue, "facebook", "ann-fb", True)],
        "bob": [snapshot_for(catalogue, "linkedin", "bob-li", True, error="blocked by platform security")],
    }
    if with_dan:
        bundles["dan"] = [snapshot_for(catalogue, "linkedin", "dan-li", True)]
    for who, accounts in bundles.items():
        write_bundle(build_bundle(who, snapshot(catalogue, *accounts), policy, catalogue), inbox / f"{who}.json")
    return collect([inbox], roster)


@pytest.fixture()
def audits(tmp_path: Path, catalogue: Catalogue) -> tuple[Audit, Audit]:
    before = _audit(tmp_path, catalogue, ann_good=False, with_dan=False)
    now = _audit(tmp_path, catalogue, ann_good=True, with_dan=True)
    return before, now


def test_matrix_rates_missing_and_trend(audits: tuple[Audit, Audit], catalogue: Catalogue) -> None:
    before, now = audits
    li = two_settings(catalogue, "linkedin")
    fb = two_settings(catalogue, "facebook")
    matrix = build_matrix(now, before)
    rows = {r.person: r for r in matrix.rows}
    assert list(rows) == ["Bob", "Dan", "Ann", "Cas"]  # by team, then name
    assert {s: c.status for s, c in rows["Ann"].cells.items()} == {s: "PASS" for s in li + fb}
    assert {rows["Bob"].cells[s].status for s in li} == {"ERROR"}
    assert {rows["Bob"].cells[s].status for s in fb} == {""}  # no Facebook account: no cell
    assert "blocked by platform security" in rows["Bob"].cells[li[0]].detail
    assert {rows["Cas"].cells[s].status for s in fb} == {MISSING} and rows["Cas"].status == MISSING
    # rate per rule: LinkedIn rules are checked on Ann (pass), Bob (error), Dan (pass)
    assert matrix.by_rule[li[0]].as_dict()["rate"] == round(2 / 3, 4)
    # Facebook rules: Ann pass, Cas missing → 1 of 2
    assert matrix.by_rule[fb[0]].compliant == 1 and matrix.by_rule[fb[0]].total == 2
    assert matrix.by_team["Sales"].compliant == 4 and matrix.by_team["Sales"].total == 6
    assert matrix.by_team["Press"].compliant == 2 and matrix.by_team["Press"].total == 4
    assert matrix.by_platform["linkedin"].total == 6 and matrix.by_platform["facebook"].total == 4
    assert [m["person"] for m in matrix.not_handed_in] == ["Cas"]
    assert [e["person"] for e in matrix.errors] == ["Bob"]
    trend = matrix.trend
    assert trend is not None
    # before: Ann's LinkedIn failed (the second rule is `should`: WARN), Dan was missing
    assert trend["by_rule"][li[0]] == {"now": round(2 / 3, 4), "before": 0.0, "change": round(2 / 3, 4)}
    changed = {(c["person"], c["setting"]): (c["before"], c["now"]) for c in trend["changes"]}
    assert changed[("Ann", li[0])] == ("FAIL", "PASS") and changed[("Ann", li[1])] == ("WARN", "PASS")
    assert changed[("Dan", li[0])] == (MISSING, "PASS")
    assert trend["improved"] == 4 and trend["worsened"] == 0
    assert now.exit_code() == 2 and before.exit_code() == 1


def test_csv_and_json_formats(audits: tuple[Audit, Audit], catalogue: Catalogue) -> None:
    before, now = audits
    rows = list(csv.DictReader(io.StringIO(report_text(now, "csv"))))
    li = two_settings(catalogue, "linkedin")
    fb = two_settings(catalogue, "facebook")
    assert [(r["person"], r["platform"], r["status"]) for r in rows] == [
        ("Bob", "linkedin", "ERROR"), ("Dan", "linkedin", "PASS"), ("Ann", "facebook", "PASS"),
        ("Ann", "linkedin", "PASS"), ("Cas", "facebook", MISSING)]
    assert rows[0][li[0]] == "ERROR" and rows[0][fb[0]] == ""
    assert rows[4][fb[0]] == MISSING and rows[4]["error"] == "no bundle handed in"
    data = json.loads(report_text(now, "json", before))
    assert data["rates"]["overall"]["checked"] == 10 and data["rates"]["overall"]["compliant"] == 6
    assert data["trend"]["overall"]["change"] > 0
    assert data["exit_code"] == 2 and data["not_handed_in"][0]["person"] == "Cas"


def test_cli_report_formats_and_exit_code(audits: tuple[Audit, Audit], tmp_path: Path, pg_home: Path) -> None:
    before, now = audits
    now.save(tmp_path / "now.json")
    before.save(tmp_path / "before.json")
    result = run_cli("audit", "report", str(tmp_path / "now.json"), "--previous", str(tmp_path / "before.json"),
                     "--format", "csv", "--output", str(tmp_path / "m.csv"), home=pg_home)
    assert result.returncode == 2, result.stderr  # nothing fails, but Bob errored and Cas is missing
    assert (tmp_path / "m.csv").read_text().startswith("person,team,email,platform,account,status")
    table = run_cli("audit", "report", str(tmp_path / "now.json"), home=pg_home)
    assert "Not handed in" in table.stdout and "Cas (facebook:cas-fb)" in table.stdout
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    bad = run_cli("audit", "report", str(broken), home=pg_home)
    assert bad.returncode == 3 and f"{broken}:1: not valid JSON" in bad.stderr


@pytest.mark.browser
def test_html_report_renders_in_chromium_with_the_right_cells_and_fetches_nothing(
        audits: tuple[Audit, Audit], tmp_path: Path, catalogue: Catalogue) -> None:
    before, now = audits
    page_file = tmp_path / "report.html"
    page_file.write_text(report_text(now, "html", before), encoding="utf-8")
    li = two_settings(catalogue, "linkedin")
    fb = two_settings(catalogue, "facebook")
    requests: list[str] = []
    with sync_playwright() as playwright:
        choice = choose_browser(playwright)
        browser = playwright.chromium.launch(
            executable_path=None if choice.kind == "playwright" else choice.executable, args=launch_args())
        context = browser.new_context()
        context.on("request", lambda request: requests.append(request.url))
        page = context.new_page()
        page.goto(page_file.as_uri())
        assert page.title().startswith("Privacy audit")
        matrix = page.locator("#matrix")
        assert matrix.is_visible()
        assert matrix.locator("tbody tr").count() == 4

        def cell(person: str, setting: str) -> str | None:
            return matrix.locator(f'tr[data-person="{person}"] td[data-rule="{setting}"]').get_attribute("data-status")

        assert [cell("Ann", s) for s in li + fb] == ["PASS"] * 4
        assert [cell("Bob", s) for s in li] == ["ERROR", "ERROR"] and cell("Bob", fb[0]) == ""
        assert [cell("Cas", s) for s in fb] == [MISSING, MISSING]
        assert matrix.locator('tr[data-person="Bob"] td.overall').inner_text() == "ERROR"
        assert page.locator(f'#rates-rule tr[data-rule="{li[0]}"]').get_attribute("data-rate") == str(round(2 / 3, 4))
        assert page.locator('#rates-team tr[data-team="Sales"]').get_attribute("data-rate") == "0.6667"
        assert page.locator("#missing").inner_text().count("Cas") == 1
        assert "blocked by platform security" in page.locator("#errors").inner_text()
        assert page.locator("#changes tr").count() == 5  # header + 4 improved checks
        # the styles applied (inline CSS): a FAIL-free page still colours PASS cells
        colour = page.locator(f'tr[data-person="Ann"] td[data-rule="{li[0]}"]').evaluate(
            "el => getComputedStyle(el).backgroundColor")
        assert colour == "rgb(227, 244, 232)"
        browser.close()
    assert requests == [page_file.as_uri()], requests


def test_an_audit_over_the_file_limit_for_hand_written_files_is_still_read(tmp_path: Path) -> None:
    """An audit of 10,000 bundles is 66 MB: `audit report` must read what `audit collect` wrote (issue 14)."""
    from privacyguard.audit.model import AUDIT_MAX_BYTES, AuditAccount, Cell
    from privacyguard.findings import Status
    from privacyguard.loaders import MAX_BYTES

    cells = [Cell(setting=f"linkedin.s{i}", status=Status.PASS, expected="off", actual="off", reason="r" * 60)
             for i in range(15)]
    audit = Audit(kind="collect", roster="roster.csv", accounts=[
        AuditAccount(person=f"P{i}", platform="linkedin", account=f"li-{i}", source="b.json", status=Status.PASS,
                     cells=cells) for i in range(6000)])
    path = tmp_path / "audit.json"
    audit.save(path)
    assert MAX_BYTES < path.stat().st_size < AUDIT_MAX_BYTES
    assert Audit.load(path).accounts == audit.accounts
