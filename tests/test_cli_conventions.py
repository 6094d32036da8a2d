"""The conventions gh, trivy and pip-audit users expect: --version, -v/-q backed by logging, help once
and readable, --format json on the listings, --platform in any case, config.toml in the user
config folder, every problem of a policy file at once, secrets asked for only when they can be used."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from conftest import REPO, run_cli


def test_version_is_the_package_version() -> None:
    wanted = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]
    done = run_cli("--version", home=Path("/nonexistent-never-created"))
    assert done.returncode == 0 and done.stdout.strip() == f"privacyguard {wanted}"


@pytest.mark.parametrize("args", [(), ("audit",), ("history", "--help")])
def test_help_is_printed_once_with_readable_metavars(args: tuple[str, ...], pg_home: Path) -> None:
    done = run_cli(*args, home=pg_home)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("Usage:") == 1, done.stdout


@pytest.mark.parametrize("command", [("scan",), ("fix",), ("sweep",), ("schedule", "install"), ("accounts", "add")])
def test_help_shows_no_python_types_and_keeps_square_brackets(command: tuple[str, ...], pg_home: Path) -> None:
    text = run_cli(*command, "--help", home=pg_home).stdout
    for python_type in ("<list[str]>", "<bool>", "<str>", "<path>", "<int>"):
        assert python_type not in text
    if command in (("sweep",), ("schedule", "install")):
        assert "[alerts] notify" in " ".join(text.split())  # Rich took it for markup before


def test_root_verbose_and_debug_env_show_log_records_quiet_silences_notes(pg_home: Path, tmp_path: Path) -> None:
    plain = run_cli("catalog", "--format", "json", home=pg_home)
    assert plain.stderr == ""
    loud = run_cli("-vv", "catalog", "--format", "json", home=pg_home)
    debug_env = run_cli("catalog", "--format", "json", home=pg_home, env={"PRIVACYGUARD_DEBUG": "1"})
    for done in (loud, debug_env):
        assert "DEBUG" in done.stderr and "flow file(s) loaded" in " ".join(done.stderr.split())
        assert json.loads(done.stdout)  # the log never mixes into the JSON on stdout
    policy = tmp_path / "bad.yaml"
    policy.write_text("name: [unclosed\n")
    quiet = run_cli("-q", "policy", "validate", str(policy), home=pg_home)
    assert quiet.returncode == 3 and "bad.yaml:1" in quiet.stderr  # errors are still said


@pytest.mark.parametrize("command", [("accounts", "list"), ("sandbox", "list"), ("policy", "list"), ("config", "show"),
                                     ("schedule", "status"), ("doctor",)])
def test_format_json_on_the_listings(command: tuple[str, ...], pg_home: Path) -> None:
    assert run_cli("accounts", "add", "li", "--platform", "LinkedIn", "--sandbox", "default",
                   home=pg_home).returncode == 0
    done = run_cli(*command, "--format", "json", home=pg_home)
    data = json.loads(done.stdout)
    if command == ("accounts", "list"):
        assert data[0]["name"] == "li" and data[0]["platform"] == "linkedin"  # --platform LinkedIn accepted
    elif command == ("sandbox", "list"):
        assert any(d["platform"] == "linkedin" and d["variant"] == "default" and d["description"] for d in data)
    elif command == ("policy", "list"):
        assert [p["name"] for p in data] == ["recommended", "strict"] and data[1]["extends"] == ["recommended"]
    elif command == ("config", "show"):
        assert data["sweep"]["policy"] == "recommended" and data["exists"] is False
    elif command == ("schedule", "status"):
        assert data["installed"] is False and done.returncode == 1
    else:
        assert {c["check"] for c in data} >= {"browser", "home"}


def test_platform_is_case_insensitive(pg_home: Path) -> None:
    done = run_cli("catalog", "--platform", "LinkedIn", "--format", "json", home=pg_home)
    settings = json.loads(done.stdout)["settings"]
    assert done.returncode == 0 and settings and all(s["id"].startswith("linkedin.") for s in settings)


def test_config_lives_in_the_user_config_folder_and_the_old_place_is_still_read(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PRIVACYGUARD_HOME"}
    env.update(XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_DATA_HOME=str(tmp_path / "data"), HOME=str(tmp_path))

    def config(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "privacyguard", "config", *args], capture_output=True,
                              text=True, env=env, timeout=120, check=False)

    new = tmp_path / "config" / "privacyguard" / "config.toml"
    old = tmp_path / "data" / "privacyguard" / "config.toml"
    assert config("path").stdout.strip() == str(new)
    old.parent.mkdir(parents=True, exist_ok=True)
    old.write_text('[sweep]\npolicy = "strict"\n')
    assert config("path").stdout.strip() == str(old)  # an existing file in the old place is kept in use
    assert json.loads(config("show", "--format", "json").stdout)["sweep"]["policy"] == "strict"
    new.parent.mkdir(parents=True, exist_ok=True)
    new.write_text('[sweep]\nlang = "nl"\n')
    shown = json.loads(config("show", "--format", "json").stdout)
    assert shown["path"] == str(new) and shown["sweep"]["lang"] == "nl" and shown["sweep"]["policy"] == "recommended"


def test_policy_validate_reports_every_problem(tmp_path: Path, pg_home: Path) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text("name: bad\nrules:\n"
                      "  linkedin.nosuch: {expect: \"off\"}\n"
                      "  linkedin.generative_ai_data: {expect: maybe}\n"
                      "  facebook.search_engines: {expect: \"off\", level: sometimes}\n"
                      "  facebook.lookup_by_email: {expect: friends, severity: huge}\n")
    done = run_cli("policy", "validate", str(policy), home=pg_home)
    assert done.returncode == 3
    lines = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert [line.split(":")[2] for line in lines] == ["3", "4", "5", "6"], done.stderr
    assert "linkedin.nosuch" in lines[0] and "'maybe'" in lines[1] and "level" in lines[2] and "severity" in lines[3]
    assert "4 problems" in done.stderr


def test_accounts_update_of_an_unknown_account_asks_for_nothing(pg_home: Path) -> None:
    done = run_cli("accounts", "update", "nosuch", "--ask-password", home=pg_home, stdin="secret\nsecret\n")
    assert done.returncode == 3
    assert "no account 'nosuch'" in done.stderr and "Password" not in done.stderr
