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

    def run(name: str, *args: str, codes: tuple[int, ...] = (0, 1, 2), env: dict[str, str] | None = None) -> str:
        # commands without --lang follow $PRIVACYGUARD_LANG; those with it get it too
        result = run_cli(*args, home=home, timeout=600, env={i18n.LANG_ENV: "nl", **(env or {})})
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
    run("doctor", "--lang", "nl", "doctor")  # --lang before the command name
    run("sandbox list", "sandbox", "list", env={"COLUMNS": "1000"})  # descriptions on one line each
    run("catalog", "catalog", "--lang", "nl")
    broken = home.parent / "broken-policy.yaml"
    broken.write_text(BROKEN_POLICY, encoding="utf-8")
    run("policy validate (broken)", "policy", "validate", str(broken), codes=(3,))
    run("bad input (unknown variant)", "scan", "--sandbox", "defualt", "--lang", "nl", codes=(3,))
    run("bad input (unknown platform)", "fix", "--sandbox", "default", "--platform", "linkdin", "--dry-run", codes=(3,))
    run("bad input (no such option)", "scan", "--platfrom", "linkedin", codes=(3,))
    run("bad input (missing argument)", "--lang", "nl", "policy", "validate", codes=(3,))
    return out


# A policy with a problem of every kind `policy validate` reports: a misspelt setting id, a value and a
# level it cannot have, an unknown key, a mute without a reason, a date that is not one.
BROKEN_POLICY = """\
name: broken
rules:
  linkedin.conections_visibility:
    expect: off
  linkedin.email_visibility:
    expect: nobody
  linkedin.discovery_by_phone:
    expect: off
    level: must
    severity: 7
  facebook.future_posts_audience:
    expct: friends
disable:
  - linkedin.share_profile_update
mute:
  - setting: facebook.search_engines
    until: someday
colour: blue
"""


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
            "policy list", "policy show", "policy validate", "config show", "schedule status", "undo", "sandbox reset",
            "doctor", "sandbox list", "catalog", "policy validate (broken)", "bad input (unknown variant)",
            "bad input (unknown platform)", "bad input (no such option)", "bad input (missing argument)"]


@pytest.mark.parametrize("name", COMMANDS)
def test_dutch_output_has_no_english_ui_text(dutch: dict[str, str], name: str) -> None:
    text = without_data(name, dutch[name])
    assert english_in(text, english_pieces()) == [], text


def without_data(name: str, text: str) -> str:
    """The UI text of a command's output: what comes from files is taken out where a command shows it whole.

    `sandbox list` shows each variant's description from its variant.yaml (fixture data, written in
    English); `policy validate` quotes the values a policy file says or must say ('shall', 'critical'),
    which are the file's own keywords in any language."""
    if name == "sandbox list":
        from privacyguard.sandbox.fixtures import list_variants, load_variant

        for platform, variants in list_variants().items():
            for variant in variants:
                text = text.replace(load_variant(platform, variant).description, " ")
    if name.startswith("policy validate"):
        text = re.sub(r"'[^']*'", " ", text)
    return text


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
    assert "Controle" in dutch["doctor"] and "Sandboxvarianten" in dutch["sandbox list"]
    assert "Instelling" in dutch["catalog"]
    broken = dutch["policy validate (broken)"]
    assert "9 problemen" in broken and "Verplicht veld ontbreekt" in broken
    assert "bedoelde je 'linkedin.connections_visibility'" in broken
    assert "bedoelde je 'default'" in dutch["bad input (unknown variant)"]
    assert "Optie bestaat niet: --platfrom" in dutch["bad input (no such option)"]
    assert "Argument 'path' ontbreekt" in dutch["bad input (missing argument)"]


def command_paths() -> list[tuple[str, ...]]:
    """Every command of the CLI, groups included, walked from the typer app (a new command is checked too)."""
    from privacyguard.cli import command

    def walk(group: object, path: tuple[str, ...]) -> list[tuple[str, ...]]:
        subs = getattr(group, "commands", {})
        return [path, *(p for name in sorted(subs) for p in walk(subs[name], (*path, name)))]

    return walk(command(), ())


def test_every_command_is_walked() -> None:
    paths = command_paths()
    assert {(), ("scan",), ("audit", "run"), ("accounts", "update"), ("history", "diff")} <= set(paths)
    assert len(paths) > 30


@pytest.mark.parametrize("path", command_paths(), ids=lambda p: " ".join(p) or "privacyguard")
def test_dutch_help_has_no_english_ui_text(path: tuple[str, ...], capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """`--lang nl CMD --help`: every help text, panel title and click's own words in Dutch."""
    from privacyguard.cli import main

    monkeypatch.setenv("COLUMNS", "200")
    with pytest.raises(SystemExit) as done:
        main(["--lang", "nl", *path, "--help"])
    text = capsys.readouterr().out
    assert done.value.code == 0
    assert "Gebruik: privacyguard" in text and "Opties" in text and "Toon deze hulptekst en stop." in text
    assert english_in(without_names(text), english_pieces()) == [], text


def without_names(text: str) -> str:
    """Help text without what reads the same in every language: `code` (commands and options as typed),
    and the names of the commands and arguments themselves (`sweep`, `roster`), walked from the app."""
    from privacyguard.cli import command

    names: set[str] = set()

    def walk(group: object) -> None:
        for param in getattr(group, "params", []):
            if param.param_type_name == "argument" and param.name:
                names.add(param.name)
        for name, sub in getattr(group, "commands", {}).items():
            names.add(name)
            walk(sub)

    walk(command())
    text = re.sub(r"`[^`]*`", " ", text)
    for name in sorted(names, key=len, reverse=True):
        text = re.sub(r"(?<![\w-])" + re.escape(name) + r"(?![\w-])", " ", text)
    return text


@pytest.mark.parametrize("how", ["--lang before the command", "--lang after it", "PRIVACYGUARD_LANG"])
def test_dutch_help_through_the_entry_point(how: str, pg_home: Path) -> None:
    """As a person types it: the language is settled before click reads --help, however it is given."""
    args, env = {"--lang before the command": (("--lang", "nl", "sweep", "--help"), {}),
                 "--lang after it": (("sweep", "--help", "--lang", "nl"), {}),
                 "PRIVACYGUARD_LANG": (("sweep", "--help"), {i18n.LANG_ENV: "nl"})}[how]
    done = run_cli(*args, home=pg_home, env=env)
    assert done.returncode == 0, done.stderr
    text = " ".join(done.stdout.split())
    assert "Scan elk geregistreerd account zonder iets te wijzigen" in text and "[standaard: table]" in text
    assert "[alerts] notify" in text  # square brackets kept in Dutch too
    assert english_in(without_names(done.stdout), english_pieces()) == [], done.stdout


def test_lang_on_the_command_line_beats_the_environment(pg_home: Path) -> None:
    done = run_cli("--lang", "en", "scan", "--help", home=pg_home, env={i18n.LANG_ENV: "nl"})
    assert "Usage: privacyguard scan" in done.stdout and "Read privacy settings and judge them" in done.stdout
