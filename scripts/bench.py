"""Performance figures (`make bench`). Every figure is measured in this run, on this machine.

1. One 2-platform sandbox scan (`privacyguard scan --sandbox default --platform linkedin --platform
   facebook`) against the floor program
   (scripts/floor.py: the same pages and reads, nothing else), as alternating pairs: the median
   ratio of wall time and of CPU time (the whole process tree; goal: at most 1.3x).
2. How right the reader is on the variants with a truth file (scripts/readings_report.py).
3. The `heavy` variant (pages at real weight): a scan with images, media, fonts and beacons
   blocked (what read-only runs do) and one loading everything, as alternating pairs.
4. `privacyguard audit collect` of 10,000 signed bundles (20,000 accounts; goal: under 10 s), as
   alternating runs with its floor (read, parse and check each signature, nothing else), and whether
   its output on 1,000 bundles is what it was before issue 14 (tests/test_audit_collect_thousand.py).
5. `privacyguard audit run` over N simulated accounts (half LinkedIn, half Facebook; goal: 200 in
   under 60 s), the floor program doing the same accounts' pages (and scripts/floor_cdp.py, the same
   over raw CDP without Playwright: the least a browser costs here), and a naive baseline (one fresh
   browser per account, one after another, over the first 40 accounts by default; goal: the run
   at least 5x faster in accounts per minute), measured twice: over the product's own read path
   (raw CDP for simulated accounts; with the bound two cores set on the speed-up) and over
   Playwright (PRIVACYGUARD_READ_PATH=playwright, as the product read before); and floor_cdp.py
   against its own naive run (what the simplest program can show on this machine). All runs must
   read the same values, or the bench fails. Peak memory of the whole process tree (RSS summed;
   PSS, which counts shared pages once) in all, and per account being read at the same time.

CPU is user + system time of a program and all its descendants (os.wait4 on a child process),
memory is sampled with psutil every 0.1 s. The machine may be shared: the load average is printed
before and after, and ratios of alternating pairs are what to compare across runs.
Nothing leaves the machine: the sandbox answers the platforms' URLs. privacyguard's own modules
are compiled to bytecode first, as installing a package does (a source checkout run with
PYTHONDONTWRITEBYTECODE would otherwise compile them on every start; the floor's Playwright is
installed, so compiled).

    .venv/bin/python scripts/bench.py [--accounts 200] [--concurrency 6] [--pairs 5] [--bundles 10000]
                                      [--collect-runs 3] [--only 4]
    .venv/bin/python scripts/bench.py --only 5 --naive-accounts 0   # the naive baseline over all 200 too
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


@dataclass
class Measured:
    wall: float
    cpu: float  # user + system of the process tree: os.wait4's, or the sampler's sum where larger
    peak_rss_mb: float
    peak_pss_mb: float
    returncode: int
    stdout: str

    def usage(self) -> Usage:
        return Usage(self.wall, self.peak_rss_mb, self.peak_pss_mb, self.cpu)


def measured(args: list[str], env: dict[str, str]) -> Measured:
    """Run a program to its end: wall time, CPU of its whole process tree, peak memory (psutil)."""
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        process = subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.DEVNULL)
        with TreeSampler(process.pid) as sampler:
            _, status, rusage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    # rusage misses descendants nobody waited for (Chromium's renderers, when the browser is killed
    # at the end): the sampler's per-process figures catch them, so the larger of the two counts.
    cpu = max(rusage.ru_utime + rusage.ru_stime, sum(sampler.cpu.values()))
    return Measured(wall, cpu, sampler.peak_rss / 2**20, sampler.peak_pss / 2**20,
                    process.returncode, text)


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


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (5 min {five:.1f})"


def pairs(first: list[str], second: list[str], env: dict[str, str], count: int,
          check: str = "") -> tuple[list[Measured], list[Measured]]:
    """`count` alternating runs of two programs; `check`: text the second's output must contain."""
    a_runs, b_runs = [], []
    for _ in range(count):
        a_runs.append(measured(first, env))
        b_runs.append(measured(second, env))
        for run, name in ((a_runs[-1], first), (b_runs[-1], second)):
            if run.returncode not in (0, 1, 2):
                sys.exit(f"bench invalid: {' '.join(name[-3:])} exited {run.returncode}")
        if check and check not in b_runs[-1].stdout:
            sys.exit(f"bench invalid: {' '.join(second[-3:])} did not print {check!r}")
    return a_runs, b_runs


