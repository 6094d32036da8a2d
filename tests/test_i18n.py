"""The message catalogue: every UI string has a Dutch translation, and the committed .mo files are current.

Compared against the catalogue itself (what Babel extracts from the code and templates), never a hand list.
"""

from __future__ import annotations

import gettext
import io
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from privacyguard import i18n
from privacyguard.i18n import _, ngettext, use_lang

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "privacyguard"
PO = PACKAGE / "locale" / "nl" / "LC_MESSAGES" / "privacyguard.po"
MO = PO.with_suffix(".mo")
PLACEHOLDER = re.compile(r"\{[a-z_0-9]*(?:![rs])?(?::[^}]*)?\}")


def extracted() -> set[str]:
    """Every message id in the code and templates now (singular ids of plurals)."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    ids = set()
    for _file, _line, message, _comments, _context in extract_from_dir(str(PACKAGE), method_map, options_map):
        ids.add(message if isinstance(message, str) else message[0])
    return ids


def catalogue():
    with open(PO, "rb") as f:
        return read_po(f, locale="nl")


def test_every_ui_string_has_a_dutch_translation():
    cat = catalogue()
    translated = {}
    for message in cat:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if all(strings) and not message.fuzzy:
            translated[key] = message
    missing = sorted(extracted() - set(translated))
    assert not missing, f"no Dutch translation (run `make messages`, then translate in {PO.name}): {missing}"
    assert len(translated) > 40  # the catalogue is really in use


def test_translations_keep_every_placeholder():
    for message in catalogue():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = sorted(set(PLACEHOLDER.findall(ids[-1])))
        for string in strings:
            assert sorted(set(PLACEHOLDER.findall(string))) == wanted, (message.id, string)


def test_committed_mo_is_compiled_from_the_po():
    compiled = io.BytesIO()
    write_mo(compiled, catalogue())
    compiled.seek(0)
    fresh = gettext.GNUTranslations(compiled)
    with open(MO, "rb") as f:
        committed = gettext.GNUTranslations(f)
    def messages(t: gettext.GNUTranslations) -> dict:
        return {k: v for k, v in t._catalog.items() if k != ""}  # the header carries Babel's timestamps

    assert messages(committed) == messages(fresh), "stale .mo: run `make messages` (or scripts/messages.py compile)"


def test_runtime_speaks_the_chosen_language():
    with use_lang("nl"):
        assert _("Your privacy check") == "Je privacycontrole"
        assert i18n.pick({"en": "Only me", "nl": "Alleen ik"}) == "Alleen ik"
    with use_lang("en"):
        assert _("Your privacy check") == "Your privacy check"
        assert ngettext("{n} change", "{n} changes", 2) == "{n} changes"
    with pytest.raises(ValueError, match="unsupported language"):
        i18n.set_lang("fr")


def test_language_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv(i18n.LANG_ENV, "nl")
    assert i18n._initial_lang() == "nl"
    monkeypatch.setenv(i18n.LANG_ENV, "de")
    assert i18n._initial_lang() == "en"


def test_every_help_text_has_a_dutch_translation():
    """Every `--help` text of the CLI (walked from the typer app, not a list) is extracted into the catalogue
    and translated: a new option whose help has no Dutch, or a lost translation, fails here."""
    from privacyguard.cli import command
    from privacyguard.cli.help_text import help_texts

    texts = set(help_texts(command()))
    assert len(texts) > 100 and "Show this message and exit." in texts  # click's own option too
    assert texts <= extracted(), "babel.cfg no longer feeds the help texts to the catalogue"
    translated = {m.id for m in catalogue() if m.id and m.string and not m.fuzzy}
    assert sorted(texts - translated) == []
    with use_lang("nl"):
        assert _("Show this message and exit.") == "Toon deze hulptekst en stop."


def test_clicks_usage_errors_are_said_in_the_chosen_language():
    from privacyguard.cli.help_text import usage_error

    with use_lang("nl"):
        assert usage_error("No such option: --bogus") == "Optie bestaat niet: --bogus"
        assert usage_error("Invalid value for '--lang': 'fr' is not one of 'en', 'nl'.") == \
            "Ongeldige waarde voor '--lang': 'fr' is niet een van 'en', 'nl'."
        assert usage_error("something click never said") == "something click never said"
    with use_lang("en"):
        assert usage_error("No such option: --bogus") == "No such option: --bogus"


def test_the_language_is_read_from_the_command_line_before_parsing():
    from privacyguard.cli.help_text import lang_in

    assert lang_in(["--lang", "nl", "scan", "--help"]) == "nl"
    assert lang_in(["scan", "--lang=nl"]) == "nl"
    assert lang_in(["--lang", "nl", "scan", "--lang", "en"]) == "en"  # the command's own --lang is the last word
    assert lang_in(["scan", "--", "--lang", "nl"]) is None
    assert lang_in(["scan", "--lang", "fr"]) is None  # click says what is wrong with it


def test_a_language_asked_for_is_told_from_the_default(monkeypatch):
    """A sweep's report follows config.toml's [sweep] lang only when nobody asked for a language."""
    monkeypatch.delenv(i18n.LANG_ENV, raising=False)
    assert i18n.chosen_lang() is None
    monkeypatch.setenv(i18n.LANG_ENV, "nl")
    assert i18n.chosen_lang() == "nl"
    i18n.set_lang("en")  # --lang en beats the environment
    assert i18n.chosen_lang() == "en"


def test_lang_alone_is_the_help_and_typers_value_error_prefix_is_dropped():
    from privacyguard.cli.help_text import only_lang, usage_error

    assert only_lang(["--lang", "nl"]) and only_lang(["--lang=en"])
    assert not only_lang(["--lang"]) and not only_lang(["--lang", "fr"]) and not only_lang(["--lang", "nl", "scan"])
    assert usage_error("Invalid value for '--lang': Value error, 'fr' is not one of 'en', 'nl'.") == \
        "Invalid value for '--lang': 'fr' is not one of 'en', 'nl'."
