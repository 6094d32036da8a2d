"""A sandbox scan, this checkout against another revision, timed in the same run (medians).

Why: the reader's patience must cost nothing on a page whose controls are all there, so a scan of
`default` must be no slower than before. Timing two builds on different runs of a shared machine
says little; this script alternates them, round after round, and compares medians.

The other revision is unpacked with `git archive` into a temporary folder and run with
PYTHONPATH pointing at its src/ (its own flows and fixtures come with it); both use this .venv.
Each round runs `privacyguard scan --sandbox VARIANT` (both platforms) once per build, in turn.

    .venv/bin/python scripts/bench_scan.py --against main [--rounds 7] [--variant default]
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def unpack(revision: str, into: Path) -> Path:
    """The revision's tree in `into` (its src/ on PYTHONPATH runs it)."""
    archive = subprocess.run(["git", "-C", str(REPO), "archive", revision], check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


def scan_seconds(src: Path, variant: str) -> float:
    """Wall time of one `privacyguard scan --sandbox VARIANT` with privacyguard from `src`."""
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "PYTHONPATH": str(src), "PRIVACYGUARD_HOME": home}
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "privacyguard", "scan", "--sandbox", variant, "--format", "json"],
                              env=env, capture_output=True, text=True)
        elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1, 2):
        raise SystemExit(f"scan failed ({done.returncode}) with {src}:\n{done.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--against", default="main", help="the revision to compare with (default: main)")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--variant", default="default")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        other = unpack(args.against, Path(tmp)) / "src"
        builds = {"this checkout": REPO / "src", args.against: other}
        times: dict[str, list[float]] = {name: [] for name in builds}
        for round_ in range(args.rounds):
            order = list(builds) if round_ % 2 == 0 else list(reversed(builds))
            for name in order:
                times[name].append(scan_seconds(builds[name], args.variant))
            print(f"round {round_ + 1}: " + ", ".join(f"{n} {times[n][-1]:.2f} s" for n in builds), flush=True)
    print(f"scan --sandbox {args.variant}, {args.rounds} rounds, alternating (median, min, max):")
    for name, values in times.items():
        print(f"  {name:<16} {statistics.median(values):6.2f} s  {min(values):6.2f} s  {max(values):6.2f} s")


if __name__ == "__main__":
    main()