def ratios(base: list[Measured], other: list[Measured]) -> tuple[float, float]:
    """Median over the pairs of other/base, for wall time and for CPU time."""
    return (statistics.median(o.wall / b.wall for b, o in zip(base, other, strict=True)),
            statistics.median(o.cpu / b.cpu for b, o in zip(base, other, strict=True)))


def runs(label: str, items: list[Measured]) -> str:
    return (f"{label} median {statistics.median(m.wall for m in items):.2f} s wall, "
            f"{statistics.median(m.cpu for m in items):.2f} s CPU")


def scan_against_floor(tmpdir: Path, count: int) -> None:
    pages = tmpdir / "floor-pages.json"
    subprocess.run([sys.executable, str(REPO / "scripts" / "floor.py"), "--export", str(pages)],
                   env=env_for(tmpdir / "home-floor-export"), check=True)
    floor = [sys.executable, str(REPO / "scripts" / "floor.py"), str(pages)]
    product = cli("scan", "--sandbox", "default", "--platform", "linkedin", "--platform", "facebook",
                  "--format", "json")
    floors, scans = pairs(floor, product, env_for(tmpdir / "home-scan"), count, check='"findings"')
    wall, cpu = ratios(floors, scans)
    print(f"1. one 2-platform sandbox scan vs the floor program, {count} alternating pairs ({load()}):")
    print(f"   {runs('floor', floors)}; {runs('scan', scans)}")
    print(f"   scan / floor: {wall:.2f}x wall, {cpu:.2f}x CPU (median of pairs; goal: at most 1.3x) "
          f"[{'met' if max(wall, cpu) <= 1.3 else 'NOT met'}]")


def heavy_child(mode: str) -> None:
    """One scan of the heavy variant, both platforms, blocking or not (`--child heavy block|full`)."""
    from privacyguard.catalogue import load_catalogue
    from privacyguard.collect.runner import CollectRun, Target

    run = CollectRun(load_catalogue(), block_unneeded=mode == "block")
    snapshot = asyncio.run(run.run([Target(p, f"heavy-{p}", "heavy") for p in ("linkedin", "facebook")]))
    served = sum(len(sandbox.asset_requests) for sandbox in run.sandboxes.values())
    read = {f"{a.platform}:{sid}": r.value for a in snapshot.accounts for sid, r in a.readings.items()}
    print(json.dumps({"assets": served, "read": read}))


def heavy_scans(tmpdir: Path, count: int) -> None:
    child = [sys.executable, str(Path(__file__).resolve()), "--child", "heavy"]
    blocked, full = pairs([*child, "block"], [*child, "full"], env_for(tmpdir / "home-heavy"), count)
    outputs = [json.loads(m.stdout) for m in blocked + full]
    same = all(o["read"] == outputs[0]["read"] for o in outputs)
    wall, cpu = ratios(blocked, full)
    print(f"3. scan of the heavy variant (both platforms), {count} alternating pairs ({load()}):")
    print(f"   blocking images, media, fonts, beacons: {runs('', blocked)}, "
          f"{json.loads(blocked[0].stdout)['assets']} assets served")
    print(f"   loading everything:                     {runs('', full)}, "
          f"{json.loads(full[0].stdout)['assets']} assets served")
    print(f"   loading everything costs {wall:.2f}x wall, {cpu:.2f}x CPU; same values read: {same}")
    if not same:
        sys.exit("bench invalid: the heavy scans read different values")


