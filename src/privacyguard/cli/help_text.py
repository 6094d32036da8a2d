"""`--help` and click's own words (Usage, Options, "No such option") in the chosen language.

Typer builds the click command once, from English texts: each option's `help=` and each command's
docstring. Those English texts are the catalogue's message ids, like every other UI string. Click
handles `--help` before any other option, so the language cannot wait for `--lang`'s callback:
`main()` settles it from the command line and the environment first (`settle_lang`), then
`localize()` puts every help text, panel title and usage prefix of the command tree in that language.
Nothing is built per language, and a help text needs no marker in the code: `extract` (a Babel
extractor, babel.cfg) walks the same tree, so `make messages` and tests/test_i18n.py see exactly the
texts a person sees (docs/i18n.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from privacyguard.i18n import N_, SUPPORTED_LANGS, _, reset_lang, set_lang

try:  # recent typer vendors click; older releases depend on it
    from typer import core as typer_core
    from typer import rich_utils
except ImportError:  # pragma: no cover
    rich_utils = None  # type: ignore[assignment]
    typer_core = None  # type: ignore[assignment]

# Typer's fixed words, kept as module constants when typer is imported: (constant, English).
TYPER_WORDS = {
    "DEFAULT_STRING": N_("[default: {}]"),
    "ENVVAR_STRING": N_("[env var: {}]"),
    "REQUIRED_LONG_STRING": N_("[required]"),
    "DEPRECATED_STRING": N_("(deprecated) "),
    "ARGUMENTS_PANEL_TITLE": N_("Arguments"),
    "OPTIONS_PANEL_TITLE": N_("Options"),
    "COMMANDS_PANEL_TITLE": N_("Commands"),
    "ERRORS_PANEL_TITLE": N_("Error"),
    "ABORTED_TEXT": N_("Aborted."),
}
USAGE = N_("Usage:")
# The placeholders of the usage line ("privacyguard audit [OPTIONS] COMMAND [ARGS]...").
METAVARS = {"options_metavar": N_("[OPTIONS]"), "subcommand_metavar": N_("COMMAND [ARGS]...")}
# Typer's own gettext calls (typer.core), looked up in our catalogue: "No such command", plain help.
TYPER_CORE_WORDS = (N_("Missing command."), N_("No such command {name!r}."), N_("default: {default}"),
                    N_("required"), N_("env var: {var}"), N_("(dynamic)"), N_("Aborted!"))

# Click's usage errors are built with f-strings (no gettext): each English form, with its parts as
# placeholders, is a message id; an error that matches one is said in the chosen language.
USAGE_ERRORS = (
    N_("No such option: {option} (Possible options: {options})"),
    N_("No such option: {option}"),
    N_("Missing argument {name}. {more}"),
    N_("Missing argument {name}."),
    N_("Missing option {name}. {more}"),
    N_("Missing option {name}."),
    N_("Missing parameter {name}."),
    N_("Invalid value for {name} (env var: {var}): {problem}"),
    N_("Invalid value for {name}: {problem}"),
    N_("Invalid value: {problem}"),
    N_("{value} is not one of {choices}."),
    N_("Value {value} is not a valid {kind}."),
    N_("Got unexpected extra argument ({args})"),
    N_("Got unexpected extra arguments ({args})"),
    N_("Got unexpected extra argument(s) ({args})"),
    N_("Option {name} requires an argument."),
    N_("Option {name} requires {n} arguments."),
    N_("Option {name} does not take a value."),
    N_("Choose from:{choices}"),
    N_("No such command {name}."),
    N_("Missing command."),
)
# Parts of an error that are themselves a sentence to say in the chosen language.
_SENTENCES = ("problem", "more")


def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", template)
    regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(parts))
    return re.compile(regex, re.S)


_ERROR_PATTERNS = [(_pattern(t), t) for t in USAGE_ERRORS]


def usage_error(message: str) -> str:
    """Click's English error text in the current language; left as it is when it matches no known form."""
    message = message.removeprefix("Value error, ")  # typer's wrapping of a ValueError: the reason is enough
    for pattern, template in _ERROR_PATTERNS:
        found = pattern.fullmatch(message)
        if found:
            parts = {k: usage_error(v) if k in _SENTENCES else v for k, v in found.groupdict().items()}
            return _(template).format(**parts)
    return message


# --- the language, before click reads the command line ---------------------------------------------

