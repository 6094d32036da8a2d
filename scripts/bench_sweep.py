"""Sweep/history figures: history writes and reads at scale, report rendering, one real sandbox sweep.

    .venv/bin/python scripts/bench_sweep.py [--sweeps 520]

Runs in a throw-away PRIVACYGUARD_HOME; contacts nothing (the sandbox answers the platforms' URLs).
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
    parser.add_argument("--sweeps", type=int, default=520, help="history size (520 = ten years of weekly sweeps)")
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="pg-bench-"))
    os.environ["PRIVACYGUARD_HOME"] = str(home)

    from privacyguard.accounts import Account, add_account
    from privacyguard.catalogue import load_catalogue
    from privacyguard.evaluate import evaluate
    from privacyguard.history.db import History
    from privacyguard.history.view import sweep_view
    from privacyguard.policy import load_policy
    from privacyguard.reports import FORMATS, render
    from privacyguard.snapshot import AccountSnapshot, Reading, ReadStatus, Snapshot, now_utc
    from privacyguard.sweep import SweepRequest, run_sweep

    catalogue = load_catalogue()
    policy = load_policy("recommended", catalogue)
    accounts = []
    for name, platform in (("li", "linkedin"), ("fb", "facebook"), ("li2", "linkedin"), ("fb2", "facebook")):
        flow = catalogue.platform(platform)
        accounts.append(AccountSnapshot(platform=platform, account=name, readings={
            s.id: Reading(setting=s.id, status=ReadStatus.READ, value=s.values[0]) for s in flow.settings}))
    snapshot = Snapshot(accounts=accounts)
    report = evaluate(snapshot, policy, catalogue)

    writes = []
    with History() as history:
        for _ in range(args.sweeps):
            started = time.perf_counter()
            last = history.add_sweep(snapshot, report, now_utc())
            writes.append(time.perf_counter() - started)
        started = time.perf_counter()
        view = sweep_view(history, history.sweep(last), catalogue, trend_limit=52)
        view_time = time.perf_counter() - started
        started = time.perf_counter()
        history.sweeps(limit=20)
        list_time = time.perf_counter() - started
    size = (home / "history.sqlite3").stat().st_size
    print(f"history: {args.sweeps} sweeps × 4 accounts × {sum(len(a.readings) for a in accounts) // 4} settings")
    print(f"  write one sweep (one transaction, fsync): median {statistics.median(writes) * 1000:.1f} ms, "
          f"max {max(writes) * 1000:.1f} ms")
    print(f"  database size: {size / 1e6:.1f} MB ({size / args.sweeps / 1e3:.0f} kB per sweep)")
    print(f"  drift + 52-sweep trend for the last sweep: {view_time * 1000:.0f} ms; list 20 sweeps: "
          f"{list_time * 1000:.0f} ms")
    for fmt in FORMATS:
        started = time.perf_counter()
        text = render(report, fmt, view)
        print(f"  render {fmt:<8} {len(text) / 1e3:7.1f} kB in {(time.perf_counter() - started) * 1000:6.1f} ms")

    (home / "history.sqlite3").unlink()
    for name in ("li", "fb"):
        add_account(Account(name=name, platform="linkedin" if name == "li" else "facebook", sandbox="default"),
                    catalogue)
    started = time.perf_counter()
    result = run_sweep(SweepRequest())
    print(f"sandbox sweep of 2 accounts ({len(result.report.findings())} findings), browser included: "
          f"{time.perf_counter() - started:.1f} s wall")


if __name__ == "__main__":
    main()
