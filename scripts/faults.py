"""The fault suite (issue 13): interrupt `fix --yes`, `undo` and `sweep` at random points, fill the disk
under them, kill their browser; then check the simulated platforms themselves, not the tool's word.

Each trial gets a fresh home with two simulated accounts (linkedin `li` and facebook `fb`, variant
`default`), runs one command as a user would, and hits it with one fault at a random point:

- fix   + SIGINT/SIGKILL: after a random number of reported changes plus a random delay (so it
  lands before, inside or between clicks); then `undo`.
- undo  + SIGINT/SIGKILL: after a complete `fix --yes`, `undo` is interrupted the same way; then
  `undo` again.
- sweep + SIGINT/SIGKILL: at a random moment of the sweep (from start-up to storing it).
- fix   + full-disk: the disk fills (the process's file-size limit drops to a random 1.5-9 KB) at a
  random change: exit 2 naming the journal and the full disk; then `undo`, with room again.
- sweep + full-disk: the disk fills at a random moment: exit 2 naming the history (or the sweep
  finished first), the earlier sweeps kept in place, never set aside as "damaged".
- fix   + browser-dies: Chromium is killed after a random number of changes: no traceback, a
  failed change names the browser; then `undo`.
- sweep + browser-dies: Chromium is killed at a random moment: the sweep is kept, an account not
  read is an ERROR, never a wrong value.

Afterwards, against the truth: every field of the simulated platforms' stored state (what their
server keeps) is back at its initial value (fix, undo), or was never touched (sweep); every fix
journal loads with nothing left to restore; a scan reads every setting as before; the history
passes SQLite's integrity check and holds each sweep wholly (both accounts, the true values) or
not at all; `history` and `history show` work, and the next sweep works and is stored whole.

    python scripts/faults.py --runs 50          # `make faults`: every command and fault, in turn
    python scripts/faults.py --runs 6 --seed 7 --kinds undo:SIGINT,sweep:SIGKILL

Prints one line per trial, the counts per command and fault, and every wrong outcome. Exit 0 only
when every trial ended right.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import psutil

ACCOUNTS = (("li", "linkedin"), ("fb", "facebook"))
TIMEOUT = 300
RESULTS = {"applied", "failed", "manual", "skipped", "unchanged"}  # words of fix's and undo's result lines
MARKS = {"✓", "✗", "→", "·"}  # a result line starts with its mark (table rows start with a border)
SIGNALS = ("SIGINT", "SIGKILL")
KINDS = (*((command, sig) for command in ("fix", "undo", "sweep") for sig in SIGNALS),
         ("fix", "full-disk"), ("sweep", "full-disk"), ("fix", "browser-dies"), ("sweep", "browser-dies"))
INTERRUPTED = {-signal.SIGKILL, 130}  # exit of a killed process; exit after Ctrl-C ("aborted")

Readings = dict[tuple[str, str], str | None]


def _env(home: Path) -> dict[str, str]:
    env = dict(os.environ, PRIVACYGUARD_HOME=str(home), COLUMNS="200", NO_COLOR="1")
    env.pop("PRIVACYGUARD_DEBUG", None)
    return env


def cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "privacyguard", *args], capture_output=True, text=True,
                          env=_env(home), timeout=TIMEOUT, check=False)


def readings(home: Path) -> Readings:
    """What a scan of the registered accounts shows now: (account, setting) → value."""
    done = cli(home, "scan", "--format", "json")
    if done.returncode not in (0, 1, 2):
        raise RuntimeError(f"scan failed ({done.returncode}): {done.stderr.strip()[-400:]}")
    report = json.loads(done.stdout)
    return {(a["account"], f["setting"]): f.get("actual") for a in report["accounts"] for f in a["findings"]}


# --- the truth: the simulated platforms' own stored state ------------------------------------------
def changed_fields(home: Path) -> list[str]:
    """Every stored field the simulated platforms hold changed now (their state, as a server keeps it)."""
    from privacyguard.sandbox.fixtures import load_variant

    changed = []
    for path in sorted((home / "sandbox").rglob("*.json")):
        platform = path.parent.parent.name
        initial = load_variant(platform, "default").state
        state = json.loads(path.read_text(encoding="utf-8"))
        changed += [f"{platform}.{key}={value!r}" for key, value in sorted(state.items()) if initial.get(key) != value]
    return changed


def journals_consistent(home: Path) -> str | None:
    """Why the fix journals are not consistent (None: every one loads, and nothing is left to restore)."""
    from privacyguard.fix.journal import load_run

    try:
        runs = [load_run(path) for path in (home / "fixes").glob("*.json")]
    except Exception as exc:
        return f"a journal does not load: {exc}"
    left = [e.setting for run in runs for e in run.undoable()]
    return f"undo left {len(left)} change(s) to restore: {', '.join(left[:3])}" if left else None


def stored_sweeps(home: Path) -> tuple[str, dict[int, dict[str, dict]]]:
    """The history as SQLite itself reads it: integrity_check, and {sweep id: {account: run}}."""
    path = home / "history.sqlite3"
    if not path.exists():
        return "ok", {}
    db = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        check = str(db.execute("PRAGMA integrity_check").fetchone()[0])
        if not db.execute("SELECT 1 FROM sqlite_master WHERE name = 'sweeps'").fetchone():
            return check, {}
        sweeps: dict[int, dict[str, dict]] = {sweep_id: {} for (sweep_id,) in db.execute("SELECT id FROM sweeps")}
        for sweep_id, account, error, snapshot in db.execute(
                "SELECT sweep_id, account, error, snapshot_json FROM account_runs"):
            sweeps.setdefault(sweep_id, {})[account] = {"error": error, "readings": {
                setting: reading.get("value") for setting, reading in json.loads(snapshot)["readings"].items()}}
    finally:
        db.close()
    return check, sweeps


def sweep_wrongs(sweep_id: int, runs: dict[str, dict], truth: Readings) -> list[str]:
    """A stored sweep is whole (every account) and holds no wrong value; an unread account is an error.
    `truth`: every value the platforms hold, as the first sweep read them (checked against the scan)."""
    wrong = [f"sweep #{sweep_id} lacks account {name}" for name, _ in ACCOUNTS if name not in runs]
    for account, run in runs.items():
        for setting, value in run["readings"].items():
            if value is not None and value != truth.get((account, setting)):
                wrong.append(f"sweep #{sweep_id} stored {account}:{setting}={value}, the platform has "
                             f"{truth.get((account, setting))}")
        if not run["error"] and not any(v is not None for v in run["readings"].values()):
            wrong.append(f"sweep #{sweep_id}: {account} has no value and no error")
    return wrong


# --- faults --------------------------------------------------------------------------------------
def browsers(pid: int) -> list[psutil.Process]:
    """The Chromium browser processes (not their renderers) started under process `pid`."""
    found = []
    try:
        children = psutil.Process(pid).children(recursive=True)
    except psutil.Error:
        return []
    for child in children:
        try:
            argv = child.cmdline()
        except psutil.Error:
            continue
        name = Path(argv[0]).name if argv else ""
        if ("chrom" in name or "headless" in name) and not any(a.startswith("--type=") for a in argv):
            found.append(child)
    return found


def _has_page(browser: psutil.Process) -> bool:
    """The browser shows a page: a renderer process runs under it."""
    try:
        return any("--type=renderer" in child.cmdline() for child in browser.children(recursive=True))
    except psutil.Error:
        return False


def kill_browser(process: subprocess.Popen) -> bool:
    """Kill the command's Chromium as soon as it shows a page (polled), as a crash or the OOM killer
    would; False when the command ended first."""
    while process.poll() is None:
        found = [browser for browser in browsers(process.pid) if _has_page(browser)]
        for browser in found:
            with contextlib.suppress(psutil.Error):
                browser.kill()
        if found:
            return True
        time.sleep(0.05)
    return False


def fill_disk(process: subprocess.Popen, limit: int) -> bool:
    """The disk is full from now on for this process: no file it writes may grow beyond `limit` bytes.

    Set on the command's own process only (the browser it started keeps running), so what fails is
    what privacyguard writes: the journal, the history, the sandbox's stored state.
    """
    try:
        resource.prlimit(process.pid, resource.RLIMIT_FSIZE, (limit, limit))
    except (ProcessLookupError, PermissionError):
        return False
    return True


@dataclass
class Trial:
    number: int
    command: str
    fault: str
    after_changes: int  # fire after this many reported changes (fix, undo); 0: from the start
    delay: float  # … plus this many seconds (for a sweep: from its start, scaled to its duration)
    limit: int  # full-disk: the file size limit, bytes
    rc: int | None = None
    changes_seen: int = 0
    fired: bool = False
    changed_at_fault: int = 0
    after: list[str] = field(default_factory=list)  # exit codes of the commands that followed
    wrong: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.wrong


def run_faulted(home: Path, trial: Trial, args: list[str], sweep_time: float) -> str:
    """Run one command, fault it at the trial's point; returns everything it said."""
    process = subprocess.Popen([sys.executable, "-m", "privacyguard", *args], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, env=_env(home), start_new_session=True)
    assert process.stdout is not None
    fired = threading.Event()

    def fire() -> None:
        time.sleep(trial.delay)
        if process.poll() is not None:
            return
        if trial.fault == "SIGINT":  # Ctrl-C in a terminal: to the whole process group (the browser too)
            os.killpg(process.pid, signal.SIGINT)
            trial.fired = True
        elif trial.fault == "SIGKILL":  # kill -9, the OOM killer: the command's own process only
            process.kill()
            trial.fired = True
        elif trial.fault == "full-disk":
            trial.fired = fill_disk(process, trial.limit)
        else:
            trial.fired = kill_browser(process)

    def arm() -> None:
        fired.set()
        threading.Thread(target=fire, daemon=True).start()

    if trial.command == "sweep":  # at a moment of the sweep: a fraction of its usual duration
        trial.delay = round(trial.delay * sweep_time, 2)
        arm()
    elif trial.command == "undo" and trial.after_changes == 0:  # from start-up on
        arm()
    lines = []
    for line in process.stdout:
        lines.append(line)
        words = line.split()
        if len(words) > 1 and words[0] in MARKS and words[1] in RESULTS:
            trial.changes_seen += 1
        started = line.startswith("Applying every change")
        if not fired.is_set() and ((trial.after_changes == 0 and started)
                                   or (trial.after_changes and trial.changes_seen == trial.after_changes)):
            arm()
    trial.rc = process.wait(timeout=TIMEOUT)
    return "".join(lines)


