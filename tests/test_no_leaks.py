"""No secret leaves the keyring: after signing in with a known password and TOTP secret, scanning and
writing every report format, nothing privacyguard wrote or printed contains the password, the TOTP
secret or the session cookie value. privacyguard writes no browser trace or screenshot; the whole
home folder (registry, sandbox state, sessions, the sweep history's SQLite database, anything else
later branches add) is searched byte for byte all the same."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from conftest import run_cli
from file_keyring import cli_env
from privacyguard.history import history_path
from privacyguard.reports import FORMATS

pytestmark = pytest.mark.browser

PASSWORD = "Leak-canary pässword 8c1f"
TOTP = "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU"


def _decrypt_session(home: Path, keyring_file: Path, account: str) -> dict:
    key = json.loads(keyring_file.read_text())[f"privacyguard\t{account}/session-key"]
    raw = (home / "sessions" / f"{account}.bin").read_bytes()
    with pytest.raises(json.JSONDecodeError):
        json.loads(raw)  # the file on disk is not the plain storage state
    return json.loads(Fernet(key.encode()).decrypt(raw))["state"]


def test_nothing_written_or_printed_holds_a_secret(pg_home: Path, tmp_path: Path) -> None:
    keyring_file = tmp_path / "keyring.json"
    env = cli_env(keyring_file)
    out = tmp_path / "out"
    outputs: list[str] = []

    def cli(*args: str, stdin: str | None = None) -> str:
        result = run_cli(*args, home=pg_home, stdin=stdin, env=env)
        outputs.extend([result.stdout, result.stderr])
        assert "Traceback" not in result.stderr, result.stderr
        assert result.returncode in (0, 1) or args[0] == "scan", (args, result.returncode, result.stderr)
        return result.stdout

    cli("accounts", "add", "li", "--platform", "linkedin", "--sandbox", "signin-two-step", "--username",
        "me@example.org", "--password-stdin", "--totp-stdin", stdin=f"{PASSWORD}\n{TOTP}\n")
    cli("accounts", "add", "fb", "--platform", "facebook", "--sandbox", "signin-cookie-consent", "--username",
        "me@example.org", "--password-stdin", stdin=f"{PASSWORD}\n")
    report = json.loads(cli("scan", "--format", "json", "--save-snapshot", str(out / "snapshot.json")))
    assert {a["account"]: a["error"] for a in report["accounts"]} == {"li": None, "fb": None}, [
        a["error"] for a in report["accounts"]]
    for fmt in FORMATS:  # every format there is, whichever branches added them
        cli("evaluate", str(out / "snapshot.json"), "--format", fmt, "--output", str(out / f"report.{fmt}"))
    # a sweep: saved sessions this time, and the history database under the home
    cli("sweep", "--format", "json", "--output", str(out / "sweep.json"))
    cli("accounts", "list")
    cli("doctor")

    cookies = {c["value"] for account in ("li", "fb") for c in _decrypt_session(pg_home, keyring_file, account)
               ["cookies"] if c["name"] in ("li_at", "c_user")}
    assert len(cookies) == 2 and all(len(c) >= 16 for c in cookies)
    canaries = {PASSWORD, TOTP, TOTP.lower(), *cookies}
    written = [p for root in (pg_home, out) for p in root.rglob("*") if p.is_file()]
    assert any(p.suffix == ".bin" for p in written) and len(list(out.iterdir())) >= len(FORMATS) + 2
    assert history_path().is_file() and history_path() in written  # the sweep's SQLite database
    for path in written:
        data = path.read_bytes()
        for canary in canaries:
            assert canary.encode() not in data, f"{canary[:4]}… found in {path}"
    for text in outputs:
        for canary in canaries:
            assert canary not in text, f"{canary[:4]}… found in the output"


@pytest.mark.parametrize(("url", "shown"), [
    ("https://hooks.example.org/services/T0/B0/s3cret?token=abc", "https://hooks.example.org/…"),
    ("https://alice:pa55word@hooks.example.org:8443/", "https://hooks.example.org:8443"),
    ("ws://bob:pa55word@[::1]:3000/0123456789abcdef", "ws://[::1]:3000/…"),
    ("ws://10.0.0.5:3000/", "ws://10.0.0.5:3000"),
])
def test_urls_are_shown_without_paths_queries_or_passwords(url: str, shown: str) -> None:
    from privacyguard.redaction import redact_url

    assert redact_url(url) == shown


def test_a_bad_browser_endpoint_is_reported_without_its_secret_path() -> None:
    from privacyguard.audit.remote import check_endpoint
    from privacyguard.errors import BadInput

    with pytest.raises(BadInput) as raised:
        check_endpoint("http://user:pa55word@10.0.0.5:3000/0123456789abcdef")
    assert "0123456789abcdef" not in str(raised.value) and "pa55word" not in str(raised.value)
    assert "http://10.0.0.5:3000/…" in str(raised.value)
