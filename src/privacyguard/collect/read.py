"""Read a located control's state and map what the page shows to a canonical value."""

from __future__ import annotations

import re
import unicodedata
from importlib.resources import files
from typing import Any

from playwright.async_api import Locator as PwLocator

from privacyguard.catalogue import Setting
from privacyguard.i18n import _
from privacyguard.labels import value_label
from privacyguard.snapshot import Evidence, Reading, ReadStatus

CONTROLS_JS = (files("privacyguard.collect") / "js" / "controls.js").read_text(encoding="utf-8")
_STATE_JS = f"(el, control) => {{\n{CONTROLS_JS}\nreturn controlState(el, control);\n}}"


def normalise(text: str) -> str:
    """Whitespace collapsed and case folded (how change steps compare option texts)."""
    return " ".join(text.split()).casefold()


def fold(text: str) -> str:
    """Case, whitespace, punctuation and diacritics set aside: "Alleen  jíj!" -> "alleen jij"."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(_PUNCT.sub(" ", bare.casefold()).split())


_PUNCT = re.compile(r"[^\w\s]|_", flags=re.UNICODE)
# After a value's words, what makes the rest an explanation: a separator ("Only me - nobody else",
# "Friends: people you ...", a new line) or enough words to be a sentence of its own.
_SEPARATOR = re.compile(r"^\s*(?:[-\u2013\u2014:;,.(\u00b7|/]|\n)")
EXPLANATION_WORDS = 4


def _explained(raw: str, wording: str) -> bool:
    """True when `raw` is `wording` followed by an explanation (not by more of a longer value's words)."""
    words = fold(wording).split()
    if not words or len(fold(raw).split()) <= len(words) or fold(raw).split()[:len(words)] != words:
        return False
    bare = "".join(c for c in unicodedata.normalize("NFKD", raw) if not unicodedata.combining(c)).casefold()
    pattern = r"^\W*" + r"\W+".join(re.escape(w) for w in words) + r"(?P<rest>.*)$"
    found = re.match(pattern, bare, flags=re.S)
    if found is None:
        return False
    rest = found["rest"]
    return bool(_SEPARATOR.match(rest) or (rest[:1].isspace() and len(fold(rest).split()) >= EXPLANATION_WORDS))


def _matches(setting: Setting, raws: list[str], lang: str) -> set[str]:
    """The values whose wording equals a raw text (folded), or whose pattern (`re:`) it matches."""
    found: set[str] = set()
    for value in setting.values:
        for text in setting.raw_texts(value, lang):
            for raw in raws:
                if text.startswith("re:"):
                    if re.search(text[3:], raw, flags=re.IGNORECASE):
                        found.add(value)
                elif fold(text) == fold(raw):
                    found.add(value)
    return found


def _explained_matches(setting: Setting, raws: list[str], lang: str) -> set[str]:
    """The values whose wording starts a raw text followed by an explanation (per raw: the longest wording)."""
    found: set[str] = set()
    for raw in raws:
        best: tuple[int, set[str]] = (0, set())
        for value in setting.values:
            for text in setting.raw_texts(value, lang):
                if not text.startswith("re:") and _explained(raw, text):
                    size = len(fold(text).split())
                    if size > best[0]:
                        best = (size, {value})
                    elif size == best[0]:
                        best[1].add(value)
        found |= best[1]
    return found


def match_value(setting: Setting, raws: list[str], lang: str) -> tuple[ReadStatus, str | None, str]:
    """Map raw page strings to exactly one canonical value (or say why not).

    A text that equals a value's wording (once case, whitespace, punctuation and diacritics are set
    aside), or a pattern (`re:`), decides. Only where nothing does, a text that starts with a
    wording followed by an explanation counts, the longest wording winning; then the same, line by
    line, for a control whose text holds more than its value (a whole-row button: question, then
    value). Never a guess beyond that."""
    raws = [r for r in raws if r and r.strip()]
    lines = [line for raw in raws if "\n" in raw.strip() for line in raw.split("\n") if line.strip()]
    found = _matches(setting, raws, lang) or _explained_matches(setting, raws, lang)
    if not found and lines:
        found = _matches(setting, lines, lang) or _explained_matches(setting, lines, lang)
    shown = " | ".join(" ".join(r.split()) for r in raws)
    if len(found) == 1:
        return ReadStatus.READ, found.pop(), shown
    if len(found) > 1:
        return ReadStatus.AMBIGUOUS, None, _("page shows {text!r}, which could mean {values}").format(
            text=shown, values=", ".join(value_label(setting.id, v) for v in sorted(found)))
    return ReadStatus.UNRECOGNISED, None, _("page shows {text!r}").format(text=shown) if shown \
        else _("the control shows nothing")


def interpret_state(state: dict[str, Any]) -> tuple[ReadStatus, list[str], str | None]:
    """What a control shows (controls.js's controlState), as strings to map; or why it cannot be read."""
    if state["kind"] == "toggle":
        aria, native = state["aria"], state["native"]
        if aria is not None and native is not None and aria != native:
            return ReadStatus.AMBIGUOUS, [], _("aria-checked={aria} but the checkbox is checked={native}").format(
                aria=aria, native=native)
        raw = aria if aria is not None else native
        if raw is None:
            return ReadStatus.UNRECOGNISED, [], _("the element is not a switch or checkbox")
        return ReadStatus.READ, [raw], None
    if state["kind"] == "radio":
        picked = state["picked"]
        if not picked:
            return ReadStatus.UNRECOGNISED, [], _("no option is selected")
        if len(picked) > 1:
            return ReadStatus.AMBIGUOUS, [], _("{n} options are selected").format(n=len(picked))
        return ReadStatus.READ, [s for s in picked[0] if s], None
    return ReadStatus.READ, [state["text"]], None


def reading_from_state(setting: Setting, state: dict[str, Any], locator_desc: str, url: str, lang: str) -> Reading:
    """Map a control's state to a Reading with its evidence."""
    status, raws, note = interpret_state(state)
    evidence = Evidence(url=url, locator=locator_desc, raw=" | ".join(raws) or None)
    if status is not ReadStatus.READ:
        return Reading(setting=setting.id, status=status, note=note, evidence=evidence)
    status, value, note = match_value(setting, raws, lang)
    if status is ReadStatus.READ:
        return Reading(setting=setting.id, status=status, value=value, evidence=evidence)
    return Reading(setting=setting.id, status=status, note=note, evidence=evidence)


async def read_control(setting: Setting, element: PwLocator, locator_desc: str, url: str, lang: str) -> Reading:
    """Read one located control (the Playwright-locator path)."""
    state = await element.evaluate(_STATE_JS, setting.control)
    return reading_from_state(setting, state, locator_desc, url, lang)