def _said_plainly(trial: Trial, said: str) -> None:
    if "Traceback" in said or "internal error" in said:
        trial.wrong.append("a traceback or internal error: " + said.strip()[-300:].replace("\n", " "))


def _expect_exit(trial: Trial, allowed: set[int]) -> None:
    if trial.rc not in allowed:
        trial.wrong.append(f"{trial.command} exited {trial.rc} (expected one of {sorted(allowed)})")


def _restored(trial: Trial, home: Path, baseline: Readings) -> None:
    """After the last undo: the platforms hold their initial values, the journals are settled, a scan agrees."""
    trial.wrong += [f"still changed on the platform: {f}" for f in changed_fields(home)]
    problem = journals_consistent(home)
    if problem:
        trial.wrong.append(problem)
    now = readings(home)
    trial.wrong += [f"scan: {a}:{s} is {now.get((a, s))}, was {v}" for (a, s), v in baseline.items()
                    if now.get((a, s)) != v]


def _undo(trial: Trial, home: Path) -> None:
    done = cli(home, "undo")
    trial.after.append(f"undo {done.returncode}")
    _said_plainly(trial, done.stdout + done.stderr)
    if done.returncode != 0:
        trial.wrong.append(f"undo exited {done.returncode}: {done.stderr.strip()[-200:]}")


