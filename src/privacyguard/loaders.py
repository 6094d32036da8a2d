"""The one way privacyguard reads a file a person (or an attacker) can write: YAML, JSON, TOML, CSV.

Every reader of a user-writable file goes through here, so each hostile-file defence exists
once: size limit, encoding (UTF-8, with or without a BOM; anything else is a clear error),
nesting depth, and for YAML an alias-expansion budget (a 300-byte "billion laughs" must not
expand to gigabytes) and duplicate keys (YAML would silently keep the last one). Every problem
is the caller's FileFormatError subclass, naming the file and, where known, the line: the CLI
turns it into exit 3 with one message, never a traceback.
"""

from __future__ import annotations

import codecs
import json
import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

import orjson
import yaml

from privacyguard.errors import FileFormatError
from privacyguard.i18n import _

MAX_BYTES = 16 * 1024 * 1024  # far above any real roster, bundle or snapshot
MAX_YAML_BYTES = 2 * 1024 * 1024  # YAML is parsed in Python: 2 MiB is ~2 s; a flow is 30 KB, a policy 11 KB
MAX_DEPTH = 48  # the deepest real document (a flow or bundle) nests under 10 levels
ALIAS_BUDGET = 10_000  # YAML nodes that alias expansion may add to a document

LinePath = tuple[str | int, ...]
ErrorType = type[FileFormatError]

_OTHER_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16"),
)


# --- bytes → text --------------------------------------------------------------------------------
def read_text(path: Path, error: ErrorType, *, max_bytes: int = MAX_BYTES) -> str:
    """The file's text: UTF-8 (a BOM is dropped), no NUL bytes, at most `max_bytes`; else `error`."""
    try:
        with path.open("rb") as handle:  # no stat first: one system call fewer per file (10,000 bundles)
            data = _read_at_most(handle, max_bytes + 1)
    except IsADirectoryError:
        raise error(path, None, _("is a folder, not a file")) from None
    except OSError as exc:
        raise error(path, None, _("cannot read: {reason}").format(reason=exc.strerror or exc)) from None
    if len(data) > max_bytes:
        raise error(path, None, _("too large (over {size:g} MiB); is this the right file?").format(
            size=max_bytes / (1024 * 1024)))
    return decode(data, path, error)


def _read_at_most(handle: BinaryIO, limit: int) -> bytes:
    """Up to `limit` bytes, in chunks: read(limit) would set aside `limit` bytes of memory up front,
    which for a large limit (audit files) is hundreds of MiB for a file of a few KB."""
    chunks: list[bytes] = []
    size = 0
    while size < limit and (chunk := handle.read(min(1 << 20, limit - size))):
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def decode(data: bytes, path: Path | str, error: ErrorType) -> str:
    """UTF-8 text from bytes, or `error` saying which encoding it seems to be and where it breaks."""
    for bom, name in _OTHER_BOMS:
        if data.startswith(bom):
            raise error(path, None, _("the file is {encoding}; save it as UTF-8").format(encoding=name))
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    nul = data.find(b"\0")
    if nul >= 0:
        raise error(path, data.count(b"\n", 0, nul) + 1,
                    _("contains a NUL byte: a binary file, or not UTF-8 text"))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise error(path, line, _("not UTF-8 text (byte 0x{byte:02x}); save it as UTF-8").format(
            byte=data[exc.start])) from None


# --- parsed data ---------------------------------------------------------------------------------
def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate from an escape such as "\ud800"
        return False
    return True


def check_tree(data: Any, path: Path | str, error: ErrorType, max_depth: int = MAX_DEPTH) -> None:
    """Refuse data nested deeper than `max_depth`, or holding text that is not Unicode (lone surrogates).

    Iterative, so the check itself cannot overflow; every later step (validation, hashing,
    printing) can then rely on shallow data and encodable strings.
    """
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if not item.isascii() and not _encodable(item):
                raise error(path, None, _("holds an invalid Unicode escape (a lone surrogate such as \\ud800)"))
            continue
        if isinstance(item, dict):
            children = [*item.keys(), *item.values()]
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > max_depth:
            raise error(path, None, _("nested more than {n} levels deep").format(n=max_depth))
        stack.extend((child, depth + 1) for child in children)


# --- JSON ----------------------------------------------------------------------------------------
# A JSON escape that decodes to a surrogate (\ud800-\udfff). UTF-8 text cannot hold a surrogate
# itself, so without such an escape parsed JSON cannot hold a lone one.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
T = TypeVar("T")


def _loads(text: str, path: Path | str, error: ErrorType, max_depth: int) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise error(path, exc.lineno, _("not valid JSON: {problem}").format(problem=exc.msg)) from None
    except RecursionError:
        raise error(path, None, _("nested more than {n} levels deep").format(n=max_depth)) from None
    except ValueError as exc:  # e.g. an integer longer than Python's digit limit
        raise error(path, None, _("not valid JSON: {problem}").format(problem=exc)) from None


