"""Issue 13, readers of files: every hostile file is exit 3 naming the file, never a traceback.

One regression test per defect (items 2, 3, 7, 8, 9, 10, 17 and 18); the fuzz suite
(tests/test_fuzz_readers.py) then throws generated files at every reader.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit_helpers import snapshot, snapshot_for, write_policy
from conftest import REPO, run_cli
from privacyguard.accounts import load_registry, registry_path
from privacyguard.audit.bundle import build_bundle, write_bundle
from privacyguard.audit.merge import collect_bundles
from privacyguard.audit.roster import load_roster
from privacyguard.catalogue import Catalogue, load_catalogue
from privacyguard.errors import BadInput, BundleError, FileFormatError, FixtureError, PolicyError, SnapshotError
from privacyguard.evaluate import evaluate
from privacyguard.findings import Status
from privacyguard.history.db import History
from privacyguard.loaders import ALIAS_BUDGET, MAX_DEPTH, load_json, load_yaml
from privacyguard.policy import load_policy
from privacyguard.reports.markdown import render_markdown
from privacyguard.resources import fixtures_dir
from privacyguard.sandbox.fixtures import check_variant_name, load_variant
from privacyguard.snapshot import AccountSnapshot, Reading, ReadStatus, Snapshot, now_utc
from sweep_helpers import judge, linkedin

KEY = b"k" * 32
GOOD_POLICY = "name: mine\nrules:\n  linkedin.generative_ai_data:\n    expect: off\n"


def assert_bad_input(result, *fragments: str) -> None:
    assert result.returncode == 3, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout and "internal error" not in result.stderr
    for fragment in fragments:
        assert fragment in result.stderr.replace("\n", ""), result.stderr


def garbage_snapshot(value: str = "garbage") -> Snapshot:
    reading = Reading(setting="linkedin.discovery_by_email", status=ReadStatus.READ, value=value)
    return Snapshot(accounts=[AccountSnapshot(platform="linkedin", account="li",
                                              readings={"linkedin.discovery_by_email": reading})])


# --- item 2: evaluate refuses files that are not snapshots ----------------------------------------
@pytest.mark.parametrize(("text", "reason"), [
    ('{"hello":"world"}', "not a privacyguard snapshot"),
    ("{}", "not a privacyguard snapshot"),
    ('{"schema_version":1,"accounts":[]}', "holds no account"),
    ('{"schema_version":99,"accounts":[{"platform":"linkedin","account":"x"}]}', "schema_version 99"),
    ("[1, 2]", "not a privacyguard snapshot"),
])
def test_evaluate_refuses_what_is_not_a_snapshot(tmp_path: Path, text: str, reason: str) -> None:
    path = tmp_path / "snap.json"
    path.write_text(text)
    with pytest.raises(SnapshotError, match=reason) as caught:
        Snapshot.load(path)
    assert str(path) in str(caught.value)


def test_evaluate_cli_exits_3_for_an_empty_object(tmp_path: Path, pg_home: Path) -> None:
    path = tmp_path / "hello.json"
    path.write_text('{"hello":"world"}')
    assert_bad_input(run_cli("evaluate", str(path), home=pg_home), str(path), "not a privacyguard snapshot")


# --- item 3: a value outside the setting's values is unrecognised → UNKNOWN -------------------------
def test_a_snapshot_value_outside_the_known_values_is_unknown_not_pass(catalogue: Catalogue) -> None:
    report = evaluate(garbage_snapshot(), load_policy("recommended", catalogue), catalogue)
    finding = next(f for f in report.accounts[0].findings if f.setting == "linkedin.discovery_by_email")
    assert finding.status is Status.UNKNOWN
    assert finding.actual is None and "garbage" in finding.reason and "not one this setting can take" in finding.reason


def test_a_bundle_value_outside_the_known_values_is_unknown_with_and_without_policy(
        tmp_path: Path, catalogue: Catalogue) -> None:
    policy_file = tmp_path / "org.yaml"
    write_policy(policy_file, catalogue)
    policy = load_policy(policy_file, catalogue)
    roster_file = tmp_path / "roster.csv"
    roster_file.write_text("person,platform,account\nAnn,linkedin,ann-li\n")
    roster = load_roster(roster_file, catalogue)
    account = snapshot_for(catalogue, "linkedin", "ann-li", good=True)
    bundle = build_bundle("Ann", snapshot(catalogue, account), policy, catalogue)
    data = bundle.data()
    sid = next(iter(data["accounts"][0]["readings"]))
    data["accounts"][0]["readings"][sid]["value"] = "garbage"
    for finding in data["accounts"][0]["findings"]:
        if finding["setting"] == sid:
            assert finding["status"] == "PASS"
            finding["actual"] = "garbage"
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "ann.json").write_text(json.dumps(data))
    for org_policy in (None, policy):
        audit = collect_bundles([inbox], roster, catalogue, policy=org_policy,
                                policy_sha="x" if org_policy else None)
        cell = next(c for c in audit.accounts[0].cells if c.setting == sid)
        assert cell.status is Status.UNKNOWN, (org_policy, cell)
        assert cell.actual is None
        assert audit.accounts[0].status is not Status.PASS


def test_a_history_value_outside_the_known_values_is_unknown(tmp_path: Path, catalogue: Catalogue) -> None:
    path = tmp_path / "h.sqlite3"
    with History(path) as history:
        snap, report = judge(catalogue, linkedin("li", ai="off", email="nobody"))
        sweep_id = history.add_sweep(snap, report, now_utc())
    with sqlite3.connect(path) as db:  # someone edits the stored reading and its judgement
        snapshot_json, report_json = db.execute("SELECT snapshot_json, report_json FROM account_runs").fetchone()
        stored, judged = json.loads(snapshot_json), json.loads(report_json)
        stored["readings"]["linkedin.generative_ai_data"]["value"] = "garbage"
        for finding in judged["findings"]:
            if finding["setting"] == "linkedin.generative_ai_data":
                assert finding["status"] == "PASS"
                finding["actual"] = "garbage"
        db.execute("UPDATE account_runs SET snapshot_json = ?, report_json = ?",
                   (json.dumps(stored), json.dumps(judged)))
    with History(path) as history:
        run = history.sweep(sweep_id).runs[0]
    assert run.snapshot.readings["linkedin.generative_ai_data"].status is ReadStatus.UNRECOGNISED
    finding = next(f for f in run.report.findings if f.setting == "linkedin.generative_ai_data")
    assert finding.status is Status.UNKNOWN and run.report.status is not Status.PASS


# --- item 7: a variant name is a plain name, for every entry point ----------------------------------
TRAVERSALS = ["../../../../tmp/x/v", "../linkedin/default", "default/../hardened", "/etc", ".", "..", "a\\b"]


@pytest.mark.parametrize("name", TRAVERSALS)
def test_a_variant_name_that_is_a_path_is_refused_in_one_place(name: str) -> None:
    with pytest.raises(BadInput, match="not a path"):
        check_variant_name(name)
    with pytest.raises(BadInput, match="not a path"):
        load_variant("linkedin", name)


def test_traversal_through_accounts_add_scan_and_the_registry(tmp_path: Path, pg_home: Path) -> None:
    outside = tmp_path / "x" / "v"  # a variant an attacker planted outside the fixtures
    outside.mkdir(parents=True)
    (outside / "variant.yaml").write_text("description: planted\nextends: default\n")
    rel = "../" * 12 + str(outside).lstrip("/")
    assert_bad_input(run_cli("accounts", "add", "t", "--platform", "linkedin", "--sandbox", rel, home=pg_home),
                     "not a path")
    assert not (pg_home / "accounts.json").exists()
    assert_bad_input(run_cli("scan", "--platform", "linkedin", "--sandbox", "../linkedin/default", home=pg_home),
                     "not a path")
    registry_path().parent.mkdir(parents=True, exist_ok=True)
    registry_path().write_text(json.dumps({"accounts": {"t": {"name": "t", "platform": "linkedin",
                                                              "sandbox": rel}}}))
    with pytest.raises(FileFormatError, match="not a path") as caught:
        load_registry()
    assert str(registry_path()) in str(caught.value)


def test_traversal_through_the_roster_and_a_variant_extends(tmp_path: Path, catalogue: Catalogue) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("person,platform,account,sandbox\nAnn,linkedin,a1,../linkedin/default\n"
                      "Bob,linkedin,b1,default\n")
    loaded = load_roster(roster, catalogue)
    assert [e.person for e in loaded.entries] == ["Bob"]
    assert loaded.problems[0].line == 2 and "not a path" in loaded.problems[0].message
    root = tmp_path / "fixtures"
    variant = root / "linkedin" / "evil"
    variant.mkdir(parents=True)
    (variant / "variant.yaml").write_text("description: evil\nextends: ../../../elsewhere\n")
    with pytest.raises(FixtureError, match="not a variant name"):
        load_variant("linkedin", "evil", root)


# --- item 8: hostile bytes in every reader -------------------------------------------------------
HOSTILE = {
    "binary": bytes(range(256)) * 4,
    "utf16": "name: x\nrules: {}\n".encode("utf-16"),
    "latin1": "name: café\nrules: {}\n".encode("latin-1"),
    "nul": b"name: x\n\0rules: {}\n",
    "deep-yaml": b"rules: " + b"[" * 5000 + b"]" * 5000 + b"\n",
    "deep-json": b"[" * 100_000 + b"]" * 100_000,
    "deep-block": "".join("  " * i + f"k{i}:\n" for i in range(400)).encode(),
    "huge-int": b"{\"schema_version\": " + b"9" * 5000 + b"}",
    "surrogate": b'{"a": "\\ud800"}',
}


def _readers(tmp_path: Path, catalogue: Catalogue) -> dict:
    """name → (file name, function reading it): every reader of a user-writable file."""
    from privacyguard.audit.bundle import parse_bundle
    from privacyguard.audit.model import Audit
    from privacyguard.config import load_config

    def variant(path: Path) -> object:
        root = path.parent.parent.parent
        return load_variant("linkedin", path.parent.name, root)

    return {
        "policy": ("p.yaml", lambda p: load_policy(p, catalogue)),
        "flow": ("flows/linkedin.yaml", lambda p: load_catalogue(p.parent)),
        "variant": ("fx/linkedin/v1/variant.yaml", variant),
        "roster-csv": ("r.csv", lambda p: load_roster(p, catalogue)),
        "roster-yaml": ("r.yaml", lambda p: load_roster(p, catalogue)),
        "bundle": ("b.json", parse_bundle),
        "audit": ("a.json", Audit.load),
        "snapshot": ("s.json", Snapshot.load),
        "config": ("config.toml", load_config),
        "registry": ("pghome/accounts.json", lambda p: load_registry()),
    }


@pytest.mark.parametrize("content", sorted(HOSTILE))
def test_hostile_bytes_are_bad_input_naming_the_file_in_every_reader(
        content: str, tmp_path: Path, catalogue: Catalogue, pg_home: Path) -> None:
    for name, (relative, read) in _readers(tmp_path, catalogue).items():
        path = tmp_path / name / relative if name != "registry" else registry_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(HOSTILE[content])
        with pytest.raises(FileFormatError) as caught:
            read(path)
        assert str(path) in str(caught.value), (name, str(caught.value))


def test_a_utf8_bom_is_accepted(tmp_path: Path, catalogue: Catalogue) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD_POLICY.encode())
    assert load_policy(path, catalogue).name == "mine"


@pytest.mark.parametrize(("content", "message"), [
    ("utf16", "is UTF-16; save it as UTF-8"),
    ("latin1", ":1: not UTF-8 text (byte 0xe9)"),
    ("nul", ":2: contains a NUL byte"),
    ("deep-yaml", "nest"),  # ours (48 levels), or libyaml's own limit at 1000
])
def test_hostile_policy_via_the_cli_is_exit_3(content: str, message: str, tmp_path: Path, pg_home: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_bytes(HOSTILE[content])
    assert_bad_input(run_cli("policy", "validate", str(path), home=pg_home), str(path), message)


def test_deep_json_snapshot_via_the_cli_is_exit_3(tmp_path: Path, pg_home: Path) -> None:
    path = tmp_path / "s.json"
    path.write_bytes(HOSTILE["deep-json"])
    assert_bad_input(run_cli("evaluate", str(path), home=pg_home), str(path), f"nested more than {MAX_DEPTH}")


def test_a_binary_registry_is_exit_3_naming_it(pg_home: Path) -> None:
    (pg_home / "accounts.json").parent.mkdir(parents=True, exist_ok=True)
    (pg_home / "accounts.json").write_bytes(HOSTILE["binary"])
    assert_bad_input(run_cli("accounts", "list", home=pg_home), str(pg_home / "accounts.json"))


@pytest.mark.parametrize(("content", "message"), [("binary", "not UTF-8 text"), ("utf16", "the file is UTF-16"),
                                                  ("deep-json", f"nested more than {MAX_DEPTH}"),
                                                  ("surrogate", "invalid Unicode escape")])
def test_a_hostile_fix_journal_is_exit_3_naming_it(pg_home: Path, content: str, message: str) -> None:
    """The fix journal goes through the project's JSON loader: `undo` names the file and the reason."""
    journal = pg_home / "fixes" / "20261101T000000000000Z-dead.json"
    journal.parent.mkdir(parents=True)
    journal.write_bytes(HOSTILE[content])
    args = ["undo"] if content == "binary" else ["undo", "--dry-run"]
    assert_bad_input(run_cli(*args, home=pg_home), str(journal), "not a readable fix journal", message)


