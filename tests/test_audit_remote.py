"""`audit run --browser-endpoint`: accounts spread over Playwright browser servers on 127.0.0.1; an
unreachable server is reported and one that dies mid-run hands its accounts to the others."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from audit_helpers import write_policy
from conftest import run_cli
from privacyguard.audit import run_central
from privacyguard.audit.model import Audit
from privacyguard.audit.remote import BrowserServer
from privacyguard.catalogue import Catalogue
from privacyguard.findings import Status
from privacyguard.redaction import redact_url

pytestmark = pytest.mark.browser


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def servers() -> list[BrowserServer]:
    started = [BrowserServer(), BrowserServer()]
    for server in started:
        server.start()
    yield started
    for server in started:
        server.stop()


def write_roster(path: Path, count: int) -> Path:
    lines = ["person,team,email,platform,account,sandbox"]
    for i in range(count):
        platform = "linkedin" if i % 2 == 0 else "facebook"
        lines.append(f"P{i},T{i % 3},,{platform},acct-{i},{'default' if i % 4 < 2 else 'hardened'}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_accounts_are_spread_over_servers_and_a_dead_one_is_reported(
        servers: list[BrowserServer], tmp_path: Path, pg_home: Path, catalogue: Catalogue) -> None:
    policy = tmp_path / "policy.yaml"
    write_policy(policy, catalogue)
    roster = write_roster(tmp_path / "roster.csv", 8)
    dead = f"ws://127.0.0.1:{free_port()}/nobody-listens-here"
    out = tmp_path / "audit.json"
    result = run_cli("audit", "run", str(roster), "--policy", str(policy), "--concurrency", "2",
                     "--browser-endpoint", servers[0].endpoint, "--browser-endpoint", dead,
                     "--browser-endpoint", servers[1].endpoint, "--out", str(out), home=pg_home)
    assert result.returncode in (0, 1, 2), result.stderr
    audit = Audit.load(out)
    assert len(audit.accounts) == 8
    assert all(a.error is None for a in audit.accounts), [a.error for a in audit.accounts]
    endpoints = {e.endpoint: e for e in audit.endpoints}
    unreachable = endpoints[redact_url(dead)]
    assert unreachable.status == "unreachable" and "unreachable" in unreachable.reason
    used = [endpoints[redact_url(s.endpoint)] for s in servers]
    assert [e.status for e in used] == ["used", "used"]
    assert sum(e.accounts for e in used) == 8 and all(e.accounts > 0 for e in used)
    assert {a.source for a in audit.accounts} == {redact_url(s.endpoint) for s in servers}
    # the endpoints' secret paths never appear in the audit
    text = out.read_text()
    assert all(s.endpoint.rsplit("/", 1)[1] not in text for s in servers)


def test_a_server_that_dies_mid_run_gives_its_accounts_to_the_other(tmp_path: Path, catalogue: Catalogue) -> None:
    policy = tmp_path / "policy.yaml"
    write_policy(policy, catalogue)
    roster = write_roster(tmp_path / "roster.csv", 10)
    with BrowserServer() as steady, BrowserServer() as doomed:
        done: list[str] = []

        def progress(entry: object, stage: str) -> None:
            if stage == "done":
                done.append(stage)
                if len(done) == 3:
                    doomed.kill()  # as if its machine went away

        audit = run_central(roster, str(policy), concurrency=2, endpoints=[steady.endpoint, doomed.endpoint],
                            on_progress=progress)
    assert len(audit.accounts) == 10
    assert all(a.status is not Status.ERROR for a in audit.accounts), [(a.account, a.error) for a in audit.accounts]
    by_endpoint = {e.endpoint: e for e in audit.endpoints}
    lost = by_endpoint[redact_url(doomed.endpoint)]
    assert lost.status == "lost" and lost.reason
    assert by_endpoint[redact_url(steady.endpoint)].accounts == 10 - lost.accounts
    assert by_endpoint[redact_url(steady.endpoint)].accounts > lost.accounts


def test_no_reachable_endpoint_is_an_error_not_a_hang(tmp_path: Path, pg_home: Path, catalogue: Catalogue) -> None:
    policy = tmp_path / "policy.yaml"
    write_policy(policy, catalogue)
    roster = write_roster(tmp_path / "roster.csv", 2)
    result = run_cli("audit", "run", str(roster), "--policy", str(policy), "--browser-endpoint",
                     f"ws://127.0.0.1:{free_port()}/x", "--out", str(tmp_path / "a.json"), home=pg_home)
    assert result.returncode == 2
    assert "no browser endpoint could be reached" in result.stderr
    bad = run_cli("audit", "run", str(roster), "--policy", str(policy), "--browser-endpoint", "http://host:1",
                  "--out", str(tmp_path / "a.json"), home=pg_home)
    assert bad.returncode == 3 and "expected ws://" in bad.stderr


def test_browser_server_stops_cleanly_on_ctrl_c_right_after_it_says_listening(tmp_path: Path) -> None:
    """Ctrl-C the moment "listening" is printed is a clean stop (exit 0), not an interrupted run (130)."""
    import os
    import re
    import signal
    import subprocess
    import sys

    env = dict(os.environ, PRIVACYGUARD_HOME=str(tmp_path / "home"), NO_COLOR="1")
    for _attempt in range(3):
        server = subprocess.Popen([sys.executable, "-m", "privacyguard", "audit", "browser-server", "--port", "0"],
                                  env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                  start_new_session=True)
        assert server.stdout is not None
        first = server.stdout.readline()
        assert re.search(r"listening: ws://127\.0\.0\.1:\d+/", first), first
        os.killpg(server.pid, signal.SIGINT)
        rest, _ = server.communicate(timeout=60)
        assert server.returncode == 0, first + rest
        assert "Traceback" not in rest


def test_browser_server_whose_browser_dies_says_so_and_exits_2(tmp_path: Path) -> None:
    """The Node.js process behind the endpoint dies: the command says so instead of serving nothing forever."""
    import os
    import subprocess
    import sys

    env = dict(os.environ, PRIVACYGUARD_HOME=str(tmp_path / "home"), NO_COLOR="1")
    server = subprocess.Popen([sys.executable, "-m", "privacyguard", "audit", "browser-server", "--port", "0"],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              start_new_session=True)
    assert server.stdout is not None
    assert "listening" in server.stdout.readline()
    node = [pid for pid in _children(server.pid) if b"PG_PLAYWRIGHT_PACKAGE" in _command_line(pid)]
    assert len(node) == 1, node
    os.kill(node[0], 9)
    out, err = server.communicate(timeout=60)
    assert server.returncode == 2, out + err
    assert "the browser server stopped on its own" in err and "Traceback" not in err


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _command_line(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""
