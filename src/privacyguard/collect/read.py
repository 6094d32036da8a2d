"""Read a located control's state and map what the page shows to a canonical value."""

from __future__ import annotations

import re

from playwright.async_api import Locator as PwLocator

from privacyguard.catalogue import Setting
from privacyguard.snapshot import Evidence, Reading, ReadStatus

_TOGGLE_STATE_JS = """el => {
  const aria = el.getAttribute('aria-checked');
  const native = (el instanceof HTMLInputElement && (el.type === 'checkbox' || el.type === 'radio'))
      ? String(el.checked) : null;
  return [aria, native];
}"""

_CHECKED_OPTION_JS = """group => {
  const picked = [...group.querySelectorAll('[role=radio][aria-checked=true], input[type=radio]')]
      .filter(el => el.getAttribute('role') === 'radio' ? true : el.checked);
  return picked.map(el => {
    const labelText = el.labels && el.labels.length ? el.labels[0].innerText
        : (el.getAttribute('aria-label') || el.innerText || '');
    return [el.getAttribute('value') || el.getAttribute('data-value') || '', labelText];
  });
}"""


def normalise(text: str) -> str:
    return " ".join(text.split()).casefold()


def match_value(setting: Setting, raws: list[str], lang: str) -> tuple[ReadStatus, str | None, str]:
    """Map raw page strings to exactly one canonical value (or say why not)."""
    raws = [r for r in raws if r and r.strip()]
    found: set[str] = set()
    for value in setting.values:
        for text in setting.raw_texts(value, lang):
            for raw in raws:
                if text.startswith("re:"):
                    if re.search(text[3:], raw, flags=re.IGNORECASE):
                        found.add(value)
                elif normalise(text) == normalise(raw):
                    found.add(value)
    shown = " | ".join(r.strip() for r in raws)
    if len(found) == 1:
        return ReadStatus.READ, found.pop(), shown
    if len(found) > 1:
        return ReadStatus.AMBIGUOUS, None, f"page shows {shown!r}, which could mean {sorted(found)}"
    return ReadStatus.UNRECOGNISED, None, f"page shows {shown!r}" if shown else "the control shows nothing"


async def raw_state(setting: Setting, element: PwLocator) -> tuple[ReadStatus, list[str], str | None]:
    """What the control shows, as strings to map; or why it cannot be read."""
    if setting.control in ("toggle", "checkbox"):
        aria, native = await element.evaluate(_TOGGLE_STATE_JS)
        if aria is not None and native is not None and aria != native:
            return ReadStatus.AMBIGUOUS, [], f"aria-checked={aria} but the checkbox is checked={native}"
        raw = aria if aria is not None else native
        if raw is None:
            return ReadStatus.UNRECOGNISED, [], "the element is not a switch or checkbox"
        return ReadStatus.READ, [raw], None
    if setting.control == "radio":
        picked = await element.evaluate(_CHECKED_OPTION_JS)
        if not picked:
            return ReadStatus.UNRECOGNISED, [], "no option is selected"
        if len(picked) > 1:
            return ReadStatus.AMBIGUOUS, [], f"{len(picked)} options are selected"
        return ReadStatus.READ, [s for s in picked[0] if s], None
    text = await element.inner_text()
    return ReadStatus.READ, [text], None


async def read_control(setting: Setting, element: PwLocator, locator_desc: str, url: str, lang: str) -> Reading:
    status, raws, note = await raw_state(setting, element)
    evidence = Evidence(url=url, locator=locator_desc, raw=" | ".join(raws) or None)
    if status is not ReadStatus.READ:
        return Reading(setting=setting.id, status=status, note=note, evidence=evidence)
    status, value, note = match_value(setting, raws, lang)
    if status is ReadStatus.READ:
        return Reading(setting=setting.id, status=status, value=value, evidence=evidence)
    return Reading(setting=setting.id, status=status, note=note, evidence=evidence)