_NOT_PARSED = object()
# Past 64 bits orjson reads an integer as a float where json keeps it exact: text with 19 or more digits in
# a row (also long decimals, which only costs the faster path) goes to json.
_LONG_NUMBER = re.compile(r"\d{19}")


def _fast_loads(text: str) -> Any:
    """orjson's reading of text it reads exactly as json.loads does, else _NOT_PARSED.

    orjson is about four times faster on bundles. Where the two could differ (integers too long for
    64 bits, which orjson turns into floats) or orjson refuses the text (NaN, Infinity, lone
    surrogates, syntax errors, very deep nesting), json.loads decides, with its messages and line
    numbers."""
    if _LONG_NUMBER.search(text):
        return _NOT_PARSED
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return _NOT_PARSED


def parse_json(text: str, path: Path | str, error: ErrorType, max_depth: int = MAX_DEPTH) -> Any:
    """Parse JSON text; syntax errors name the line, over-deep nesting is refused."""
    data = _loads(text, path, error, max_depth)
    check_tree(data, path, error, max_depth)
    return data


def load_json(path: Path, error: ErrorType, *, max_bytes: int = MAX_BYTES, max_depth: int = MAX_DEPTH) -> Any:
    """Read and parse a JSON file through every check above."""
    return parse_json(read_text(path, error, max_bytes=max_bytes), path, error, max_depth)


def load_json_with(path: Path, error: ErrorType, read: Callable[[Any], T], *, max_bytes: int = MAX_BYTES,
                   max_depth: int = MAX_DEPTH) -> T:
    """`read(load_json(path, error))`, with the same result and the same error for every file, but
    without walking the whole tree of a file that `read` accepts (10,000 bundles: 1.7 s).

    Only for a `read` that accepts nothing nested deeper than `max_depth` (a schema of fixed depth,
    such as a bundle's: a test holds it to that). The tree is walked only when it may hold a lone
    surrogate (the text has a surrogate escape) or when `read` refuses the data: then the loader's
    own reason (too deep, a lone surrogate) comes first, as in load_json.
    """
    text = read_text(path, error, max_bytes=max_bytes)
    data = _fast_loads(text)
    if data is _NOT_PARSED:
        data = _loads(text, path, error, max_depth)
    if _SURROGATE_ESCAPE.search(text):
        check_tree(data, path, error, max_depth)
        return read(data)
    try:
        return read(data)
    except Exception:
        check_tree(data, path, error, max_depth)
        raise


# --- TOML ----------------------------------------------------------------------------------------
_TOML_AT = re.compile(r"\s*\(at line (\d+), column \d+\)")


def parse_toml(text: str, path: Path | str, error: ErrorType, max_depth: int = MAX_DEPTH) -> dict[str, Any]:
    """Parse TOML text; syntax errors name the line, over-deep nesting is refused."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = _TOML_AT.search(message)
        problem = _TOML_AT.sub("", message) or "?"
        raise error(path, int(found.group(1)) if found else None,
                    _("invalid TOML: {problem}").format(problem=problem)) from None
    except RecursionError:
        raise error(path, None, _("nested more than {n} levels deep").format(n=max_depth)) from None
    except ValueError as exc:
        raise error(path, None, _("invalid TOML: {problem}").format(problem=exc)) from None
    check_tree(data, path, error, max_depth)
    return data


def load_toml(path: Path, error: ErrorType, *, max_bytes: int = MAX_BYTES) -> dict[str, Any]:
    return parse_toml(read_text(path, error, max_bytes=max_bytes), path, error)


# --- CSV -----------------------------------------------------------------------------------------
def load_csv_text(path: Path, error: ErrorType, *, max_bytes: int = MAX_BYTES) -> str:
    """A CSV file's text (UTF-8, BOM dropped, no NUL, size-limited); the caller runs csv.reader on it."""
    return read_text(path, error, max_bytes=max_bytes)


# --- YAML ----------------------------------------------------------------------------------------
if yaml.__with_libyaml__:  # libyaml scans and parses four times faster; composing stays in Python
    class _Parser(yaml.composer.Composer, yaml.cyaml.CParser):
        def __init__(self, stream: str) -> None:
            yaml.cyaml.CParser.__init__(self, stream)
            yaml.composer.Composer.__init__(self)
else:  # pragma: no cover - PyYAML built without libyaml
    class _Parser(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser,  # type: ignore[no-redef]
                  yaml.composer.Composer):
        def __init__(self, stream: str) -> None:
            yaml.reader.Reader.__init__(self, stream)
            yaml.scanner.Scanner.__init__(self)
            yaml.parser.Parser.__init__(self)
            yaml.composer.Composer.__init__(self)


