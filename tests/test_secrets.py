"""Secrets only in the keyring; sessions encrypted at rest; accounts commands that never take a secret
as an argument. No browser here."""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

import keyring
import pyotp
import pytest
from keyring.backends import fail, null

from conftest import MemoryKeyring, run_cli
from file_keyring import cli_env
from privacyguard import credentials, secrets, sessions
from privacyguard.accounts import Account, get_account, list_accounts
from privacyguard.catalogue import Catalogue
from privacyguard.errors import BadInput, KeyringUnavailable, SecretError, SessionError

TOTP = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
PASSWORD = "correct horse battery staple"


def test_round_trip_under_the_privacyguard_service(memory_keyring: MemoryKeyring) -> None:
    secrets.set_password("alice", PASSWORD)
    secrets.set_totp("alice", "jbsw y3dp ehpk 3pxp jbsw y3dp ehpk 3pxp")  # spaces and case as apps show it
    assert memory_keyring.store[("privacyguard", "alice/password")] == PASSWORD
    assert secrets.get_totp("alice") == TOTP
    assert secrets.totp_code("alice") == pyotp.TOTP(TOTP).now()
    assert sorted(secrets.delete_all("alice")) == ["password", "totp"]
    assert memory_keyring.store == {}


def test_otpauth_uri_is_accepted_and_keeps_its_parameters() -> None:
    uri = pyotp.TOTP(TOTP, digits=8).provisioning_uri(name="me@example.org", issuer_name="LinkedIn")
    secrets.set_totp("bob", uri)
    assert len(secrets.totp_code("bob") or "") == 8


@pytest.mark.parametrize("bad", ["123", "not base32 at all!!!!!", "otpauth://hotp/x?secret=" + TOTP + "&counter=1"])
def test_a_bad_totp_secret_is_refused_without_quoting_it(bad: str) -> None:
    with pytest.raises(SecretError) as caught:
        secrets.set_totp("carol", bad)
    assert bad not in str(caught.value)


@pytest.mark.parametrize("backend", [fail.Keyring(), null.Keyring()])
def test_no_usable_keyring_says_how_to_get_one_and_never_falls_back(backend: object, pg_home: Path) -> None:
    keyring.set_keyring(backend)
    with pytest.raises(KeyringUnavailable) as caught:
        secrets.set_password("dave", PASSWORD)
    message = str(caught.value)
    assert "no usable keyring" in message and "gnome-keyring" in message and "never in a plain file" in message
    assert not any(PASSWORD in p.read_text(errors="ignore") for p in pg_home.rglob("*") if p.is_file())


def test_a_plaintext_keyring_is_refused() -> None:
    class PlaintextKeyring(MemoryKeyring):
        pass

    PlaintextKeyring.__module__ = "keyrings.alt.file"
    PlaintextKeyring.__qualname__ = "PlaintextKeyring"
    keyring.set_keyring(PlaintextKeyring())
    assert not secrets.backend_status().usable
    with pytest.raises(KeyringUnavailable, match="plain-text file"):
        secrets.set_password("erin", PASSWORD)


def test_stdin_secrets_one_per_line() -> None:
    assert secrets.read_stdin_secrets(f"{PASSWORD}\n{TOTP}\n", True, True) == (PASSWORD, TOTP)
    assert secrets.read_stdin_secrets(f"{PASSWORD}\n", True, False) == (PASSWORD, None)
    assert secrets.read_stdin_secrets(f"{TOTP}\n", False, True) == (None, TOTP)
    with pytest.raises(SecretError, match="the password and the TOTP secret"):
        secrets.read_stdin_secrets(f"{PASSWORD}\n", True, True)


def test_session_is_encrypted_0600_and_needs_its_key(pg_home: Path, memory_keyring: MemoryKeyring) -> None:
    state = {"cookies": [{"name": "li_at", "value": "cookie-value-1234567890", "domain": ".linkedin.com",
                          "path": "/", "expires": -1, "httpOnly": True, "secure": True, "sameSite": "Lax"}],
             "origins": []}
    path = sessions.save_session("frank", state)
    raw = path.read_bytes()
    assert path.parent == pg_home / "sessions"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
    assert b"cookie-value" not in raw and b"li_at" not in raw
    with pytest.raises(json.JSONDecodeError):
        json.loads(raw)
    assert sessions.load_session("frank") == state
    del memory_keyring.store[("privacyguard", "frank/session-key")]
    with pytest.raises(SessionError, match="run privacyguard login frank"):
        sessions.load_session("frank")
    secrets.set_session_key("frank", "x" * 43 + "=")  # another (well-formed) key
    with pytest.raises(SessionError, match="damaged or was encrypted with another key"):
        sessions.load_session("frank")


def test_register_update_and_forget(catalogue: Catalogue, memory_keyring: MemoryKeyring) -> None:
    with pytest.raises(BadInput, match="--username"):
        credentials.register(Account(name="real", platform="linkedin"), catalogue, PASSWORD)
    assert memory_keyring.store == {} and list_accounts() == []
    account = credentials.register(Account(name="real", platform="linkedin", username="me@example.org"),
                                   catalogue, PASSWORD, TOTP)
    assert account.has_password and account.has_totp
    registry_text = (Path(os.environ["PRIVACYGUARD_HOME"]) / "accounts.json").read_text()
    assert PASSWORD not in registry_text and TOTP not in registry_text
    sessions.save_session("real", {"cookies": [], "origins": []})
    credentials.update("real", forget_totp=True)
    assert not get_account("real").has_totp and ("privacyguard", "real/totp") not in memory_keyring.store
    gone = credentials.forget("real")
    assert gone.session_removed and sorted(gone.secrets_removed) == ["password", "session-key"]
    assert memory_keyring.store == {} and not sessions.has_session("real")


