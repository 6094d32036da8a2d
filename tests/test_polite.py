"""Politeness on real hosts only: one account per platform at a time, a pause between page loads,
backoff on 429/5xx; none of it in the sandbox."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from privacyguard.catalogue import Catalogue
from privacyguard.collect import polite
from privacyguard.collect.pages import LoadedPage, PageOutcome
from privacyguard.collect.runner import CollectRun, Target
from privacyguard.snapshot import AccountSnapshot


def test_sandbox_runs_unpaced_real_hosts_paced() -> None:
    run = CollectRun(catalogue=None)  # type: ignore[arg-type]
    assert run.options.pause_seconds == (0.0, 0.0) and run.options.retries == 0
    assert run.real_options.pause_seconds[0] > 0 and run.real_options.retries > 0
    assert run.real_options.backoff_seconds > 0 and run.real_options.settle_seconds > 0


def test_backoff_prefers_retry_after_then_doubles() -> None:
    assert polite.backoff_delay(0, 8.0, 30.0) == 30.0
    assert polite.backoff_delay(0, 8.0, 10_000.0) == polite.MAX_WAIT_SECONDS
    first, second = polite.backoff_delay(0, 8.0, None), polite.backoff_delay(1, 8.0, None)
    assert 6.4 <= first <= 9.6 and 12.8 <= second <= 19.2


def _scripted(monkeypatch: pytest.MonkeyPatch, answers: list[LoadedPage]) -> list[float]:
    slept: list[float] = []

    async def fake_load(page: object, flow: object, url: str, timeout_ms: float = 0,
                        settings: object = None) -> LoadedPage:
        return answers.pop(0)

    async def fake_sleep(seconds: float) -> None:
        slept.append(seconds)

    monkeypatch.setattr(polite, "load", fake_load)
    monkeypatch.setattr(polite.asyncio, "sleep", fake_sleep)
    return slept


def test_5xx_is_retried_after_a_backoff(monkeypatch: pytest.MonkeyPatch, catalogue: Catalogue) -> None:
    url = "https://www.linkedin.com/x"
    slept = _scripted(monkeypatch, [LoadedPage(PageOutcome.FAILED, url, status=503),
                                    LoadedPage(PageOutcome.FAILED, url, status=502), LoadedPage(PageOutcome.OK, url)])
    loaded = asyncio.run(polite.load_politely(None, catalogue.platform("linkedin"), url, retries=2,  # type: ignore[arg-type]
                                              backoff_seconds=8.0))
    assert loaded.outcome is PageOutcome.OK and len(slept) == 2 and slept[1] > slept[0]


def test_429_waits_as_told_then_gives_up_as_rate_limited(monkeypatch: pytest.MonkeyPatch,
                                                         catalogue: Catalogue) -> None:
    url = "https://www.linkedin.com/x"
    limited = LoadedPage(PageOutcome.RATE_LIMITED, url, status=429, retry_after=20)
    slept = _scripted(monkeypatch, [limited, limited, limited])
    loaded = asyncio.run(polite.load_politely(None, catalogue.platform("linkedin"), url, retries=2,  # type: ignore[arg-type]
                                              backoff_seconds=8.0))
    assert loaded.outcome is PageOutcome.RATE_LIMITED and slept == [20, 20]


def test_a_temporarily_blocked_page_is_not_retried(monkeypatch: pytest.MonkeyPatch, catalogue: Catalogue) -> None:
    url = "https://www.facebook.com/settings/"
    slept = _scripted(monkeypatch, [LoadedPage(PageOutcome.RATE_LIMITED, url, status=200)])
    loaded = asyncio.run(polite.load_politely(None, catalogue.platform("facebook"), url, retries=2,  # type: ignore[arg-type]
                                              backoff_seconds=8.0))
    assert loaded.outcome is PageOutcome.RATE_LIMITED and slept == []


class _RecordingLayer:
    """Stands in for the sign-in layer: records how many accounts of each platform run at once."""

    def __init__(self) -> None:
        self.running: dict[str, int] = {}
        self.peak: dict[str, int] = {}
        self.overlap = False

    def sandbox_setup(self, account_name: str, registered: bool) -> tuple[bool, None]:
        return True, None

    async def collect(self, context, page, flow, account_name, sandbox, variant, read) -> AccountSnapshot:
        self.running[flow.platform] = self.running.get(flow.platform, 0) + 1
        self.peak[flow.platform] = max(self.peak.get(flow.platform, 0), self.running[flow.platform])
        self.overlap = self.overlap or len([p for p, n in self.running.items() if n]) > 1
        await asyncio.sleep(0.3)
        self.running[flow.platform] -= 1
        return AccountSnapshot(platform=flow.platform, account=account_name)


@pytest.mark.browser
def test_real_accounts_of_one_platform_run_one_at_a_time(catalogue: Catalogue, pg_home: Path) -> None:
    layer = _RecordingLayer()
    run = CollectRun(catalogue, concurrency=4, sign_in=layer)  # type: ignore[arg-type]
    targets = [Target("linkedin", f"li{i}", registered=True) for i in range(3)] + [
        Target("facebook", "fb", registered=True)]
    started = time.monotonic()
    snapshot = asyncio.run(run.run(targets))
    assert [a.account for a in snapshot.accounts] == ["li0", "li1", "li2", "fb"]
    assert layer.peak == {"linkedin": 1, "facebook": 1}
    assert layer.overlap  # other platforms are not held up
    assert time.monotonic() - started >= 0.9
