"""Performance figures (`make bench`): the central audit run against a naive baseline.

1. One sandbox scan of both platforms (`privacyguard scan --sandbox default`), as a user runs it.
2. `privacyguard audit run` over N simulated accounts (half LinkedIn, half Facebook), as a user
   runs it: one browser, one isolated context per account, bounded concurrency.
3. A naive baseline on the same accounts: one fresh browser per account, one after another.
4. After the single scan: how right the reader is on the variants with a truth file
   (scripts/readings_report.py: right, unread and wrong readings, read rate per variant).

For 2 and 3 it prints accounts per minute, their ratio, the peak memory of the whole process
tree (Python, Playwright's driver and every Chromium process; RSS summed, and PSS which counts
shared pages once) and the CPU time used. Both runs must read the same values, or the bench fails.
Nothing leaves the machine: the sandbox answers the platforms' URLs.

    .venv/bin/python scripts/bench.py [--accounts 200] [--concurrency 6] [--sweep 2,4,6,8]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
VARIANTS = ("default", "hardened")
POLICY = "recommended"


@dataclass
class Usage:
    seconds: float
    peak_rss_mb: float
    peak_pss_mb: float
    cpu_seconds: float


class TreeSampler:
    """Samples memory and CPU of a process and all its descendants (incl. Chromium) in a thread."""

    def __init__(self, root: int, interval: float = 0.1) -> None:
        self.root = psutil.Process(root)
        self.interval = interval
        self.peak_rss = 0
        self.peak_pss = 0
        self.cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _tree(self) -> list[psutil.Process]:
        try:
            return [self.root, *self.root.children(recursive=True)]
        except psutil.Error:
            return []

    def _sample(self) -> None:
        rss = pss = 0
        for proc in self._tree():
            try:
                info = proc.memory_full_info()
                times = proc.cpu_times()
            except psutil.Error:
                continue
            rss += info.rss
            pss += getattr(info, "pss", info.rss)
            own = times.user + times.system
            if proc.pid == self.root.pid:  # the bench itself: only what it used since the sampler started
                own -= self._root_start
            self.cpu[proc.pid] = max(self.cpu.get(proc.pid, 0.0), own)
        self.peak_rss = max(self.peak_rss, rss)
        self.peak_pss = max(self.peak_pss, pss)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(self.interval)

    def __enter__(self) -> TreeSampler:
        times = self.root.cpu_times()
        self._root_start = times.user + times.system
        self.started = time.perf_counter()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.elapsed = time.perf_counter() - self.started
        self._stop.set()
        self._thread.join()

    def usage(self) -> Usage:
        return Usage(self.elapsed, self.peak_rss / 2**20, self.peak_pss / 2**20, sum(self.cpu.values()))


def env_for(home: Path) -> dict[str, str]:
    return dict(os.environ, PRIVACYGUARD_HOME=str(home), NO_COLOR="1", COLUMNS="160")


def write_roster(path: Path, count: int) -> list[tuple[str, str, str]]:
    """count accounts, half LinkedIn and half Facebook, variants alternating."""
    rows = []
    lines = ["person,team,email,platform,account,sandbox"]
    for i in range(count):
        platform = "linkedin" if i % 2 == 0 else "facebook"
        variant = VARIANTS[(i // 2) % len(VARIANTS)]
        account = f"{platform[:2]}-{i:04d}"
        rows.append((platform, account, variant))
        lines.append(f"Person {i // 2:04d},Team {i % 7},p{i // 2}@example.org,{platform},{account},{variant}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return rows


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "privacyguard", *args]


def timed_cli(args: list[str], home: Path) -> tuple[subprocess.CompletedProcess[str], Usage]:
    process = subprocess.Popen(args, env=env_for(home), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with TreeSampler(process.pid) as sampler:
        out, err = process.communicate()
    result = subprocess.CompletedProcess(args, process.returncode, out, err)
    return result, sampler.usage()


def single_scan(home: Path, policy: str, repeats: int = 3) -> list[float]:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        result = subprocess.run(cli("scan", "--sandbox", "default", "--policy", policy, "--format", "json"),
                                env=env_for(home), capture_output=True, text=True, check=False)
        times.append(time.perf_counter() - started)
        if result.returncode == 3:
            sys.exit(f"scan failed: {result.stderr}")
    return times


def audit_run(home: Path, roster: Path, out: Path, concurrency: int, policy: str) -> tuple[dict, Usage]:
    result, usage = timed_cli(cli("audit", "run", str(roster), "--policy", policy, "--concurrency",
                                  str(concurrency), "--out", str(out)), home)
    if result.returncode == 3 or not out.is_file():
        sys.exit(f"audit run failed ({result.returncode}): {result.stderr[-2000:]}")
    return json.loads(out.read_text(encoding="utf-8")), usage


def naive_baseline(home: Path, rows: list[tuple[str, str, str]]) -> tuple[dict, Usage]:
    """One fresh browser per account, one account after another (what a simple script would do)."""
    os.environ["PRIVACYGUARD_HOME"] = str(home)
    from privacyguard.catalogue import load_catalogue
    from privacyguard.collect.engine import CollectOptions
    from privacyguard.collect.runner import CollectRun, Target

    catalogue = load_catalogue()
    readings: dict = {}
    with TreeSampler(os.getpid()) as sampler:
        for index, (platform, account, variant) in enumerate(rows, 1):
            if index % 25 == 0:
                print(f"  naive: {index}/{len(rows)} accounts, {time.perf_counter() - sampler.started:.0f} s",
                      flush=True)
            snapshot = asyncio.run(CollectRun(catalogue, CollectOptions(), concurrency=1)
                                   .run([Target(platform, account, variant)]))
            got = snapshot.accounts[0]
            readings[(platform, account)] = {sid: r.value for sid, r in got.readings.items()}
            if got.error:
                readings[(platform, account)]["_error"] = got.error.message
    return readings, sampler.usage()


def page_load_floor(home: Path, rows: list[tuple[str, str, str]], concurrency: int) -> tuple[int, Usage]:
    """The same accounts' pages loaded in one browser, one context each, reading nothing.

    What a central run costs before it reads anything (navigation, the sandbox's interception,
    rendering): the floor under the audit run's CPU. Returns (page loads, usage).
    """
    os.environ["PRIVACYGUARD_HOME"] = str(home)
    from playwright.async_api import async_playwright

    from privacyguard.catalogue import load_catalogue
    from privacyguard.collect.browser import launch
    from privacyguard.collect.runner import CollectRun
    from privacyguard.sandbox.fixtures import load_variant
    from privacyguard.sandbox.server import SandboxAccount

    catalogue = load_catalogue()
    loads = 0

    async def run() -> None:
        nonlocal loads
        semaphore = asyncio.Semaphore(concurrency)
        async with async_playwright() as playwright:
            browser = await launch(playwright, headless=True, sandbox_only=True)

            async def one(platform: str, account: str, variant: str) -> None:
                nonlocal loads
                flow = catalogue.platform(platform)
                urls = list(dict.fromkeys(s.url for s in flow.settings if s.retired is None))
                async with semaphore:
                    context = await CollectRun(catalogue).new_context(browser)
                    await SandboxAccount(account, {platform: flow}, {platform: load_variant(platform, variant)}
                                         ).attach(context)
                    page = await context.new_page()
                    for url in urls:
                        await page.goto(url, wait_until="domcontentloaded")
                        loads += 1
                    await context.close()

            await asyncio.gather(*(one(*row) for row in rows))
            await browser.close()

    with TreeSampler(os.getpid()) as sampler:
        asyncio.run(run())
    return loads, sampler.usage()


def readings_report(home: Path) -> None:
    """The readings-against-truth table of the adversarial variants (scripts/readings_report.py)."""
    result = subprocess.run([sys.executable, str(REPO / "scripts" / "readings_report.py"), "--brief"],
                            env=env_for(home), capture_output=True, text=True, check=False)
    print(result.stdout.rstrip() or f"readings report failed: {result.stderr.strip()[-500:]}")


def audit_values(audit: dict) -> dict:
    values = {}
    for account in audit["accounts"]:
        values[(account["platform"], account["account"])] = {c["setting"]: c["actual"] for c in account["cells"]}
        if account["error"]:
            values[(account["platform"], account["account"])]["_error"] = account["error"]
    return values


def report(name: str, count: int, usage: Usage) -> float:
    per_minute = count / usage.seconds * 60
    print(f"  {name:<9} {usage.seconds:7.1f} s  {per_minute:7.1f} accounts/min  peak memory "
          f"{usage.peak_rss_mb:6.0f} MB RSS-sum / {usage.peak_pss_mb:6.0f} MB PSS  CPU {usage.cpu_seconds:6.1f} s "
          f"({usage.cpu_seconds / count:.2f} s/account)")
    return per_minute


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=6)
    parser.add_argument("--sweep", default="", help="also time audit run at these concurrencies, e.g. 2,4,6,8")
    parser.add_argument("--policy", default=POLICY, help="policy for the audit run (default: recommended)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the naive baseline (quick tuning)")
    parser.add_argument("--no-readings", action="store_true", help="skip the readings-against-truth table")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]

    with tempfile.TemporaryDirectory(prefix="pg-bench-") as tmp:
        tmpdir = Path(tmp)
        roster = tmpdir / "roster.csv"
        rows = write_roster(roster, args.accounts)
        print(f"privacyguard bench · {os.cpu_count()} CPU(s) · load average {os.getloadavg()[0]:.1f} · "
              f"{args.accounts} sandbox accounts ({args.accounts - args.accounts // 2} LinkedIn, "
              f"{args.accounts // 2} Facebook; variants {', '.join(VARIANTS)})")

        scans = single_scan(tmpdir / "home-scan", args.policy)
        print(f"single sandbox scan of both platforms (privacyguard scan --sandbox default): "
              f"median {statistics.median(scans):.2f} s (runs: {', '.join(f'{t:.2f}' for t in scans)})")
        if not args.no_readings:
            readings_report(tmpdir / "home-readings")

        for level in [int(x) for x in args.sweep.split(",") if x.strip()]:
            _, usage = audit_run(tmpdir / f"home-sweep-{level}", roster, tmpdir / f"sweep-{level}.json", level,
                                 args.policy)
            report(f"c={level}", args.accounts, usage)

        audit, audit_usage = audit_run(tmpdir / "home-audit", roster, tmpdir / "audit.json", args.concurrency,
                                         args.policy)
        values = audit_values(audit)
        errors = [k for k, v in values.items() if "_error" in v]
        print(f"audit run (concurrency {args.concurrency}): {len(values)} accounts, {len(errors)} with errors")
        run_rate = report("audit run", args.accounts, audit_usage)
        if errors:
            sys.exit(f"bench invalid: {len(errors)} account(s) failed in the audit run, e.g. {values[errors[0]]}")
        loads, floor = page_load_floor(tmpdir / "home-floor", rows, args.concurrency)
        per_account = floor.cpu_seconds / args.accounts
        print(f"page-load floor (same accounts, same browser set-up, pages loaded but nothing read): "
              f"{loads} page loads, {floor.seconds:.1f} s, CPU {floor.cpu_seconds:.1f} s = "
              f"{floor.cpu_seconds / loads * 1000:.0f} ms per page load, {per_account:.2f} s per account "
              f"(the audit run reads for {(audit_usage.cpu_seconds - floor.cpu_seconds) / args.accounts:.2f} s "
              f"CPU per account on top)")
        if args.no_baseline:
            return

        baseline, naive_usage = naive_baseline(tmpdir / "home-naive", rows)
        naive_rate = report("naive", args.accounts, naive_usage)
        differing = [k for k in values if {s: baseline.get(k, {}).get(s) for s in values[k]} != values[k]]
        if differing:
            sys.exit(f"bench invalid: {len(differing)} account(s) read differently, e.g. {differing[0]}: "
                     f"audit {values.get(differing[0])} vs naive {baseline[differing[0]]}")
        print(f"both runs read identical values for all {len(baseline)} accounts")
        print(f"speed-up: {run_rate / naive_rate:.1f}x the naive baseline (goal: at least 5x); "
              f"{args.accounts} accounts in {audit_usage.seconds:.1f} s (goal: under 60 s); "
              f"CPU per account {naive_usage.cpu_seconds / args.accounts:.2f} s naive vs "
              f"{audit_usage.cpu_seconds / args.accounts:.2f} s audit run; load average now {os.getloadavg()[0]:.1f}")
        # Bounds: even reading for free, the audit run needs the floor's CPU; the naive run pays the same
        # plus a browser start per account, spread over the cores it manages to use.
        cores = os.cpu_count() or 1
        launch_cpu = (naive_usage.cpu_seconds - audit_usage.cpu_seconds) / args.accounts
        naive_cores = naive_usage.cpu_seconds / naive_usage.seconds
        best_seconds = floor.cpu_seconds / cores
        best_ratio = ((per_account + launch_cpu) / naive_cores) / (per_account / cores)
        print(f"estimated bounds on this machine, even if reading cost nothing: {args.accounts} accounts in >= "
              f"{best_seconds:.0f} s, speed-up <= {best_ratio:.1f}x (a browser start costs the naive run "
              f"{launch_cpu:.2f} s CPU per account; it keeps {naive_cores:.1f} of {cores} cores busy)")


if __name__ == "__main__":
    main()