def trial_fix(trial: Trial, home: Path, baseline: Readings, sweep_time: float) -> None:
    said = run_faulted(home, trial, ["fix", "--yes"], sweep_time)
    trial.changed_at_fault = len(changed_fields(home))
    _said_plainly(trial, said)
    if trial.fault == "full-disk" and trial.fired and trial.rc not in (0, 1):
        _expect_exit(trial, {2})
        flat = " ".join(said.split())
        if "cannot write the fix journal" not in flat or "disk is full" not in flat:
            trial.wrong.append("fix did not say the journal could not be written for a full disk: "
                               + flat[-200:])
    elif trial.fault == "full-disk":  # the disk filled after the last write: the run ended as usual
        _expect_exit(trial, {0, 1})
    elif trial.fault == "browser-dies":
        _expect_exit(trial, {0, 1, 2})
        failed = [line for line in said.splitlines() if line.split()[:2] == ["✗", "failed"]]
        if failed and not all("browser" in line for line in failed):
            trial.wrong.append("a change failed without naming the browser: " + failed[0][:200])
    elif trial.fault in SIGNALS:
        _expect_exit(trial, {0, 1} | INTERRUPTED)
    _undo(trial, home)
    _restored(trial, home, baseline)


def trial_undo(trial: Trial, home: Path, baseline: Readings, sweep_time: float) -> None:
    said = run_faulted(home, trial, ["undo"], sweep_time)
    trial.changed_at_fault = len(changed_fields(home))
    _said_plainly(trial, said)
    _expect_exit(trial, {0} | INTERRUPTED)
    _undo(trial, home)
    _restored(trial, home, baseline)


