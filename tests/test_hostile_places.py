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


# --- items 12 and 13: a damaged history, a read-only home ----------------------------------------
def _sweep_once(catalogue) -> int:  # type: ignore[no-untyped-def]
    from privacyguard.snapshot import Snapshot
    from privacyguard.sweep import SweepRequest, run_sweep
    from sweep_helpers import linkedin

    def collect(targets, on_progress):  # type: ignore[no-untyped-def]
        return Snapshot(accounts=[linkedin("li", ai="on")])

    return run_sweep(SweepRequest(notify=[]), collector=collect)


@pytest.fixture
def swept(pg_home: Path, catalogue) -> Path:  # type: ignore[no-untyped-def]
    from privacyguard.accounts import Account, add_account

    add_account(Account(name="li", platform="linkedin", sandbox="default"), catalogue)
    assert _sweep_once(catalogue).sweep_id == 1
    return pg_home


def _damage(path: Path) -> None:
    """Random bytes over every page but the header page, as a bad disk or a stray write would leave."""
    import random

    data = bytearray(path.read_bytes())
    rng = random.Random(3)
    for page in range(1, len(data) // 4096):
        offset = page * 4096 + rng.randrange(0, 4000)
        data[offset:offset + 64] = bytes(rng.randrange(256) for _ in range(64))
    path.write_bytes(bytes(data))


def test_a_damaged_history_is_named_and_the_next_sweep_is_kept_in_a_fresh_one(swept: Path, catalogue) -> None:  # type: ignore[no-untyped-def]
    from privacyguard.history.db import History

    db = swept / "history.sqlite3"
    with History() as history:  # checkpoint the WAL into the file, so the damage hits the sweep's pages
        history.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    _damage(db)
    for args in (["history"], ["history", "show", "1"]):
        result = run_cli(*args, home=swept)
        assert result.returncode == 3, (args, result.stdout, result.stderr)
        assert f"{db}: the history database is damaged" in " ".join(result.stderr.split())
        _clean(result)
    result = _sweep_once(catalogue)
    (moved,) = swept.glob("history.sqlite3.damaged-*")
    assert result.sweep_id == 1 and len(result.notes) == 1
    assert str(db) in result.notes[0] and str(moved) in result.notes[0] and "new history" in result.notes[0]
    with History() as history:
        assert history.latest_id() == 1 and history.sweep(1).runs[0].account == "li"


def test_history_show_of_a_missing_sweep_creates_no_database(pg_home: Path) -> None:
    result = run_cli("history", "show", "999", home=pg_home)
    assert result.returncode == 3 and "no sweep #999" in result.stderr and "no sweeps yet" in result.stderr
    assert run_cli("history", home=pg_home).returncode == 0
    assert not (pg_home / "history.sqlite3").exists()


@pytest.fixture
def read_only(swept: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    """The home made read-only for real: a read-only mount as root (root ignores file modes), else modes."""
    import shutil
    import subprocess

    if os.geteuid() != 0:
        for path in [swept, *swept.rglob("*")]:
            path.chmod(path.stat().st_mode & ~0o222)
        yield swept
        for path in [swept, *swept.rglob("*")]:
            path.chmod(path.stat().st_mode | 0o200)
        return
    mount = tmp_path / "ro"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mount)], check=True)
    try:
        home = mount / "home"
        shutil.copytree(swept, home)
        subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
        yield home
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def test_a_read_only_home_says_what_cannot_be_written_and_where(read_only: Path) -> None:
    home = read_only
    assert not (home / "sessions").exists()
    cases = [(["accounts", "add", "fb", "--platform", "facebook", "--sandbox", "default"],
              f"cannot write the account registry to {home / 'accounts.json'}"),
             (["fix", "--yes"], f"cannot write the fix journal (what undo restores) in {home / 'fixes'}"),
             (["sweep"], f"cannot record sweeps in {home / 'history.sqlite3'}")]
    for args, message in cases:
        result = run_cli(*args, home=home, env={"PRIVACYGUARD_BROWSER": "/bin/false"})  # fails before a browser
        said = " ".join(result.stderr.split())
        assert result.returncode == 2 and message in said, (args, said)
        assert ("read-only" in said or "permission denied" in said), said
        _clean(result)
    listed = run_cli("history", home=home)  # a valid database is read, not called damaged
    assert listed.returncode == 0 and "not a privacyguard history" not in listed.stderr, listed.stderr
    assert run_cli("history", "show", "1", home=home).returncode == 0
    doctor = run_cli("doctor", home=home)  # an account but no sessions/ folder
    _clean(doctor)
    assert "not writable" in doctor.stdout and "account li" in doctor.stdout