def collect_at_scale(tmpdir: Path, bundles: int, count: int) -> None:
    """`audit collect` of `bundles` signed bundles against the floor program, as alternating pairs, and
    whether its output on 1,000 bundles is still what it was before issue 14 (the golden test)."""
    from privacyguard.testing import write_signed_inbox

    base = tmpdir / "collect"
    key = b"bench-organisation-key-0123456789"
    started = time.perf_counter()
    os.environ["PRIVACYGUARD_HOME"] = str(tmpdir / "home-collect")
    write_signed_inbox(base / "inbox", base / "roster.csv", bundles, key)
    (base / "key").write_bytes(key)
    made = time.perf_counter() - started
    floor = [sys.executable, str(Path(__file__).resolve()), "--child", "collect-floor", str(base / "inbox"),
             str(base / "key")]
    product = cli("audit", "collect", str(base / "inbox"), "--roster", str(base / "roster.csv"),
                  "--key-file", str(base / "key"), "--out", str(base / "audit.json"))
    print(f"4. audit collect of {bundles} signed bundles ({2 * bundles} accounts; made in {made:.0f} s, not timed), "
          f"{count} alternating runs with the floor program ({load()}):")
    floors, collects = pairs(floor, product, env_for(tmpdir / "home-collect"), count)
    audit = json.loads((base / "audit.json").read_text(encoding="utf-8"))
    wall = statistics.median(m.wall for m in collects)
    cpu = statistics.median(m.cpu for m in collects)
    print(f"   audit collect: median {wall:.1f} s wall, {cpu:.1f} s CPU, peak memory "
          f"{max(m.peak_rss_mb for m in collects):.0f} MB; {len(audit['accounts'])} accounts merged, "
          f"{len(audit['rejected'])} rejected (goal: under 10 s) [wall: {'met' if wall < 10 else 'NOT met'}, "
          f"CPU: {'met' if cpu < 10 else 'NOT met'}]")
    print(f"   {runs('floor (read, parse and check the signature of each bundle, nothing else):', floors)}; "
          f"{floors[0].stdout.strip()}")
    print(f"   audit collect / floor: {ratios(floors, collects)[1]:.2f}x CPU (median of pairs); {load()}")
    golden = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:randomly",
                             "tests/test_audit_collect_thousand.py"], cwd=REPO, capture_output=True, text=True,
                            env=env_for(tmpdir / "home-golden"))
    last = (golden.stdout.strip().splitlines() or ["no output"])[-1]
    print(f"   output on 1,000 bundles and 24 odd files identical to the code before issue 14 "
          f"(tests/test_audit_collect_thousand.py): {'yes' if golden.returncode == 0 else 'NO'} ({last})")


def collect_floor_child(inbox: str, key_file: str) -> None:
    """The least any `audit collect` must do per bundle: read it, parse it, check its HMAC over the canonical
    JSON (made by orjson, as audit collect makes it)."""
    import hashlib
    import hmac

    import orjson

    key = Path(key_file).read_bytes().strip()
    good = 0
    for path in sorted(Path(inbox).glob("*.json")):
        data = json.loads(path.read_bytes())
        body = orjson.dumps({k: v for k, v in data.items() if k != "signature"}, option=orjson.OPT_SORT_KEYS)
        good += hmac.compare_digest(hmac.new(key, body, hashlib.sha256).hexdigest(), data["signature"]["value"])
    print(f"{good} signatures good")


def audit_run(home: Path, roster: Path, out: Path, concurrency: int, policy: str) -> tuple[dict, Usage]:
    result = measured(cli("audit", "run", str(roster), "--policy", policy, "--concurrency", str(concurrency),
                          "--out", str(out)), env_for(home))
    if result.returncode == 3 or not out.is_file():
        sys.exit(f"audit run failed ({result.returncode})")
    return json.loads(out.read_text(encoding="utf-8")), result.usage()