def trial_sweep(trial: Trial, home: Path, baseline: Readings, sweep_time: float) -> None:
    _, before = stored_sweeps(home)
    said = run_faulted(home, trial, ["sweep", "--quiet"], sweep_time)
    trial.changed_at_fault = len(changed_fields(home))
    _said_plainly(trial, said)
    flat = " ".join(said.split())
    if trial.fault == "full-disk" and trial.fired and trial.rc == 2 and not (
            "disk is full" in flat and "history" in flat):
        trial.wrong.append("sweep did not name the history and the full disk: " + flat[-200:])
    allowed = {0, 1, 2} | (INTERRUPTED if trial.fault in SIGNALS else set())
    _expect_exit(trial, allowed)
    if list(home.glob("history.sqlite3.damaged-*")):
        trial.wrong.append("a sound history was set aside as damaged: " + flat[-200:])
    trial.wrong += [f"the sweep changed the platform: {f}" for f in changed_fields(home)]
    check, after = stored_sweeps(home)
    if check != "ok":
        trial.wrong.append(f"history integrity_check: {check}")
    new = sorted(set(after) - set(before))
    if set(before) - set(after) or len(new) > 1:
        trial.wrong.append(f"sweeps before {sorted(before)}, after {sorted(after)}")
    if trial.rc in (0, 1) and not new:
        trial.wrong.append(f"sweep exited {trial.rc} but stored no sweep")
    for sweep_id in new:
        trial.wrong += sweep_wrongs(sweep_id, after[sweep_id], baseline)
    listed = cli(home, "history")
    shown = cli(home, "history", "show", str(max(after)))
    trial.after.append(f"history {listed.returncode}, show {shown.returncode}")
    for name, done in (("history", listed), ("history show", shown)):
        _said_plainly(trial, done.stdout + done.stderr)
        if done.returncode != 0:
            trial.wrong.append(f"{name} exited {done.returncode}: {done.stderr.strip()[-200:]}")
    following = cli(home, "sweep", "--quiet")
    trial.after.append(f"next sweep {following.returncode}")
    _said_plainly(trial, following.stdout + following.stderr)
    if following.returncode not in (0, 1):
        trial.wrong.append(f"the next sweep exited {following.returncode}: {following.stderr.strip()[-200:]}")
    _, final = stored_sweeps(home)
    added = sorted(set(final) - set(after))
    if len(added) != 1:
        trial.wrong.append(f"the next sweep stored {len(added)} sweeps")
    for sweep_id in added:
        trial.wrong += sweep_wrongs(sweep_id, final[sweep_id], baseline)
        trial.wrong += [f"the next sweep could not read {a}" for a, run in final[sweep_id].items() if run["error"]]


