"""Keep the message catalogue current: extract UI text, update each language's .po, compile the .mo.

    .venv/bin/python scripts/messages.py          # extract + update + compile (make messages)
    .venv/bin/python scripts/messages.py compile  # only compile the .po files into .mo files

Babel does the work; the runtime only needs the stdlib `gettext`. The .mo files are committed so a
fresh clone and an installed wheel work without this step; tests/test_i18n.py fails when they are
stale or a Dutch translation is missing (docs/i18n.md).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from babel.messages.frontend import CommandLineInterface

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "src" / "privacyguard" / "locale"
POT = LOCALE / "privacyguard.pot"
TRANSLATED = ("nl",)  # English is the source language: the message ids are the English text


def _babel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])


def _steady(path: Path) -> None:
    """Drop the creation date Babel stamps on every run, so an unchanged catalogue is an unchanged file."""
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r'"POT-Creation-Date: [^"]*\\n"\n', "", text), encoding="utf-8")


def extract() -> None:
    LOCALE.mkdir(parents=True, exist_ok=True)
    _babel("extract", "-F", str(ROOT / "babel.cfg"), "-o", str(POT), "--no-location", "--sort-output",
           "-c", "TRANSLATORS:", "--project", "privacyguard", str(ROOT / "src" / "privacyguard"))
    _steady(POT)


def update() -> None:
    for lang in TRANSLATED:
        po = LOCALE / lang / "LC_MESSAGES" / "privacyguard.po"
        _babel("update", "-i", str(POT), "-d", str(LOCALE), "-D", "privacyguard", "-l", lang, "--init-missing",
               "--ignore-obsolete", "--no-fuzzy-matching")
        _steady(po)


def compile_all() -> None:
    _babel("compile", "-d", str(LOCALE), "-D", "privacyguard", "--statistics")


def main(argv: list[str]) -> int:
    if argv[:1] != ["compile"]:
        extract()
        update()
    compile_all()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
