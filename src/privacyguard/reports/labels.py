"""The words a person sees for a setting's values ("Only me", not `only_me`), in the chosen language.

Raw values stay in JSON, CSV, SARIF and JUnit; the terminal shows these labels. `value_label` is
the one place that asks the catalogue for a value's label, so when the catalogue's own
`Setting.value_label(value, lang)` is present it is used, and the fallback here can go.
"""

from __future__ import annotations

import re

from privacyguard.catalogue import Catalogue, Setting, load_catalogue
from privacyguard.i18n import pick

_TOGGLE_WORDS = {"on": {"en": "On", "nl": "Aan"}, "off": {"en": "Off", "nl": "Uit"}}
_MACHINE = re.compile(r"^([A-Z0-9_]+|true|false)$")
_ONE_OF = "one of: "
_NOT = "not: "


def value_label(setting: Setting, value: str, lang: str) -> str:
    """The label of one of `setting`'s values in `lang` (the value itself when it has none)."""
    own = getattr(setting, "value_label", None)
    if callable(own):  # the catalogue's own labels (issue 9)
        return str(own(value, lang))
    if value in _TOGGLE_WORDS:
        return pick(_TOGGLE_WORDS[value], lang)
    texts = setting.map.get(value)
    if isinstance(texts, dict):
        texts = texts.get(lang) or texts.get("en") or []
    candidates = [texts] if isinstance(texts, str) else list(texts or [])
    # Page texts double as labels, except patterns ("re:…") and machine words (EVERYONE, "true").
    readable = [t for t in candidates if not t.startswith("re:") and not _MACHINE.match(t)]
    return readable[0] if readable else value.replace("_", " ").capitalize()


class Labeller:
    """Labels for values of any setting by id; unknown settings and values show as they are."""

    def __init__(self, lang: str = "en", catalogue: Catalogue | None = None) -> None:
        self.lang = lang
        self.catalogue = catalogue or load_catalogue()

    def value(self, setting_id: str, value: str | None, missing: str = "—") -> str:
        if value is None or value == "":
            return missing
        if not self.catalogue.has_setting(setting_id):
            return value
        setting = self.catalogue.setting(setting_id)
        return value_label(setting, value, self.lang) if value in setting.values else value

    def expected(self, setting_id: str, expected: str) -> str:
        """A policy's expectation ("one of: a, b", "not: x" or "x") with labels for the values."""
        if expected.startswith(_ONE_OF):
            return " / ".join(self.value(setting_id, v.strip()) for v in expected[len(_ONE_OF):].split(","))
        if expected.startswith(_NOT):
            return "≠ " + self.value(setting_id, expected[len(_NOT):].strip())
        return self.value(setting_id, expected)