def test_a_journal_of_the_wrong_shape_names_the_field(pg_home: Path) -> None:
    from privacyguard.errors import JournalError
    from privacyguard.fix.journal import load_run

    path = pg_home / "run.json"
    pg_home.mkdir()
    path.write_text('{"run_id": "r", "changes": [{"platform": ["x"]}]}', encoding="utf-8")
    with pytest.raises(JournalError, match=r"run\.json: not a readable fix journal: changes\.0\.platform: "):
        load_run(path)


@pytest.mark.parametrize(("content", "message"), [
    (HOSTILE["binary"], "not UTF-8 text"),
    (HOSTILE["deep-json"], f"nested more than {MAX_DEPTH}"),
    (b"[1, 2]", "damaged (not a JSON object)"),
    (b'{"backend": "at", "name": "x"}', "damaged (backend must be one of systemd, cron, launchd, windows)"),
    (b'{"backend": ["cron"], "name": "x"}', "damaged (backend must be one of"),  # found by make fuzz
    (b'{"backend": "cron", "name": "x", "when": "w", "installed_at": "t", "command": "rm -rf /"}',
     "damaged (command must be a list of text)"),
    (b'{"backend": "cron", "name": "x", "when": "w", "command": []}', "damaged (installed_at is missing)"),
])
def test_a_hostile_schedule_record_is_exit_3_naming_it(pg_home: Path, content: bytes, message: str) -> None:
    """schedule.json goes through the project's JSON loader and is checked field by field."""
    record = pg_home / "schedule.json"
    pg_home.mkdir()
    record.write_bytes(content)
    env = {f"PRIVACYGUARD_{tool}": "true" for tool in ("SYSTEMCTL", "CRONTAB", "LAUNCHCTL", "SCHTASKS")}
    args = ["schedule", "remove"] if content.startswith(b"[") else ["schedule", "status"]
    assert_bad_input(run_cli(*args, home=pg_home, env=env), str(record), message)
    assert record.read_bytes() == content  # nothing acted on it


