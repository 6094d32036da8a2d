"""Bundles: no secret or page content, HMAC signing, and `audit collect` rejecting what it must."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from audit_helpers import snapshot, snapshot_for, write_policy
from conftest import REPO, run_cli
from privacyguard.audit import collect
from privacyguard.audit.bundle import (
    build_bundle,
    canonical_body,
    check_signature,
    load_key,
    parse_bundle,
    policy_hash,
    sign,
    validated_body,
    write_bundle,
)
from privacyguard.audit.model import Audit
from privacyguard.catalogue import Catalogue
from privacyguard.errors import AuditKeyError, BundleError
from privacyguard.findings import Status
from privacyguard.policy import load_policy

EXAMPLES = REPO / "docs" / "examples"
KEY = b"k" * 32


@pytest.fixture()
def org(tmp_path: Path, catalogue: Catalogue) -> dict:
    """A roster of three people, an org policy, a key file, and a folder for bundles."""
    policy_file = tmp_path / "org-policy.yaml"
    expected = write_policy(policy_file, catalogue)
    roster = tmp_path / "roster.csv"
    roster.write_text("person,team,email,platform,account,sandbox\n"
                      "Ann,Sales,ann@acme.example,linkedin,ann-li,\n"
                      "Ann,Sales,ann@acme.example,facebook,ann-fb,\n"
                      "Bob,Press,bob@acme.example,linkedin,bob-li,\n"
                      "Cas,Sales,cas@acme.example,facebook,cas-fb,\n", encoding="utf-8")
    key_file = tmp_path / "org.key"
    key_file.write_bytes(KEY + b"\n")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    return {"policy_file": policy_file, "policy": load_policy(policy_file, catalogue), "expected": expected,
            "roster": roster, "key_file": key_file, "inbox": inbox}


def make(org: dict, catalogue: Catalogue, who: str, name: str, *accounts, key: bytes | None = KEY) -> Path:
    bundle = build_bundle(who, snapshot(catalogue, *accounts), org["policy"], catalogue, key)
    path = org["inbox"] / name
    write_bundle(bundle, path)
    return path


def test_a_bundle_holds_values_and_statuses_but_no_page_content(org: dict, catalogue: Catalogue) -> None:
    sid = next(iter(org["expected"]))
    path = make(org, catalogue, "ann@acme.example", "ann.json",
                snapshot_for(catalogue, "linkedin", "ann-li", good=False, unreadable=sid))
    text = path.read_text(encoding="utf-8")
    assert "SECRET-LOOKING" not in text and "RAW PAGE TEXT" not in text and "example.invalid" not in text
    data, bundle = parse_bundle(path)
    assert bundle.who == "ann@acme.example"
    assert bundle.policy.name == "test-org" and bundle.policy.sha256 == policy_hash(org["policy"])
    assert bundle.catalogue == catalogue.versions() and bundle.tool["name"] == "privacyguard"
    account = bundle.accounts[0]
    assert account.readings[sid].status == "unrecognised" and account.readings[sid].value is None
    finding = next(f for f in account.findings if f.setting == sid)
    assert finding.status is Status.UNKNOWN and finding.actual is None
    assert check_signature(data, KEY) is None


def test_signature_shows_tampering_and_the_wrong_key(org: dict, catalogue: Catalogue) -> None:
    path = make(org, catalogue, "ann", "ann.json", snapshot_for(catalogue, "linkedin", "ann-li", good=False))
    data = json.loads(path.read_text())
    assert check_signature(data, KEY) is None
    tampered = json.loads(path.read_text())
    tampered["accounts"][0]["findings"][0]["status"] = "PASS"
    assert "changed after it was signed" in check_signature(tampered, KEY)
    reordered = dict(reversed(list(data.items())))  # key order and whitespace do not matter
    assert check_signature(reordered, KEY) is None
    assert "signed with another key" in check_signature(data, b"x" * 32)
    data.pop("signature")
    assert "unsigned" in check_signature(data, KEY)


def test_key_files(tmp_path: Path, pg_home: Path) -> None:
    short = tmp_path / "short.key"
    short.write_text("abc")
    with pytest.raises(AuditKeyError, match="at least 16 bytes"):
        load_key(short)
    with pytest.raises(AuditKeyError, match="cannot read"):
        load_key(tmp_path / "missing.key")
    key_file = tmp_path / "org.key"
    made = run_cli("audit", "keygen", "--out", str(key_file), home=pg_home)
    assert made.returncode == 0 and "key id" in made.stdout
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert len(load_key(key_file)) == 64 and load_key(key_file).decode() not in made.stdout
    again = run_cli("audit", "keygen", "--out", str(key_file), home=pg_home)
    assert again.returncode == 3 and "already exists" in again.stderr


def test_collect_rejects_tampered_malformed_duplicate_unsigned_stale_and_strangers(
        org: dict, catalogue: Catalogue) -> None:
    inbox = org["inbox"]
    ann = make(org, catalogue, "ann@acme.example", "ann.json",
               snapshot_for(catalogue, "linkedin", "ann-li", good=True),
               snapshot_for(catalogue, "facebook", "ann-fb", good=False))
    (inbox / "ann-again.json").write_text(ann.read_text())  # the same hand-in twice
    bob = make(org, catalogue, "Bob", "bob.json", snapshot_for(catalogue, "linkedin", "bob-li", good=False))
    tampered = json.loads(bob.read_text())
    for finding in tampered["accounts"][0]["findings"]:
        finding["status"] = "PASS"
    (inbox / "bob-fixed.json").write_text(json.dumps(tampered))
    (inbox / "broken.json").write_text('{"format": "privacyguard-audit-bundle", "who": ')
    (inbox / "not-a-bundle.json").write_text('{"hello": 1}')
    make(org, catalogue, "cas@acme.example", "cas-unsigned.json",
         snapshot_for(catalogue, "facebook", "cas-fb", good=True), key=None)
    make(org, catalogue, "Mallory", "mallory.json", snapshot_for(catalogue, "linkedin", "m-li", good=True))
    stale = build_bundle("ann", snapshot(catalogue), org["policy"], catalogue, KEY)
    stale = stale.model_copy(update={"created_at": dt.datetime.now(dt.UTC) - dt.timedelta(days=90),
                                     "signature": None})
    write_bundle(sign(stale, KEY), inbox / "ann-old.json")

    audit = collect([inbox], org["roster"], org["key_file"], max_age_days=30)
    reasons = {Path(r.file).name: r.reason for r in audit.rejected}
    assert set(reasons) == {"ann-again.json", "bob-fixed.json", "broken.json", "not-a-bundle.json",
                            "cas-unsigned.json", "mallory.json", "ann-old.json"}
    assert reasons["ann-again.json"] == "duplicate of ann.json (same content)"
    assert "changed after it was signed" in reasons["bob-fixed.json"]
    assert reasons["broken.json"].startswith("malformed: line 1: not valid JSON")
    assert "not a privacyguard bundle" in reasons["not-a-bundle.json"]
    assert "unsigned" in reasons["cas-unsigned.json"]
    assert "not on the roster" in reasons["mallory.json"]
    assert reasons["ann-old.json"].startswith("stale: made 90 days ago")

    merged = {(a.person, a.account): a for a in audit.accounts}
    assert set(merged) == {("Ann", "ann-li"), ("Ann", "ann-fb"), ("Bob", "bob-li")}
    assert merged[("Ann", "ann-li")].status is Status.PASS
    assert merged[("Ann", "ann-fb")].status is Status.FAIL
    assert merged[("Bob", "bob-li")].status is Status.FAIL  # the untampered original counts
    assert [(m.person, m.reason) for m in audit.missing] == [("Cas", "no bundle handed in")]
    assert audit.exit_code() == 1


def test_newer_bundle_supersedes_older_and_accounts_pair_by_platform(org: dict, catalogue: Catalogue) -> None:
    first = build_bundle("bob@acme.example", snapshot(catalogue, snapshot_for(catalogue, "linkedin", "x", False)),
                         org["policy"], catalogue, KEY)
    first = first.model_copy(update={"created_at": first.created_at - dt.timedelta(days=2), "signature": None})
    write_bundle(sign(first, KEY), org["inbox"] / "bob-monday.json")
    # registered under another name on Bob's machine: paired by platform, since it is his only LinkedIn
    make(org, catalogue, "bob@acme.example", "bob-friday.json", snapshot_for(catalogue, "linkedin", "my-li", True))
    audit = collect([org["inbox"]], org["roster"], org["key_file"])
    assert [(Path(r.file).name, r.reason.split(",")[0]) for r in audit.rejected] == [
        ("bob-monday.json", "superseded by bob-friday.json")]
    bob = next(a for a in audit.accounts if a.person == "Bob")
    assert bob.account == "bob-li" and bob.status is Status.PASS and bob.source == "bob-friday.json"


def test_collect_can_rejudge_under_the_org_policy(org: dict, catalogue: Catalogue, tmp_path: Path) -> None:
    lax = tmp_path / "lax.yaml"
    lax.write_text("name: lax\nrules: {}\n")
    lax_policy = load_policy(lax, catalogue)
    bundle = build_bundle("ann", snapshot(catalogue, snapshot_for(catalogue, "linkedin", "ann-li", False)),
                          lax_policy, catalogue, KEY)
    write_bundle(bundle, org["inbox"] / "ann.json")
    as_handed_in = collect([org["inbox"]], org["roster"], org["key_file"])
    assert as_handed_in.accounts[0].cells == [] and as_handed_in.policies[0].name == "lax"
    rejudged = collect([org["inbox"]], org["roster"], org["key_file"], policy=str(org["policy_file"]))
    assert rejudged.accounts[0].status is Status.FAIL
    assert {c.setting for c in rejudged.accounts[0].cells} == {
        s for s in org["expected"] if s.startswith("linkedin.")}
    assert any("re-judged under test-org" in n for n in rejudged.notes)


def test_cli_collect_writes_the_rest_and_exits_3_on_rejections(org: dict, catalogue: Catalogue,
                                                                pg_home: Path, tmp_path: Path) -> None:
    make(org, catalogue, "ann", "ann.json", snapshot_for(catalogue, "linkedin", "ann-li", True),
         snapshot_for(catalogue, "facebook", "ann-fb", True))
    make(org, catalogue, "bob", "bob.json", snapshot_for(catalogue, "linkedin", "bob-li", True))
    make(org, catalogue, "cas", "cas.json", snapshot_for(catalogue, "facebook", "cas-fb", True))
    out = tmp_path / "audit.json"
    ok = run_cli("audit", "collect", str(org["inbox"]), "--roster", str(org["roster"]), "--key-file",
                 str(org["key_file"]), "--out", str(out), home=pg_home)
    assert ok.returncode == 0, ok.stderr
    assert Audit.load(out).exit_code() == 0
    (org["inbox"] / "junk.json").write_text("[1, 2")
    bad = run_cli("audit", "collect", str(org["inbox"]), "--roster", str(org["roster"]), "--key-file",
                  str(org["key_file"]), "--out", str(out), home=pg_home)
    assert bad.returncode == 3
    assert "junk.json: malformed" in bad.stderr and "1 bundle(s) rejected" in bad.stderr
    assert len(Audit.load(out).accounts) == 4  # the rest was merged and written
    missing_key = run_cli("audit", "collect", str(org["inbox"]), "--roster", str(org["roster"]), "--key-file",
                          str(tmp_path / "nope.key"), "--out", str(out), home=pg_home)
    assert missing_key.returncode == 3 and "nope.key: cannot read key file" in missing_key.stderr


def test_the_documented_example_bundle_is_valid_and_signed() -> None:
    data, bundle = parse_bundle(EXAMPLES / "bundle.json")
    assert bundle.signature is not None
    assert check_signature(data, load_key(EXAMPLES / "audit-example.key")) is None
    assert "password" not in json.dumps(data).lower()


def test_an_audit_file_that_is_not_one_is_bad_input(tmp_path: Path) -> None:
    path = tmp_path / "audit.json"
    path.write_text('{"format": "something-else"}')
    with pytest.raises(BundleError, match="not a privacyguard audit"):
        Audit.load(path)


# --- issue 14: the fast canonical form is byte for byte the canonical form ----------------------------
_TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=12)  # any character but a surrogate
_TRICKY = st.sampled_from(["", "\x00\x1f\x7f", "\\\"/", "\u2028\u2029", "\ufeff", "é", "z", "\uffff", "\U0001F600",
                           "\b\f\n\r\t", "</script>"])


def _bundle_data(texts: st.SearchStrategy[str]) -> st.SearchStrategy[dict]:
    reading = st.fixed_dictionaries({"status": texts, "value": st.none() | texts})
    finding = st.fixed_dictionaries({"setting": texts, "status": texts, "actual": st.none() | texts,
                                     "reason": texts})
    account = st.fixed_dictionaries({"platform": texts, "collected_at": st.none() | texts,
                                     "readings": st.dictionaries(texts, reading, max_size=4),
                                     "findings": st.lists(finding, max_size=3)})
    return st.fixed_dictionaries({
        "format": texts, "format_version": st.just(1), "who": texts, "created_at": texts,
        "tool": st.dictionaries(texts, texts, max_size=3), "policy": st.fixed_dictionaries(
            {"name": texts, "sha256": texts, "extends": st.lists(texts, max_size=2)}),
        "accounts": st.lists(account, max_size=3),
        "signature": st.none() | st.fixed_dictionaries({"alg": texts, "value": texts})})


@settings(max_examples=300, deadline=None, database=None)
@given(_bundle_data(_TEXT | _TRICKY))
def test_validated_body_is_the_canonical_body(data: dict) -> None:
    assert validated_body(data) == canonical_body(data)


@pytest.mark.parametrize("change", [{"format_version": 1.0}, {"format_version": True}, {"created_at": 1763640000.5},
                                    {"created_at": 1e17}, {"accounts": [{"collected_at": 1763640000}]},
                                    {"accounts": [{"collected_at": float("nan")}]}, {"who": "\ud800"},
                                    {"tool": {"n": 2**70}}])
def test_validated_body_of_numbers_and_oddities_is_the_canonical_body(change: dict) -> None:
    data = json.loads((EXAMPLES / "bundle.json").read_text(encoding="utf-8")) | change
    try:
        want: object = canonical_body(data)
    except (ValueError, UnicodeEncodeError) as exc:  # NaN, a lone surrogate: the loader refuses those first
        want = type(exc)
    try:
        got: object = validated_body(data)
    except (ValueError, UnicodeEncodeError) as exc:
        got = type(exc)
    assert got == want


def test_the_documented_example_takes_the_fast_path_and_verifies() -> None:
    data = json.loads((EXAMPLES / "bundle.json").read_text(encoding="utf-8"))
    assert validated_body(data) == canonical_body(data) and b"\n" not in validated_body(data)


def test_bundle_files_resolve_as_path_resolve_does(tmp_path: Path) -> None:
    """Folders are resolved once per folder (issue 14); symlinked files and folders still resolve."""
    from privacyguard.audit.merge import _resolved, bundle_files

    real = tmp_path / "real"
    (real / "sub").mkdir(parents=True)
    (real / "a.json").write_text("{}", encoding="utf-8")
    (real / "sub" / "b.json").write_text("{}", encoding="utf-8")
    (tmp_path / "link").symlink_to(real)
    (real / "c.json").symlink_to(real / "sub" / "b.json")
    (real / "sub" / "up").symlink_to(real / "sub")
    paths = [tmp_path / "link" / "a.json", tmp_path / "link" / "sub" / "b.json", real / "c.json",
             real / "sub" / "up" / "b.json", tmp_path / "link" / ".." / "real" / "a.json"]
    assert _resolved(paths) == [p.resolve() for p in paths]
    assert bundle_files([tmp_path / "link", real]) == [real.resolve() / "a.json", real.resolve() / "sub" / "b.json"]
