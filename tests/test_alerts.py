"""Alerts after a sweep: a webhook on 127.0.0.1, e-mail through a local SMTP server, desktop
notifications. A failing alert is retried (webhook), reported, recorded, and never loses the sweep."""

from __future__ import annotations

import base64
import io
import json
import socket
import sqlite3
import stat
import sys
import threading
from collections.abc import Iterator
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from conftest import run_cli
from privacyguard.accounts import Account, add_account
from privacyguard.alerts import DesktopNotifier, WebhookNotifier
from privacyguard.alerts.desktop import desktop_command
from privacyguard.catalogue import Catalogue
from privacyguard.cli import main
from privacyguard.collect.runner import Target
from privacyguard.config import load_config
from privacyguard.history.db import History
from privacyguard.snapshot import Snapshot
from privacyguard.sweep import SweepRequest, run_sweep
from sweep_helpers import POLICY, linkedin

TOKEN = "s3cr3t-hook-token-4711"
SMTP_PASSWORD = "correct horse battery staple"


class Hook:
    """A webhook receiver on 127.0.0.1 that answers each POST with the next status in `statuses`."""

    def __init__(self, statuses: list[int]) -> None:
        self.statuses = statuses
        self.received: list[dict] = []
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                hook.received.append({"path": self.path, "body": body, "type": self.headers["Content-Type"],
                                      "auth": self.headers["Authorization"]})
                status = hook.statuses[min(len(hook.received), len(hook.statuses)) - 1]
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook/{TOKEN}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hook_factory() -> Iterator:
    hooks: list[Hook] = []

    def make(statuses: list[int]) -> Hook:
        hooks.append(Hook(statuses))
        return hooks[-1]

    yield make
    for hook in hooks:
        hook.close()


def write_config(home: Path, extra: str = "") -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(f'[sweep]\npolicy = "{POLICY}"\n\n[alerts]\nwebhook_retries = 2\n'
                                      f"webhook_backoff_seconds = 0.05\n{extra}")


# --- end to end, real sweeps ----------------------------------------------------------------------
@pytest.mark.browser
def test_webhook_alert_arrives_and_a_failing_one_is_retried_reported_and_never_loses_the_sweep(
        tmp_path: Path, hook_factory) -> None:
    good, bad = hook_factory([200]), hook_factory([500])
    home = tmp_path / "home"
    write_config(home)
    assert run_cli("accounts", "add", "li", "--platform", "linkedin", "--sandbox", "default", home=home).returncode == 0
    result = run_cli("sweep", "--notify", f"webhook:{good.url}", "--notify", f"webhook:{bad.url}",
                     "--format", "json", home=home)
    assert result.returncode == 1, result.stderr  # the judgement's exit code, whatever the alerts did
    # the good webhook got one JSON POST with the new FAIL and a deep link to fix it
    assert len(good.received) == 1 and good.received[0]["type"] == "application/json"
    alert = json.loads(good.received[0]["body"])
    assert alert["sweep_id"] == 1 and alert["headline"].startswith("privacyguard: 1 new FAIL")
    assert [(f["setting"], f["actual"], f["fix_url"]) for f in alert["new_fails"]] == [
        ("linkedin.generative_ai_data", "on",
         "https://www.linkedin.com/mypreferences/d/settings/data-for-ai-improvement")]
    # the failing one was tried 1 + 2 retries times, reported on stderr, without its token
    assert len(bad.received) == 3
    assert "alert to webhook:http://127.0.0.1" in result.stderr
    assert "failed after 3 attempt(s): HTTP 500" in result.stderr
    assert TOKEN not in result.stderr and TOKEN not in result.stdout
    # the sweep is kept, with both outcomes in its record (redacted)
    report = json.loads(result.stdout)
    assert [(a["ok"], a["attempts"]) for a in report["sweep"]["alerts"]] == [(True, 1), (False, 3)]
    with sqlite3.connect(home / "history.sqlite3") as db:
        rows = db.execute("SELECT target, ok, attempts, error FROM alerts").fetchall()
        assert db.execute("SELECT count(*) FROM sweeps").fetchone()[0] == 1
    assert [(ok, attempts) for _, ok, attempts, _ in rows] == [(1, 1), (0, 3)]
    assert all(TOKEN not in str(row) for row in rows)
    listed = json.loads(run_cli("history", "--format", "json", home=home).stdout)
    assert listed[0]["alerts_failed"] == 1
    # alerts carry no secret and nothing from the pages beyond values
    body = good.received[0]["body"].decode()
    assert TOKEN not in body and "evidence" not in body and "cookie" not in body.lower()


# --- in-process sweeps with a stand-in collector (no browser) ---------------------------------------
def collector_from(*accounts) -> object:
    def collect(targets: list[Target], on_progress: object) -> Snapshot:
        return Snapshot(accounts=[a for a in accounts if any(t.account == a.account for t in targets)])
    return collect


