"""Texts in several UI languages: a plain string, or a mapping of language code to text(s)."""

from __future__ import annotations

DEFAULT_LANG = "en"
SUPPORTED_LANGS = ("en", "nl")

# A flow or policy text: "Only me" or {"en": "Only me", "nl": "Alleen ik"}; lists allowed per language.
I18nText = str | dict[str, str]
I18nTexts = str | list[str] | dict[str, str | list[str]]


def pick(text: I18nText | None, lang: str = DEFAULT_LANG) -> str:
    """The text in `lang`, falling back to English, then to any language given."""
    if text is None:
        return ""
    if isinstance(text, str):
        return text
    return text.get(lang) or text.get(DEFAULT_LANG) or next(iter(text.values()), "")


def all_variants(texts: I18nTexts | None, prefer: str | None = None) -> list[str]:
    """Every text given, the preferred language's first (used to match labels in any UI language)."""
    if texts is None:
        return []
    if isinstance(texts, str):
        return [texts]
    if isinstance(texts, list):
        return list(texts)
    ordered: list[str] = []
    langs = ([prefer] if prefer in texts else []) + [lang for lang in texts if lang != prefer]
    for lang in langs:
        value = texts[lang]
        ordered.extend([value] if isinstance(value, str) else value)
    return ordered


def pick_list(texts: dict[str, list[str]] | list[str] | None, lang: str = DEFAULT_LANG) -> list[str]:
    """A list of steps in `lang`, falling back to English."""
    if texts is None:
        return []
    if isinstance(texts, list):
        return texts
    return texts.get(lang) or texts.get(DEFAULT_LANG) or next(iter(texts.values()), [])
