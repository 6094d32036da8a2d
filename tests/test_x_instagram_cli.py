"""X and Instagram as a person runs privacyguard: real processes, real Chromium, simulated platforms.

What the issue asks to show: a default scan reads every setting and fails, hardened passes, the
Dutch interface reads the same, fix then scan passes and undo restores every value; sweeps, audits
and every report format carry all four platforms; `catalog` answers the closed networks in en and nl.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import run_cli
from privacyguard.audit.model import Audit
from privacyguard.catalogue import Catalogue
from privacyguard.snapshot import Snapshot

pytestmark = pytest.mark.browser
BOTH = ("--platform", "x", "--platform", "instagram")
NEW = ("x", "instagram")
ALL = {"linkedin", "facebook", "x", "instagram"}


def cli_json(*args: str, home: Path) -> tuple[int, dict]:
    result = run_cli(*args, "--format", "json", home=home, timeout=400)
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, json.loads(result.stdout)


def readings(path: Path) -> dict[tuple[str, str], tuple[str, str | None]]:
    return {(a.account, sid): (r.status.value, r.value) for a in Snapshot.load(path).accounts
            for sid, r in a.readings.items()}


def findings(report: dict) -> dict[str, dict]:
    return {f["setting"]: f for a in report["accounts"] for f in a["findings"]}


def test_default_fails_hardened_passes_dutch_reads_the_same(pg_home: Path, tmp_path: Path,
                                                           catalogue: Catalogue) -> None:
    base = tmp_path / "default.json"
    code, report = cli_json("scan", *BOTH, "--sandbox", "default", "--save-snapshot", str(base), home=pg_home)
    assert code == 1
    expected = {s.id for p in NEW for s in catalogue.platform(p).settings}
    got = readings(base)
    assert {sid for _, sid in got} == expected
    assert all(status == "read" for status, _ in got.values()), got
    assert {f["status"] for f in findings(report).values()} >= {"FAIL", "WARN"}

    code, hardened = cli_json("scan", *BOTH, "--sandbox", "hardened", home=pg_home)
    statuses = {f["setting"]: f["status"] for f in findings(hardened).values()}
    assert set(statuses.values()) <= {"PASS", "NOT_APPLICABLE"}, statuses
    assert code == 0

    dutch = tmp_path / "nl.json"
    code, report_nl = cli_json("scan", *BOTH, "--sandbox", "default-nl", "--lang", "nl", "--save-snapshot", str(dutch),
                               home=pg_home)
    assert code == 1
    as_default = {(a.replace("default-nl", "default"), sid): v for (a, sid), v in readings(dutch).items()}
    assert as_default == got
    assert "adresboek" in findings(report_nl)["x.sync_address_book"]["rationale"]


def test_redesign_gives_unknown_never_a_wrong_value(pg_home: Path) -> None:
    code, report = cli_json("scan", *BOTH, "--sandbox", "redesign", home=pg_home)
    by = findings(report)
    unknown = {sid for sid, f in by.items() if f["status"] == "UNKNOWN"}
    assert unknown >= {"x.grok_training", "instagram.tags_allowed_from"}
    assert all(by[sid]["actual"] is None for sid in unknown)
    assert by["instagram.story_sharing"]["actual"] == "off"  # swapped with its neighbour, still read right
    assert code == 1  # FAILs remain (photo tagging, contacts, ...); UNKNOWN never passes


def test_fix_then_scan_passes_and_undo_restores_every_value(pg_home: Path, tmp_path: Path) -> None:
    base, restored = tmp_path / "base.json", tmp_path / "restored.json"
    code0, _ = cli_json("scan", *BOTH, "--sandbox", "default", "--save-snapshot", str(base), home=pg_home)
    assert code0 == 1
    code, fixed = cli_json("fix", *BOTH, "--sandbox", "default", "--yes", home=pg_home)
    results = {c["setting"]: c["result"] for c in fixed["changes"]}
    assert set(results.values()) == {"applied"}, results
    assert code == 0 and fixed["summary"]["failed"] == 0
    code1, after = cli_json("scan", *BOTH, "--sandbox", "default", home=pg_home)
    assert code1 == 0 and {f["status"] for f in findings(after).values()} <= {"PASS", "NOT_APPLICABLE"}
    code2, undone = cli_json("undo", home=pg_home)
    assert code2 == 0 and {c["setting"] for c in undone["changes"]} == set(results)
    assert all(c["result"] == "applied" for c in undone["changes"])
    code3, _ = cli_json("scan", *BOTH, "--sandbox", "default", "--save-snapshot", str(restored), home=pg_home)
    assert readings(restored) == readings(base) and code3 == 1


def test_catalog_lists_four_platforms_and_the_closed_networks_in_both_languages(pg_home: Path) -> None:
    code, catalog = cli_json("catalog", home=pg_home)
    assert code == 0
    assert {p["id"] for p in catalog["platforms"]} == ALL
    assert {s["id"].split(".")[0] for s in catalog["settings"]} == ALL
    closed = {c["id"]: c for c in catalog["closed"]}
    assert set(closed) == {"google_plus", "hyves", "linkedin_tweet_forwarding", "facebook_places_checkins"}
    assert closed["google_plus"]["closed"] == "2019-04-02" and closed["hyves"]["closed"].startswith("2013")
    assert closed["linkedin_tweet_forwarding"]["setting"] == "linkedin.tweets_to_linkedin"
    assert closed["facebook_places_checkins"]["setting"] == "facebook.checkins_by_others"
    for entry in closed.values():
        assert re.match(r"^\d{4}", entry["closed"])
        assert entry["what_happened"]["en"] and entry["what_happened"]["nl"]
        assert entry["advice_today"]["en"] and entry["advice_today"]["nl"]
    for lang, words in (("en", ("No longer there", "Google+", "2019-04-02", "Hyves Games")),
                        ("nl", ("Niet meer te vinden", "Google+", "2019-04-02", "spellensite"))):
        table = run_cli("catalog", "--lang", lang, home=pg_home)
        flat = " ".join(table.stdout.split())
        assert table.returncode == 0 and all(word in flat for word in words), (lang, flat[-800:])
        catalogue_word = {"en": "catalogue", "nl": "catalogus"}[lang]
        assert all(name in flat for name in ("LinkedIn", "Facebook", f"X ({catalogue_word}", "Instagram"))


def test_every_report_format_carries_all_four_platforms(pg_home: Path, tmp_path: Path) -> None:
    snap = tmp_path / "all.json"
    code, report = cli_json("scan", "--sandbox", "default", "--save-snapshot", str(snap), home=pg_home)
    assert code == 1 and {a["platform"] for a in report["accounts"]} == ALL
    for fmt in ("table", "json", "html", "csv", "markdown", "junit", "sarif"):
        out = run_cli("evaluate", str(snap), "--format", fmt, home=pg_home)
        assert out.returncode == 1, (fmt, out.stderr)
        for setting in ("x.grok_training", "instagram.contact_syncing", "linkedin.generative_ai_data"):
            assert setting in out.stdout or setting.split(".")[0] in out.stdout, (fmt, setting)
        assert "x.grok_training" in out.stdout or "Grok" in out.stdout, fmt
        assert "instagram" in out.stdout.lower(), fmt


def test_a_sweep_covers_all_four_platforms(pg_home: Path) -> None:
    for platform in sorted(ALL):
        added = run_cli("accounts", "add", f"me-{platform}", "--platform", platform, "--sandbox", "default",
                        home=pg_home)
        assert added.returncode == 0, added.stderr
    code, sweep = cli_json("sweep", home=pg_home)
    assert code == 1
    assert {a["platform"] for a in sweep["accounts"]} == ALL
    assert all(a.get("error") in (None, "") for a in sweep["accounts"]), sweep["accounts"]


def test_an_audit_run_covers_all_four_platforms(pg_home: Path, tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("person,team,email,platform,account,sandbox\n"
                      "Ann,Sales,,linkedin,ann-li,hardened\nAnn,Sales,,facebook,ann-fb,hardened\n"
                      "Ann,Sales,,x,ann-x,default\nAnn,Sales,,instagram,ann-ig,hardened\n"
                      "Bob,Press,,x,bob-x,hardened\nBob,Press,,instagram,bob-ig,signin-checkpoint\n",
                      encoding="utf-8")
    out = tmp_path / "audit.json"
    result = run_cli("audit", "run", str(roster), "--policy", "recommended", "--out", str(out), "--concurrency", "3",
                     home=pg_home, timeout=400)
    assert "Traceback" not in result.stderr and out.is_file(), result.stderr
    audit = Audit.load(out)
    by = {a.account: a for a in audit.accounts}
    assert {a.platform for a in audit.accounts} == ALL
    assert by["ann-x"].status.value == "FAIL" and by["bob-x"].status.value == "PASS"
    assert by["ann-ig"].status.value == "PASS"
    assert by["bob-ig"].status.value == "ERROR" and "checkpoint" in (by["bob-ig"].error or "")
    for fmt in ("table", "csv", "json", "html"):
        shown = run_cli("audit", "report", str(out), "--format", fmt, home=pg_home)
        assert "Traceback" not in shown.stderr, shown.stderr
        assert "instagram" in shown.stdout.lower() and ("x.grok_training" in shown.stdout or " x " in shown.stdout
                                                         or "bob-x" in shown.stdout), fmt
