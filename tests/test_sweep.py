"""`privacyguard sweep` and `history` as a user runs them: real processes, real Chromium, sandbox accounts.

Two sweeps of a simulated LinkedIn account with one setting changed between them must report
exactly that drift, in every format; a sweep killed during collection must leave the history as
it was; the progress bar appears on a terminal only.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import pty
import re
import signal
import sqlite3
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import run_cli
from privacyguard.reports.json_report import report_schema
from sweep_helpers import POLICY, set_sandbox_state

pytestmark = pytest.mark.browser
AI = "linkedin.generative_ai_data"
AI_TITLE = "Data for Generative AI Improvement"
EXPECTED_DRIFT = [("value_changed", AI, "off", "on"), ("newly_failing", AI, "PASS, off", "FAIL, on")]


def env_for(home: Path) -> dict[str, str]:
    return dict(os.environ, PRIVACYGUARD_HOME=str(home), COLUMNS="200", NO_COLOR="1")


@pytest.fixture(scope="module")
def two_sweeps(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Register a hardened LinkedIn and Facebook account, sweep, switch LinkedIn's AI toggle on, sweep again."""
    home = tmp_path_factory.mktemp("sweep") / "home"
    home.mkdir()
    (home / "config.toml").write_text(f'[sweep]\npolicy = "{POLICY}"\n')
    for name, platform in (("li", "linkedin"), ("fb", "facebook")):
        added = run_cli("accounts", "add", name, "--platform", platform, "--sandbox", "hardened", home=home)
        assert added.returncode == 0
    first = run_cli("sweep", "--format", "json", home=home)
    os.environ["PRIVACYGUARD_HOME"], saved = str(home), os.environ.get("PRIVACYGUARD_HOME")
    try:
        set_sandbox_state("linkedin", "hardened", "li", generativeAiData=True)  # someone switched it back on
    finally:
        if saved is not None:
            os.environ["PRIVACYGUARD_HOME"] = saved
    second = run_cli("sweep", "--format", "json", home=home)
    html_file = home.parent / "out" / "sweep.html"
    return {"home": home, "first": first, "second": second, "html_file": html_file}


def drift_of(result: subprocess.CompletedProcess[str]) -> list[tuple]:
    data = json.loads(result.stdout)
    return [(d["kind"], d["setting"], d["before"], d["after"]) for d in data["sweep"]["drift"]]


def test_two_sweeps_report_exactly_the_changed_setting(two_sweeps: dict) -> None:
    first, second = two_sweeps["first"], two_sweeps["second"]
    assert first.returncode == 0, first.stderr
    assert second.returncode == 1, second.stderr  # the AI toggle now FAILs
    import jsonschema

    for result in (first, second):
        assert "Traceback" not in result.stderr
        jsonschema.validate(json.loads(result.stdout), report_schema())
    assert drift_of(first) == []
    assert json.loads(first.stdout)["sweep"]["baselines"] == {"facebook:fb": None, "linkedin:li": None}
    assert drift_of(second) == EXPECTED_DRIFT
    data = json.loads(second.stdout)
    assert data["sweep"]["new_fails"] == [f"linkedin:li:{AI}"]
    assert data["sweep"]["baselines"] == {"facebook:fb": 1, "linkedin:li": 1}
    assert "sweep #2 saved" in second.stderr
    assert "━" not in second.stderr and "reading…" not in second.stderr  # no progress bar without a terminal


def show(home: Path, fmt: str, sweep_id: int = 2) -> str:
    result = run_cli("history", "show", str(sweep_id), "--format", fmt, home=home)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_exactly_that_drift_in_every_format(two_sweeps: dict) -> None:
    home = two_sweeps["home"]
    # json
    assert [(d["kind"], d["setting"], d["before"], d["after"]) for d in
            json.loads(show(home, "json"))["sweep"]["drift"]] == EXPECTED_DRIFT
    # csv: exactly two drift rows
    rows = [r for r in csv.DictReader(io.StringIO(show(home, "csv"))) if r["record"] == "drift"]
    assert [(r["drift"], r["setting"], r["before"], r["after"]) for r in rows] == EXPECTED_DRIFT
    # markdown: the drift table has exactly these two rows
    markdown = show(home, "markdown")
    section = markdown.split("## Drift since the last sweep")[1].split("## Scores")[0]
    assert [line.split(" | ")[1:5] for line in section.splitlines() if line.startswith("| linkedin:")] == [
        ["value changed", AI_TITLE, "Off", "On"], ["newly failing", AI_TITLE, "PASS, Off", "FAIL, On"]]
    assert "facebook" not in section
    # junit: the drift suite has exactly two cases
    root = ET.fromstring(show(home, "junit"))
    drift_suite = next(s for s in root.findall("testsuite") if s.get("name") == "privacyguard.drift")
    assert [c.get("name") for c in drift_suite.findall("testcase")] == [f"value_changed: {AI}", f"newly_failing: {AI}"]
    # sarif: the run's drift list, and the AI result marked new
    run = json.loads(show(home, "sarif"))["runs"][0]
    assert [(d["kind"], d["setting"], d["before"], d["after"]) for d in run["properties"]["drift"]] == EXPECTED_DRIFT
    states = {(r["properties"]["account"], r["ruleId"]): r["baselineState"] for r in run["results"]}
    assert states.pop(("li", AI)) == "new"
    assert set(states.values()) == {"unchanged"}
    # html: that setting once (its value change and the rule it now fails are one event)
    html = show(home, "html")
    drift_html = html.split('id="drift"')[1].split('id="scores"')[0]
    assert drift_html.count("<li ") == 1 and drift_html.count(f'data-setting="{AI}"') == 1
    assert 'data-kind="value_changed newly_failing"' in drift_html
    assert "no longer meets the policy (FAIL, On; was PASS, Off)" in drift_html
    assert "Sweep #2: 1 change since the last sweep (#1)" in drift_html  # counts the lines it lists
    # table: the drift table lists that setting twice and nothing else
    table = show(home, "table")
    drift_table = table.split("Drift since the last sweep")[1].split("facebook · fb")[0]
    assert drift_table.count("linkedin:li") == 2 and "value changed" in drift_table and "newly failing" in drift_table
    assert table.index("Sweep #2: 2 changes since the last sweep (#1)") < table.index("facebook · fb")
    # and the first sweep shows no drift in any format
    assert json.loads(show(home, "json", 1))["sweep"]["drift"] == []
    assert "first sweep" in show(home, "markdown", 1)


