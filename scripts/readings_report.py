"""How right the reader is on the sandbox variants that have a truth file (`make bench` prints it too).

Scans every variant with a fixtures/<platform>/<variant>/truth.yaml as `privacyguard scan --sandbox`
does (one browser), scores each reading against the truth and prints one row per variant: settings,
right, unread, wrong and the read rate (right / settings), then every reading that is not right with
the reason it gives. Exit status 0; 1 with --check when any reading is wrong. Nothing leaves the
machine: the sandbox answers the platforms' URLs.

    .venv/bin/python scripts/readings_report.py [--platform linkedin] [--variant traps] [--check]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

from privacyguard.sandbox.truth import Score, reason, scan_and_score, variants_with_truth


def table(scores: list[Score]) -> str:
    rows = [f"{'variant':<22} {'settings':>8} {'right':>6} {'unread':>6} {'wrong':>6} {'read rate':>9}"]
    for sc in scores:
        rows.append(f"{sc.platform + '/' + sc.variant:<22} {len(sc.results):>8} {sc.count('right'):>6} "
                    f"{sc.count('unread'):>6} {sc.count('wrong'):>6} {sc.read_rate:>9.0%}")
    total = [r for sc in scores for r in sc.results]
    right = sum(1 for r in total if r.verdict == "right")
    rows.append(f"{'all':<22} {len(total):>8} {right:>6} {sum(1 for r in total if r.verdict == 'unread'):>6} "
                f"{sum(1 for r in total if r.verdict == 'wrong'):>6} {right / len(total) if total else 0:>9.0%}")
    return "\n".join(rows)


def details(scores: list[Score]) -> str:
    lines = []
    for sc in scores:
        for r in sc.results:
            if r.verdict != "right":
                got = r.reading.value if r.reading.ok else "-"
                lines.append(f"  {r.verdict:<6} {sc.platform}/{sc.variant} {r.setting}: truth {r.truth}, read {got} "
                             f"({reason(r.reading)})")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--platform", action="append", help="only this platform (repeatable)")
    parser.add_argument("--variant", action="append", help="only this variant (repeatable)")
    parser.add_argument("--check", action="store_true", help="exit 1 when any reading is wrong")
    parser.add_argument("--brief", action="store_true", help="the table only, not the readings behind it")
    args = parser.parse_args()
    pairs = [(p, v) for p, v in variants_with_truth()
             if (not args.platform or p in args.platform) and (not args.variant or v in args.variant)]
    if not pairs:
        print("no variant with a truth file matches", file=sys.stderr)
        return 3
    with tempfile.TemporaryDirectory(prefix="pg-readings-") as home:
        os.environ["PRIVACYGUARD_HOME"] = home  # a fresh sandbox state: the variants' own values
        started = time.perf_counter()
        scores = scan_and_score(pairs)
        seconds = time.perf_counter() - started
    print(f"readings against truth ({len(pairs)} variants, scanned in {seconds:.1f} s):")
    print(table(scores))
    if not args.brief and any(r.verdict != "right" for sc in scores for r in sc.results):
        print("not right:")
        print(details(scores))
    wrong = sum(sc.count("wrong") for sc in scores)
    return 1 if args.check and wrong else 0


if __name__ == "__main__":
    sys.exit(main())