@pytest.fixture
def registered(pg_home: Path, catalogue: Catalogue) -> Path:
    add_account(Account(name="li", platform="linkedin", sandbox="default"), catalogue)
    return pg_home


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return "250 OK"


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_email_alert_arrives_at_a_local_smtp_server_with_the_keyring_password(
        registered: Path, memory_keyring, monkeypatch: pytest.MonkeyPatch) -> None:
    logins: list[tuple[bytes, bytes]] = []

    def authenticator(server, session, envelope, mechanism, auth_data) -> AuthResult:
        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == SMTP_PASSWORD.encode())

    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, authenticator=authenticator,
                            auth_required=True, auth_require_tls=False)
    controller.start()
    try:
        write_config(registered, f'\n[smtp]\nhost = "127.0.0.1"\nport = {port}\nuser = "me@example.org"\n'
                                 'from = "privacyguard@example.org"\nstarttls = false\n')
        # the password goes into the keyring from standard input, never into the file
        monkeypatch.setattr(sys, "stdin", io.StringIO(SMTP_PASSWORD + "\n"))
        with pytest.raises(SystemExit) as stored:
            main(["config", "set-smtp-password"])
        assert stored.value.code == 0
        assert memory_keyring.store == {("privacyguard", "smtp:me@example.org@127.0.0.1"): SMTP_PASSWORD}
        assert SMTP_PASSWORD not in (registered / "config.toml").read_text()
        result = run_sweep(SweepRequest(notify=["email:owner@example.org"]),
                           collector=collector_from(linkedin("li", ai="on")))
    finally:
        controller.stop()
    assert [o.ok for o in result.alerts] == [True], result.alerts
    assert logins == [(b"me@example.org", SMTP_PASSWORD.encode())]
    (sender, recipients, raw), = inbox.messages
    assert (sender, recipients) == ("privacyguard@example.org", ["owner@example.org"])
    message = message_from_bytes(raw)
    assert message["Subject"] == "privacyguard: 1 new FAIL"
    text = message.get_payload(decode=True).decode()
    assert "Data for Generative AI Improvement is On, should be Off" in text  # labels, as the reports show them
    assert "https://www.linkedin.com/mypreferences/d/settings/data-for-ai-improvement" in text
    assert SMTP_PASSWORD not in raw.decode()


def test_email_without_a_stored_password_fails_clearly_and_keeps_the_sweep(registered: Path) -> None:
    write_config(registered, '\n[smtp]\nhost = "127.0.0.1"\nport = 9\nuser = "me@example.org"\n')
    result = run_sweep(SweepRequest(notify=["email:owner@example.org"]),
                       collector=collector_from(linkedin("li", ai="on")))
    assert [o.ok for o in result.alerts] == [False]
    assert "set-smtp-password" in result.alerts[0].error
    with History() as history:
        assert history.sweep(result.sweep_id).alerts[0].ok is False


def test_no_alert_when_nothing_is_new(registered: Path, hook_factory) -> None:
    hook = hook_factory([200])
    write_config(registered)
    first = run_sweep(SweepRequest(notify=[f"webhook:{hook.url}"]), collector=collector_from(linkedin("li", ai="on")))
    second = run_sweep(SweepRequest(notify=[f"webhook:{hook.url}"]), collector=collector_from(linkedin("li", ai="on")))
    third = run_sweep(SweepRequest(notify=[f"webhook:{hook.url}"]), collector=collector_from(linkedin("li", ai="off")))
    assert (first.alerted, second.alerted, third.alerted) == (True, False, True)
    assert [json.loads(r["body"])["headline"] for r in hook.received] == [
        "privacyguard: 1 new FAIL", "privacyguard: 2 changes since the last sweep"]


def test_configured_targets_are_used_when_none_are_given(registered: Path, hook_factory) -> None:
    hook = hook_factory([200])
    write_config(registered)
    config = (registered / "config.toml").read_text()
    config = config.replace("[alerts]\n", f'[alerts]\nnotify = ["webhook:{hook.url}"]\n')
    (registered / "config.toml").write_text(config)
    result = run_sweep(SweepRequest(), collector=collector_from(linkedin("li", ai="on")))
    assert result.alerted and len(hook.received) == 1
    quiet = run_sweep(SweepRequest(notify=[]), collector=collector_from(linkedin("li", ai="off")))
    assert not quiet.alerted and len(hook.received) == 1


