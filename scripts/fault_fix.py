"""Interrupt `fix --yes` at random points, then `undo`, and check every setting is back (issue 13).

Each trial: a fresh home with two simulated accounts (linkedin and facebook, variant `default`),
`privacyguard fix --yes` started as a user would, a SIGINT or SIGKILL sent after a random number
of reported changes plus a random delay (so it lands before, inside or between clicks), then
`privacyguard undo`, then `privacyguard scan --format json`: every setting must read as it did
before the fix, and every journal file must load with nothing left to restore. ("changed on the
platform" counts the fields the simulated platforms' stored state held changed at the interruption.)

    python scripts/fault_fix.py --runs 50          # `make faults`
    python scripts/fault_fix.py --runs 3 --seed 7  # a quick sample

Prints one line per trial and the counts. Exit 0 only when every trial ended with every setting
at its before value.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ACCOUNTS = (("li", "linkedin"), ("fb", "facebook"))
TIMEOUT = 300
RESULTS = {"applied", "failed", "manual", "skipped", "unchanged"}  # words of fix's result lines
MARKS = {"✓", "✗", "→", "·"}  # a result line starts with its mark (table rows start with a border)


def _env(home: Path) -> dict[str, str]:
    env = dict(os.environ, PRIVACYGUARD_HOME=str(home), COLUMNS="200", NO_COLOR="1")
    env.pop("PRIVACYGUARD_DEBUG", None)
    return env


def cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "privacyguard", *args], capture_output=True, text=True,
                          env=_env(home), timeout=TIMEOUT, check=False)


def readings(home: Path) -> dict[tuple[str, str], str | None]:
    """What a scan of the registered accounts shows now: (account, setting) → value."""
    done = cli(home, "scan", "--format", "json")
    if done.returncode not in (0, 1, 2):
        raise RuntimeError(f"scan failed ({done.returncode}): {done.stderr.strip()[-400:]}")
    report = json.loads(done.stdout)
    return {(a["account"], f["setting"]): f.get("actual") for a in report["accounts"] for f in a["findings"]}


def template_home(root: Path) -> Path:
    """A home with the two accounts registered and no sandbox state yet (copied for each trial)."""
    home = root / "template"
    for name, platform in ACCOUNTS:
        done = cli(home, "accounts", "add", name, "--platform", platform, "--sandbox", "default")
        if done.returncode != 0:
            raise RuntimeError(f"accounts add failed: {done.stderr.strip()}")
    return home


def changed_fields(home: Path) -> int:
    """How many stored fields the simulated platforms hold changed now (their state, as a server keeps it)."""
    from privacyguard.sandbox.fixtures import load_variant

    count = 0
    for path in (home / "sandbox").rglob("*.json"):
        platform = path.parent.parent.name
        initial = load_variant(platform, "default").state
        state = json.loads(path.read_text(encoding="utf-8"))
        count += sum(1 for key, value in state.items() if initial.get(key) != value)
    return count


def journals_consistent(home: Path) -> bool:
    """Every journal file loads, and after undo no change is left that undo would still restore."""
    from privacyguard.fix.journal import load_run

    try:
        runs = [load_run(path) for path in (home / "fixes").glob("*.json")]
    except Exception:
        return False
    return not any(run.undoable() for run in runs)


@dataclass
class Trial:
    number: int
    signal: str
    after_changes: int
    delay: float
    changes_seen: int = 0
    fix_rc: int | None = None
    undo_rc: int | None = None
    journals_ok: bool = True
    changed_before_undo: int = 0
    wrong: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.wrong and self.journals_ok


def _interrupt(home: Path, sig: signal.Signals, after_changes: int, delay: float) -> tuple[int, int]:
    """Run fix --yes; signal it `delay` s after its `after_changes`-th reported change (0: when changing starts)."""
    process = subprocess.Popen([sys.executable, "-m", "privacyguard", "fix", "--yes"], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, env=_env(home))
    assert process.stdout is not None
    seen = 0
    fired = threading.Event()

    def fire() -> None:
        time.sleep(delay)
        if process.poll() is None:
            process.send_signal(sig)

    for line in process.stdout:
        words = line.split()
        started = line.startswith("Applying every change")
        if len(words) > 1 and words[0] in MARKS and words[1] in RESULTS:
            seen += 1
        if not fired.is_set() and ((after_changes == 0 and started) or (after_changes and seen == after_changes)):
            fired.set()
            threading.Thread(target=fire, daemon=True).start()
    rc = process.wait(timeout=TIMEOUT)
    return rc, seen


def draw(number: int, rng: random.Random, signals: list[str]) -> Trial:
    """Where trial `number` interrupts: which signal, after how many reported changes, how long after."""
    return Trial(number, rng.choice(signals), after_changes=rng.randint(0, 19), delay=round(rng.uniform(0.0, 1.2), 2))


def run_trial(trial: Trial, template: Path, baseline: dict[tuple[str, str], str | None], root: Path) -> Trial:
    sig_name = trial.signal
    home = root / f"trial{trial.number}"
    shutil.copytree(template, home)
    try:
        return _trial(trial, home, sig_name, baseline)
    except Exception as exc:  # a trial that cannot be judged counts as a failure, with its reason
        trial.wrong = [f"the trial itself failed: {type(exc).__name__}: {exc}"]
        return trial
    finally:
        shutil.rmtree(home, ignore_errors=True)


def _trial(trial: Trial, home: Path, sig_name: str, baseline: dict[tuple[str, str], str | None]) -> Trial:
    trial.fix_rc, trial.changes_seen = _interrupt(home, getattr(signal, sig_name), trial.after_changes, trial.delay)
    trial.changed_before_undo = changed_fields(home)
    trial.undo_rc = cli(home, "undo").returncode
    trial.journals_ok = journals_consistent(home)
    after = readings(home)
    trial.wrong = [f"{account}:{setting} is {after.get((account, setting))}, was {value}"
                   for (account, setting), value in baseline.items() if after.get((account, setting)) != value]
    return trial


def report(trial: Trial) -> Trial:
    state = "ok" if trial.ok else "WRONG: " + "; ".join(trial.wrong[:3]) + \
        ("" if trial.journals_ok else " journal inconsistent")
    print(f"{trial.number:3} {trial.signal:7} after {trial.after_changes:2} change(s) +{trial.delay:.2f}s: "
          f"fix exit {trial.fix_rc}, {trial.changes_seen} reported, {trial.changed_before_undo} field(s) changed "
          f"on the platform; undo exit {trial.undo_rc}; {state}", flush=True)
    return trial


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--signal", choices=["mix", "SIGINT", "SIGKILL"], default="mix")
    parser.add_argument("--jobs", type=int, default=1, help="Trials at a time (each in its own home).")
    args = parser.parse_args(argv)
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        # Started in the background by a shell, SIGINT is ignored, and an ignored signal stays ignored in
        # every child: then `fix` would never see the Ctrl-C this script sends. Children must get it.
        signal.signal(signal.SIGINT, signal.default_int_handler)
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    signals = ["SIGINT", "SIGKILL"] if args.signal == "mix" else [args.signal]
    root = Path(tempfile.mkdtemp(prefix="pg-faults-"))
    try:
        template = template_home(root)
        baseline_home = root / "baseline"
        shutil.copytree(template, baseline_home)
        baseline = readings(baseline_home)
        print(f"seed {seed}; {len(baseline)} settings over {len(ACCOUNTS)} accounts; {args.runs} interruptions",
              flush=True)
        planned = [draw(number, rng, signals) for number in range(1, args.runs + 1)]
        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            trials = list(pool.map(lambda t: report(run_trial(t, template, baseline, root)), planned))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    good = sum(t.ok for t in trials)
    changed = sum(t.changed_before_undo for t in trials)
    wrong = sum(len(t.wrong) for t in trials)
    by_signal = {s: sum(1 for t in trials if t.signal == s) for s in signals}
    interrupted = sum(1 for t in trials if t.fix_rc not in (0, 1, 2))
    print(f"\n{len(trials)} interruptions ({', '.join(f'{n} {s}' for s, n in by_signal.items())}): "
          f"{interrupted} stopped fix before it ended; {good} fully restored, {len(trials) - good} not; "
          f"{changed} changed field(s) on the platforms at the interruptions, {wrong} setting(s) left at a wrong "
          f"value after undo; seed {seed}")
    return 0 if good == len(trials) else 1


if __name__ == "__main__":
    sys.exit(main())