TRIALS: dict[str, Callable[[Trial, Path, Readings, float], None]] = {
    "fix": trial_fix, "undo": trial_undo, "sweep": trial_sweep}


# --- setting up and running ------------------------------------------------------------------------
@dataclass
class Templates:
    """Homes copied for each trial: accounts only; after a whole fix (undo trials); with one sweep."""

    root: Path
    accounts: Path
    fixed: Path | None = None
    swept: Path | None = None
    baseline: Readings = field(default_factory=dict)  # what a scan reads (the settings a policy judges)
    stored: Readings = field(default_factory=dict)  # every value, as the first sweep stored it
    sweep_time: float = 0.0

    def home_for(self, command: str) -> Path:
        template = {"fix": self.accounts, "undo": self.fixed, "sweep": self.swept}[command]
        assert template is not None
        return template


def make_templates(root: Path, commands: set[str]) -> Templates:
    accounts = root / "accounts"
    for name, platform in ACCOUNTS:
        done = cli(accounts, "accounts", "add", name, "--platform", platform, "--sandbox", "default")
        if done.returncode != 0:
            raise RuntimeError(f"accounts add failed: {done.stderr.strip()}")
    templates = Templates(root, accounts)
    scratch = root / "baseline"
    shutil.copytree(accounts, scratch)
    templates.baseline = readings(scratch)
    shutil.rmtree(scratch)
    if "undo" in commands:
        templates.fixed = root / "fixed"
        shutil.copytree(accounts, templates.fixed)
        done = cli(templates.fixed, "fix", "--yes")
        if done.returncode not in (0, 1) or not changed_fields(templates.fixed):
            raise RuntimeError(f"the whole fix failed ({done.returncode}): {done.stderr.strip()[-400:]}")
    if "sweep" in commands:
        templates.swept = root / "swept"
        shutil.copytree(accounts, templates.swept)
        started = time.monotonic()
        done = cli(templates.swept, "sweep", "--quiet")
        templates.sweep_time = time.monotonic() - started
        if done.returncode not in (0, 1):
            raise RuntimeError(f"the first sweep failed ({done.returncode}): {done.stderr.strip()[-400:]}")
        (runs,) = stored_sweeps(templates.swept)[1].values()
        templates.stored = {(a, s): v for a, run in runs.items() for s, v in run["readings"].items()}
        differ = [k for k, v in templates.baseline.items() if k in templates.stored and templates.stored[k] != v]
        if differ or len(runs) != len(ACCOUNTS):
            raise RuntimeError(f"the first sweep does not agree with a scan: {differ[:3]}")
    return templates


def draw(number: int, kind: tuple[str, str], rng: random.Random) -> Trial:
    """Where trial `number` strikes: after how many reported changes, how long after, how full a disk."""
    command, fault = kind
    after = rng.randint(1, 19) if fault == "browser-dies" else rng.randint(0, 19)
    if command == "sweep":
        delay = round(rng.uniform(0.0, 1.15), 3)  # a fraction of a sweep's duration
    elif command == "undo" and after == 0:
        delay = round(rng.uniform(0.0, 6.0), 2)  # from start-up, browser launch, to the first restore
    else:
        delay = round(rng.uniform(0.0, 1.2), 2)
    return Trial(number, command, fault, after_changes=0 if command == "sweep" else after, delay=delay,
                 limit=rng.randint(1500, 9000) if command == "fix" else rng.randint(0, 4096))


