"""Turn a flow's Locator specs into Playwright locators and find exactly one control.

A missing element is never "off": zero matches is NOT_FOUND, several is AMBIGUOUS.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from playwright.async_api import Locator as PwLocator
from playwright.async_api import Page

from privacyguard.catalogue import Locator
from privacyguard.i18n import all_variants
from privacyguard.snapshot import ReadStatus

Scope = Page | PwLocator
POLL_SECONDS = 0.2


@dataclass
class Located:
    """The outcome of locating: one element, or why not."""

    status: ReadStatus
    element: PwLocator | None = None
    description: str | None = None
    note: str | None = None


def build(scope: Scope, spec: Locator, lang: str) -> list[PwLocator]:
    """Every Playwright locator a spec stands for (one per label language)."""
    bases = [scope] if spec.within is None else build(scope, spec.within, lang)
    out: list[PwLocator] = []
    for base in bases:
        if spec.role is not None:
            names = all_variants(spec.name, lang) or [None]
            candidates = [base.get_by_role(spec.role, name=n, exact=spec.exact) if n is not None
                          else base.get_by_role(spec.role) for n in names]
        elif spec.label is not None:
            candidates = [base.get_by_label(t, exact=spec.exact) for t in all_variants(spec.label, lang)]
        elif spec.css is not None:
            candidates = [base.locator(spec.css)]
        else:
            candidates = [base.get_by_text(t, exact=spec.exact) for t in all_variants(spec.text, lang)]
        if spec.has_text is not None:
            candidates = [c.filter(has_text=t) for c in candidates for t in all_variants(spec.has_text, lang)]
        out.extend(candidates)
    return out


async def find_one(scope: Scope, specs: list[Locator], lang: str, settle_seconds: float = 0.0) -> Located:
    """Try each spec in order; the first that matches decides. Waits up to settle_seconds for late pages."""
    deadline = time.monotonic() + settle_seconds
    while True:
        for spec in specs:
            for candidate in build(scope, spec, lang):
                count = await candidate.count()
                if count == 1:
                    return Located(ReadStatus.READ, candidate, spec.describe())
                if count > 1:
                    return Located(ReadStatus.AMBIGUOUS, None, spec.describe(),
                                   f"{count} elements match {spec.describe()}")
        if time.monotonic() >= deadline:
            tried = "; ".join(spec.describe() for spec in specs)
            return Located(ReadStatus.NOT_FOUND, None, None, f"no element matches: {tried}")
        await asyncio.sleep(POLL_SECONDS)