class _Yaml12Loader(_Parser, yaml.constructor.SafeConstructor, yaml.resolver.Resolver):
    """A safe loader whose booleans are only true/false (YAML 1.2), that limits nesting while composing.

    YAML 1.1 would silently turn `expect: off` into a boolean. Composing is recursive in PyYAML,
    so depth is counted here, before Python's own recursion limit can be reached.
    """

    max_depth = MAX_DEPTH

    def __init__(self, stream: str) -> None:
        _Parser.__init__(self, stream)
        yaml.constructor.SafeConstructor.__init__(self)
        yaml.resolver.Resolver.__init__(self)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        self._depth += 1
        try:
            if self._depth > self.max_depth:
                mark = self.peek_event().start_mark
                raise yaml.composer.ComposerError(
                    None, None, _("nested more than {n} levels deep").format(n=self.max_depth), mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


_Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


class _Walk:
    """One pass over the composed node graph: line of every path, duplicate keys, alias expansion."""

    def __init__(self, path: Path | str, error: ErrorType, max_depth: int) -> None:
        self.path, self.error, self.max_depth = path, error, max_depth
        self.lines: dict[LinePath, int] = {}
        self.expanded = 0
        self.unique: set[int] = set()

    def run(self, root: yaml.Node) -> dict[LinePath, int]:
        # An explicit stack, not recursion: aliases can make the graph deep or even cyclic.
        stack: list[tuple[yaml.Node, LinePath, int]] = [(root, (), 1)]
        while stack:
            node, at, depth = stack.pop()
            line = node.start_mark.line + 1
            self.expanded += 1
            self.unique.add(id(node))
            if depth > self.max_depth:
                raise self.error(self.path, line, _("nested more than {n} levels deep (or an alias refers to "
                                                    "itself)").format(n=self.max_depth))
            if self.expanded - len(self.unique) > ALIAS_BUDGET:
                raise self.error(self.path, line, _("aliases (*name) expand to more than {n} extra values: "
                                                    "refused (an alias bomb?)").format(n=ALIAS_BUDGET))
            self.lines.setdefault(at, line)
            if isinstance(node, yaml.MappingNode):
                first_line: dict[Any, int] = {}
                for key_node, value_node in node.value:
                    key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
                    key_line = key_node.start_mark.line + 1
                    if key is not None and key != "<<":
                        if key in first_line:
                            raise self.error(self.path, key_line, _(
                                "{key!r} appears twice in one mapping (lines {first} and {second}); keep one"
                            ).format(key=key, first=first_line[key], second=key_line))
                        first_line[key] = key_line
                    self.lines[(*at, key)] = key_line
                    stack.append((value_node, (*at, key), depth + 1))
            elif isinstance(node, yaml.SequenceNode):
                stack.extend((item, (*at, index), depth + 1) for index, item in enumerate(node.value))
        return self.lines


def parse_yaml(text: str, path: Path | str, error: ErrorType,
               max_depth: int = MAX_DEPTH) -> tuple[Any, dict[LinePath, int]]:
    """Parse YAML text; return (data, {path-tuple: line}). Every problem is `error` with a line."""
    loader = None
    try:
        loader = _Yaml12Loader(text)  # the pure-Python reader refuses control characters at once
        loader.max_depth = max_depth
        node = loader.get_single_node()
        if node is None:
            return None, {}
        lines = _Walk(path, error, max_depth).run(node)  # before constructing: refuses alias bombs first
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        # The context mark is where the broken construct began (what a person must fix); the
        # problem mark is often only where the parser gave up, a line or more later.
        mark = exc.context_mark or exc.problem_mark
        line = mark.line + 1 if mark else None
        context = f" ({exc.context})" if exc.context else ""
        raise error(path, line, _("invalid YAML: {problem}").format(problem=f"{exc.problem or exc}{context}")) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1 if isinstance(exc.position, int) else None
        raise error(path, line, _("invalid YAML: a control character (#x{code:04x}) is not allowed in YAML "
                                  "text").format(code=exc.character)) from None
    except yaml.YAMLError as exc:
        raise error(path, None, _("invalid YAML: {problem}").format(problem=exc)) from None
    except RecursionError:
        raise error(path, None, _("nested more than {n} levels deep").format(n=max_depth)) from None
    except (ValueError, TypeError, OverflowError) as exc:  # a bad date, an over-long number, …
        raise error(path, None, _("invalid YAML value: {problem}").format(problem=exc)) from None
    finally:
        if loader is not None:
            getattr(loader, "dispose", lambda: None)()
    check_tree(data, path, error, max_depth)
    return data, lines


def load_yaml(path: Path, error: ErrorType, *,
              max_bytes: int = MAX_YAML_BYTES) -> tuple[Any, dict[LinePath, int]]:
    """Read and parse a YAML file through every check above."""
    return parse_yaml(read_text(path, error, max_bytes=max_bytes), path, error)
