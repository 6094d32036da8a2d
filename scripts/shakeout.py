"""Shake out browser tests under load: run them many times in parallel beside CPU burners.

One green run proves little for tests that drive a browser: timing bugs show up only when the
machine is busy. This runs the given tests ROUNDS times, PARALLEL pytest processes at a time, while
BURNERS processes spin on the CPU, and prints how often each test failed (0 everywhere is the bar).

    .venv/bin/python scripts/shakeout.py --rounds 8 --parallel 3 --burners 2 tests/test_reading_truth.py
    make shakeout                      # the default set (SHAKEOUT_ARGS="..." to change it)
"""

from __future__ import annotations

import argparse
import collections
import multiprocessing
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_TESTS = [  # the browser tests added in wave 2
    "tests/test_reading_truth.py", "tests/test_lean.py", "tests/test_record.py", "tests/test_x_instagram_cli.py",
    "tests/test_signin.py", "tests/test_faults.py", "tests/test_audit_remote.py",
]


def _burn(stop: multiprocessing.synchronize.Event) -> None:  # type: ignore[name-defined]
    while not stop.is_set():
        sum(i * i for i in range(10_000))


def _one_round(number: int, tests: list[str], extra: list[str], folder: Path) -> tuple[int, dict[str, str]]:
    """Run the tests once; (exit code, {test id: outcome}) read from pytest's JUnit XML."""
    report = folder / f"round-{number}.xml"
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider",
                           f"--junitxml={report}", *extra, *tests], cwd=REPO, capture_output=True, text=True,
                          check=False)
    outcomes: dict[str, str] = {}
    if report.exists():
        for case in ElementTree.parse(report).getroot().iter("testcase"):
            name = f"{case.get('classname')}::{case.get('name')}"
            failed = case.find("failure") is not None or case.find("error") is not None
            skipped = case.find("skipped") is not None
            outcomes[name] = "failed" if failed else "skipped" if skipped else "passed"
    if done.returncode not in (0, 1):  # collection error, crash: say so, with the tail of the output
        print(f"round {number}: pytest exit {done.returncode}\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return done.returncode, outcomes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("tests", nargs="*", default=DEFAULT_TESTS)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--parallel", type=int, default=3)
    parser.add_argument("--burners", type=int, default=2)
    parser.add_argument("-k", dest="keyword", default=None, help="pytest -k expression")
    args = parser.parse_args()
    extra = ["-k", args.keyword] if args.keyword else []
    stop = multiprocessing.Event()
    burners = [multiprocessing.Process(target=_burn, args=(stop,), daemon=True) for _ in range(args.burners)]
    for burner in burners:
        burner.start()
    started = time.monotonic()
    failures: collections.Counter[str] = collections.Counter()
    runs: collections.Counter[str] = collections.Counter()
    bad_rounds = 0
    try:
        with tempfile.TemporaryDirectory() as folder, ThreadPoolExecutor(args.parallel) as pool:
            jobs = [pool.submit(_one_round, n, args.tests, extra, Path(folder)) for n in range(args.rounds)]
            for job in jobs:
                code, outcomes = job.result()
                bad_rounds += code not in (0, 1)
                for name, outcome in outcomes.items():
                    runs[name] += outcome != "skipped"
                    failures[name] += outcome == "failed"
    finally:
        stop.set()
        for burner in burners:
            burner.join(5)
    minutes = (time.monotonic() - started) / 60
    total = sum(runs.values())
    print(f"{args.rounds} rounds x {len(runs)} tests, {args.parallel} at a time beside {args.burners} CPU burners: "
          f"{total} test runs in {minutes:.1f} min, {sum(failures.values())} failed, {bad_rounds} broken rounds")
    for name, count in failures.most_common():
        if count:
            print(f"  {count}/{runs[name]} failed: {name}")
    return 1 if sum(failures.values()) or bad_rounds else 0


if __name__ == "__main__":
    sys.exit(main())