def test_the_documented_schedule_record_loads(pg_home: Path) -> None:
    from privacyguard.schedule import check_record

    example = REPO / "docs" / "examples" / "schedule.json"
    record = check_record(load_json(example, FileFormatError), example)
    assert record["backend"] == "cron" and record["command"][1:3] == ["sweep", "--quiet"]


def test_an_unknown_behaviour_save_value_names_the_variant_file(tmp_path: Path) -> None:
    root = tmp_path / "fixtures"
    folder = root / "linkedin" / "odd"
    folder.mkdir(parents=True)
    (folder / "variant.yaml").write_text("description: odd\nextends: default\nbehaviour:\n  save: sometimes\n")
    (root / "linkedin" / "default").symlink_to(fixtures_dir() / "linkedin" / "default")
    with pytest.raises(FixtureError, match=r"behaviour\.save") as caught:
        load_variant("linkedin", "odd", root)
    assert str(folder / "variant.yaml") in str(caught.value)


def test_a_page_url_urllib_cannot_split_names_the_variant_file(tmp_path: Path) -> None:
    """Found by `make fuzz`: a bracketed host raised ValueError from urllib (a traceback)."""
    root = tmp_path / "fixtures"
    folder = root / "linkedin" / "odd"
    folder.mkdir(parents=True)
    (folder / "variant.yaml").write_text("description: odd\nextends: default\npages:\n"
                                         "  - url: https://[[[[/x\n    template: x.html\n")
    (root / "linkedin" / "default").symlink_to(fixtures_dir() / "linkedin" / "default")
    with pytest.raises(FixtureError, match="a page URL is not valid") as caught:
        load_variant("linkedin", "odd", root)
    assert str(folder / "variant.yaml") in str(caught.value)


