"""`privacyguard fix` and `undo` as a person runs them: real processes, real Chromium, simulated platforms.

What they prove: a fix counts only when a fresh process reads the new value back; undo brings back
exactly what was there; misbehaving platforms never produce an `applied`; plans change nothing.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest
from playwright.async_api import async_playwright

from conftest import collect_sandbox, run_cli
from file_keyring import cli_env
from privacyguard.catalogue import Catalogue
from privacyguard.cli import main
from privacyguard.collect.browser import launch
from privacyguard.collect.change import change_setting
from privacyguard.sandbox import SandboxAccount, load_variant
from privacyguard.snapshot import Snapshot

pytestmark = pytest.mark.browser
BOTH = ("--platform", "linkedin", "--platform", "facebook")
AI = "linkedin.generative_ai_data"
MISBEHAVING = ("save-ignored", "save-error", "confirm-dialog", "password-again")
# Confirmations the platforms themselves ask and the flows expect (an `action: confirm` step).
FLOW_CONFIRMED = {"linkedin.sync_contacts", "facebook.off_meta_activity"}
# One setting per kind of change flow: LinkedIn switch, radio list, "Remove all" + confirm; Facebook switch,
# audience dialog + Done, Accounts Center radio, choice + Continue + confirm. (Every setting of every
# misbehaving variant was checked by hand the same way; see docs/fix.md.)
EVERY_KIND = ("linkedin.generative_ai_data", "linkedin.discovery_by_email", "linkedin.sync_contacts",
              "facebook.search_engines", "facebook.lookup_by_email", "facebook.ads_social_interactions",
              "facebook.off_meta_activity")


def run(*args: str, home: Path, stdin: str | None = "") -> subprocess.CompletedProcess[str]:
    """The CLI in its own process, without a terminal; generous time: the suite may share a loaded machine."""
    return run_cli(*args, home=home, stdin=stdin, timeout=600)


def cli_json(*args: str, home: Path, stdin: str | None = "", timeout: float = 600) -> tuple[int, dict]:
    result = run_cli(*args, "--format", "json", home=home, stdin=stdin, timeout=timeout)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stdout, result.stderr
    return result.returncode, json.loads(result.stdout)


def findings(report: dict) -> dict[tuple[str, str], dict]:
    return {(a["account"], f["setting"]): f for a in report["accounts"] for f in a["findings"]}


def readings(snapshot: Path) -> dict[tuple[str, str], tuple[str, str | None]]:
    loaded = Snapshot.load(snapshot)
    return {(a.account, s): (r.status.value, r.value) for a in loaded.accounts for s, r in a.readings.items()}


def state_files(home: Path) -> dict[Path, tuple[bytes, int]]:
    return {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(home.rglob("*")) if p.is_file()}


def test_fix_yes_then_a_new_scan_passes_and_undo_restores_exactly(pg_home: Path, tmp_path: Path) -> None:
    base = tmp_path / "base.json"
    code0, scan0 = cli_json("scan", *BOTH, "--sandbox", "default", "--save-snapshot", str(base), home=pg_home)
    before = findings(scan0)
    short = {key: f for key, f in before.items() if f["status"] in ("FAIL", "WARN")}
    automatic = {key for key, f in short.items() if f["automatable"]}
    manual = set(short) - automatic
    manual_fails = {key for key in manual if short[key]["status"] == "FAIL"}
    assert code0 == 1 and len(automatic) >= 20, short

    code, fixed = cli_json("fix", *BOTH, "--sandbox", "default", "--yes", home=pg_home)
    changes = {(c["account"], c["setting"]): c for c in fixed["changes"]}
    assert set(changes) == set(short)
    for key in automatic:
        change, finding = changes[key], short[key]
        assert (change["result"], change["before"], change["target"], change["after"]) == (
            "applied", finding["actual"], finding["target"], finding["target"]), change
    assert all(changes[key]["result"] == "manual" for key in manual)
    assert fixed["summary"]["applied"] == len(automatic) and fixed["summary"]["failed"] == 0
    assert code == fixed["exit_code"] == (1 if manual_fails else 0)
    journal = pg_home / "fixes" / f"{fixed['run_id']}.json"
    assert journal.is_file()

    code1, scan1 = cli_json("scan", *BOTH, "--sandbox", "default", home=pg_home)  # a new process reads again
    after = findings(scan1)
    for key in automatic:
        assert (after[key]["status"], after[key]["actual"]) == ("PASS", short[key]["target"]), after[key]
    remaining = {key for key, f in after.items() if f["status"] not in ("PASS", "NOT_APPLICABLE")}
    assert remaining == manual
    assert code1 == (1 if manual_fails else 0)
    for key, finding in before.items():  # nothing else moved
        if key not in short:
            assert (after[key]["status"], after[key]["actual"]) == (finding["status"], finding["actual"])

    code2, undone = cli_json("undo", home=pg_home)
    assert code2 == undone["exit_code"] == 0 and undone["run_id"] == fixed["run_id"]
    assert {(c["account"], c["setting"]) for c in undone["changes"]} == automatic
    assert all(c["result"] == "applied" and c["after"] == short[(c["account"], c["setting"])]["actual"]
               for c in undone["changes"])

    restored = tmp_path / "restored.json"
    code3, _ = cli_json("scan", *BOTH, "--sandbox", "default", "--save-snapshot", str(restored), home=pg_home)
    assert readings(restored) == readings(base)
    assert code3 == code0

    again = run("undo", home=pg_home)
    assert again.returncode == 0 and "Nothing to undo" in again.stdout


def test_misbehaving_platforms_never_report_a_change_that_did_not_happen(pg_home: Path) -> None:
    for variant in MISBEHAVING:
        for platform in ("linkedin", "facebook"):
            added = run("accounts", "add", f"{platform}-{variant}", "--platform", platform, "--sandbox", variant,
                            home=pg_home)
            assert added.returncode == 0, added.stderr
    only = [arg for setting in EVERY_KIND for arg in ("--only", setting)]
    code, fixed = cli_json("fix", "--yes", *only, home=pg_home)  # every registered account
    assert code == fixed["exit_code"] == 1
    accounts = {f"{p}-{v}" for v in MISBEHAVING for p in ("linkedin", "facebook")}
    assert {c["account"] for c in fixed["changes"]} == accounts
    expected_reason = {"save-ignored": "the page accepted the change but still shows",
                       "save-error": "the page said 'Something went wrong",
                       "confirm-dialog": "an unexpected dialog appeared ('Are you sure?'); privacyguard did not "
                                         "click it",
                       "password-again": "the platform asks for the password again"}
    for change in fixed["changes"]:
        variant = change["account"].split("-", 1)[1]
        if variant == "confirm-dialog" and change["setting"] in FLOW_CONFIRMED:
            assert change["result"] == "applied" and change["after"] == change["target"], change
            continue
        assert change["result"] == ("manual" if variant == "password-again" else "failed"), change
        assert change["after"] == change["before"] != change["target"], change
        assert expected_reason[variant].replace("'", "") in change["reason"].replace('"', "").replace("'", ""), change
    assert {c["setting"] for c in fixed["changes"]} == set(EVERY_KIND)
    applied = [c for c in fixed["changes"] if c["result"] == "applied"]
    assert fixed["summary"]["applied"] == len(applied) == 2
    assert fixed["summary"]["failed"] + fixed["summary"]["manual"] == len(fixed["changes"]) - 2

    _, scan = cli_json("scan", home=pg_home)  # a new process: what the platforms really hold
    now = findings(scan)
    for change in fixed["changes"]:
        expected = change["target"] if change["result"] == "applied" else change["before"]
        assert now[(change["account"], change["setting"])]["actual"] == expected, change


def test_dry_run_and_no_terminal_change_nothing(pg_home: Path) -> None:
    first = run("fix", "--platform", "linkedin", "--sandbox", "default", "--only", AI, "--yes", home=pg_home)
    assert first.returncode == 0, first.stderr
    files = state_files(pg_home)
    assert any("sandbox" in p.parts for p in files) and any("fixes" in p.parts for p in files)

    code, dry = cli_json("fix", *BOTH, "--sandbox", "default", "--dry-run", home=pg_home)
    assert dry["mode"] == "dry_run" and dry["run_id"] is None
    assert dry["changes"] and {c["result"] for c in dry["changes"]} == {"planned"}
    assert AI not in {c["setting"] for c in dry["changes"]}  # already fixed above
    assert code == dry["exit_code"] == 1  # FAILs are planned, not fixed

    piped = run("fix", "--platform", "linkedin", "--sandbox", "default", home=pg_home, stdin="")
    assert piped.returncode == 1
    assert "No terminal to ask you, and no --yes: showing the plan only; nothing is changed" in piped.stderr
    assert "planned" in piped.stdout and "applied" not in piped.stdout
    assert state_files(pg_home) == files

    dutch = run("fix", "--platform", "linkedin", "--sandbox", "default", "--dry-run", "--lang", "nl",
                    "--only", "linkedin.discovery_by_email", home=pg_home)
    assert "Profiel vinden via e-mailadres" in dutch.stdout
    assert "Iedereen die je e-mailadres heeft (gekochte lijsten, datalekken)" in dutch.stdout
    # the option as the Dutch page words it (flow maps per language)
    assert "'Niemand'" in dutch.stdout and "'Nobody'" not in dutch.stdout
    assert state_files(pg_home) == files


def test_only_limits_the_fix_and_an_unknown_setting_is_bad_input(pg_home: Path) -> None:
    typo = run("fix", "--sandbox", "default", "--only", "linkedin.generative_ai_dta", "--yes", home=pg_home)
    assert typo.returncode == 3 and "Traceback" not in typo.stderr
    assert "unknown setting 'linkedin.generative_ai_dta' (did you mean 'linkedin.generative_ai_data'?)" in typo.stderr
    elsewhere = run("fix", "--platform", "facebook", "--sandbox", "default", "--only", AI, home=pg_home)
    assert elsewhere.returncode == 3 and "not a setting of the chosen platform" in elsewhere.stderr
    both = run("fix", "--sandbox", "default", "--account", "x", home=pg_home)
    assert both.returncode == 3
    html = run("fix", "--sandbox", "default", "--format", "html", home=pg_home)
    assert html.returncode == 3 and "'html' is not one of" in html.stderr.replace("\n", " ")
    assert not (pg_home / "sandbox").exists()

    code, fixed = cli_json("fix", *BOTH, "--sandbox", "default", "--only", AI, "--only", "facebook.search_engines",
                           "--yes", home=pg_home)
    assert code == 0
    assert {(c["setting"], c["result"]) for c in fixed["changes"]} == {(AI, "applied"),
                                                                       ("facebook.search_engines", "applied")}
    _, scan = cli_json("scan", *BOTH, "--sandbox", "default", home=pg_home)
    statuses = {s: f["status"] for (_, s), f in findings(scan).items()}
    assert statuses[AI] == statuses["facebook.search_engines"] == "PASS"
    assert statuses["linkedin.discovery_by_email"] == "WARN" and statuses["facebook.review_tagged_posts"] == "FAIL"


async def _set(catalogue: Catalogue, account: str, setting_id: str, value: str) -> str | None:
    """The person changes a setting themselves (through the simulated page)."""
    flow = catalogue.platform(setting_id.split(".")[0])
    async with async_playwright() as playwright:
        browser = await launch(playwright)
        context = await browser.new_context()
        variant = load_variant(flow.platform, "default")
        sandbox = SandboxAccount(account, {flow.platform: flow}, {flow.platform: variant})
        await sandbox.attach(context)
        outcome = await change_setting(await context.new_page(), flow, flow.by_id[setting_id], value)
        await browser.close()
        return outcome.after.value if outcome.after else None


def test_undo_leaves_what_the_person_changed_since_and_can_be_limited_to_an_account(pg_home: Path,
                                                                                     catalogue: Catalogue) -> None:
    email = "linkedin.discovery_by_email"
    for name in ("li-a", "li-b"):
        assert run("accounts", "add", name, "--platform", "linkedin", "--sandbox", "default",
                       home=pg_home).returncode == 0
    code, fixed = cli_json("fix", "--account", "li-a", "--account", "li-b", "--only", AI, "--only", email, "--yes",
                           home=pg_home)
    assert code == 0 and fixed["summary"]["applied"] == 4
    assert asyncio.run(_set(catalogue, "li-a", email, "first_degree")) == "first_degree"

    code, undone = cli_json("undo", "--account", "li-a", home=pg_home)
    results = {c["setting"]: c for c in undone["changes"]}
    assert {c["account"] for c in undone["changes"]} == {"li-a"}
    assert (results[AI]["result"], results[AI]["after"]) == ("applied", "on")
    assert results[email]["result"] == "skipped" and "changed since" in results[email]["reason"]
    assert results[email]["after"] == "first_degree"
    assert code == undone["exit_code"] == 1

    nothing = run("undo", "--account", "li-a", home=pg_home)
    assert nothing.returncode == 0 and "Nothing to undo" in nothing.stdout
    code, rest = cli_json("undo", home=pg_home)
    assert code == 0 and {(c["account"], c["result"]) for c in rest["changes"]} == {("li-b", "applied")}
    unknown = run("undo", "--account", "li-c", home=pg_home)
    assert unknown.returncode == 3 and "did you mean 'li-" in unknown.stderr

    a = collect_sandbox(catalogue, "linkedin", "default", "li-a").readings
    b = collect_sandbox(catalogue, "linkedin", "default", "li-b").readings
    assert (a[AI].value, a[email].value) == ("on", "first_degree")
    assert (b[AI].value, b[email].value) == ("on", "everyone")


def _spawn(home: Path, *args: str) -> pexpect.spawn:
    env = dict(os.environ, PRIVACYGUARD_HOME=str(home), NO_COLOR="1")
    return pexpect.spawn(sys.executable, ["-m", "privacyguard", "fix", "--platform", "linkedin", "--sandbox",
                                          "default", *args], env=env, encoding="utf-8", timeout=300,
                         dimensions=(60, 220))


def _answer(child: pexpect.spawn, answers: dict[str, str]) -> list[str]:
    """Answer each prompt by the setting it is about; returns the settings asked about, in order."""
    asked = []
    while child.expect([r"\((linkedin\.[a-z_]+)\)", pexpect.EOF]) == 0:
        setting = child.match.group(1)
        asked.append(setting)
        child.expect(r"Apply this change\?|Deze wijziging toepassen\?")  # the question in either language
        child.sendline(answers[setting])
    child.close()
    return asked


def test_interactive_fix_explains_in_dutch_and_asks_apply_skip_all_quit(pg_home: Path, catalogue: Catalogue) -> None:
    ads, download, profile = "linkedin.ads_connections", "linkedin.email_download", "linkedin.ads_profile_data"
    child = _spawn(pg_home, "--lang", "nl", "--only", ads, "--only", AI, "--only", download)
    child.logfile_read = transcript = io.StringIO()
    asked = _answer(child, {ads: "s", AI: "apply", download: "q"})
    assert asked == [ads, AI, download]  # policy order; quit asks nothing more
    seen = " ".join(re.sub(r"\x1b\[[0-9;]*m", "", transcript.getvalue()).split())
    assert "Gegevens voor verbetering van generatieve AI" in seen  # Dutch title and rationale
    assert "Je berichten en profiel worden gebruikt om AI-modellen" in seen
    assert "nu: Aan aanbevolen: Uit" in seen  # the screen and the value labels in the chosen language
    assert "Deze wijziging toepassen?" in seen and "Apply this change" not in seen
    assert "1 toegepast" in seen and "2 overgeslagen" in seen
    assert child.exitstatus == 0  # the one FAIL was fixed; the skipped ones are WARNs
    now = collect_sandbox(catalogue, "linkedin", "default").readings
    assert (now[ads].value, now[AI].value, now[download].value) == ("on", "off", "on")

    child = _spawn(pg_home, "--only", profile, "--only", ads, "--only", download)
    child.expect(r"\((linkedin\.[a-z_]+)\)")
    assert child.match.group(1) == profile
    child.expect("Your profile \\(job, employer, skills\\)")  # English rationale this time
    child.expect("Apply this change\\?")
    child.sendline("maybe")
    child.expect("Please select one of the available options")
    child.sendline("all")  # this one and every one after it, without asking
    assert _answer(child, {}) == []
    assert child.exitstatus == 0
    now = collect_sandbox(catalogue, "linkedin", "default").readings
    assert (now[profile].value, now[ads].value, now[download].value) == ("off", "off", "off")


def test_open_hands_each_manual_change_to_the_opener_and_nothing_else(monkeypatch: pytest.MonkeyPatch,
                                                                     capsys: pytest.CaptureFixture[str],
                                                                     pg_home: Path) -> None:
    opened: list[str] = []
    monkeypatch.setattr("privacyguard.cli.fix.OPENER", lambda item: opened.append(item.url) or "opened (test)")
    args = ["fix", "--platform", "linkedin", "--only", AI, "--yes", "--open", "--format", "json"]
    with pytest.raises(SystemExit) as dry:
        main([*args, "--sandbox", "password-again", "--dry-run"])
    assert dry.value.code == 1 and opened == []
    capsys.readouterr()
    with pytest.raises(SystemExit) as done:
        main([*args, "--sandbox", "password-again"])
    change = json.loads(capsys.readouterr().out)["changes"][0]
    assert done.value.code == 1
    assert opened == ["https://www.linkedin.com/mypreferences/d/settings/data-for-ai-improvement"]
    assert change["result"] == "manual" and change["reason"].endswith("opened (test)") and change["steps"]
    with pytest.raises(SystemExit) as fine:
        main([*args, "--sandbox", "default"])
    assert fine.value.code == 0 and len(opened) == 1  # applied changes open nothing


def test_ctrl_c_at_a_question_stops_at_once_and_what_was_applied_can_be_undone(pg_home: Path,
                                                                              catalogue: Catalogue) -> None:
    download = "linkedin.email_download"
    child = _spawn(pg_home, "--only", AI, "--only", download)
    child.expect("Apply this change\\?")
    child.sendline("a")
    child.expect("Apply this change\\?")  # the second question: the first change is done and journalled
    child.sendcontrol("c")
    child.expect(pexpect.EOF, timeout=30)
    child.close()
    assert child.exitstatus == 130
    [journal] = (pg_home / "fixes").iterdir()
    entries = json.loads(journal.read_text())["changes"]
    assert [(e["setting"], e["result"], e["before"]) for e in entries] == [(AI, "applied", "on")]
    code, undone = cli_json("undo", home=pg_home)
    assert code == 0 and [(c["setting"], c["result"]) for c in undone["changes"]] == [(AI, "applied")]
    assert collect_sandbox(catalogue, "linkedin", "default").readings[AI].value == "on"


def test_registered_accounts_are_signed_in_as_a_scan_does_and_one_failure_stops_no_other(pg_home: Path,
                                                                                         tmp_path: Path) -> None:
    """Fix and undo open accounts through the scan's own path: a stored password (and two-step code)
    signs in, the session is saved and reused by undo; an account that cannot sign in fails alone."""
    password, totp = "Fix-canary pässword 41d2", "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU"
    env = cli_env(tmp_path / "keyring.json")
    added = run_cli("accounts", "add", "li-pw", "--platform", "linkedin", "--sandbox", "signin-two-step", "--username",
                    "me@example.org", "--password-stdin", "--totp-stdin", home=pg_home, env=env,
                    stdin=f"{password}\n{totp}\n")
    assert added.returncode == 0, added.stderr
    added = run_cli("accounts", "add", "fb-wrong", "--platform", "facebook", "--sandbox", "signin-wrong-password",
                    "--username", "me@example.org", "--password-stdin", home=pg_home, env=env, stdin=f"{password}\n")
    assert added.returncode == 0, added.stderr
    # the scan before the fix reaches only the LinkedIn account, so only its change is planned
    fixed = run_cli("fix", "--yes", "--only", AI, "--only", "facebook.search_engines", "--format", "json",
                    home=pg_home, env=env, stdin="", timeout=600)
    data = json.loads(fixed.stdout)
    assert [(c["account"], c["setting"], c["result"]) for c in data["changes"]] == [("li-pw", AI, "applied")]
    assert fixed.returncode == 2  # the Facebook account could not be read: ERROR, not a false pass
    assert (pg_home / "sessions" / "li-pw.bin").is_file()
    journal = pg_home / "fixes" / f"{data['run_id']}.json"
    assert json.loads(journal.read_text())["changes"][0]["registered"] is True
    undone = run_cli("undo", "--format", "json", home=pg_home, env=env, stdin="", timeout=600)
    assert undone.returncode == 0, undone.stderr
    assert [(c["account"], c["result"], c["after"]) for c in json.loads(undone.stdout)["changes"]] == [
        ("li-pw", "applied", "on")]
    for path in (p for p in pg_home.rglob("*") if p.is_file()):
        assert password.encode() not in path.read_bytes(), path
    assert password not in fixed.stdout + fixed.stderr + undone.stdout + undone.stderr
