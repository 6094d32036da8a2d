"""Repair suggestions: which control on a page is most likely the setting a flow no longer finds.

For a setting that was not found, every visible control of its page (js/candidates.js) is
compared with the setting's known wordings in every language of the flow (locator names, labels
and texts, and its title): by its accessible name, its label and the question text around it.
The best candidates come with a ready locator snippet for the flow. Nothing here edits a flow.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

import yaml

from privacyguard.catalogue import Locator, Setting
from privacyguard.i18n import all_variants

CANDIDATES_JS = (files("privacyguard.record") / "js" / "candidates.js").read_text(encoding="utf-8")
_ROLES_WITH_NAMES = {"switch", "checkbox", "radio", "radiogroup", "combobox", "listbox", "button", "menuitemradio",
                     "tablist"}


def normalise(text: str) -> str:
    """Lower case, no diacritics, punctuation as spaces, single spaces: how wordings are compared."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def wordings(setting: Setting) -> list[str]:
    """Every wording the flow knows for the setting, in every language, normalised and deduplicated."""
    found: list[str] = []

    def add_locator(locator: Locator) -> None:
        for texts in (locator.name, locator.label, locator.text, locator.has_text):
            found.extend(all_variants(texts))
        if locator.within is not None:
            add_locator(locator.within)

    for locator in setting.locators:
        add_locator(locator)
    found.extend(all_variants(setting.title))
    unique = []
    for text in (normalise(t) for t in found):
        if text and text not in unique:
            unique.append(text)
    return unique


def similarity(candidate: str, wording: str) -> float:
    """0..1: how alike two normalised texts are (sequence likeness, and shared words of the wording)."""
    if not candidate or not wording:
        return 0.0
    if wording in candidate or candidate in wording:
        shorter, longer = sorted((len(candidate), len(wording)))
        return 0.75 + 0.25 * shorter / longer
    words_w, words_c = set(wording.split()), set(candidate.split())
    overlap = len(words_w & words_c) / len(words_w)
    return max(difflib.SequenceMatcher(None, candidate, wording).ratio(), 0.9 * overlap)


@dataclass
class Candidate:
    role: str
    tag: str
    name: str
    label: str
    question: str
    css: str | None
    state: str
    score: float = 0.0
    matched_by: str = ""  # name, label or question
    wording: str = ""  # the flow wording it resembles most

    @classmethod
    def from_page(cls, raw: dict[str, Any]) -> Candidate:
        return cls(role=raw["role"], tag=raw["tag"], name=raw.get("name") or "", label=raw.get("label") or "",
                   question=raw.get("question") or "", css=raw.get("css"), state=raw.get("state") or "")

    def snippet(self, lang: str) -> str:
        """A flow locator list (YAML) that finds this control: by role and name, then by its CSS anchor."""
        locators: list[dict[str, Any]] = []
        if self.name and self.role in _ROLES_WITH_NAMES:
            locators.append({"role": self.role, "name": {lang: self.name}})
        if self.css:
            locators.append({"css": self.css, "why": "suggested by flows check: the control's own anchor"})
        if not locators and self.question:
            locators.append({"css": self.tag, "within": {"text": {lang: self.question[:80]}}})
        return yaml.safe_dump(locators, allow_unicode=True, sort_keys=False, width=1000).rstrip()


def rank(setting: Setting, candidates: list[Candidate], limit: int = 3) -> list[Candidate]:
    """The candidates most like the setting's wordings, best first (accessible name beats label beats question)."""
    known = wordings(setting)
    ranked = []
    for candidate in candidates:
        best = (0.0, "", "")
        for where, weight, text in (("name", 1.0, candidate.name), ("label", 0.97, candidate.label),
                                    ("question", 0.9, candidate.question)):
            norm = normalise(text)
            for wording in known:
                score = weight * similarity(norm, wording)
                if score > best[0]:
                    best = (score, where, wording)
        scored = Candidate(**{**candidate.__dict__, "score": round(best[0], 3), "matched_by": best[1],
                              "wording": best[2]})
        ranked.append(scored)
    ranked.sort(key=lambda c: -c.score)
    return [c for c in ranked if c.score > 0.3][:limit]