def test_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_bytes(b"[" + b"1," * 600 + b"1]")
    with pytest.raises(SnapshotError, match="too large"):
        load_json(path, SnapshotError, max_bytes=1000)
    assert len(load_json(path, SnapshotError)) == 601


# --- item 9: alias bombs --------------------------------------------------------------------------
BOMB = "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(8))


def test_an_alias_bomb_is_refused(tmp_path: Path, catalogue: Catalogue) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(BOMB)
    assert len(BOMB) < 400  # 9**9 values once expanded
    with pytest.raises(PolicyError, match=f"more than {ALIAS_BUDGET} extra values") as caught:
        load_policy(path, catalogue)
    assert str(path) in str(caught.value)


def test_a_self_referring_alias_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "loop.yaml"
    path.write_text("a: &a [1, *a]\n")
    with pytest.raises(PolicyError, match="refers to itself"):
        load_yaml(path, PolicyError)


def test_a_few_aliases_are_fine(tmp_path: Path) -> None:
    path = tmp_path / "ok.yaml"
    path.write_text("base: &b {expect: off}\nrules:\n  x: *b\n  y: *b\n")
    data, lines = load_yaml(path, PolicyError)
    assert data["rules"]["y"] == {"expect": "off"} and lines[("rules", "y")] == 4


