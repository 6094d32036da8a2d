"""Turn a flow's Locator specs into Playwright locators and find exactly one control.

A missing element is never "off": zero matches is NOT_FOUND, several is AMBIGUOUS.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from playwright.async_api import Error as PlaywrightError
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


# One link of a chain of locators: {"css"}, {"role", "name", "exact"}, {"label", "exact"},
# {"text", "exact"} or {"has_text"}; each applies to what the link before found (like chained
# Playwright locators). Chains are plain data, so the one-evaluation page query
# (privacyguard.collect.pagequery) runs exactly what the Playwright locators run.
Step = dict[str, str | bool | None]


def chains(spec: Locator, lang: str) -> list[tuple[list[Step], str]]:
    """Every chain a spec stands for (one per label language, `lang`'s first), each with a
    description naming the exact label it uses, so evidence shows what matched on a Dutch page too."""
    bases = [([], "")] if spec.within is None else [(steps, f"{desc} >> ") for steps, desc in
                                                     chains(spec.within, lang)]
    out: list[tuple[list[Step], str]] = []
    for base, prefix in bases:
        candidates: list[tuple[Step, str]]
        if spec.role is not None:
            names = all_variants(spec.name, lang)
            candidates = ([({"role": spec.role, "name": n, "exact": spec.exact}, f"role={spec.role} name~{n!r}")
                           for n in names] if names else [({"role": spec.role}, f"role={spec.role}")])
        elif spec.label is not None:
            candidates = [({"label": t, "exact": spec.exact}, f"label~{t!r}") for t in all_variants(spec.label, lang)]
        elif spec.css is not None:
            candidates = [({"css": spec.css}, f"css={spec.css}")]
        elif spec.question is not None:
            candidates = [({"question": t}, f"question~{t!r}") for t in all_variants(spec.question, lang)]
        else:
            candidates = [({"text": t, "exact": spec.exact}, f"text~{t!r}") for t in all_variants(spec.text, lang)]
        chained = [([*base, link], prefix + desc) for link, desc in candidates]
        if spec.has_text is not None:
            chained = [([*steps, {"has_text": t}], f"{desc} has_text~{t!r}") for steps, desc in chained
                       for t in all_variants(spec.has_text, lang)]
        out.extend(chained)
    return out


def to_playwright(scope: Scope, steps: list[Step]) -> PwLocator:
    """The Playwright locator for a chain."""
    located: Scope = scope
    for link in steps:
        if "css" in link:
            located = located.locator(str(link["css"]))
        elif "role" in link:
            role = str(link["role"])
            located = (located.get_by_role(role, name=str(link["name"]), exact=bool(link["exact"]))  # type: ignore[arg-type]
                       if link.get("name") is not None else located.get_by_role(role))  # type: ignore[arg-type]
        elif "label" in link:
            located = located.get_by_label(str(link["label"]), exact=bool(link["exact"]))
        elif "text" in link:
            located = located.get_by_text(str(link["text"]), exact=bool(link["exact"]))
        elif "question" in link:  # the reader's own kind: no Playwright equivalent, so it finds nothing here
            located = located.locator("privacyguard-question-only-in-the-reader")
        else:
            assert isinstance(located, PwLocator), "a has_text filter follows a locator"
            located = located.filter(has_text=str(link["has_text"]))
    assert isinstance(located, PwLocator), "a chain has at least one link"
    return located


def build(scope: Scope, spec: Locator, lang: str) -> list[tuple[PwLocator, str]]:
    """Every Playwright locator a spec stands for, in the order `chains` gives."""
    return [(to_playwright(scope, steps), desc) for steps, desc in chains(spec, lang)]


async def find_one(scope: Scope, specs: list[Locator], lang: str, settle_seconds: float = 0.0) -> Located:
    """The one element the specs lead to, by the reader's rules (ranked matching, one visibility rule),
    so that a change acts on exactly the control that was read. Waits up to settle_seconds for late
    pages. Falls back to Playwright's locators (first spec that matches decides) where the reader
    cannot run (inside a frame or element scope, or on a selector only Playwright knows)."""
    from privacyguard.collect.pagequery import pick  # the reader builds on this module's chains

    deadline = time.monotonic() + settle_seconds
    reader = isinstance(scope, Page)
    while True:
        if reader:
            try:
                element, answer, descs = await pick(scope, specs, lang)  # type: ignore[arg-type]
            except PlaywrightError:
                element, answer, descs = None, {"error": "page not ready"}, []
            if "error" in answer:
                reader = False
            elif element is not None:
                description = f"{descs[answer['spec']][answer['chain']]} [{answer['match']}]"
                return Located(ReadStatus.READ, element, description)
            elif answer.get("count", 0) > 1 or answer.get("shared"):
                description = descs[answer["spec"]][answer["chain"]]
                return Located(ReadStatus.AMBIGUOUS, None, description,
                               f"{answer['count']} elements match {description} equally well: {answer.get('seen')}")
        if not reader:
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
