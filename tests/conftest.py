"""Shared test fixtures: an isolated privacyguard home, an in-memory keyring, sandbox collection."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import keyring
import pytest

from privacyguard.catalogue import Catalogue, load_catalogue
from privacyguard.collect.engine import CollectOptions
from privacyguard.collect.runner import CollectRun, Target
from privacyguard.i18n import reset_lang
from privacyguard.snapshot import AccountSnapshot, Snapshot
from privacyguard.testing import MemoryKeyring

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def pg_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own PRIVACYGUARD_HOME, so sandbox state never leaks between tests."""
    home = tmp_path / "pghome"
    monkeypatch.setenv("PRIVACYGUARD_HOME", str(home))
    return home


@pytest.fixture(autouse=True)
def english_unless_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts in English: a command run in-process with --lang nl must not leak into the next test."""
    monkeypatch.delenv("PRIVACYGUARD_LANG", raising=False)
    reset_lang()
    yield
    reset_lang()


@pytest.fixture(autouse=True)
def memory_keyring() -> MemoryKeyring:
    backend = MemoryKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return load_catalogue()


def collect_sandbox(catalogue: Catalogue, platform: str, variant: str, account: str | None = None,
                    fixtures: Path | None = None) -> AccountSnapshot:
    """Collect one simulated account in a real Chromium and return its snapshot."""
    target = Target(platform, account or f"sandbox-{variant}", variant, fixtures)
    snapshot: Snapshot = asyncio.run(CollectRun(catalogue, CollectOptions()).run([target]))
    return snapshot.accounts[0]


def run_cli(*args: str, home: Path, stdin: str | None = None, timeout: float = 180,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run `python -m privacyguard ARGS` as a user would, in its own process and home (extra `env` on top)."""
    env = {**os.environ, "PRIVACYGUARD_HOME": str(home), "COLUMNS": "200", "NO_COLOR": "1", **(env or {})}
    return subprocess.run([sys.executable, "-m", "privacyguard", *args], capture_output=True, text=True,
                          env=env, input=stdin, timeout=timeout, check=False)