def test_history_list_and_diff(two_sweeps: dict) -> None:
    home = two_sweeps["home"]
    listed = json.loads(run_cli("history", "--format", "json", home=home).stdout)
    assert [(s["id"], s["exit_code"], s["drift"]) for s in listed] == [(2, 1, 2), (1, 0, 0)]
    assert listed[0]["scores"] == {"facebook:fb": 100.0, "linkedin:li": 50.0}
    only_fb = json.loads(run_cli("history", "--account", "fb", "--limit", "1", "--format", "json", home=home).stdout)
    assert [s["id"] for s in only_fb] == [2] and list(only_fb[0]["scores"]) == ["facebook:fb"]
    table = run_cli("history", home=home)
    assert table.returncode == 0 and "Sweeps" in table.stdout
    diff = json.loads(run_cli("history", "diff", "1", "2", "--format", "json", home=home).stdout)
    assert [(d["kind"], d["setting"], d["before"], d["after"]) for d in diff["drift"]] == EXPECTED_DRIFT
    assert "value changed" in run_cli("history", "diff", "2", "1", home=home).stdout
    missing = run_cli("history", "show", "42", home=home)
    assert missing.returncode == 3 and "no sweep #42" in missing.stderr


def descendants(root: int) -> dict[int, bytes]:
    """Every process below `root` (Playwright starts the browser in its own session), with its command line."""
    parents: dict[int, int] = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            parents[int(pid)] = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
    found, frontier = {}, [root]
    while frontier:
        parent = frontier.pop()
        for pid, ppid in parents.items():
            if ppid == parent and pid not in found:
                try:
                    found[pid] = Path(f"/proc/{pid}/cmdline").read_bytes()
                except OSError:
                    found[pid] = b""
                frontier.append(pid)
    return found


