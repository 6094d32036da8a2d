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


def build(scope: Scope, spec: Locator, lang: str) -> list[tuple[PwLocator, str]]:
    """Every Playwright locator a spec stands for (one per label language), each with a description
    naming the exact label it uses, so evidence shows what matched on a Dutch page too."""
    bases = [(scope, "")] if spec.within is None else [(loc, f"{desc} >> ") for loc, desc in
                                                       build(scope, spec.within, lang)]
    out: list[tuple[PwLocator, str]] = []
    for base, prefix in bases:
        candidates: list[tuple[PwLocator, str]]
        if spec.role is not None:
            names = all_variants(spec.name, lang)
            candidates = ([(base.get_by_role(spec.role, name=n, exact=spec.exact), f"role={spec.role} name~{n!r}")
                           for n in names] if names else [(base.get_by_role(spec.role), f"role={spec.role}")])
        elif spec.label is not None:
            candidates = [(base.get_by_label(t, exact=spec.exact), f"label~{t!r}")
                          for t in all_variants(spec.label, lang)]
        elif spec.css is not None:
            candidates = [(base.locator(spec.css), f"css={spec.css}")]
        else:
            candidates = [(base.get_by_text(t, exact=spec.exact), f"text~{t!r}")
                          for t in all_variants(spec.text, lang)]
        if spec.has_text is not None:
            candidates = [(loc.filter(has_text=t), f"{desc} has_text~{t!r}") for loc, desc in candidates
                          for t in all_variants(spec.has_text, lang)]
        out.extend((loc, prefix + desc) for loc, desc in candidates)
    return out


async def find_one(scope: Scope, specs: list[Locator], lang: str, settle_seconds: float = 0.0) -> Located:
    """Try each spec in order; the first that matches decides. Waits up to settle_seconds for late pages."""
    deadline = time.monotonic() + settle_seconds
    while True:
        for spec in specs:
            for candidate, description in build(scope, spec, lang):
                count = await candidate.count()
                if count == 1:
                    return Located(ReadStatus.READ, candidate, description)
                if count > 1:
                    return Located(ReadStatus.AMBIGUOUS, None, description, f"{count} elements match {description}")
        if time.monotonic() >= deadline:
            tried = "; ".join(spec.describe() for spec in specs)
            return Located(ReadStatus.NOT_FOUND, None, None, f"no element matches: {tried}")
        await asyncio.sleep(POLL_SECONDS)
