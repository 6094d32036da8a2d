"""The staff side end to end, as users run it: `audit submit` on registered (simulated) accounts,
then the organisation's `audit collect` and `audit report`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import REPO, run_cli
from privacyguard.audit.bundle import check_signature, load_key, parse_bundle
from privacyguard.audit.model import Audit

pytestmark = pytest.mark.browser
POLICY = REPO / "docs" / "examples" / "policy.yaml"


def test_submit_collect_report(tmp_path: Path, pg_home: Path) -> None:
    staff_home = tmp_path / "ann-laptop"
    for name, platform, variant in (("ann-li", "linkedin", "default"), ("ann-fb", "facebook", "hardened")):
        added = run_cli("accounts", "add", name, "--platform", platform, "--sandbox", variant, home=staff_home)
        assert added.returncode == 0, added.stderr
    key = tmp_path / "org.key"
    assert run_cli("audit", "keygen", "--out", str(key), home=pg_home).returncode == 0
    inbox = tmp_path / "inbox"
    bundle_file = inbox / "ann.json"
    submitted = run_cli("audit", "submit", "--org-policy", str(POLICY), "--who", "ann@acme.example",
                        "--out", str(bundle_file), "--key-file", str(key), home=staff_home)
    assert submitted.returncode == 1, submitted.stderr  # LinkedIn's defaults fail the policy
    assert "signed (key id" in " ".join(submitted.stderr.split())
    data, bundle = parse_bundle(bundle_file)
    assert check_signature(data, load_key(key)) is None
    assert bundle.policy.name == "acme-social-media-policy" and bundle.policy.extends == ["recommended"]
    statuses = {a.account: a.status.value for a in bundle.accounts}
    assert statuses == {"ann-li": "FAIL", "ann-fb": "PASS"}
    text = bundle_file.read_text()
    for leak in ('"evidence"', '"raw"', '"locator"', '"note"', "<html", "li_at", "c_user"):
        assert leak not in text, leak

    shutil.copy(bundle_file, inbox / "ann-copy.json")
    roster = tmp_path / "roster.csv"
    roster.write_text("person,team,email,platform,account,sandbox\n"
                      "Ann de Vries,Sales,ann@acme.example,linkedin,ann-li,\n"
                      "Ann de Vries,Sales,ann@acme.example,facebook,ann-fb,\n"
                      "Bram Jansen,Press,bram@acme.example,linkedin,press-office,\n", encoding="utf-8")
    out = tmp_path / "audit.json"
    collected = run_cli("audit", "collect", str(inbox), "--roster", str(roster), "--key-file", str(key),
                        "--out", str(out), home=pg_home)
    assert collected.returncode == 3  # the copy was rejected; the rest merged and written
    audit = Audit.load(out)
    assert [(Path(r.file).name, r.reason) for r in audit.rejected] == [
        ("ann-copy.json", "duplicate of ann.json (same content)")]
    assert {(a.account, a.status.value) for a in audit.accounts} == {("ann-li", "FAIL"), ("ann-fb", "PASS")}
    assert [(m.person, m.reason) for m in audit.missing] == [("Bram Jansen", "no bundle handed in")]
    report = run_cli("audit", "report", str(out), "--format", "json", home=pg_home)
    assert report.returncode == 1
    data = json.loads(report.stdout)
    ann = next(row for row in data["matrix"] if row["person"] == "Ann de Vries")
    assert ann["status"] == "FAIL" and ann["cells"]["linkedin.generative_ai_data"] == "FAIL"
    bram = next(row for row in data["matrix"] if row["person"] == "Bram Jansen")
    assert bram["status"] == "MISSING"