def naive_child(rows_file: str, out: str) -> None:
    """One fresh browser per account, one after another (`--child naive ROWS OUT`)."""
    from privacyguard.catalogue import load_catalogue
    from privacyguard.collect.engine import CollectOptions
    from privacyguard.collect.runner import CollectRun, Target

    catalogue = load_catalogue()
    rows = json.loads(Path(rows_file).read_text(encoding="utf-8"))
    readings: dict[str, dict] = {}
    started = time.perf_counter()
    for index, (platform, account, variant) in enumerate(rows, 1):
        if index % 25 == 0:
            print(f"  naive: {index}/{len(rows)} accounts, {time.perf_counter() - started:.0f} s", file=sys.stderr,
                  flush=True)
        snapshot = asyncio.run(CollectRun(catalogue, CollectOptions(), concurrency=1)
                               .run([Target(platform, account, variant)]))
        got = snapshot.accounts[0]
        readings[f"{platform}:{account}"] = {sid: r.value for sid, r in got.readings.items()}
        if got.error:
            readings[f"{platform}:{account}"]["_error"] = got.error.message
    Path(out).write_text(json.dumps(readings), encoding="utf-8")


def compile_sources() -> None:
    """Bytecode for privacyguard's modules, as `pip install` writes it (see the module docstring)."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "src" / "privacyguard")], check=True,
                   stdout=subprocess.DEVNULL)


def naive_baseline(tmpdir: Path, rows: list[tuple[str, str, str]], read_path: str = "") -> tuple[dict, Usage]:
    """`read_path` "playwright": every account over Playwright (PRIVACYGUARD_READ_PATH), as the
    product read before the raw path, and as the issue measured its baseline."""
    rows_file, out = tmpdir / "naive-rows.json", tmpdir / f"naive{read_path}.json"
    rows_file.write_text(json.dumps(rows), encoding="utf-8")
    env = env_for(tmpdir / f"home-naive{read_path}")
    if read_path:
        env["PRIVACYGUARD_READ_PATH"] = read_path
    result = measured([sys.executable, str(Path(__file__).resolve()), "--child", "naive", str(rows_file), str(out)],
                      env)
    if result.returncode != 0 or not out.is_file():
        sys.exit(f"naive baseline failed ({result.returncode})")
    values = json.loads(out.read_text(encoding="utf-8"))
    return {tuple(k.split(":", 1)): v for k, v in values.items()}, result.usage()


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


def audit_section(tmpdir: Path, args: argparse.Namespace) -> None:
    roster = tmpdir / "roster.csv"
    rows = write_roster(roster, args.accounts)
    print(f"5. audit run of {args.accounts} sandbox accounts ({args.accounts - args.accounts // 2} LinkedIn, "
          f"{args.accounts // 2} Facebook; variants {', '.join(VARIANTS)}), concurrency {args.concurrency} "
          f"({load()}):")
    for level in [int(x) for x in args.sweep.split(",") if x.strip()]:
        _, usage = audit_run(tmpdir / f"home-sweep-{level}", roster, tmpdir / f"sweep-{level}.json", level,
                             args.policy)
        report(f"c={level}", args.accounts, usage)
    audit, audit_usage = audit_run(tmpdir / "home-audit", roster, tmpdir / "audit.json", args.concurrency,
                                   args.policy)
    values = audit_values(audit)
    errors = [k for k, v in values.items() if "_error" in v]
    run_rate = report("audit run", args.accounts, audit_usage)
    if errors:
        sys.exit(f"bench invalid: {len(errors)} account(s) failed in the audit run, e.g. {values[errors[0]]}")
    pages = tmpdir / "floor-pages.json"
    if not pages.is_file():
        subprocess.run([sys.executable, str(REPO / "scripts" / "floor.py"), "--export", str(pages)],
                       env=env_for(tmpdir / "home-floor-export"), check=True)
    floors = {
        "floor": ("floor.py", "the floor program loads the same accounts' pages (the default variant's) and reads "
                  "them, nothing else"),
        "raw CDP": ("floor_cdp.py", "the same pages and reads over raw CDP, no Playwright (scripts/floor_cdp.py; "
                    "one frame per page): what this machine does at best with a browser"),
    }
    runs: dict[str, Measured] = {}
    for name, (script, what) in floors.items():
        run = runs[name] = measured([sys.executable, str(REPO / "scripts" / script), str(pages), str(args.accounts),
                                     str(args.concurrency)], env_for(tmpdir / f"home-{script}"))
        report(name, args.accounts, run.usage())
        print(f"   {what}: the audit run costs {audit_usage.seconds / run.wall:.2f}x its wall time, "
              f"{audit_usage.cpu_seconds / run.cpu:.2f}x its CPU")
    floor = runs["floor"]  # the Playwright floor: what the CPU-per-account line below compares with
    if args.no_baseline:
        return
    naive_rows = rows[:args.naive_accounts] if args.naive_accounts else rows
    baseline, naive_usage = naive_baseline(tmpdir, naive_rows)
    naive_rate = report("naive", len(naive_rows), naive_usage)
    differing = [k for k in baseline if {s: baseline[k].get(s) for s in values[k]} != values[k]]
    if differing:
        sys.exit(f"bench invalid: {len(differing)} account(s) read differently, e.g. {differing[0]}: "
                 f"audit {values.get(differing[0])} vs naive {baseline[differing[0]]}")
    print(f"   both runs read identical values for all {len(baseline)} accounts the naive run read"
          + (f" (the first {len(naive_rows)} of the roster: its per-account rate is what is compared)"
             if len(naive_rows) < len(rows) else ""))
    speedup = run_rate / naive_rate
    print(f"   speed-up {speedup:.1f}x the naive baseline (accounts per minute; goal: at least 5x) "
          f"[{'met' if speedup >= 5 else 'NOT met'}]")
    cores = os.cpu_count() or 1
    naive_wall, run_cpu = naive_usage.seconds / len(naive_rows), audit_usage.cpu_seconds / args.accounts
    print(f"   the naive run reads over the same path as the audit run: {naive_wall:.2f} s per account, where the "
          f"audit run needs {run_cpu:.2f} s of CPU per account; with all {cores} cores busy no run at that CPU can "
          f"be more than {cores * naive_wall / run_cpu:.1f}x it")
    floor_naive = measured([sys.executable, str(REPO / "scripts" / "floor_cdp.py"), str(pages), str(len(naive_rows)),
                            "naive"], env_for(tmpdir / "home-floor-naive"))
    report("raw CDP naive", len(naive_rows), floor_naive.usage())
    own = (floor_naive.wall / len(naive_rows)) / (runs["raw CDP"].wall / args.accounts)
    print(f"   the simplest program against its own naive run (floor_cdp.py, one account after another with a fresh "
          f"browser each): its concurrent run above is {own:.1f}x it; no reader on this machine can be 5x a naive "
          f"run of itself unless its naive run wastes what the simplest program's does not")
    pw_baseline, pw_usage = naive_baseline(tmpdir, naive_rows, "playwright")
    pw_rate = report("naive (PW)", len(naive_rows), pw_usage)
    differing = [k for k in pw_baseline if {s: pw_baseline[k].get(s) for s in values[k]} != values[k]]
    if differing:
        sys.exit(f"bench invalid: {len(differing)} account(s) read differently over Playwright, e.g. {differing[0]}")
    print(f"   the same naive run with every account over Playwright (PRIVACYGUARD_READ_PATH=playwright: how the "
          f"product read before the raw path, and the baseline the issue measured): identical values; speed-up "
          f"{run_rate / pw_rate:.1f}x it [{'met' if run_rate / pw_rate >= 5 else 'NOT met'}]")
    at = "" if args.accounts == 200 else f"; the goal is for 200 accounts, this run has {args.accounts}"
    print(f"   {args.accounts} accounts in {audit_usage.seconds:.1f} s: {audit_usage.seconds / 60:.2f}x the goal's "
          f"60 s [{'met' if audit_usage.seconds < 60 and args.accounts >= 200 else 'NOT met'}{at}]; "
          f"CPU {audit_usage.cpu_seconds / args.accounts:.2f} s/account against the floor program's "
          f"{floor.cpu / args.accounts:.2f} ({audit_usage.cpu_seconds / floor.cpu:.2f}x)")
    memory_met = "met" if audit_usage.peak_rss_mb < 1536 else "NOT met"
    print(f"   peak memory {audit_usage.peak_rss_mb:.0f} MB RSS summed over all processes: "
          f"{audit_usage.peak_rss_mb / 1536:.2f}x the goal's 1.5 GB [{memory_met}]")
    per_account = (audit_usage.peak_pss_mb - naive_usage.peak_pss_mb) / max(1, args.concurrency - 1)
    print(f"   memory per account read at the same time: {per_account:.0f} MB PSS (audit run's peak "
          f"{audit_usage.peak_pss_mb:.0f} MB with {args.concurrency} at a time, naive run's "
          f"{naive_usage.peak_pss_mb:.0f} MB with one); {audit_usage.peak_rss_mb / args.concurrency:.0f} MB "
          f"RSS-sum per concurrent account at most")


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":  # the parts the bench measures as child processes
        if sys.argv[2] == "heavy":
            heavy_child(sys.argv[3])
        elif sys.argv[2] == "collect-floor":
            collect_floor_child(sys.argv[3], sys.argv[4])
        else:
            naive_child(sys.argv[3], sys.argv[4])
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=6)
    parser.add_argument("--pairs", type=int, default=5, help="alternating pairs for the scan vs the floor")
    parser.add_argument("--heavy-pairs", type=int, default=3, help="alternating pairs for the heavy variant")
    parser.add_argument("--bundles", type=int, default=10_000, help="bundles for audit collect (0: skip)")
    parser.add_argument("--collect-runs", type=int, default=3, help="alternating runs of audit collect and its floor")
    parser.add_argument("--sweep", default="", help="also time audit run at these concurrencies, e.g. 2,4,6,8")
    parser.add_argument("--policy", default=POLICY, help="policy for the audit run (default: recommended)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the naive baseline (quick tuning)")
    parser.add_argument("--naive-accounts", type=int, default=40,
                        help="the naive baseline over the roster's first N accounts (0: all); its accounts per minute "
                        "are compared (one account after another costs the same each: 200 would take ~15 minutes here)")
    parser.add_argument("--no-readings", action="store_true", help="skip the readings-against-truth table")
    parser.add_argument("--only", default="", help="run only these sections, e.g. 1,3")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    only = {int(x) for x in args.only.split(",") if x.strip()}

    def wanted(section: int) -> bool:
        return not only or section in only

    with tempfile.TemporaryDirectory(prefix="pg-bench-") as tmp:
        tmpdir = Path(tmp)
        print(f"privacyguard bench · {os.cpu_count()} CPU(s) · {load()} · {time.strftime('%Y-%m-%d %H:%M %Z')}")
        compile_sources()
        if wanted(1):
            scan_against_floor(tmpdir, args.pairs)
        if wanted(2) and not args.no_readings:
            print("2. the reader against the truth files:")
            readings_report(tmpdir / "home-readings")
        if wanted(3):
            heavy_scans(tmpdir, args.heavy_pairs)
        if wanted(4) and args.bundles:
            collect_at_scale(tmpdir, args.bundles, args.collect_runs)
        if wanted(5):
            audit_section(tmpdir, args)
        print(f"done · {load()}")


if __name__ == "__main__":
    main()
