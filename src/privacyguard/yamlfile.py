"""Load YAML files the user writes, keeping line numbers so every error can name file and line.

Parsing (encoding, size, depth, aliases, YAML 1.2 booleans) is privacyguard.loaders; this
module maps pydantic's errors back to lines.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from privacyguard.errors import FileFormatError
from privacyguard.loaders import load_yaml, parse_yaml

Model = TypeVar("Model", bound=BaseModel)
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
        where = ".".join(str(part) for part in loc) or "(top level)"
        message = error["msg"].removeprefix("Value error, ")
        problems.append((line_for(lines, loc), f"{where}: {message}"))
    return problems


def describe_validation_error(exc: ValidationError, lines: dict[LinePath, int]) -> tuple[int | None, str]:
    """First problem of a pydantic error as (line, 'where: what'), plus a count of the rest."""
    problems = validation_problems(exc, lines)
    line, problem = problems[0]
    more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
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
        raise error(path, None, "the file is empty")
    try:
        return model.model_validate(data, context=context)
    except ValidationError as exc:
        line, problem = describe_validation_error(exc, lines)
        raise error(path, line, problem) from None
