"""Load YAML files the user writes, keeping line numbers so every error can name file and line.

Booleans follow YAML 1.2: only true/false are booleans, so `expect: off` stays the string
"off" (PyYAML's YAML 1.1 default would silently turn on/off/yes/no into booleans).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from privacyguard.errors import FileFormatError

Model = TypeVar("Model", bound=BaseModel)
LinePath = tuple[str | int, ...]


class _Yaml12Loader(yaml.SafeLoader):
    """SafeLoader whose booleans are only true/false."""


# The same rules on libyaml's parser (C; about ten times faster on the flows, which every command
# loads). Used when PyYAML was built with it; a file it rejects is parsed again by the Python
# loader, whose error messages and marks are the ones users see.
_CLoader12: type | None = None
if getattr(yaml, "__with_libyaml__", False):

    class _CLoader12(yaml.CSafeLoader):  # type: ignore[no-redef]
        """CSafeLoader whose booleans are only true/false."""


for _loader in (_Yaml12Loader, _CLoader12):
    if _loader is None:
        continue
    _loader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    _loader.add_implicit_resolver(
        "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
    )


def _walk(node: yaml.Node, path: LinePath, lines: dict[LinePath, int]) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            lines[(*path, key)] = key_node.start_mark.line + 1
            _walk(value_node, (*path, key), lines)
            lines[(*path, key)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), lines)


def load_yaml_with_lines(text: str, path: Path | str, error: type[FileFormatError]) -> tuple[Any, dict]:
    """Parse YAML text; return (data, {path-tuple: line}). Syntax errors name the line."""
    if _CLoader12 is not None:
        fast = _CLoader12(text)
        try:
            node = fast.get_single_node()
            data = None if node is None else fast.construct_document(node)
        except yaml.YAMLError:
            pass  # the Python loader below says what and where
        else:
            lines: dict[LinePath, int] = {}
            if node is not None:
                _walk(node, (), lines)
            return data, lines
        finally:
            fast.dispose()
    loader = _Yaml12Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        # The context mark is where the broken construct began (what a person must fix); the
        # problem mark is often only where the parser gave up, a line or more later.
        mark = exc.context_mark or exc.problem_mark
        line = mark.line + 1 if mark else None
        context = f" ({exc.context})" if exc.context else ""
        raise error(path, line, f"invalid YAML: {exc.problem or exc}{context}") from None
    except yaml.YAMLError as exc:
        raise error(path, None, f"invalid YAML: {exc}") from None
    finally:
        loader.dispose()
    lines = {}
    _walk(node, (), lines)
    return data, lines


def line_for(lines: dict[LinePath, int], loc: LinePath) -> int | None:
    """The line of the deepest known prefix of a location path."""
    for end in range(len(loc), -1, -1):
        found = lines.get(tuple(loc[:end]))
        if found:
            return found
    return None


def describe_validation_error(exc: ValidationError, lines: dict[LinePath, int]) -> tuple[int | None, str]:
    """First problem of a pydantic error as (line, 'where: what'), plus a count of the rest."""
    errors = exc.errors(include_url=False)
    first = errors[0]
    loc = tuple(part for part in first["loc"] if not (isinstance(part, str) and part.startswith("function-")))
    where = ".".join(str(part) for part in loc) or "(top level)"
    message = first["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    more = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
    return line_for(lines, loc), f"{where}: {message}{more}"


def load_model(path: Path, model: type[Model], error: type[FileFormatError], context: dict | None = None) -> Model:
    """Read a YAML file into a pydantic model; any problem becomes `error` naming file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise error(path, None, f"cannot read file: {exc.strerror}") from None
    data, lines = load_yaml_with_lines(text, path, error)
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
