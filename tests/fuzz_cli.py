"""The fuzz harness's CLI leg: generated files through the `privacyguard` command, as a user would.

Each input gets a fresh home and one command that reads the file. Outcome: a valid result
(the command's own exit code, with its output written), or exit 3 naming the file. Never
"internal error"/a traceback, and never exit 2 for bad input.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, seed, settings

from file_keyring import cli_env
from fuzz_readers import KEY, Tally, Workbench, mutated

TIMEOUT = 120  # seconds; a generous ceiling for one command under a loaded machine
HOME_FILES = {"registry": "accounts.json", "config": "config.toml", "history": "history.sqlite3",
              "journal": "fixes/20261126T121427326050Z-3995.json", "schedule": "schedule.json"}


def _command(name: str, path: Path, work: Path) -> tuple[list[str], dict[str, str], Path | None]:
    """(arguments, extra environment, the output file a valid outcome writes, if any)."""
    out = work / "AUDIT.json"
    roster = work / "roster.csv"
    key = work / "org.key"
    commands = {
        "policy": (["policy", "validate", str(path)], {}, None),
        "flow": (["catalog"], {"PRIVACYGUARD_FLOWS": str(path.parent)}, None),
        "variant": (["sandbox", "list"], {"PRIVACYGUARD_FIXTURES": str(path.parent.parent.parent)}, None),
        "roster-csv": (["audit", "collect", str(work / "empty"), "--roster", str(path), "--out", str(out)], {}, out),
        "roster-yaml": (["audit", "collect", str(work / "empty"), "--roster", str(path), "--out", str(out)], {},
                        out),
        "bundle": (["audit", "collect", str(path.parent), "--roster", str(roster), "--key-file", str(key),
                    "--out", str(out)], {}, out),
        "audit": (["audit", "report", str(path), "--format", "csv"], {}, None),
        "snapshot": (["evaluate", str(path), "--format", "markdown"], {}, None),
        "config": (["config", "show"], {}, None),
        "registry": (["accounts", "list"], {}, None),
        "history": (["history"], {}, None),
        "journal": (["undo", "--dry-run"], {}, None),
        # status asks the scheduler: stand-ins that answer "nothing installed" for every backend
        "schedule": (["schedule", "status"], {f"PRIVACYGUARD_{tool}": "true" for tool in
                                               ("SYSTEMCTL", "CRONTAB", "LAUNCHCTL", "SCHTASKS")}, None),
    }
    return commands[name]


def run_one(bench: Workbench, name: str, data: bytes, work: Path, tally: Tally) -> None:
    shutil.rmtree(work, ignore_errors=True)
    (work / "empty").mkdir(parents=True)
    home = work / "home"
    home.mkdir()
    shutil.copy(bench.roster_file, work / "roster.csv")
    (work / "org.key").write_bytes(KEY)
    reader = bench.readers[name]
    if name in HOME_FILES:
        path = home / HOME_FILES[name]
        path.parent.mkdir(parents=True, exist_ok=True)
    else:
        path = work / name / reader.filename
        path.parent.mkdir(parents=True, exist_ok=True)
    if name == "variant":
        (path.parent.parent / "default").symlink_to(bench.fixtures / "linkedin" / "default")
    path.write_bytes(data)
    args, extra, output = _command(name, path, work)
    # A test keyring: `config show` asks it whether an SMTP password is stored.
    env = dict(os.environ, PRIVACYGUARD_HOME=str(home), COLUMNS="100000", NO_COLOR="1",
               **cli_env(work / "keyring.json"), **extra)
    env.pop("PRIVACYGUARD_DEBUG", None)
    tally.inputs += 1
    tally.by_reader[name] = tally.by_reader.get(name, 0) + 1
    shown = f"{name} (privacyguard {' '.join(args)}) input ({len(data)} bytes): {data[:200]!r}"
    try:
        result = subprocess.run([sys.executable, "-m", "privacyguard", *args], capture_output=True, text=True,
                                env=env, timeout=TIMEOUT, check=False, errors="replace")
    except subprocess.TimeoutExpired:
        tally.over_budget.append(f"{shown}\n    over {TIMEOUT} s")
        return
    tally.max_memory = max(tally.max_memory, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024)
    text = result.stdout + result.stderr
    wrote = output is not None and output.is_file()
    if "Traceback" in text or "internal error" in result.stderr:
        tally.tracebacks.append(f"{shown}\n    exit {result.returncode}: {result.stderr[-600:]}")
    elif wrote or result.returncode in (0, 1) or (name == "snapshot" and result.returncode == 2
                                                  and "error:" not in result.stderr):
        # the command's own verdict: 2 = unverified (UNKNOWN, someone missing), 3 = bundles rejected,
        # with the audit written all the same
        tally.valid += 1
    elif result.returncode == 3:
        if str(path) in result.stderr:
            tally.bad_input += 1
        else:
            tally.unnamed.append(f"{shown}\n    exit 3 not naming {path}: {result.stderr[-400:]}")
    else:
        tally.exit2.append(f"{shown}\n    exit {result.returncode}: {result.stderr[-400:]}")


def run_cli_sample(root: Path, count: int, tally: Tally, run_seed: int, bench: Workbench | None = None) -> None:
    """`count` generated inputs spread over every reader, each through the real command."""
    bench = bench or Workbench(root / "bench")
    names = list(bench.readers)
    for index, name in enumerate(names):
        share = count // len(names) + (1 if index < count % len(names) else 0)
        if share:
            _sample(bench, name, share, root / "work", tally, run_seed + index)


def _sample(bench: Workbench, name: str, count: int, work: Path, tally: Tally, run_seed: int) -> None:
    @seed(run_seed)
    @settings(max_examples=count, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(data=mutated(bench.readers[name]))
    def run(data: bytes) -> None:
        run_one(bench, name, data, work, tally)

    try:
        run()
    except Exception as exc:  # the generator's own error: reported apart, the sample goes on
        tally.harness_errors.append(f"{name}: {type(exc).__name__}: {exc}")
