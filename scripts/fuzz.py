"""`make fuzz`: at least 10,000 generated inputs over every reader, then a sample through the CLI.

Prints how many inputs ran (per reader), and the tracebacks, exit-2s, exit-3s that do not name
the file and inputs over the CPU/memory budget: all four must be 0. Exit code 0 only then.

    .venv/bin/python scripts/fuzz.py [--inputs 10000] [--cli 110] [--seed N]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import tracemalloc
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=10_000, help="in-process inputs over all readers")
    parser.add_argument("--cli", type=int, default=110, help="inputs run through the privacyguard command")
    parser.add_argument("--seed", type=int, default=int(time.time()))
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="pg-fuzz-"))
    started = time.monotonic()
    tracemalloc.start()
    try:
        bench = Workbench(root / "in-process")
        tally = Tally()
        names = list(bench.readers)
        # Flows are 30 KB documents, ten times slower to parse: they get a smaller share.
        weights = {name: (0.4 if name == "flow" else 1.0) for name in names}
        total = sum(weights.values())
        for name in names:
            share = max(1, round(args.inputs * weights[name] / total))
            before = tally.inputs
            # hypothesis may stop early when it runs out of new inputs: go on with another seed
            while tally.inputs - before < share and len(tally.harness_errors) < 50:
                fuzz_reader(bench, name, share - (tally.inputs - before), tally, args.seed + tally.inputs)
            print(f"  {name}: {tally.inputs - before} inputs", flush=True)
        tracemalloc.stop()
        cli = Tally()
        if args.cli:
            run_cli_sample(root / "cli", args.cli, cli, args.seed)
    finally:
        cleanup(root)
    print(f"\nin-process (seed {args.seed}, {time.monotonic() - started:.0f} s):")
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
