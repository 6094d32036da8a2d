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

from audit_helpers import snapshot, snapshot_for, write_policy
from conftest import run_cli
from privacyguard import i18n
from privacyguard.audit import collect, report_text
from privacyguard.audit.bundle import build_bundle, write_bundle
from privacyguard.catalogue import Catalogue
from privacyguard.i18n import use_lang
from privacyguard.policy import load_policy
from sweep_helpers import set_sandbox_state

EXAMPLES = Path(__file__).resolve().parent.parent / "docs" / "examples"
PO = Path(i18n.__file__).parent / "locale" / "nl" / "LC_MESSAGES" / "privacyguard.po"
# Where a message is cut into pieces: placeholders, Rich markup, line breaks, and `code` (commands and
# options, the same in both languages).
PIECE = re.compile(r"\{[^}]*\}|\[/?[a-z ]*\]|\n|`[^`]*`")
# The only words let through although the catalogue has them as English text: names and ids that read the
# same in any language. Each is here for a reason; nothing else is whitelisted.
NAMES = {
    "privacyguard doctor",  # the command's own name, as the title of its table
}

pytestmark = pytest.mark.browser


def _texts(value: str | tuple[str, ...]) -> tuple[str, ...]:
    return value if isinstance(value, tuple) else (value,)


def english_pieces() -> set[str]:
    """Every piece of English UI text with a word of three letters or more, from the catalogue's message ids.

    A piece is left out only when Dutch uses the same words (the translation is identical, or the piece
    stands as whole words in some Dutch translation: "Account", "Status", "Scores") or it is in NAMES.
    So a one-word English message ("waiting", "retired") is looked for as much as a sentence is.
    """
    with open(PO, "rb") as f:
        catalogue = read_po(f, locale="nl")
    # The Dutch prose of the catalogue, without its `code` (commands and options are not words Dutch uses)
    dutch = re.sub(r"`[^`]*`", " ", "\n".join(s for m in catalogue if m.id for s in _texts(m.string)))
    pieces: set[str] = set()
    for message in catalogue:
        if not message.id:
            continue
        strings = _texts(message.string)
        for text in _texts(message.id):
            if text in strings:
                continue  # the same in both languages
            for piece in PIECE.split(text):
                piece = piece.strip(" .,:;'()#*>|-·—…!?")
                if not re.search(r"[A-Za-z]{3}", piece) or piece in NAMES:
                    continue
                if _found(piece, dutch):
                    continue  # Dutch uses these very words
                pieces.add(piece)
    return pieces


def _found(piece: str, text: str) -> bool:
    """`piece` as whole words in `text`: not inside a path, an option, an id, a key=value or a [section]."""
    return re.search(r"(?<![\w/.\[-])" + re.escape(piece) + r"(?![\w/=\]-])", text) is not None


def english_in(text: str, pieces: set[str]) -> list[str]:
    """The English pieces in `text`."""
    return sorted(p for p in pieces if _found(p, text))


