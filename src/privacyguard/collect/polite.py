"""Backoff on HTTP 429 and 5xx: wait, then load once more, a few times at most.

Only for real hosts (CollectOptions.polite()); the sandbox runs with retries=0, so a simulated
429 or 500 is reported at once. A platform that keeps answering 429 stops the account as
RATE_LIMITED, and the runner then stops all work on that platform for the run.
"""

from __future__ import annotations

import asyncio
import random

from playwright.async_api import Page

from privacyguard.catalogue import PlatformFlow, Setting
from privacyguard.collect.pages import LoadedPage, PageOutcome, load

MAX_WAIT_SECONDS = 120.0  # a longer Retry-After is not waited out: the platform is told we stopped


def backoff_delay(attempt: int, base_seconds: float, retry_after: float | None) -> float:
    """Seconds to wait before retry number `attempt` (0-based): Retry-After, else exponential with jitter."""
    if retry_after is not None:
        return min(retry_after, MAX_WAIT_SECONDS)
    return min(base_seconds * (2**attempt) * random.uniform(0.8, 1.2), MAX_WAIT_SECONDS)


def worth_retrying(loaded: LoadedPage, flow: PlatformFlow) -> bool:
    """429/5xx are worth one more try after a wait; a 'temporarily blocked' page is not."""
    if loaded.outcome is PageOutcome.RATE_LIMITED:
        return loaded.status in flow.sign_in.rate_limit_statuses and (loaded.retry_after or 0) <= MAX_WAIT_SECONDS
    return loaded.outcome is PageOutcome.FAILED and loaded.status is not None and loaded.status >= 500


async def load_politely(page: Page, flow: PlatformFlow, url: str, timeout_ms: float = 30_000, retries: int = 0,
                        backoff_seconds: float = 0.0, settings: list[Setting] | None = None) -> LoadedPage:
    """Load a page; on 429/5xx wait and try again up to `retries` times. `settings`: see pages.load."""
    loaded = await load(page, flow, url, timeout_ms, settings)
    for attempt in range(retries):
        if not worth_retrying(loaded, flow):
            break
        await asyncio.sleep(backoff_delay(attempt, backoff_seconds, loaded.retry_after))
        loaded = await load(page, flow, url, timeout_ms, settings)
    return loaded
