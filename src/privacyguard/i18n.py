"""Every text a person reads, in their language (en, nl).

Two kinds of text:
- **UI text** (the CLI's messages, table headers, every report format's wording) goes through
  one gettext message catalogue: write `_("Setting")` or `ngettext("{n} change", "{n} changes", n)`;
  the English text is the message id, Dutch lives in `locale/nl/LC_MESSAGES/privacyguard.po`.
  `make messages` extracts new strings (Babel) and compiles the .mo files, which are committed, so a
  fresh clone and an installed wheel need no build step; tests/test_i18n.py fails when a string has
  no Dutch translation or a .mo file is older than its .po (docs/i18n.md).
- **Data text** from flow and policy files (setting titles, rationales, page labels) is a plain
  string or a mapping of language to text: `pick()`, `all_variants()`, `pick_list()`.

The language is chosen once per run (`--lang`, else $PRIVACYGUARD_LANG, else English) with
`set_lang()`, before the command line is parsed so that `--help` speaks it too (cli/help_text.py);
code that renders for a given language uses `use_lang(lang)`.
"""

from __future__ import annotations

import gettext as _gettext
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path

DEFAULT_LANG = "en"
SUPPORTED_LANGS = ("en", "nl")
DOMAIN = "privacyguard"
LOCALE_DIR = Path(__file__).parent / "locale"
LANG_ENV = "PRIVACYGUARD_LANG"

# A flow or policy text: "Only me" or {"en": "Only me", "nl": "Alleen ik"}; lists allowed per language.
I18nText = str | dict[str, str]
I18nTexts = str | list[str] | dict[str, str | list[str]]


# --- UI text: the gettext catalogue -------------------------------------------------------------

def _initial_lang() -> str:
    lang = os.environ.get(LANG_ENV, DEFAULT_LANG).strip().lower()[:2]
    return lang if lang in SUPPORTED_LANGS else DEFAULT_LANG


_current: ContextVar[str | None] = ContextVar("privacyguard_lang", default=None)


@lru_cache(maxsize=len(SUPPORTED_LANGS))
def translations(lang: str) -> _gettext.NullTranslations:
    """The catalogue of one language. English is the source language: its messages are the ids."""
    if lang not in SUPPORTED_LANGS:
        raise ValueError(f"unsupported language {lang!r}; choose one of: {', '.join(SUPPORTED_LANGS)}")
    if lang == DEFAULT_LANG:
        return _gettext.NullTranslations()
    return _gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang])


def get_lang() -> str:
    """The language UI text is shown in now."""
    return _current.get() or _initial_lang()


def chosen_lang() -> str | None:
    """The language asked for (--lang, else $PRIVACYGUARD_LANG), or None when nobody asked for one."""
    lang = _current.get() or os.environ.get(LANG_ENV, "").strip().lower()[:2]
    return lang if lang in SUPPORTED_LANGS else None


def set_lang(lang: str | None) -> str:
    """Choose the UI language for the rest of this command (None: $PRIVACYGUARD_LANG or English)."""
    chosen = str(lang) if lang else _initial_lang()
    translations(chosen)  # fails early on an unknown language
    _current.set(chosen)
    return chosen


def reset_lang() -> None:
    """Forget the language chosen for this command: back to $PRIVACYGUARD_LANG or English (tests, a new command)."""
    _current.set(None)


@contextmanager
def use_lang(lang: str | None) -> Iterator[str]:
    """Show UI text in `lang` inside the block (a report rendered in its own language)."""
    chosen = str(lang) if lang else get_lang()
    if chosen not in SUPPORTED_LANGS:
        chosen = DEFAULT_LANG
    token = _current.set(chosen)
    try:
        yield chosen
    finally:
        _current.reset(token)


def _(message: str) -> str:
    """`message` (English) in the current language."""
    return translations(get_lang()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for `n`, in the current language."""
    return translations(get_lang()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a message for extraction without translating it yet (module-level tables); `_()` it when shown."""
    return message


# --- Data text: flows and policies ----------------------------------------------------------------

def pick(text: I18nText | None, lang: str | None = None) -> str:
    """The text in `lang` (default: the current language), falling back to English, then to any language."""
    if text is None:
        return ""
    if isinstance(text, str):
        return text
    lang = lang or get_lang()
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


def pick_list(texts: dict[str, list[str]] | list[str] | None, lang: str | None = None) -> list[str]:
    """A list of steps in `lang` (default: the current language), falling back to English."""
    if texts is None:
        return []
    if isinstance(texts, list):
        return texts
    lang = lang or get_lang()
    return texts.get(lang) or texts.get(DEFAULT_LANG) or next(iter(texts.values()), [])
