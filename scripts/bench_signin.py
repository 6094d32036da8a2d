"""Benchmark: what signing in costs per account, on the simulated platforms (nothing real is contacted).

    .venv/bin/python scripts/bench_signin.py [--rounds 3]

For each way of being signed in (the sandbox's own session, a saved session, a password, a
password plus a two-step code) it scans one setting of a registered LinkedIn and Facebook account
and reports the median seconds per account. Secrets live in an in-memory keyring; the home is a
temporary folder.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time

import keyring

from privacyguard.testing import MemoryKeyring


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    os.environ["PRIVACYGUARD_HOME"] = tempfile.mkdtemp(prefix="pg-bench-")
    keyring.set_keyring(MemoryKeyring())

    from privacyguard import credentials, sessions
    from privacyguard.accounts import Account, get_account
    from privacyguard.catalogue import load_catalogue
    from privacyguard.collect.engine import CollectOptions
    from privacyguard.collect.runner import CollectRun
    from privacyguard.signin.layer import SignInLayer

    catalogue = load_catalogue()
    only = [catalogue.platform(p).settings[0].id for p in ("linkedin", "facebook")]
    totp = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    kinds = {"sandbox session": ("default", None, None), "password": ("default", "pw-bench", None),
             "password + TOTP": ("signin-two-step", "pw-bench", totp)}
    results: dict[str, list[float]] = {}
    for kind, (variant, password, secret) in kinds.items():
        for platform in ("linkedin", "facebook"):
            for round_ in range(args.rounds):
                name = f"{platform}-{kind.replace(' ', '').replace('+', '-')}-{round_}"
                credentials.register(Account(name=name, platform=platform, sandbox=variant, username="me@example.org"),
                                     catalogue, password, secret)
                for label in ([kind, "saved session"] if password else [kind]):
                    run = CollectRun(catalogue, CollectOptions(only=only), concurrency=1,
                                     sign_in=SignInLayer.from_registry())
                    started = time.monotonic()
                    snapshot = asyncio.run(run.run([get_account(name).target()]))
                    assert snapshot.accounts[0].error is None, snapshot.accounts[0].error
                    results.setdefault(label, []).append(time.monotonic() - started)
                    assert label != "saved session" or sessions.has_session(name)
    print(f"{'signed in by':<18} {'median s/account':>16} {'runs':>5}  (incl. browser start)")
    for label, times in results.items():
        print(f"{label:<18} {statistics.median(times):>16.2f} {len(times):>5}")


if __name__ == "__main__":
    main()