# --- item 10: one bad bundle never aborts audit collect ---------------------------------------------
def test_collect_rejects_a_non_ascii_signature_and_a_nesting_bomb_and_merges_the_rest(
        tmp_path: Path, catalogue: Catalogue, pg_home: Path) -> None:
    policy_file = tmp_path / "org.yaml"
    write_policy(policy_file, catalogue)
    policy = load_policy(policy_file, catalogue)
    roster = tmp_path / "roster.csv"
    roster.write_text("person,platform,account\nAnn,linkedin,ann-li\nBob,linkedin,bob-li\n")
    key_file = tmp_path / "org.key"
    key_file.write_bytes(KEY)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for who in ("Ann", "Bob"):
        bundle = build_bundle(who, snapshot(catalogue, snapshot_for(catalogue, "linkedin", f"{who.lower()}-li",
                                                                    good=True)), policy, catalogue, KEY)
        write_bundle(bundle, inbox / f"{who.lower()}.json")
    bob = json.loads((inbox / "bob.json").read_text())
    bob["signature"]["value"] = "é" * 64
    (inbox / "bob.json").write_text(json.dumps(bob, ensure_ascii=False))
    (inbox / "bomb.json").write_text("[" * 100_000 + "]" * 100_000)
    out = tmp_path / "AUDIT.json"
    result = run_cli("audit", "collect", str(inbox), "--roster", str(roster), "--key-file", str(key_file),
                     "--out", str(out), home=pg_home)
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    assert result.returncode == 3, result.stderr  # rejections are exit 3, and the audit is still written
    audit = json.loads(out.read_text())
    assert [a["person"] for a in audit["accounts"]] == ["Ann"]
    reasons = {Path(r["file"]).name: r["reason"] for r in audit["rejected"]}
    assert "signature does not match" in reasons["bob.json"]
    assert "nested more than" in reasons["bomb.json"]