def test_a_sweep_killed_during_collection_leaves_the_history_intact(two_sweeps: dict) -> None:
    home = two_sweeps["home"]
    db_path = home / "history.sqlite3"
    with sqlite3.connect(db_path) as db:
        before = db.execute("SELECT * FROM sweeps ORDER BY id").fetchall() + \
            db.execute("SELECT * FROM account_runs ORDER BY id").fetchall()
    process = subprocess.Popen([sys.executable, "-m", "privacyguard", "sweep", "--quiet"], env=env_for(home),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 60
    family: dict[int, bytes] = {}
    while time.monotonic() < deadline and process.poll() is None:
        family = descendants(process.pid)
        if any(b"chrom" in cmdline for cmdline in family.values()):
            break
        time.sleep(0.05)
    assert process.poll() is None, "the sweep ended before it could be killed"
    for pid in [process.pid, *descendants(process.pid)]:  # the sweep and its browser, at once, mid-collection
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    process.wait(timeout=30)
    with sqlite3.connect(db_path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        after = db.execute("SELECT * FROM sweeps ORDER BY id").fetchall() + \
            db.execute("SELECT * FROM account_runs ORDER BY id").fetchall()
    assert after == before
    listed = json.loads(run_cli("history", "--format", "json", home=home).stdout)
    assert [s["id"] for s in listed] == [2, 1]


def run_in_pty(args: list[str], home: Path, timeout: float = 120) -> str:
    """Run the CLI with a terminal as stdout and stderr; return everything the terminal showed."""
    leader, follower = pty.openpty()
    env = env_for(home)
    env.pop("NO_COLOR")
    env["TERM"] = "xterm"
    process = subprocess.Popen([sys.executable, "-m", "privacyguard", *args], env=env, stdin=subprocess.DEVNULL,
                               stdout=follower, stderr=follower, close_fds=True)
    os.close(follower)
    chunks, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            data = os.read(leader, 65536)
        except OSError:  # EIO: the process closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    process.wait(timeout=30)
    os.close(leader)
    return b"".join(chunks).decode(errors="replace")


def test_progress_bar_per_account_on_a_terminal_only(two_sweeps: dict) -> None:
    home = two_sweeps["home"]
    shown = run_in_pty(["sweep", "--account", "li", "--account", "fb"], home)
    # one display for the run (issue 12a): the accounts being read, and how many of the total are done
    assert "linkedin:li" in shown and "facebook:fb" in shown, shown[-2000:]
    plain = re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", shown)  # the count's digits come in colour
    assert "Sweeping accounts" in plain and re.search(r"\b[0-2]/2\b", plain), plain[-2000:]
    assert "━" in shown  # rich's bar
    quiet = run_in_pty(["sweep", "--account", "li", "--quiet"], home)
    assert "linkedin:li" not in quiet and "━" not in quiet and "Summary" not in quiet
    assert "Sweeping accounts" not in quiet


def test_sweep_writes_an_html_report_file(two_sweeps: dict) -> None:
    home, out = two_sweeps["home"], two_sweeps["html_file"]
    result = run_cli("sweep", "--account", "li", "--format", "html", "--output", str(out), "--quiet", home=home)
    assert result.returncode == 1 and result.stdout == "" and result.stderr == ""
    assert "<svg class=\"trend-chart\"" in out.read_text()


def test_bad_input_is_refused_before_any_browser_starts(two_sweeps: dict) -> None:
    home = two_sweeps["home"]
    for args, expected in ((["--account", "nobody"], "no account 'nobody'"),
                           (["--notify", "pigeon:home"], "use webhook:URL, email:ADDRESS or desktop"),
                           (["--notify", "webhook:ftp://x"], "http:// or https://"),
                           (["--notify", "email:me@example.org"], "[smtp] section"),
                           (["--policy", "nope"], "nope")):
        result = run_cli("sweep", *args, home=home)
        assert result.returncode == 3, (args, result.stderr)
        assert expected in result.stderr and "Traceback" not in result.stderr
    empty = home.parent / "empty-home"
    result = run_cli("sweep", "--policy", str(POLICY), home=empty)
    assert result.returncode == 3 and "nothing to sweep" in result.stderr


def test_a_stricter_policy_is_a_policy_change_not_drift(tmp_path: Path) -> None:
    """`sweep --policy strict` after a `recommended` sweep, nothing changed on the account: the sweep says the
    policy changed and reports no drift, no "newly failing", though strict fails more than recommended did."""
    home = tmp_path / "home"
    home.mkdir()
    assert run_cli("accounts", "add", "li", "--platform", "linkedin", "--sandbox", "default", home=home).returncode == 0
    first = json.loads(run_cli("sweep", "--policy", "recommended", "--format", "json", home=home).stdout)
    second = run_cli("sweep", "--policy", "strict", "--format", "json", home=home)
    data = json.loads(second.stdout)
    fails = {name: {f["setting"] for a in d["accounts"] for f in a["findings"] if f["status"] == "FAIL"}
             for name, d in (("recommended", first), ("strict", data))}
    assert fails["strict"] > fails["recommended"]  # the policy alone makes more settings fail
    assert data["sweep"]["policy_change"] == {"before": "recommended", "after": "strict", "since": [1],
                                              "rejudged": True}
    assert data["sweep"]["drift"] == [] and data["sweep"]["new_fails"] == []
    table = run_cli("history", "show", "2", home=home).stdout
    assert "The policy changed from recommended to strict since sweep #1" in table
    assert "newly failing" not in table and "no drift since the last sweep" in table
    html = run_cli("history", "show", "2", "--format", "html", home=home).stdout
    assert 'class="notice policy-change"' in html and "Nothing changed since the last check." in html
    assert "newly failing" not in html and "no longer meets the policy" not in html


def test_an_edited_policy_file_is_a_policy_change(tmp_path: Path) -> None:
    """Same name, same file, other rules: compared by content, the sweep says the policy changed."""
    home = tmp_path / "home"
    home.mkdir()
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY.read_text())
    added = run_cli("accounts", "add", "li", "--platform", "linkedin", "--sandbox", "hardened", home=home)
    assert added.returncode == 0
    first = json.loads(run_cli("sweep", "--policy", str(policy), "--format", "json", home=home).stdout)
    assert first["sweep"]["policy_change"] is None
    again = json.loads(run_cli("sweep", "--policy", str(policy), "--format", "json", home=home).stdout)
    assert again["sweep"]["policy_change"] is None  # the same policy again is no change
    policy.write_text(POLICY.read_text().replace("expect: {in: [nobody, first_degree]}", "expect: nobody"))
    edited = json.loads(run_cli("sweep", "--policy", str(policy), "--format", "json", home=home).stdout)
    change = edited["sweep"]["policy_change"]
    assert change is not None and change["before"] == change["after"] == "sweep-test" and change["since"] == [2]
    assert edited["policy"]["sha256"] != first["policy"]["sha256"]
