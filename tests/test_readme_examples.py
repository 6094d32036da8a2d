"""Every shell example in README.md and in the docs' quick examples runs as written.

Each document's ```sh blocks are run in order, line by line, in a fresh home and a fresh working
folder (which has the repository's docs/ in it, as when you follow the README from a clone), so an
example that needs set-up must do it visibly first: the example files it names, the account it
scans, the earlier audit round it compares with. Nothing reaches a real platform: simulated
accounts are answered by the sandbox, real ones fail to connect (no network) and show as ERROR.

An example passes when it exits with one of the documented codes 0, 1 or 2 and shows no traceback
and no "internal error"; exit 3 (bad input) means the example itself is wrong. Some examples also
have to show what the text around them promises (CHECKS). Only the development set-up is not run
(`make …`, creating the virtualenv, fetching a browser): `make test` would run this suite again.
"""

from __future__ import annotations

import os
import re
import signal
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import REPO
from file_keyring import cli_env

DOCUMENTS = ["README.md", "docs/accounts.md", "docs/audit.md", "docs/config.md", "docs/fix.md", "docs/history.md",
             "docs/schedule.md"]
DEV_SETUP = re.compile(r"^(make |python3 -m venv |\.venv/bin/python )")
# What the text around an example promises, beyond its exit code: {command fragment: words in its output}.
CHECKS = {
    "scan --account demo": "two_step_required",
    "audit submit": "bundle for me@acme.example written to",  # --who names someone on the roster
    "--previous audit-2026-11.json": "report written to",  # a first round exists to compare with
    "policy validate docs/examples/policy.yaml": "valid",
}
SERVES = "audit browser-server"  # runs until Ctrl-C: started, seen listening, then interrupted
FAKE_CRONTAB = """#!/bin/sh
# The crontab command for `schedule install` in these examples: never the real user's crontab.
if [ "$1" = "-l" ]; then cat "$FAKE_CRON" 2>/dev/null; exit 0; fi
if [ "$1" = "-" ]; then cat > "$FAKE_CRON"; exit 0; fi
exit 1
"""


@dataclass
class Example:
    document: str
    line: int
    command: str


def examples(document: str) -> list[Example]:
    """The commands of a document's ```sh blocks, continuation lines joined, comments and blanks left out."""
    found: list[Example] = []
    in_block, pending, start = False, "", 0
    for number, line in enumerate((REPO / document).read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("```"):
            in_block = line.strip() == "```sh" and not in_block
            continue
        if not in_block or not (pending or line.strip()) or line.lstrip().startswith("#"):
            continue
        start = start or number
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        command = (pending + line).strip()
        pending = ""
        if not DEV_SETUP.match(command):
            found.append(Example(document, start, command))
        start = 0
    return found


def test_the_examples_are_found() -> None:
    readme = [e.command for e in examples("README.md")]
    assert len(readme) > 40 and any(c.startswith("privacyguard audit report") for c in readme)
    assert all(not c.startswith("make ") for c in readme)
    assert any(c.startswith("privacyguard history diff 1 2 ") for c in readme)


def environment(tmp: Path) -> dict[str, str]:
    bin_dir = tmp / "bin"
    bin_dir.mkdir()
    crontab = bin_dir / "crontab"
    crontab.write_text(FAKE_CRONTAB)
    crontab.chmod(crontab.stat().st_mode | stat.S_IEXEC)
    # This machine has no network, so every webhook POST fails; the retries still run, without the
    # 2 s, 4 s, 8 s waits between them (alerts.webhook_backoff_seconds, docs/config.md).
    home = tmp / "home"
    home.mkdir(mode=0o700)
    (home / "config.toml").write_text("[alerts]\nwebhook_backoff_seconds = 0.0\n")
    (home / "config.toml").chmod(0o600)
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}  # login: no window
    env.update(cli_env(tmp / "keyring.json"))
    env.update(PRIVACYGUARD_HOME=str(tmp / "home"), HOME=str(tmp / "work"), COLUMNS="100", NO_COLOR="1",
               PATH=os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")]),
               PASSWORD="correct horse", TOTP_SECRET="JBSWY3DPEHPK3PXP", PW="smtp-password",
               PRIVACYGUARD_SCHEDULER="cron", PRIVACYGUARD_CRONTAB=str(crontab), FAKE_CRON=str(tmp / "crontab"))
    return env


def run(example: Example, cwd: Path, env: dict[str, str]) -> tuple[int, str]:
    where = f"{example.document}:{example.line}: {example.command}"
    if SERVES in example.command:
        server = subprocess.Popen(["bash", "-c", example.command], cwd=cwd, env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True, start_new_session=True)
        assert server.stdout is not None
        first = server.stdout.readline()
        assert re.search(r"listening: ws://127\.0\.0\.1:\d+/", first), f"{where}\n{first}"
        os.killpg(server.pid, signal.SIGINT)
        rest, _ = server.communicate(timeout=60)
        return server.returncode, first + rest
    done = subprocess.run(["bash", "-c", example.command], cwd=cwd, env=env, capture_output=True, text=True,
                          input="correct horse\n", timeout=400, check=False)
    return done.returncode, done.stdout + done.stderr


@pytest.mark.parametrize("document", DOCUMENTS)
def test_every_example_runs_as_written(document: str, tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    (work / "docs").symlink_to(REPO / "docs")
    (work / ".venv").symlink_to(Path(sys.executable).parent.parent)  # `.venv/bin/privacyguard --help`
    env = environment(tmp_path)
    failures = []
    for example in examples(document):
        code, output = run(example, work, env)
        where = f"{example.document}:{example.line}: {example.command}"
        if code not in (0, 1, 2) or "Traceback" in output or "internal error" in output:
            failures.append(f"{where}\n  exit {code}\n  {output.strip()[-800:]}")
            continue
        for fragment, promise in CHECKS.items():
            if fragment in example.command and promise not in " ".join(output.split()):
                failures.append(f"{where}\n  does not show {promise!r}\n  {output.strip()[-800:]}")
    assert not failures, "\n\n".join(failures)
