"""config.toml: the documented example loads; a malformed file is exit 3 naming file and line; the SMTP
password lives in the keyring only."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from conftest import REPO, run_cli
from privacyguard.cli import main
from privacyguard.config import load_config
from privacyguard.errors import ConfigError


def test_the_documented_example_loads() -> None:
    config = load_config(REPO / "docs" / "examples" / "config.toml")
    assert config.sweep.policy == "recommended"
    assert config.alerts.notify == ["webhook:https://hooks.example.org/privacyguard", "email:me@example.org", "desktop"]
    assert config.smtp is not None and (config.smtp.host, config.smtp.port, config.smtp.starttls) == (
        "smtp.example.org", 587, True)
    assert config.smtp.from_address == "privacyguard@example.org"
    assert "(examples/config.toml)" in (REPO / "docs" / "config.md").read_text()


def test_no_file_means_defaults(pg_home: Path) -> None:
    config = load_config()
    assert config.path is None and config.sweep.policy == "recommended" and config.alerts.notify == []


@pytest.mark.parametrize(("text", "line", "problem"), [
    ('[sweep]\npolicy = "strict"\n\n[alerts]\nwebhook_retries = "many"\n', 5, "alerts.webhook_retries"),
    ('[sweep]\npolicy = "strict\n', 2, "invalid TOML"),
    ('[smtp]\nport = 25\n', 1, "smtp.host: Field required"),
    ('[smtp]\nhost = "mail"\nuser = "me"\npassword = "hunter2"\n', 4, "never put the SMTP password in this file"),
    ('[sweep]\npolicyy = "strict"\n', 2, "sweep.policyy: Extra inputs are not permitted"),
    ('[alerts]\nnotify = "desktop"\n', 2, "alerts.notify"),
])
def test_a_malformed_config_names_file_and_line(pg_home: Path, text: str, line: int, problem: str) -> None:
    pg_home.mkdir(parents=True, exist_ok=True)
    path = pg_home / "config.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_config()
    assert caught.value.line == line and problem in str(caught.value)
    assert "hunter2" not in str(caught.value)


def test_a_malformed_config_is_exit_3_for_the_commands_that_read_it(pg_home: Path) -> None:
    pg_home.mkdir(parents=True, exist_ok=True)
    (pg_home / "config.toml").write_text('[alerts]\nwebhook_retries = -1\n')
    for args in (["sweep"], ["config", "show"], ["schedule", "install", "--backend", "cron"]):
        result = run_cli(*args, home=pg_home)
        assert result.returncode == 3, (args, result.stderr)
        assert f"{pg_home / 'config.toml'}:2:" in result.stderr and "Traceback" not in result.stderr


def test_smtp_password_goes_to_the_keyring_from_stdin(pg_home: Path, memory_keyring,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    pg_home.mkdir(parents=True, exist_ok=True)
    (pg_home / "config.toml").write_text('[smtp]\nhost = "mail.example.org"\nuser = "me"\n')
    monkeypatch.setattr(sys, "stdin", io.StringIO("pa55word\n"))
    with pytest.raises(SystemExit) as done:
        main(["config", "set-smtp-password"])
    assert done.value.code == 0
    assert memory_keyring.store == {("privacyguard", "smtp:me@mail.example.org"): "pa55word"}
    with pytest.raises(SystemExit):
        main(["config", "show"])
    shown = capsys.readouterr()
    assert "stored in the keyring" in shown.out and "pa55word" not in shown.out + shown.err
    assert "pa55word" not in "".join(p.read_text(errors="ignore") for p in pg_home.rglob("*") if p.is_file())
    with pytest.raises(SystemExit):
        main(["config", "delete-smtp-password"])
    assert memory_keyring.store == {}


def test_setting_a_password_without_an_smtp_user_is_bad_input(pg_home: Path) -> None:
    result = run_cli("config", "set-smtp-password", home=pg_home, stdin="x\n")
    assert result.returncode == 3 and "set [smtp] host and user first" in result.stderr


# --- issue 13: every secret through the same keyring check; webhook URLs never shown whole ----------
def _smtp_config(home: Path, extra: str = "") -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(f'[smtp]\nhost = "mail.example.org"\nuser = "me"\n{extra}')


def test_set_smtp_password_refuses_a_plaintext_keyring_as_accounts_add_does(
        pg_home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import keyring

    from conftest import MemoryKeyring

    class PlaintextKeyring(MemoryKeyring):
        pass

    PlaintextKeyring.__module__ = "keyrings.alt.file"
    PlaintextKeyring.__qualname__ = "PlaintextKeyring"
    plain = PlaintextKeyring()
    keyring.set_keyring(plain)
    _smtp_config(pg_home)
    monkeypatch.setattr(sys, "stdin", io.StringIO("pa55word\n"))
    with pytest.raises(SystemExit) as done:
        main(["config", "set-smtp-password"])
    shown = capsys.readouterr()
    assert done.value.code == 2 and "plain-text file" in shown.err and "stored in the keyring" not in shown.err
    assert plain.store == {}


def test_set_smtp_password_without_any_keyring_is_a_clear_exit_2(pg_home: Path) -> None:
    _smtp_config(pg_home)
    result = run_cli("config", "set-smtp-password", home=pg_home, stdin="pa55word\n",
                     env={"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"})
    assert result.returncode == 2, result.stderr
    assert "no usable keyring" in result.stderr and "NoKeyringError" not in result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr


def test_config_show_of_the_documented_example_without_a_keyring_does_not_crash(pg_home: Path) -> None:
    """Issue 12 item 4 / issue 13 item 4: it said 'internal error: NoKeyringError'."""
    pg_home.mkdir(parents=True, exist_ok=True)
    (pg_home / "config.toml").write_text((REPO / "docs" / "examples" / "config.toml").read_text())
    result = run_cli("config", "show", home=pg_home, env={"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"})
    assert result.returncode == 0, result.stderr
    assert "password: cannot tell: no usable keyring" in result.stdout


def test_config_show_redacts_webhook_urls(pg_home: Path) -> None:
    pg_home.mkdir(parents=True, exist_ok=True)
    (pg_home / "config.toml").write_text(
        '[alerts]\nnotify = ["webhook:https://u:SeCrEt@hooks.example.org/p/TOKEN123?k=QUERYKEY", "desktop"]\n')
    result = run_cli("config", "show", home=pg_home)
    assert result.returncode == 0, result.stderr
    assert "webhook:https://hooks.example.org/…" in result.stdout and "desktop" in result.stdout
    for secret in ("SeCrEt", "TOKEN123", "QUERYKEY", "u:"):
        assert secret not in result.stdout + result.stderr


@pytest.mark.parametrize(("text", "line", "problem"), [
    ('[sweep]\nlang = "de"\n', 2, "sweep.lang: 'de' is not a language"),
    ('[alerts]\nnotify = ["ftp://x"]\n', 2, "alerts.notify: 'ftp://x': use webhook:URL"),
    ('[alerts]\n\nnotify = ["desktop", "webhook:file:///etc/passwd"]\n', 3, "a webhook needs an http:// or https://"),
    ('[alerts]\nnotify = ["email:nobody"]\n', 2, "not an e-mail address"),
    ('[sweep]\npolicy = "no-such-policy.yaml"\n', 2, "sweep.policy: 'no-such-policy.yaml' is neither a built-in"),
    ('[sweep]\naccounts = ["ghost"]\n', 2, "sweep.accounts: no registered account 'ghost'"),
])
def test_values_are_checked_at_load_naming_file_line_and_key(pg_home: Path, text: str, line: int,
                                                             problem: str) -> None:
    pg_home.mkdir(parents=True, exist_ok=True)
    (pg_home / "config.toml").write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_config()
    assert caught.value.line == line and problem in str(caught.value), str(caught.value)
    assert str(pg_home / "config.toml") in str(caught.value)


def test_config_show_and_sweep_name_config_toml_and_its_line_and_never_a_notify_not_given(pg_home: Path) -> None:
    pg_home.mkdir(parents=True, exist_ok=True)
    (pg_home / "config.toml").write_text('[sweep]\npolicy = "recommended"\n\n[alerts]\nnotify = ["ftp://x"]\n')
    for args in (["config", "show"], ["sweep"]):
        result = run_cli(*args, home=pg_home)
        said = " ".join(result.stderr.split())
        assert result.returncode == 3 and f"{pg_home / 'config.toml'}:5: alerts.notify" in said, (args, said)
        assert "--notify" not in said and "Traceback" not in said


def test_a_config_toml_that_is_a_folder_is_an_error_not_no_config(pg_home: Path) -> None:
    (pg_home / "config.toml").mkdir(parents=True)
    result = run_cli("config", "show", home=pg_home)
    assert result.returncode == 3 and "config.toml: is a folder" in result.stderr
