"""Fix/undo figures: a full fix of the simulated platforms, its undo, a dry run, a misbehaving variant.

    .venv/bin/python scripts/bench_fix.py [--repeat 3]

Runs in a throw-away PRIVACYGUARD_HOME; contacts nothing (the sandbox answers the platforms' URLs).
Each round: dry run (scan + plan), fix --yes (scan + every change read back), undo (every change
restored and read back), and fix --yes against `save-error` (every change fails and is read back).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    os.environ["PRIVACYGUARD_HOME"] = str(Path(tempfile.mkdtemp(prefix="pg-bench-fix-")))

    from privacyguard.fix.session import fix, undo
    from privacyguard.sandbox import reset_state

    both = ["linkedin", "facebook"]
    figures: dict[str, list[float]] = {"dry run": [], "fix --yes": [], "per applied change": [], "undo": [],
                                       "per restored change": [], "fix --yes (save-error)": []}
    counts: dict[str, int] = {}
    for _ in range(args.repeat):
        reset_state()
        started = time.perf_counter()
        planned = fix(both, sandbox="default", mode="dry_run")
        figures["dry run"].append(time.perf_counter() - started)
        started = time.perf_counter()
        done = fix(both, sandbox="default", mode="apply")
        elapsed = time.perf_counter() - started
        applied = done.run.summary["applied"]
        figures["fix --yes"].append(elapsed)
        figures["per applied change"].append((elapsed - figures["dry run"][-1]) / max(applied, 1))
        started = time.perf_counter()
        restored = undo()
        elapsed = time.perf_counter() - started
        figures["undo"].append(elapsed)
        figures["per restored change"].append(elapsed / max(restored.summary["applied"], 1))
        started = time.perf_counter()
        broken = fix(both, sandbox="save-error", mode="apply")
        figures["fix --yes (save-error)"].append(time.perf_counter() - started)
        counts = {"planned": len(planned.plan), "applied": applied, "restored": restored.summary["applied"],
                  "failed (save-error)": broken.run.summary["failed"],
                  "applied (save-error)": broken.run.summary["applied"]}
    print(f"privacyguard fix/undo, LinkedIn + Facebook `default` sandbox, {args.repeat} round(s); counts {counts}")
    for name, values in figures.items():
        median = statistics.median(values)
        print(f"  {name:<24} median {median:6.2f}s  min {min(values):6.2f}s  max {max(values):6.2f}s")


if __name__ == "__main__":
    main()