# --- item 17: the markdown report escapes hostile text ---------------------------------------------
def test_markdown_escapes_hostile_text(catalogue: Catalogue) -> None:
    hostile = '<script>alert(1)</script><img src=x onerror="alert(2)">[click](javascript:x)'
    snap = garbage_snapshot(hostile)
    snap.accounts[0].account = hostile
    snap.accounts[0].error = None
    snap.tool_version = hostile
    text = render_markdown(evaluate(snap, load_policy("recommended", catalogue), catalogue))
    assert "<script" not in text and "<img" not in text
    assert "[click](" not in text and "\\[click\\](javascript:x)" in text  # a link no more
    assert "&lt;script&gt;" in text and "&lt;img src=x onerror=&quot;alert(2)&quot;&gt;" in text


# --- item 18: a policy with the same rule twice ----------------------------------------------------
def test_a_duplicate_rule_is_refused_naming_both_lines(tmp_path: Path, catalogue: Catalogue, pg_home: Path) -> None:
    path = tmp_path / "dup.yaml"
    path.write_text("rules:\n  linkedin.discovery_by_email:\n    expect: nobody\n"
                    "  linkedin.generative_ai_data:\n    expect: off\n"
                    "  linkedin.discovery_by_email:\n    expect: everyone\n")
    with pytest.raises(PolicyError, match=r"appears twice .*lines 2 and 6") as caught:
        load_policy(path, catalogue)
    assert caught.value.line == 6
    assert_bad_input(run_cli("policy", "validate", str(path), home=pg_home), f"{path}:6", "lines 2 and 6")


# --- flows: a malformed `fragments:` block or a fragment name that is a path ----------------------
@pytest.mark.parametrize(("fragments", "include", "message"), [
    ("[1, 2]", "x#y", "fragments: a mapping"),
    ("{x: 5}", "x#y", "not listed under 'fragments:'"),
    ("{'../../etc': {a: b}}", "../../etc#y", "not a plain name"),
])
def test_a_malformed_flow_include_names_the_flow_file(tmp_path: Path, fragments: str, include: str,
                                                     message: str) -> None:
    from privacyguard.catalogue import load_flow

    path = tmp_path / "linkedin.yaml"
    path.write_text(f"platform: linkedin\nfragments: {fragments}\nsettings:\n  - include: \"{include}\"\n")
    with pytest.raises(FileFormatError, match=message) as caught:
        load_flow(path)
    assert str(path) in str(caught.value)