def test_desktop_notification_through_notify_send(registered: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    bin_dir, log = tmp_path / "bin", tmp_path / "notify.log"
    bin_dir.mkdir()
    fake = bin_dir / "notify-send"
    fake.write_text(f"#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > {log}\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
    monkeypatch.setattr("privacyguard.alerts.desktop.platform.system", lambda: "Linux")
    write_config(registered)
    result = run_sweep(SweepRequest(notify=["desktop"]), collector=collector_from(linkedin("li", ai="on")))
    assert [o.ok for o in result.alerts] == [True]
    shown = log.read_text().splitlines()
    assert shown[:2] == ["--app-name=privacyguard", "privacyguard: 1 new FAIL"]
    assert "Data for Generative AI Improvement" in "\n".join(shown[2:])


def test_desktop_commands_per_os_and_where_there_is_none() -> None:
    def which(name: str) -> str | None:
        return f"/usr/bin/{name}" if name in ("osascript", "powershell", "notify-send") else None

    mac = desktop_command("Title", 'Body "quoted"', "Darwin", which)
    assert mac[0] == "/usr/bin/osascript" and mac[-2:] == ["Title", 'Body "quoted"']  # data as arguments, no quoting
    windows = desktop_command("Title", "Body", "Windows", which)
    assert windows[0] == "/usr/bin/powershell" and "ToastNotificationManager" in windows[4]
    assert desktop_command("T", "B", "Linux", which)[0] == "/usr/bin/notify-send"
    notifier = DesktopNotifier(system="Linux", which=lambda name: None)
    from privacyguard.alerts.payload import Alert

    outcome = notifier.send(Alert(sweep_id=1, started_at="2026-11-26T00:00:00Z", headline="h", exit_code=1, summary={}))
    assert not outcome.ok and "no desktop notifications" in outcome.error
    calls = []
    runner = DesktopNotifier(system="Linux", which=which,
                             runner=lambda cmd, **kw: calls.append(cmd) or type("R", (), {"returncode": 1,
                                                                                          "stderr": "no bus"})())
    outcome = runner.send(Alert(sweep_id=1, started_at="2026-11-26T00:00:00Z", headline="h", exit_code=1, summary={}))
    assert not outcome.ok and "exited with 1: no bus" in outcome.error and calls


def test_webhook_backoff_and_no_retry_on_a_client_error(hook_factory) -> None:
    from privacyguard.alerts.payload import Alert

    alert = Alert(sweep_id=1, started_at="2026-11-26T00:00:00Z", headline="h", exit_code=1, summary={})
    flaky = hook_factory([503, 502, 200])
    sleeps: list[float] = []
    outcome = WebhookNotifier(flaky.url, retries=3, backoff_seconds=0.5, sleep=sleeps.append).send(alert)
    assert (outcome.ok, outcome.attempts, sleeps) == (True, 3, [0.5, 1.0])
    assert outcome.target == f"webhook:http://127.0.0.1:{flaky.server.server_port}/…"
    refused = hook_factory([404])
    outcome = WebhookNotifier(refused.url, retries=3, backoff_seconds=0, sleep=sleeps.append).send(alert)
    assert (outcome.ok, outcome.attempts, outcome.error) == (False, 1, "HTTP 404")
    port = free_port()  # nobody listens there
    outcome = WebhookNotifier(f"http://127.0.0.1:{port}/x/{TOKEN}", retries=1, backoff_seconds=0,
                              sleep=lambda s: None).send(alert)
    assert not outcome.ok and outcome.attempts == 2 and TOKEN not in (outcome.error or "")


def test_a_crashing_notifier_never_loses_the_sweep(registered: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_config(registered)

    def explode(self, alert):
        raise RuntimeError("bug")

    monkeypatch.setattr(DesktopNotifier, "send", explode)
    result = run_sweep(SweepRequest(notify=["desktop"]), collector=collector_from(linkedin("li", ai="on")))
    assert [(o.ok, o.error) for o in result.alerts] == [(False, "RuntimeError")]
    with History() as history:
        assert history.latest_id() == result.sweep_id
    assert load_config().alerts.webhook_retries == 2


def test_a_webhook_url_with_user_and_password_is_delivered_with_basic_auth(hook_factory) -> None:
    """Issue 13 item 15: user:pw@ in the URL used to fail with 'Name or service not known'."""
    from privacyguard.alerts.payload import Alert

    alert = Alert(sweep_id=1, started_at="2026-11-26T00:00:00Z", headline="h", exit_code=1, summary={})
    hook = hook_factory([200])
    url = hook.url.replace("http://", "http://al%40ice:pa%3Ass@")
    outcome = WebhookNotifier(url, retries=0).send(alert)
    assert outcome.ok and outcome.attempts == 1, outcome.error
    (received,) = hook.received
    assert received["path"] == f"/hook/{TOKEN}"
    assert received["auth"] == "Basic " + base64.b64encode(b"al@ice:pa:ss").decode()
    assert "pa" not in outcome.target and "ice" not in outcome.target
