"""`make fuzz`: at least 10,000 generated inputs over every reader, then a sample through the CLI.

Prints how many inputs ran (per reader), and the tracebacks, exit-2s, exit-3s that do not name
the file and inputs over the CPU/memory budget: all four must be 0. Exit code 0 only then.

    .venv/bin/python scripts/fuzz.py [--inputs 10000] [--cli 33] [--jobs 2] [--seed N]
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from hypothesis import HealthCheck, given, seed, settings

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from fuzz_cli import run_cli_sample
from fuzz_readers import Tally, Workbench, cleanup, mutated, report


def fuzz_reader(bench: Workbench, name: str, count: int, tally: Tally, run_seed: int) -> None:
    reader = bench.readers[name]

    @seed(run_seed)
    @settings(max_examples=count, deadline=None, database=None, derandomize=False,
              suppress_health_check=list(HealthCheck))
    @given(data=mutated(reader))
    def run(data: bytes) -> None:
        bench.check(reader, data, tally, raise_on_failure=False)

    try:
        run()
    except Exception as exc:  # the harness itself, not the tool: say so, and go on with new inputs
        tally.harness_errors.append(f"{name}: {type(exc).__name__}: {exc}")


def fuzz_group(root: Path, shares: dict[str, int], run_seed: int) -> Tally:
    """One worker: its readers, each for its share of inputs (in its own folder and home)."""
    bench = Workbench(root)
    tally = Tally()
    for name, share in shares.items():
        before = tally.inputs
        # hypothesis may stop early when it runs out of new inputs: go on with another seed
        while tally.inputs - before < share and len(tally.harness_errors) < 50:
            fuzz_reader(bench, name, share - (tally.inputs - before), tally, run_seed + tally.inputs)
        print(f"  {name}: {tally.inputs - before} inputs", flush=True)
    return tally


def merge(tallies: list[Tally]) -> Tally:
    total = Tally()
    for part in tallies:
        total.inputs += part.inputs
        total.valid += part.valid
        total.bad_input += part.bad_input
        for name, count in part.by_reader.items():
            total.by_reader[name] = total.by_reader.get(name, 0) + count
        for bucket in ("tracebacks", "exit2", "unnamed", "over_budget", "harness_errors"):
            getattr(total, bucket).extend(getattr(part, bucket))
        total.max_cpu = max(total.max_cpu, part.max_cpu)
        total.max_memory = max(total.max_memory, part.max_memory)
        total.peak_rss = max(total.peak_rss, part.peak_rss)
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=10_000, help="in-process inputs over all readers")
    parser.add_argument("--cli", type=int, default=33, help="inputs run through the privacyguard command")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (readers are shared out)")
    parser.add_argument("--seed", type=int, default=int(time.time()))
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="pg-fuzz-"))
    started = time.monotonic()
    try:
        names = list(Workbench.READERS)
        # Flows are 30 KB documents, ten times slower to parse: they get a smaller share.
        weights = {name: (0.4 if name == "flow" else 1.0) for name in names}
        total = sum(weights.values())
        shares = {name: max(1, math.ceil(args.inputs * weights[name] / total)) for name in names}
        groups = [dict(list(shares.items())[i::args.jobs]) for i in range(args.jobs)]
        with ProcessPoolExecutor(args.jobs) as pool:
            tally = merge(list(pool.map(fuzz_group, [root / f"worker{i}" for i in range(args.jobs)], groups,
                                        [args.seed + 1000 * i for i in range(args.jobs)])))
        cli = Tally()
        if args.cli:
            run_cli_sample(root / "cli", args.cli, cli, args.seed)
    finally:
        cleanup(root)
    print(f"\nin-process (seed {args.seed}, {args.jobs} workers, {time.monotonic() - started:.0f} s):")
    report(tally)
    print("\nthrough the CLI:")
    report(cli)
    failed = len(tally.failures) + len(cli.failures)
    print(f"\nTOTAL inputs: {tally.inputs + cli.inputs}; tracebacks: {len(tally.tracebacks) + len(cli.tracebacks)}; "
          f"exit-2s: {len(tally.exit2) + len(cli.exit2)}; other failures: "
          f"{failed - len(tally.tracebacks) - len(cli.tracebacks) - len(tally.exit2) - len(cli.exit2)}")
    return 1 if failed or tally.harness_errors or cli.harness_errors else 0


if __name__ == "__main__":
    sys.exit(main())