def lang_in(argv: list[str]) -> str | None:
    """The last `--lang X` / `--lang=X` on the command line (before `--`), if it names a language."""
    found = None
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(argv):
            found = argv[i + 1]
        elif arg.startswith("--lang="):
            found = arg.split("=", 1)[1]
    return found if found in SUPPORTED_LANGS else None


def only_lang(argv: list[str]) -> bool:
    """`privacyguard --lang nl` and nothing else: the same as bare `privacyguard`, help (not "Missing command")."""
    rest = [a for i, a in enumerate(argv) if not (a == "--lang" or a.startswith("--lang=")
                                                   or (i > 0 and argv[i - 1] == "--lang"))]
    return lang_in(argv) is not None and not rest


def settle_lang(argv: list[str]) -> None:
    """Choose the language of this run before click parses anything, so `--help` is in it too.

    The same order as the commands use: `--lang` (before or after the command name), else
    $PRIVACYGUARD_LANG, else English (a sweep's report then follows config.toml's [sweep] lang)."""
    reset_lang()
    lang = lang_in(argv)
    if lang:
        set_lang(lang)


# --- putting the command tree in that language -------------------------------------------------------

def _english(obj: Any, attr: str) -> str | None:
    """The English text of obj.attr, remembered on first sight (later runs see it translated)."""
    key = f"_privacyguard_en_{attr}"
    if key not in vars(obj):
        setattr(obj, key, getattr(obj, attr, None))
    return vars(obj)[key]


def _parts(command: Any) -> Iterator[Any]:
    """The command and its parameters (the help option included), then every subcommand's, depth first."""
    yield command
    yield from command.params
    help_option = command.get_help_option(command.context_class(command))  # made on first use, then kept
    if help_option is not None:
        yield help_option
    for sub in getattr(command, "commands", {}).values():
        yield from _parts(sub)


def help_texts(command: Any) -> Iterator[str]:
    """Every English help text in the command tree: the catalogue's ids for `--help`."""
    for part in _parts(command):
        for attr in ("help", "short_help"):
            text = _english(part, attr)
            if text:
                yield text


def _format_usage(command: Any) -> Any:
    """Click's usage line, with "Usage:" in the current language (click has it as a fixed word)."""
    def format_usage(ctx: Any, formatter: Any) -> None:
        formatter.write_usage(ctx.command_path, " ".join(command.collect_usage_pieces(ctx)), prefix=_(USAGE) + " ")
    return format_usage


def _shown(text: str) -> str:
    """A help text as Rich should print it: "[alerts]" kept (not taken for markup), and a line break
    inside a paragraph joined (typer keeps it in the command list, mid-sentence)."""
    paragraphs = text.split("\n\n")
    return "\n\n".join(" ".join(p.split("\n")) for p in paragraphs).replace("[", "\\[")


def localize(command: Any) -> Any:
    """Put the help of the whole command tree, and typer's fixed words, in the current language."""
    for part in _parts(command):
        for attr in ("help", "short_help"):
            text = _english(part, attr)
            if text:
                setattr(part, attr, _shown(_(text)))
        choices = getattr(part, "privacyguard_choices", None)
        if choices:  # a list too long for the metavar column (cli.tidy)
            part.help = (part.help or "") + " " + _shown(_("One of: {choices}.").format(choices=", ".join(choices)))
        if hasattr(part, "collect_usage_pieces"):
            part.format_usage = _format_usage(part)
            for attr, english in METAVARS.items():
                if getattr(part, attr, None) == english or vars(part).get(f"_privacyguard_en_{attr}"):
                    _english(part, attr)
                    setattr(part, attr, _(english))
    if rich_utils is not None:
        for constant, english in TYPER_WORDS.items():
            setattr(rich_utils, constant, _(english))
    if typer_core is not None:
        typer_core._ = _  # typer's own gettext calls ("No such command", "[default: …]" in plain help)
    return command


def extract(fileobj: Any, keywords: Any, comment_tags: Any, options: Any) -> Iterator[tuple[int, str, str, list[str]]]:
    """Babel extractor (babel.cfg): this module's own messages, then every help text of the CLI."""
    from babel.messages.extract import extract_python

    yield from extract_python(fileobj, keywords, comment_tags, options)
    from privacyguard.cli import command

    seen: set[str] = set()
    for text in help_texts(command()):
        if text not in seen:
            seen.add(text)
            yield 0, "_", text, ["--help"]


__all__ = ["extract", "help_texts", "lang_in", "localize", "only_lang", "settle_lang", "usage_error"]
