"""Load YAML files the user writes, keeping line numbers so every error can name file and line.

Parsing (encoding, size, depth, aliases, YAML 1.2 booleans) is privacyguard.loaders; this
module maps pydantic's errors back to lines.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from privacyguard.errors import FileFormatError
from privacyguard.i18n import DEFAULT_LANG, N_, _, get_lang, ngettext
from privacyguard.loaders import load_yaml, parse_yaml

Model = TypeVar("Model", bound=BaseModel)
# pydantic's messages for the mistakes people make in their files, by error type, as message ids with
# pydantic's own placeholders (its `ctx`); any other type is said as pydantic says it.
PYDANTIC_MESSAGES = {
    "missing": N_("Field required"),
    "extra_forbidden": N_("Extra inputs are not permitted"),
    "dict_type": N_("Input should be a valid dictionary"),
    "model_type": N_("Input should be a valid dictionary"),
    "list_type": N_("Input should be a valid list"),
    "string_type": N_("Input should be a valid string"),
    "int_type": N_("Input should be a valid integer"),
    "int_parsing": N_("Input should be a valid integer"),
    "int_from_float": N_("Input should be a valid integer, got a number with a fractional part"),
    "float_type": N_("Input should be a valid number"),
    "float_parsing": N_("Input should be a valid number"),
    "bool_type": N_("Input should be a valid boolean"),
    "bool_parsing": N_("Input should be a valid boolean"),
    "literal_error": N_("Input should be {expected}"),
    "enum": N_("Input should be {expected}"),
    "greater_than": N_("Input should be greater than {gt}"),
    "greater_than_equal": N_("Input should be greater than or equal to {ge}"),
    "less_than": N_("Input should be less than {lt}"),
    "less_than_equal": N_("Input should be less than or equal to {le}"),
    "string_too_short": N_("String should have at least {min_length} character(s)"),
    "string_too_long": N_("String should have at most {max_length} character(s)"),
    "too_short": N_("Should have at least {min_length} item(s), not {actual_length}"),
    "too_long": N_("Should have at most {max_length} item(s), not {actual_length}"),
    "date_type": N_("Input should be a valid date (YYYY-MM-DD)"),
    "date_parsing": N_("Input should be a valid date (YYYY-MM-DD)"),
    "date_from_datetime_parsing": N_("Input should be a valid date (YYYY-MM-DD)"),
    "datetime_type": N_("Input should be a valid date and time"),
    "datetime_parsing": N_("Input should be a valid date and time"),
    "url_parsing": N_("Input should be a valid URL"),
    "url_scheme": N_("URL scheme should be {expected_schemes}"),
}


def problem_text(error: Any) -> str:
    """What one pydantic error says, in the current language (our own validators' messages already are)."""
    message = str(error["msg"]).removeprefix("Value error, ")
    template = PYDANTIC_MESSAGES.get(error["type"])
    if template is None or get_lang() == DEFAULT_LANG:
        return message
    ctx = dict(error.get("ctx", {}))
    if isinstance(ctx.get("expected"), str):  # pydantic's "'a', 'b' or 'c'": the values stay, the word is ours
        ctx["expected"] = ctx["expected"].replace("' or '", "' " + _("or") + " '")
    try:
        return _(template).format(**ctx)
    except (KeyError, IndexError, ValueError):
        return message


LinePath = tuple[str | int, ...]


def load_yaml_with_lines(text: str, path: Path | str, error: type[FileFormatError]) -> tuple[Any, dict]:
    """Parse YAML text; return (data, {path-tuple: line}). Every problem names the line."""
    return parse_yaml(text, path, error)


def line_for(lines: dict[LinePath, int], loc: LinePath) -> int | None:
    """The line of the deepest known prefix of a location path."""
    for end in range(len(loc), -1, -1):
        found = lines.get(tuple(loc[:end]))
        if found:
            return found
    return None


def validation_problems(exc: ValidationError, lines: dict[LinePath, int]) -> list[tuple[int | None, str]]:
    """Every problem of a pydantic error as (line, 'where: what'), in the order pydantic found them."""
    problems = []
    for error in exc.errors(include_url=False):
        loc = tuple(part for part in error["loc"] if not (isinstance(part, str) and part.startswith("function-")))
        where = ".".join(str(part) for part in loc) or _("(top level)")
        problems.append((line_for(lines, loc), f"{where}: {problem_text(error)}"))
    return problems


def describe_validation_error(exc: ValidationError, lines: dict[LinePath, int]) -> tuple[int | None, str]:
    """First problem of a pydantic error as (line, 'where: what'), plus a count of the rest."""
    problems = validation_problems(exc, lines)
    line, problem = problems[0]
    rest = len(problems) - 1
    more = ngettext(" (and {n} more problem)", " (and {n} more problems)", rest).format(n=rest) if rest else ""
    return line, f"{problem}{more}"


def load_model(path: Path, model: type[Model], error: type[FileFormatError], context: dict | None = None) -> Model:
    """Read a YAML file into a pydantic model; any problem becomes `error` naming file and line."""
    data, lines = load_yaml(path, error)
    return validate_data(data, lines, path, model, error, context)


def validate_data(
    data: Any, lines: dict, path: Path | str, model: type[Model], error: type[FileFormatError], context=None
) -> Model:
    """Validate already-parsed data, mapping pydantic's error location back to a line."""
    if data is None:
        raise error(path, None, _("the file is empty"))
    try:
        return model.model_validate(data, context=context)
    except ValidationError as exc:
        line, problem = describe_validation_error(exc, lines)
        raise error(path, line, problem) from None
