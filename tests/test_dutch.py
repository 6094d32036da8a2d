"""`--lang nl` is Dutch throughout: scan, fix --dry-run, sweep, and the markdown and HTML reports.

What counts as English is taken from the message catalogue itself: every UI message whose Dutch
translation differs from it, cut at its placeholders. None of those English pieces may appear in
Dutch output (data from flow files, URLs and account names are not UI text and are not checked).
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from conftest import run_cli
from privacyguard import i18n
from sweep_helpers import set_sandbox_state

PO = Path(i18n.__file__).parent / "locale" / "nl" / "LC_MESSAGES" / "privacyguard.po"
PIECE = re.compile(r"\{[^}]*\}|\[/?[a-z ]*\]|[\n]")

pytestmark = pytest.mark.browser


def english_pieces() -> set[str]:
    """Pieces of English UI text, long enough to be unmistakable (from the catalogue, not a hand list)."""
    with open(PO, "rb") as f:
        catalogue = read_po(f, locale="nl")
    pieces: set[str] = set()
    dutch = " ".join(s for m in catalogue if m.id for s in (m.string if isinstance(m.string, tuple) else (m.string,)))
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in ids:
            if text in strings:
                continue  # the same word in both languages ("Account", "Status")
            for piece in PIECE.split(text):
                piece = piece.strip(" .,:;'()#*>|-·—")
                # a single lower-case word may be a name (policy "recommended", command "sweep"); words
                # Dutch uses too ("Scores") are not English tells
                if len(piece) >= 5 and re.search(r"[a-z]{3}", piece) and (" " in piece or piece[0].isupper()) \
                        and piece not in dutch:
                    pieces.add(piece)
    return pieces


def english_in(text: str, pieces: set[str]) -> list[str]:
    return sorted(p for p in pieces if re.search(r"(?<![\w/.-])" + re.escape(p) + r"(?![\w/-])", text))


@pytest.fixture(scope="module")
def dutch(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Each command's whole output (stdout and stderr) with --lang nl, against the sandbox."""
    home = tmp_path_factory.mktemp("nl") / "home"
    home.mkdir()
    out: dict[str, str] = {}

    def run(name: str, *args: str, codes: tuple[int, ...] = (0, 1, 2)) -> str:
        result = run_cli(*args, home=home, timeout=600)
        assert result.returncode in codes, (name, result.stdout, result.stderr)
        out[name] = result.stdout + result.stderr
        return out[name]

    run("scan", "scan", "--sandbox", "default", "--platform", "linkedin", "--lang", "nl")
    run("fix --dry-run", "fix", "--sandbox", "default", "--platform", "linkedin", "--dry-run", "--lang", "nl")
    assert run_cli("accounts", "add", "li", "--platform", "linkedin", "--sandbox", "default", home=home).returncode == 0
    run("sweep (first)", "sweep", "--lang", "nl")
    os.environ["PRIVACYGUARD_HOME"], saved = str(home), os.environ.get("PRIVACYGUARD_HOME")
    try:
        set_sandbox_state("linkedin", "default", "li", generativeAiData=False)
    finally:
        if saved is not None:
            os.environ["PRIVACYGUARD_HOME"] = saved
    run("sweep (drift)", "sweep", "--lang", "nl")
    run("sweep markdown", "history", "show", "2", "--format", "markdown")
    page = html.unescape(run("sweep html", "history", "show", "2", "--format", "html"))
    out["sweep html"] = re.sub(r"<style>.*?</style>|<[^>]+>", " ", page, flags=re.S)
    return out


def test_the_catalogue_gives_enough_english_to_look_for() -> None:
    pieces = english_pieces()
    assert {"What changed", "Why it matters", "newly failing", "could not be read"} <= pieces
    assert len(pieces) > 100


@pytest.mark.parametrize("name", ["scan", "fix --dry-run", "sweep (first)", "sweep (drift)", "sweep markdown",
                                  "sweep html"])
def test_dutch_output_has_no_english_ui_text(dutch: dict[str, str], name: str) -> None:
    text = dutch[name]
    assert english_in(text, english_pieces()) == [], text


def test_dutch_output_is_really_dutch(dutch: dict[str, str]) -> None:
    """The check above is not passing on empty or failed output: the Dutch words are there."""
    assert "Samenvatting" in dutch["scan"]
    assert "Proefrun" in dutch["fix --dry-run"]
    assert "Veranderd sinds de vorige controle" in dutch["sweep (drift)"]
    assert "## Veranderd sinds de vorige controle" in dutch["sweep markdown"]
    assert "Wat is er veranderd" in dutch["sweep html"]