@pytest.fixture(scope="module")
def dutch(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Each command's whole output (stdout and stderr) with --lang nl, against the sandbox."""
    home = tmp_path_factory.mktemp("nl") / "home"
    home.mkdir()
    out: dict[str, str] = {}

    def run(name: str, *args: str, codes: tuple[int, ...] = (0, 1, 2)) -> str:
        # commands without --lang follow $PRIVACYGUARD_LANG; those with it get it too
        result = run_cli(*args, home=home, timeout=600, env={i18n.LANG_ENV: "nl"})
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
    out["sweep html"] = page_text(run("sweep html", "history", "show", "2", "--format", "html"))
    run("sweep (policy changed)", "sweep", "--policy", "strict", "--lang", "nl")
    out["sweep html (policy changed)"] = page_text(run("sweep html (policy changed)", "history", "show", "3",
                                                       "--format", "html"))
    run("history", "history")
    run("history diff", "history", "diff", "1", "2")
    run("accounts list", "accounts", "list")
    run("policy list", "policy", "list")
    run("policy show", "policy", "show", "strict", "--lang", "nl")
    run("policy validate", "policy", "validate", str(EXAMPLES / "policy.yaml"))
    run("config show", "config", "show")
    run("schedule status", "schedule", "status")
    run("undo", "undo")
    run("sandbox reset", "sandbox", "reset")
    return out


def page_text(page: str) -> str:
    """What a person reads on an HTML page: its text, without tags and styles."""
    return html.unescape(re.sub(r"<style>.*?</style>|<[^>]+>", " ", page, flags=re.S))


@pytest.fixture(scope="module")
def dutch_audit(catalogue: Catalogue, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """An organisation audit in Dutch: one person handed in (twice: one copy is rejected), one did not."""
    folder = tmp_path_factory.mktemp("nl-audit")
    policy_file = folder / "policy.yaml"
    write_policy(policy_file, catalogue)
    policy = load_policy(policy_file, catalogue)
    roster = folder / "roster.csv"
    roster.write_text("person,team,email,platform,account\nAnn,Sales,,linkedin,ann-li\nAnn,Sales,,facebook,ann-fb\n"
                      "Bob,Press,,linkedin,bob-li\n", encoding="utf-8")
    inbox = folder / "inbox"
    inbox.mkdir()
    with use_lang("nl"):
        bundle = build_bundle("Ann", snapshot(catalogue, snapshot_for(catalogue, "linkedin", "ann-li", good=False)),
                              policy, catalogue, lang="nl")
        write_bundle(bundle, inbox / "ann.json")
        (inbox / "ann-copy.json").write_text((inbox / "ann.json").read_text(encoding="utf-8"), encoding="utf-8")
        audit = collect([inbox], roster, lang="nl")
        return {"audit html": page_text(report_text(audit, "html")), "audit table": report_text(audit, "table")}


def test_the_catalogue_gives_enough_english_to_look_for() -> None:
    pieces = english_pieces()
    assert {"What changed", "Why it matters", "newly failing", "could not be read"} <= pieces
    assert len(pieces) > 100


COMMANDS = ["scan", "fix --dry-run", "sweep (first)", "sweep (drift)", "sweep markdown", "sweep html",
            "sweep (policy changed)", "sweep html (policy changed)", "history", "history diff", "accounts list",
            "policy list", "policy show", "policy validate", "config show", "schedule status", "undo", "sandbox reset"]


@pytest.mark.parametrize("name", COMMANDS)
def test_dutch_output_has_no_english_ui_text(dutch: dict[str, str], name: str) -> None:
    text = dutch[name]
    assert english_in(text, english_pieces()) == [], text


@pytest.mark.parametrize("name", ["audit html", "audit table"])
def test_dutch_audit_report_has_no_english_ui_text(dutch_audit: dict[str, str], name: str) -> None:
    text = dutch_audit[name]
    assert english_in(text, english_pieces()) == [], text
    assert "Niet ingeleverd" in text and "Bob" in text  # the report is really there, and Dutch


def test_dutch_output_is_really_dutch(dutch: dict[str, str]) -> None:
    """The check above is not passing on empty or failed output: the Dutch words are there."""
    assert "Samenvatting" in dutch["scan"]
    assert "Proefrun" in dutch["fix --dry-run"]
    assert "Veranderd sinds de vorige controle" in dutch["sweep (drift)"]
    assert "## Veranderd sinds de vorige controle" in dutch["sweep markdown"]
    assert "Wat is er veranderd" in dutch["sweep html"]
    assert "Het beleid is veranderd van recommended naar strict" in dutch["sweep (policy changed)"]
    assert "Controles" in dutch["history"] and "Naam" in dutch["accounts list"]
    assert "geen wekelijkse controle geïnstalleerd" in dutch["schedule status"]