def test_a_failing_keyring_registers_nothing(catalogue: Catalogue) -> None:
    keyring.set_keyring(fail.Keyring())
    with pytest.raises(KeyringUnavailable):
        credentials.register(Account(name="x", platform="facebook", username="u"), catalogue, PASSWORD)
    assert list_accounts() == []
    # an account without secrets needs no keyring at all
    credentials.register(Account(name="y", platform="facebook"), catalogue)
    assert [a.name for a in list_accounts()] == ["y"]
    assert credentials.forget("y").keyring_problem is None


# --- the command line ---------------------------------------------------------------------------------
def test_cli_reads_secrets_from_stdin_only(pg_home: Path, tmp_path: Path) -> None:
    env = cli_env(tmp_path / "keyring.json")
    added = run_cli("accounts", "add", "work", "--platform", "linkedin", "--username", "me@example.org",
                    "--password-stdin", "--totp-stdin", home=pg_home, stdin=f"{PASSWORD}\n{TOTP}\n", env=env)
    assert added.returncode == 0, added.stderr
    assert "password and two-step secret stored in the keyring" in added.stdout
    stored = json.loads((tmp_path / "keyring.json").read_text())
    assert stored == {"privacyguard\twork/password": PASSWORD, "privacyguard\twork/totp": TOTP}
    listed = run_cli("accounts", "list", home=pg_home, env=env)
    assert "work" in listed.stdout and "keyring" in listed.stdout
    for output in (added.stdout, added.stderr, listed.stdout, listed.stderr):
        assert PASSWORD not in output and TOTP not in output
    # a secret can never be an argument
    refused = run_cli("accounts", "add", "x", "--platform", "linkedin", "--password", PASSWORD, home=pg_home, env=env)
    assert refused.returncode == 3 and "No such option" in refused.stderr
    assert PASSWORD not in refused.stderr
    removed = run_cli("accounts", "remove", "work", home=pg_home, env=env)
    assert removed.returncode == 0 and "keyring entries: password, totp" in removed.stdout
    assert json.loads((tmp_path / "keyring.json").read_text()) == {}


def test_cli_without_a_keyring_explains_and_stores_nothing(pg_home: Path) -> None:
    env = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    result = run_cli("accounts", "add", "work", "--platform", "facebook", "--username", "me@example.org",
                     "--password-stdin", home=pg_home, stdin=PASSWORD + "\n", env=env)
    assert result.returncode == 2
    assert "no usable keyring" in result.stderr and "Traceback" not in result.stderr
    assert PASSWORD not in result.stderr + result.stdout
    assert "work" not in run_cli("accounts", "list", home=pg_home, env=env).stdout
    doctor = run_cli("doctor", home=pg_home, env=env)
    assert "keyring" in doctor.stdout and "not usable" in doctor.stdout and "gnome-keyring" in doctor.stdout


def test_cli_update_needs_an_existing_account_and_a_password_on_stdin(pg_home: Path, tmp_path: Path) -> None:
    env = cli_env(tmp_path / "keyring.json")
    missing = run_cli("accounts", "update", "nobody", "--password-stdin", home=pg_home, stdin="x\n", env=env)
    assert missing.returncode == 3 and "no account 'nobody'" in missing.stderr
    run_cli("accounts", "add", "fb", "--platform", "facebook", home=pg_home, env=env)
    empty = run_cli("accounts", "update", "fb", "--password-stdin", home=pg_home, stdin="", env=env)
    assert empty.returncode == 3 and "expected the password on standard input" in empty.stderr
    no_name = run_cli("accounts", "update", "fb", "--password-stdin", home=pg_home, stdin="pw\n", env=env)
    assert no_name.returncode == 3 and "--username" in no_name.stderr
    ok = run_cli("accounts", "update", "fb", "--username", "me@example.org", "--password-stdin", home=pg_home,
                 stdin="pw\n", env=env)
    assert ok.returncode == 0, ok.stderr


def test_documented_examples_load(tmp_path: Path) -> None:
    from conftest import REPO
    from privacyguard.accounts import Registry
    from privacyguard.sandbox.fixtures import load_variant
    from privacyguard.sandbox.signin import spec_for

    registry = Registry.model_validate_json((REPO / "docs" / "examples" / "accounts.json").read_text())
    assert registry.accounts["staff-fb"].sign_in_paused == "checkpoint on 2026-11-25"
    root = tmp_path / "fixtures"
    for platform in ("linkedin", "facebook"):
        shutil.copytree(REPO / "fixtures" / platform / "default", root / platform / "default")
        shutil.copytree(REPO / "fixtures" / platform / "_shared", root / platform / "_shared")
    shutil.copytree(REPO / "docs" / "examples" / "fixtures-signin-variant", root / "linkedin" / "mine")
    spec = spec_for(load_variant("linkedin", "mine", root))
    assert spec is not None and spec.two_step and spec.challenge == "checkpoint"
    assert spec.submit == "https://www.linkedin.com/checkpoint/lg/login-submit"  # inherited, key by key