# --- item 6: modes under the home, whatever the umask and the home's own mode ----------------------
@pytest.mark.browser
def test_everything_under_the_home_is_private_whatever_the_umask_and_doctor_warns_about_an_open_home(
        pg_home: Path, catalogue) -> None:  # type: ignore[no-untyped-def]
    pg_home.mkdir(mode=0o755)
    pg_home.chmod(0o755)  # an existing home that others may read
    previous = os.umask(0)
    try:
        assert run_cli("accounts", "add", "li", "--platform", "linkedin", "--sandbox", "default",
                       home=pg_home).returncode == 0
        fixed = run_cli("fix", "--yes", "--only", "linkedin.generative_ai_data", home=pg_home)
        assert fixed.returncode == 0, fixed.stderr
        assert _sweep_once(catalogue).sweep_id == 1
    finally:
        os.umask(previous)
    files = [p for p in pg_home.rglob("*") if p.is_file()]
    folders = [p for p in pg_home.rglob("*") if p.is_dir()]
    assert {p.relative_to(pg_home).parts[0] for p in files} >= {"accounts.json", "fixes", "sandbox",
                                                                 "history.sqlite3"}
    assert {str(p.relative_to(pg_home)): oct(p.stat().st_mode & 0o777) for p in files
            if p.stat().st_mode & 0o777 != 0o600} == {}
    assert {str(p.relative_to(pg_home)): oct(p.stat().st_mode & 0o777) for p in folders
            if p.stat().st_mode & 0o777 != 0o700} == {}
    doctor = run_cli("doctor", home=pg_home)
    assert "mode 755 lets others read it" in " ".join(doctor.stdout.split())


def test_a_full_disk_is_named_and_leaves_no_half_written_file(tmp_path: Path) -> None:
    """A real full disk: a small tmpfs as root, else a file-size limit (RLIMIT_FSIZE) on the process."""
    import resource
    import subprocess
    import sys

    if os.geteuid() == 0:
        mount = tmp_path / "full"
        mount.mkdir()
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)], check=True)
        try:
            home = mount / "home"
            home.mkdir()
            with open(mount / "filler", "wb", buffering=0) as filler:  # fill it up
                try:
                    while True:
                        filler.write(b"\0" * 4096)
                except OSError:
                    pass
            result = run_cli("accounts", "add", "li", "--platform", "linkedin", "--sandbox", "default", home=home)
            left = sorted(p.name for p in home.iterdir())
        finally:
            subprocess.run(["umount", str(mount)], check=False)
    else:
        home = tmp_path / "home"
        env = dict(os.environ, PRIVACYGUARD_HOME=str(home))
        done = subprocess.run([sys.executable, "-m", "privacyguard", "accounts", "add", "li", "--platform", "linkedin",
                               "--sandbox", "default"], capture_output=True, text=True, env=env, check=False,
                              preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (64, 64)))
        result, left = done, sorted(p.name for p in home.iterdir())
    said = " ".join(result.stderr.split())
    assert result.returncode == 2 and f"cannot write the account registry to {home / 'accounts.json'}" in said, said
    assert "disk is full" in said
    _clean(result)
    assert left == []  # no accounts.json, no temporary file
