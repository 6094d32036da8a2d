"""The raw read path (collect/rawpage.py) reads exactly what the Playwright path reads, or hands over.

Simulated accounts that need no sign-in are read over raw CDP. These tests hold it to the one rule
that makes that safe: on every simulated variant of every platform, every reading (status, value,
note, evidence) and every account error is the same as over Playwright; an account the raw page
cannot serve (a Playwright locator is needed) is read again over Playwright, from the start; a
browser that dies mid-run fails its accounts with the usual message, and the run returns.
"""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import async_playwright

from privacyguard.catalogue import Catalogue
from privacyguard.collect import pagequery
from privacyguard.collect.browser import ENV_READ_PATH, launch_raw
from privacyguard.collect.rawpage import RawBrowser
from privacyguard.collect.runner import CollectRun, Target
from privacyguard.resources import fixtures_dir
from privacyguard.snapshot import Snapshot

pytestmark = pytest.mark.browser
PLATFORMS = ("linkedin", "facebook", "x", "instagram")


def every_variant() -> list[Target]:
    targets = []
    for platform in PLATFORMS:
        for folder in sorted((fixtures_dir() / platform).iterdir()):
            if folder.is_dir() and not folder.name.startswith("_"):
                targets.append(Target(platform, f"{platform}-{folder.name}", folder.name))
    return targets


class Independent(dict):
    """As in an audit run: one simulated account told to stop halts no other (so the order the
    accounts finish in cannot change what the others read)."""

    def setdefault(self, key: str, default: str | None = None) -> str | None:  # type: ignore[override]
        return default


def scan(catalogue: Catalogue, targets: list[Target], path: str, monkeypatch: pytest.MonkeyPatch,
         concurrency: int = 6) -> tuple[Snapshot, CollectRun]:
    monkeypatch.setenv(ENV_READ_PATH, path)
    run = CollectRun(catalogue, concurrency=concurrency, halted=Independent())
    return asyncio.run(run.run(targets)), run


def everything(snapshot: Snapshot) -> dict[str, Any]:
    """Every reading and error of a run, without the times."""
    found: dict[str, Any] = {}
    for account in snapshot.accounts:
        label = f"{account.platform}:{account.account}"
        found[label] = account.error.model_dump() if account.error else None
        for sid, reading in account.readings.items():
            found[f"{label}/{sid}"] = reading.model_dump(mode="json")
    return found


def test_every_simulated_variant_reads_the_same_over_raw_cdp_as_over_playwright(
        catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch) -> None:
    targets = every_variant()
    assert len(targets) >= 60  # the comparison covers what the sandbox has
    raw, raw_run = scan(catalogue, targets, "raw", monkeypatch)
    playwright, playwright_run = scan(catalogue, targets, "playwright", monkeypatch)
    assert raw_run.read_over == {t.label: "raw" for t in targets}  # really read raw, none handed over
    assert playwright_run.read_over == {}  # really read over Playwright
    got, expected = everything(raw), everything(playwright)
    assert sum(1 for key, value in expected.items() if "/" in key and value["value"]) >= 300  # it means something
    assert sum(1 for key, value in expected.items() if "/" not in key and value) >= 10  # walls, blocks, missing
    assert got.keys() == expected.keys()
    differing = {key: (got[key], expected[key]) for key in got if got[key] != expected[key]}
    # Never two values for one setting, however loaded the machine: a value read on one path is the
    # value read on the other, or the other did not read one (patience ran out on a late page).
    conflicting = {key: pair for key, pair in differing.items() if "/" in key
                   and all(side["status"] == "read" for side in pair) and pair[0]["value"] != pair[1]["value"]}
    assert conflicting == {}
    if differing:  # late pages read under load can run out of patience on either path: the same accounts again
        again = [t for t in targets if any(key.split("/")[0] == t.label for key in differing)]
        assert len(again) <= 3, differing  # more than a stray late page
        raw_again, _ = scan(catalogue, again, "raw", monkeypatch, concurrency=1)
        playwright_again, _ = scan(catalogue, again, "playwright", monkeypatch, concurrency=1)
        assert everything(raw_again) == everything(playwright_again), differing


def test_an_account_the_reader_cannot_decide_is_read_again_over_playwright(
        catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where the page query leaves a setting to Playwright's locators, the raw page cannot serve
    them: the account starts again over Playwright and reads what the Playwright path reads."""
    original = pagequery.read_settings
    undecided = "linkedin.generative_ai_data"

    async def leaves_one_to_locators(page: Any, settings: list[Any], *args: Any, **kwargs: Any) -> Any:
        readings, settled = await original(page, settings, *args, **kwargs)
        if undecided in readings:
            readings[undecided] = None  # as when the reader's script fails on it
        return readings, settled

    monkeypatch.setattr("privacyguard.collect.engine.read_settings", leaves_one_to_locators)
    targets = [Target("linkedin", "li-default", "default"), Target("facebook", "fb-default", "default")]
    raw, raw_run = scan(catalogue, targets, "raw", monkeypatch)
    playwright, _ = scan(catalogue, targets, "playwright", monkeypatch)
    assert raw_run.read_over == {"linkedin:li-default": "playwright", "facebook:fb-default": "raw"}
    assert everything(raw) == everything(playwright)
    linkedin = next(a for a in raw.accounts if a.platform == "linkedin")
    assert linkedin.readings[undecided].value is not None  # read, by the locator path


def test_a_raw_browser_killed_mid_run_fails_its_accounts_and_the_run_returns(catalogue: Catalogue) -> None:
    targets = [Target("linkedin", f"li-late-{i}", "late") for i in range(4)]

    async def run() -> tuple[Snapshot, int | None]:
        async with async_playwright() as playwright:
            browser = await launch_raw(headless=True, sandbox_only=True, playwright=playwright)
            assert isinstance(browser, RawBrowser)
            try:
                collecting = asyncio.ensure_future(CollectRun(catalogue, concurrency=4).run(targets, browser))
                await asyncio.sleep(1.5)  # `late` pages take seconds: every account is mid-read
                browser.kill()  # the browser's whole process group, as a crash or the OOM killer would
                snapshot = await asyncio.wait_for(collecting, 60)
                return snapshot, await asyncio.wait_for(browser.process.wait(), 30)  # it is gone
            finally:
                await browser.close()

    snapshot, code = asyncio.run(run())
    assert code is not None
    assert [a.error.kind if a.error else None for a in snapshot.accounts] == ["crash"] * 4
    assert all("closed unexpectedly" in (a.error.message if a.error else "") for a in snapshot.accounts)


def test_the_raw_browser_leaves_no_profile_and_no_process(catalogue: Catalogue, tmp_path: Path) -> None:
    async def run() -> tuple[str, int]:
        async with async_playwright() as playwright:
            browser = await launch_raw(headless=True, sandbox_only=True, playwright=playwright)
            assert isinstance(browser, RawBrowser)
            await CollectRun(catalogue).run([Target("linkedin", "li", "default")], browser)
            profile = browser._profile
            assert Path(profile).is_dir() and oct(os.stat(profile).st_mode & 0o777) == "0o700"
            await browser.close()
            return profile, browser.process.pid

    profile, pid = asyncio.run(run())
    assert not Path(profile).exists()
    deadline = time.monotonic() + 20  # helpers the browser left are reaped by init, not at once
    with pytest.raises(ProcessLookupError):
        while time.monotonic() < deadline:
            os.killpg(pid, 0)  # nothing of the browser left: not the launcher, not the browser it started
            time.sleep(0.1)
