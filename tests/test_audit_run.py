"""`audit run` as a user runs it: a roster of simulated accounts over both platforms and several
variants (incl. a sign-in interruption) gives the right matrix; failed accounts are ERROR with
their reason and the rest complete. One run per module (real Chromium)."""

from __future__ import annotations

import asyncio
import itertools
import shutil
from pathlib import Path

import pytest

from conftest import REPO, run_cli
from privacyguard.audit.central import PlatformPacer, Politeness
from privacyguard.audit.model import Audit
from privacyguard.catalogue import Catalogue, load_catalogue
from privacyguard.collect.engine import CollectOptions
from privacyguard.collect.runner import CollectRun, Target
from privacyguard.evaluate import evaluate_account
from privacyguard.findings import Status
from privacyguard.policy import load_policy
from privacyguard.sandbox.fixtures import list_variants

POLICY = "recommended"
BLOCKED = "blocked-test"  # this test's own variant: every settings page is a "temporarily blocked" wall
# shipped variants that interrupt even an unregistered simulated account (signed in by the sandbox)
SIGNIN_VARIANTS = ("signin-checkpoint", "signin-session-expired", "signin-rate-limited")


def make_fixtures_root(root: Path, catalogue: Catalogue) -> Path:
    """The shipped fixtures plus, per platform, a variant whose every settings page answers
    HTTP 429 (the platform's "temporarily blocked" wall that stops an account)."""
    shutil.copytree(REPO / "fixtures", root)
    for platform in ("linkedin", "facebook"):
        flow = catalogue.platform(platform)
        urls = dict.fromkeys(u for s in flow.settings for u in [s.url, *s.fallback_urls])
        lines = ["description: Every settings page answers 429 Too Many Requests.", "extends: default", "pages:"]
        lines += [f'  - {{url: "{u}", template: login.html, status: 429}}' for u in urls]
        folder = root / platform / BLOCKED
        folder.mkdir()
        (folder / "variant.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def interruptions() -> list[str]:
    """This test's blocked variant, plus every shipped sign-in interruption variant on both platforms."""
    available = list_variants()
    shipped = [v for v in SIGNIN_VARIANTS if v in available.get("linkedin", []) and v in available.get("facebook", [])]
    return [BLOCKED, *shipped]


def roster_rows() -> list[tuple[str, str, str, str, str]]:
    """(person, team, platform, account, variant); '' = a real account."""
    variants = ["default", "hardened"]
    available = list_variants()
    if "redesign" in available.get("linkedin", []) and "redesign" in available.get("facebook", []):
        variants.append("redesign")
    rows = []
    for index, variant in enumerate(variants):
        person = f"Person {variant}"
        team = "Sales" if index % 2 == 0 else "Support"
        other = variants[(index + 1) % len(variants)]
        rows.append((person, team, "linkedin", f"li-{variant}", variant))
        rows.append((person, team, "facebook", f"fb-{other}", other))
    for variant in interruptions():
        person = f"Interrupted {variant}"
        rows.append((person, "Support", "linkedin", f"li-{variant}", variant))
        rows.append((person, "Support", "facebook", f"fb-{variant}", variant))
    rows.append(("Eve Unregistered", "Press", "linkedin", "eve-linkedin", ""))  # real, never registered here
    return rows


@pytest.fixture(scope="module")
def central(tmp_path_factory: pytest.TempPathFactory) -> dict:
    catalogue = load_catalogue()
    tmp = tmp_path_factory.mktemp("audit-run")
    root = make_fixtures_root(tmp / "fixtures", catalogue)
    rows = roster_rows()
    roster = tmp / "roster.csv"
    lines = ["person,team,email,platform,account,sandbox"]
    lines += [f"{p},{t},,{pl},{a},{v}" for p, t, pl, a, v in rows]
    lines.append("Zed,Sales,,linkedin,zed-li,no-such-variant")  # a bad row: reported, the rest goes on
    roster.write_text("\n".join(lines) + "\n", encoding="utf-8")
    home = tmp / "home"
    out = tmp / "audit.json"
    result = run_cli("audit", "run", str(roster), "--policy", POLICY, "--fixtures", str(root), "--concurrency", "3",
                     "--out", str(out), home=home, timeout=300)
    return {"result": result, "audit": Audit.load(out) if out.is_file() else None, "rows": rows, "root": root,
            "roster": roster, "home": home, "out": out, "bad_line": len(lines)}


def accounts_by_name(audit: Audit) -> dict[str, object]:
    return {a.account: a for a in audit.accounts}


pytestmark = pytest.mark.browser


def test_run_writes_the_audit_and_reports_the_bad_row(central: dict) -> None:
    result = central["result"]
    assert "Traceback" not in result.stderr
    assert central["audit"] is not None, result.stderr
    assert result.returncode == 3  # a roster row was bad; everything else was processed and written
    assert f"{central['roster']}:{central['bad_line']}: no sandbox variant 'no-such-variant'" in " ".join(
        result.stderr.split())
    problems = central["audit"].roster_problems
    assert [p.line for p in problems] == [central["bad_line"]]
    assert len(central["audit"].accounts) == len(central["rows"])


def test_failed_accounts_are_error_with_their_reason_and_the_rest_complete(central: dict) -> None:
    accounts = accounts_by_name(central["audit"])
    reasons = {BLOCKED: "temporarily blocked", "signin-checkpoint": "checkpoint",
               "signin-session-expired": "not signed in", "signin-rate-limited": "temporarily blocked"}
    for variant in interruptions():
        for account in (f"li-{variant}", f"fb-{variant}"):
            failed = accounts[account]
            assert failed.status is Status.ERROR, (account, failed)
            assert failed.error and reasons.get(variant, "") in failed.error
            assert failed.cells and {c.status for c in failed.cells} == {Status.ERROR}
            assert all(failed.error in c.reason for c in failed.cells)
    eve = accounts["eve-linkedin"]
    assert eve.status is Status.ERROR and "not registered" in eve.error and eve.source == "not scanned"
    assert "accounts add eve-linkedin --platform linkedin" in eve.error
    for person, _team, platform, account, variant in central["rows"]:
        if variant == "" or variant in interruptions():
            continue
        done = accounts[account]
        assert done.error is None, (account, done.error)
        assert done.person == person and done.platform == platform and done.sandbox == variant
        assert done.source == "local"
        assert Status.ERROR not in {c.status for c in done.cells}


def test_the_matrix_matches_each_account_scanned_on_its_own(central: dict) -> None:
    """Every cell equals what a separate, one-account-at-a-time scan of that account judges."""
    catalogue = load_catalogue()
    policy = load_policy(POLICY, catalogue)
    rows = [r for r in central["rows"] if r[4] != "" and r[4] not in interruptions()]
    targets = [Target(platform, f"solo-{account}", variant, central["root"])
               for _, _, platform, account, variant in rows]
    solo = asyncio.run(CollectRun(catalogue, CollectOptions(), concurrency=1).run(targets))
    accounts = accounts_by_name(central["audit"])
    for (_, _, _, account, variant), snap in zip(rows, solo.accounts, strict=True):
        expected = evaluate_account(snap, policy, catalogue)
        got = {c.setting: (c.status, c.actual) for c in accounts[account].cells}
        assert got == {f.setting: (f.status, f.actual) for f in expected.findings}, (account, variant)
        assert accounts[account].status is expected.status
    statuses = {a.sandbox: {c.status for c in a.cells} for a in central["audit"].accounts if a.sandbox}
    assert statuses["hardened"] <= {Status.PASS, Status.NOT_APPLICABLE}
    assert Status.FAIL in statuses["default"]
    if "redesign" in statuses:
        assert Status.UNKNOWN in statuses["redesign"]


def test_report_of_a_central_run(central: dict, tmp_path: Path) -> None:
    html = tmp_path / "report.html"
    result = run_cli("audit", "report", str(central["out"]), "--format", "html", "--output", str(html),
                     home=central["home"])
    assert result.returncode == 1  # the default variant fails the recommended policy
    text = html.read_text(encoding="utf-8")
    assert f'data-person="Interrupted {BLOCKED}"' in text and "not registered" in text
    assert "<script" not in text and "http://" not in text.replace("http://www.w3.org", "")


def test_pacer_spaces_real_accounts_per_platform() -> None:
    """Per-platform politeness on real hosts: one account of a platform at a time, starts spaced;
    another platform is not held up."""
    politeness = Politeness(per_platform=1, start_interval=0.3)

    async def scenario() -> dict[str, list[tuple[float, float]]]:
        pacer = PlatformPacer(politeness)
        loop = asyncio.get_running_loop()
        spans: dict[str, list[tuple[float, float]]] = {"linkedin": [], "facebook": []}
        began = loop.time()

        async def account(platform: str) -> None:
            async with pacer.slot(platform):
                start = loop.time() - began
                await asyncio.sleep(0.05)
                spans[platform].append((start, loop.time() - began))

        await asyncio.gather(*(account(p) for p in ["linkedin", "facebook"] * 3))
        return spans

    spans = asyncio.run(scenario())
    for platform, runs in spans.items():
        starts = [start for start, _ in runs]
        assert all(b - a >= 0.29 for a, b in itertools.pairwise(starts)), (platform, starts)
        assert all(runs[i + 1][0] >= runs[i][1] for i in range(len(runs) - 1))  # never two at once
    assert spans["facebook"][0][0] < 0.1  # Facebook did not wait for LinkedIn
