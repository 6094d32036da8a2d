"""Issue 13: unwritable outputs fail before any work, every output is written atomically, a browser
that cannot start is said plainly. Each command runs as a user would, in its own process."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import REPO, run_cli
from privacyguard.errors import BadInput
from privacyguard.files import check_output, write_atomic, write_output

EXAMPLES = REPO / "docs" / "examples"


def _clean(result) -> None:  # type: ignore[no-untyped-def]
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr


# --- item 11: output paths checked before work starts -------------------------------------------
def _bad_outputs(tmp_path: Path) -> list[tuple[list[str], str]]:
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    roster = str(EXAMPLES / "roster.csv")
    return [
        (["scan", "--sandbox", "default", "--output", str(tmp_path)], "--output"),
        (["scan", "--sandbox", "default", "--output", f"{a_file}/x"], "--output"),
        (["scan", "--sandbox", "default", "--save-snapshot", "/proc/x/y"], "--save-snapshot"),
        (["evaluate", str(EXAMPLES / "report.json"), "--output", "/proc/x"], "--output"),
        (["audit", "keygen", "--out", "/proc/k"], "--out"),
        (["audit", "collect", str(tmp_path), "--roster", roster, "--out", str(tmp_path)], "--out"),
        (["audit", "run", roster, "--policy", "recommended", "--out", "/proc/a.json"], "--out"),
        (["sweep", "--output", "/proc/x/r.html"], "--output"),
        (["fix", "--sandbox", "default", "--dry-run", "--output", str(tmp_path)], "--output"),
    ]


def test_an_unwritable_output_is_exit_3_naming_it_before_any_work(pg_home: Path, tmp_path: Path) -> None:
    for args, option in _bad_outputs(tmp_path):
        path = args[args.index(option) + 1]
        result = run_cli(*args, home=pg_home, env={"PRIVACYGUARD_BROWSER": "/bin/false"})  # no browser needed
        assert result.returncode == 3, (args, result.stderr)
        assert f"{option} {path}" in " ".join(result.stderr.split()), (args, result.stderr)
        _clean(result)
    assert not (pg_home / "history.sqlite3").exists()  # the sweep never started
    assert not list(tmp_path.glob(".*probe"))


def test_outputs_are_written_atomically_and_nothing_is_left_on_failure(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out" / "report.html"
    write_output(target, "first")
    assert target.read_text() == "first"

    def broken_write(fd: int, data: object) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "write", broken_write)
    with pytest.raises(BadInput, match="disk is full"):
        write_output(target, "second, half written")
    monkeypatch.undo()
    assert target.read_text() == "first"  # the old file, whole
    assert sorted(p.name for p in target.parent.iterdir()) == ["report.html"]  # no temporary file left
    key = tmp_path / "k"
    write_output(key, "secret", "--out", mode=0o600, exclusive=True)
    with pytest.raises(BadInput, match="already exists"):
        write_output(key, "other", "--out", mode=0o600, exclusive=True)
    assert key.read_text() == "secret" and (key.stat().st_mode & 0o777) == 0o600
    assert check_output(tmp_path / "new" / "deeper" / "x.json") == tmp_path / "new" / "deeper" / "x.json"
    assert not (tmp_path / "new").exists()  # checking creates nothing


def test_private_files_are_0600_and_folders_0700_whatever_the_umask(tmp_path: Path) -> None:
    previous = os.umask(0)
    try:
        write_atomic(tmp_path / "home" / "deep" / "state.json", "{}")
    finally:
        os.umask(previous)
    assert (tmp_path / "home" / "deep" / "state.json").stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "home" / "deep").stat().st_mode & 0o777 == 0o700
    assert (tmp_path / "home").stat().st_mode & 0o777 == 0o700


# --- item 14: a browser that cannot start -------------------------------------------------------
@pytest.mark.browser
def test_a_browser_that_does_not_start_is_said_as_doctor_says_it_exit_2(pg_home: Path, tmp_path: Path) -> None:
    env = {"PRIVACYGUARD_BROWSER": "/bin/false"}
    assert run_cli("accounts", "add", "li", "--platform", "linkedin", "--sandbox", "default",
                   home=pg_home).returncode == 0
    fixed = run_cli("fix", "--yes", "--only", "linkedin.generative_ai_data", home=pg_home)
    assert fixed.returncode == 0, fixed.stderr  # something to undo
    roster, policy = str(EXAMPLES / "roster.csv"), str(EXAMPLES / "policy.yaml")
    commands = [["scan", "--sandbox", "default"], ["sweep"], ["fix", "--yes"], ["undo"],
                ["audit", "run", roster, "--policy", policy, "--out", str(tmp_path / "a.json")],
                ["audit", "submit", "--org-policy", policy, "--who", "me@acme.example", "--out",
                 str(tmp_path / "me.json")]]
    for args in commands:
        result = run_cli(*args, home=pg_home, env=env)
        assert result.returncode == 2, (args, result.stderr)
        assert "found but does not start" in result.stderr and "/bin/false" in result.stderr, (args, result.stderr)
        _clean(result)
    doctor = run_cli("doctor", home=pg_home, env=env)
    assert "found but does not start" in doctor.stdout