def run_trial(trial: Trial, templates: Templates) -> Trial:
    home = templates.root / f"trial{trial.number}"
    shutil.copytree(templates.home_for(trial.command), home)
    try:
        truth = templates.stored if trial.command == "sweep" else templates.baseline
        TRIALS[trial.command](trial, home, truth, templates.sweep_time)
    except Exception as exc:  # a trial that cannot be judged counts as a failure, with its reason
        trial.wrong.append(f"the trial itself failed: {type(exc).__name__}: {exc}")
    finally:
        shutil.rmtree(home, ignore_errors=True)
    return trial


def report(trial: Trial) -> Trial:
    point = (f"+{trial.delay:.2f}s" if trial.command == "sweep" or not trial.after_changes
             else f"after {trial.after_changes} change(s) +{trial.delay:.2f}s")
    if trial.fault == "full-disk":
        point += f" limit {trial.limit} B"
    state = "ok" if trial.ok else "WRONG: " + "; ".join(trial.wrong[:4])
    print(f"{trial.number:3} {trial.command:5} {trial.fault:12} {point}: {trial.command} exit {trial.rc}"
          f"{'' if trial.fired else ' (ended before the fault)'}, {trial.changes_seen} reported, "
          f"{trial.changed_at_fault} field(s) changed on the platform; {', '.join(trial.after)}; {state}",
          flush=True)
    return trial


def parse_kinds(text: str) -> list[tuple[str, str]]:
    kinds = []
    for item in text.split(","):
        command, _, fault = item.strip().partition(":")
        if (command, fault) not in KINDS:
            raise SystemExit(f"--kinds: {item!r} is not one of {', '.join(f'{c}:{f}' for c, f in KINDS)}")
        kinds.append((command, fault))
    return kinds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--kinds", default=",".join(f"{c}:{f}" for c, f in KINDS),
                        help="command:fault pairs, taken in turn (default: all ten)")
    parser.add_argument("--jobs", type=int, default=1, help="Trials at a time (each in its own home).")
    args = parser.parse_args(argv)
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        # Started in the background by a shell, SIGINT is ignored, and an ignored signal stays ignored in
        # every child: then the command would never see the Ctrl-C this script sends. Children must get it.
        signal.signal(signal.SIGINT, signal.default_int_handler)
    kinds = parse_kinds(args.kinds)
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    order = kinds[:]
    rng.shuffle(order)
    planned = [draw(n, order[(n - 1) % len(order)], rng) for n in range(1, args.runs + 1)]
    root = Path(tempfile.mkdtemp(prefix="pg-faults-"))
    try:
        templates = make_templates(root, {t.command for t in planned})
        print(f"seed {seed}; {len(templates.baseline)} settings over {len(ACCOUNTS)} accounts; a sweep takes "
              f"{templates.sweep_time:.1f}s; {args.runs} trials", flush=True)
        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            trials = list(pool.map(lambda t: report(run_trial(t, templates)), planned))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print()
    for command, fault in KINDS:
        group = [t for t in trials if (t.command, t.fault) == (command, fault)]
        if group:
            print(f"{command:5} {fault:12} {len(group):3} trial(s): {sum(t.fired for t in group)} hit while running, "
                  f"{sum(t.ok for t in group)} right, {sum(not t.ok for t in group)} wrong")
    wrong = [t for t in trials if not t.ok]
    for trial in wrong:
        print(f"WRONG #{trial.number} {trial.command} {trial.fault}: " + "; ".join(trial.wrong))
    print(f"\n{len(trials)} trials: {len(trials) - len(wrong)} right, {len(wrong)} wrong; "
          f"{sum(t.fired for t in trials)} faults hit a running command; "
          f"{sum(t.changed_at_fault for t in trials)} changed field(s) on the platforms at the faults; seed {seed}")
    return 0 if not wrong else 1


if __name__ == "__main__":
    sys.exit(main())