# --- issue 14: parse_bundle skips the loader's tree walk only where it cannot matter ---------------
def _schema_depth(schema: dict, defs: dict, seen: tuple[str, ...] = ()) -> int:
    """The deepest nesting of objects and arrays a JSON schema admits (the top object is level 1).
    Anything unbounded (an object that keeps unknown keys, an untyped value, a recursive model) fails."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        assert name not in seen, f"{name} is recursive: its depth has no bound"
        return _schema_depth(defs[name], defs, (*seen, name))
    options = schema.get("anyOf") or schema.get("oneOf") or schema.get("allOf")
    if options:
        return max(_schema_depth(option, defs, seen) for option in options)
    kind = schema.get("type")
    if kind == "object":
        extra = schema.get("additionalProperties")
        assert extra is not None and extra is not True, f"an object that keeps unknown keys: {schema}"
        inner = [*schema.get("properties", {}).values(), *([extra] if isinstance(extra, dict) else [])]
        return 1 + max((_schema_depth(s, defs, seen) for s in inner), default=0)
    if kind == "array":
        assert "items" in schema, f"an array of anything: {schema}"
        return 1 + _schema_depth(schema["items"], defs, seen)
    assert kind in ("string", "integer", "number", "boolean", "null") or "const" in schema or "enum" in schema, \
        f"a value of any shape: {schema}"
    return 0


def test_a_valid_bundle_cannot_nest_deeper_than_the_loader_allows() -> None:
    """What lets parse_bundle skip the tree walk for a bundle that validates (load_json_with)."""
    from privacyguard.audit.bundle import Bundle

    schema = Bundle.model_json_schema()
    assert _schema_depth(schema, schema.get("$defs", {})) == 5 <= MAX_DEPTH


BUNDLE_CASES = {
    **HOSTILE,
    "deep-in-a-bundle": b'{"format": "privacyguard-audit-bundle", "format_version": 1, "who": "x", "created_at": '
                        b'"2026-01-01T00:00:00Z", "policy": {"name": "p", "sha256": "0"}, "tool": '
                        + b"[" * 60 + b"]" * 60 + b"}",
    "deep-other-format": b'{"format": "x", "a": ' + b"[" * 60 + b"]" * 60 + b"}",
    "surrogate-in-a-valid-bundle": b'{"format": "privacyguard-audit-bundle", "format_version": 1, "who": "\\uD83d", '
                                   b'"created_at": "2026-01-01T00:00:00Z", "policy": {"name": "p", "sha256": "0"}}',
    "surrogate-in-a-bad-bundle": b'{"format": "privacyguard-audit-bundle", "format_version": 1, "who": "\\udfff"}',
    "escaped-pair": b'{"format": "privacyguard-audit-bundle", "format_version": 1, "who": "\\ud83d\\ude00", '
                    b'"created_at": "2026-01-01T00:00:00Z", "policy": {"name": "p", "sha256": "0"}}',
    "bom": b'\xef\xbb\xbf{"format": "privacyguard-audit-bundle", "format_version": 1, "who": "x", '
           b'"created_at": "2026-01-01T00:00:00Z", "policy": {"name": "p", "sha256": "0"}}',
    "schema-error": b'{"format": "privacyguard-audit-bundle", "format_version": 1, "who": ""}',
    "too-large": b" " * (16 * 1024 * 1024 + 1),
    # where orjson (the fast path) and json read differently: json decides
    "long-integer": b'{"format": "privacyguard-audit-bundle", "format_version": 123456789012345678901234567890}',
    "nan-and-infinity": b'{"format": "privacyguard-audit-bundle", "format_version": 1, "who": "x", "tool": [NaN, '
                        b'Infinity, -Infinity, 1e400]}',
    "syntax-error-line-3": b'{"format": "privacyguard-audit-bundle",\n "format_version": 1,\n "who": x}',
}


@pytest.mark.parametrize("content", sorted(BUNDLE_CASES))
def test_parse_bundle_says_what_load_json_then_validation_said(content: str, tmp_path: Path) -> None:
    """The fast path gives the same bundle, or the same reason, as the loader's full checks first."""
    from privacyguard.audit.bundle import _validated, parse_bundle
    from privacyguard.errors import BundleError

    path = tmp_path / "b.json"
    path.write_bytes(BUNDLE_CASES[content])
    try:
        data = load_json(path, BundleError)
        before: object = (data, _validated(path, data))
    except BundleError as exc:
        before = str(exc)
    try:
        after: object = parse_bundle(path)
    except BundleError as exc:
        after = str(exc)
    assert after == before
    if content in ("surrogate-in-a-valid-bundle", "surrogate-in-a-bad-bundle", "deep-in-a-bundle"):
        assert "surrogate" in str(after) or "nested more than" in str(after)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=True, allow_infinity=True) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=20)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=json_values)
def test_the_fast_json_path_reads_every_value_as_json_does(value: object, tmp_path: Path) -> None:
    """load_json_with (orjson where it reads alike) gives exactly what load_json (json.loads) gives."""
    from privacyguard.loaders import load_json_with

    path = tmp_path / "v.json"
    path.write_text(json.dumps(value), encoding="utf-8")
    try:
        before: object = repr(load_json(path, BundleError))
    except BundleError as exc:
        before = str(exc)
    try:
        after: object = repr(load_json_with(path, BundleError, lambda data: data))
    except BundleError as exc:
        after = str(exc)
    assert after == before
