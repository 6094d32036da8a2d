"""Fixture variants: fixtures/<platform>/<variant>/variant.yaml plus Jinja2 page templates.

A variant may `extend` another variant of the same platform, inheriting its pages, state and
redirects; so `hardened` is the `default` pages with other values. Dropping a folder in place
adds a variant: no code change. See docs/fixtures.md.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qsl, urlencode, urlsplit

import jinja2
import jinja2.bccache
import platformdirs
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from privacyguard.catalogue import suggest
from privacyguard.errors import BadInput, FixtureError, UnknownName
from privacyguard.i18n import N_, _
from privacyguard.resources import fixtures_dir
from privacyguard.yamlfile import load_model

SHARED_DIR = "_shared"
VARIANT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


def check_variant_name(name: str, what: str = N_("sandbox variant")) -> str:
    """A variant (or platform) name is a plain folder name: never a path, so never leaves the fixtures root.

    The one check for every way a name comes in: --sandbox, `accounts add --sandbox`, the
    roster's sandbox column, the account registry and a variant's own `extends`.
    """
    if not isinstance(name, str) or not VARIANT_NAME.match(name):
        raise BadInput(_("{what} name {name!r}: use letters, digits, '_' or '-' (max 64), not a path").format(
            what=_(what), name=str(name)[:80]))
    return name


def url_key(url: str) -> str:
    """A URL without scheme, trailing slash or parameter order: how pages are looked up."""
    parts = urlsplit(url)
    path = parts.path.rstrip("/") or "/"
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return f"{parts.hostname}{path}" + (f"?{query}" if query else "")


class PageSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str
    template: str
    status: int = 200
    content_type: str = "text/html; charset=utf-8"  # e.g. application/json for a page's own data request
    delay_ms: int = 0  # answer only after this long: a slow data request that a page script waits for


class RedirectSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    from_: str = Field(alias="from")
    to: str


class Behaviour(BaseModel):
    """How the simulated platform misbehaves (for honesty tests); extra keys are for later layers."""

    model_config = ConfigDict(extra="allow")

    save: Literal["ok", "ignore", "error"] = "ok"
    confirm: list[str] = Field(default_factory=list)  # fields whose change the page confirms first ("*": all)
    reauth: list[str] = Field(default_factory=list)  # fields whose save needs the password again ("*": all)
    # page URL ("*": every page) → ms after load at which the page's script renders its main content
    late: dict[str, int] = Field(default_factory=dict)

    def late_ms(self, url: str) -> int:
        """How late the main content of the page at `url` arrives (0: with the page)."""
        by_key = {("*" if key == "*" else url_key(key)): ms for key, ms in self.late.items()}
        return by_key.get(url_key(url), by_key.get("*", 0))


class PartRef(BaseModel):
    """A shared part a variant uses (fixtures/_shared/<part>/), served on one host."""

    model_config = ConfigDict(extra="forbid")

    part: str
    host: str


class PartPage(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str
    template: str
    status: int = 200


class PartSpec(BaseModel):
    """fixtures/_shared/<part>/part.yaml: pages several platforms share (e.g. Meta's Accounts Center).

    Paths instead of URLs (each platform serves the part on its own host), and strings per language.
    """

    model_config = ConfigDict(extra="forbid")

    description: str
    state: dict[str, Any] = Field(default_factory=dict)
    strings: dict[str, dict[str, str]] = Field(default_factory=dict)
    pages: list[PartPage] = Field(default_factory=list)


class VariantSpec(BaseModel):
    """variant.yaml as written."""

    model_config = ConfigDict(extra="forbid")

    description: str
    extends: str | None = None
    parts: list[PartRef] = Field(default_factory=list)
    lang: str | None = None
    state: dict[str, Any] = Field(default_factory=dict)
    strings: dict[str, str] = Field(default_factory=dict)
    pages: list[PageSpec] = Field(default_factory=list)
    remove_pages: list[str] = Field(default_factory=list)
    redirects: list[RedirectSpec] = Field(default_factory=list)
    behaviour: dict[str, Any] = Field(default_factory=dict)
    # The simulated person whose pages these are (templates see it as `person`); `privacyguard record`
    # scrubs these values out of what it saves, as it does a real account's.
    person: dict[str, str | list[str]] = Field(default_factory=dict)
    recorded: dict[str, Any] | None = None  # written by `privacyguard record`: tool, catalogue, date, pages read


class Variant:
    """A resolved variant: pages by URL key, initial state, redirects, templates."""

    def __init__(self, platform: str, name: str, root: Path, chain: list[tuple[Path, VariantSpec]]) -> None:
        self.platform = platform
        self.name = name
        self.root = root
        self.description = chain[0][1].description
        self.lang = next((spec.lang for _, spec in chain if spec.lang), "en")
        self.state: dict[str, Any] = {}
        self.strings: dict[str, str] = {}
        self.pages: dict[str, PageSpec] = {}
        self.redirects: dict[str, str] = {}
        behaviour: dict[str, Any] = {}
        self.person: dict[str, str | list[str]] = {}
        part_dirs = self._apply_parts(root, chain)
        for folder, spec in reversed(chain):  # parent first, child overrides
            self.person.update(spec.person)
            self.state.update(spec.state)
            self.strings.update(spec.strings)
            try:  # a URL urllib cannot split ("http://[[[/x") names the file, found by make fuzz
                for key in spec.remove_pages:
                    self.pages.pop(url_key(key), None)
                self.pages.update({url_key(page.url): page for page in spec.pages})
                self.redirects.update({url_key(r.from_): r.to for r in spec.redirects})
            except ValueError as exc:
                raise FixtureError(folder / "variant.yaml", None, _("a page URL is not valid: {problem}").format(
                    problem=exc)) from None
            _merge(behaviour, spec.behaviour)
        try:
            self.behaviour = Behaviour.model_validate(behaviour)
        except ValidationError as exc:
            first = exc.errors(include_url=False)[0]
            where = ".".join(str(part) for part in ("behaviour", *first["loc"]))
            raise FixtureError(chain[0][0] / "variant.yaml", None, f"{where}: {first['msg']}") from None
        search = [str(folder / "pages") for folder, _ in chain] + [str(root / platform / SHARED_DIR),
                                                                   str(root / SHARED_DIR)]
        search += [str(folder) for folder in part_dirs]
        self.templates = jinja2.Environment(
            loader=jinja2.FileSystemLoader(search), autoescape=True, undefined=jinja2.StrictUndefined,
            bytecode_cache=_bytecode_cache(),
        )

    def _apply_parts(self, root: Path, chain: list[tuple[Path, VariantSpec]]) -> list[Path]:
        """Shared parts first (a variant's own state, strings and pages override them); their folders."""
        hosts: dict[str, str] = {}
        for _path, spec in reversed(chain):
            hosts.update({ref.part: ref.host for ref in spec.parts})
        folders = []
        for name, host in hosts.items():
            folder = next((base / SHARED_DIR / name for base in (root, fixtures_dir())
                           if (base / SHARED_DIR / name / "part.yaml").is_file()), None)
            if folder is None:
                raise FixtureError(f"{self.platform}/{self.name}/variant.yaml", None,
                                   f"no shared part {name!r} (looked for {SHARED_DIR}/{name}/part.yaml)")
            part = load_model(folder / "part.yaml", PartSpec, FixtureError)
            self.state.update(part.state)
            self.strings.update(part.strings.get("en", {}))
            self.strings.update(part.strings.get(self.lang, {}))
            for page in part.pages:
                spec = PageSpec(url=f"https://{host}{page.path}", template=page.template, status=page.status)
                self.pages[url_key(spec.url)] = spec
            folders.append(folder)
        return folders

    def render(self, page: PageSpec, state: dict[str, Any], url: str, **extra: Any) -> str:
        try:
            template = self.templates.get_template(page.template)
            return template.render(state=state, s=self.strings, url=url, lang=self.lang, variant=self.name,
                                   behaviour=self.behaviour, late_ms=self.behaviour.late_ms(url), person=self.person,
                                   **extra)
        except jinja2.TemplateError as exc:
            raise FixtureError(f"{self.platform}/{self.name}/{page.template}", getattr(exc, "lineno", None),
                               f"template error: {exc}") from None


class _TemplateCache(jinja2.FileSystemBytecodeCache):
    """Compiled templates kept between runs (keyed by the template's source checksum, so an edited
    template is compiled again). Compiling the pages was a third of a sandbox scan's Python time.
    A cache that cannot be read or written is no cache: never an error."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError, ValueError, EOFError):
            super().load_bytecode(bucket)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


@functools.cache
def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Per user, outside the privacyguard home (which holds state only); 0700."""
    folder = Path(platformdirs.user_cache_dir("privacyguard")) / "templates"
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        if hasattr(os, "getuid") and folder.stat().st_uid != os.getuid():
            return None  # someone else's folder: the code in it is not ours to run
    except OSError:
        return None
    return _TemplateCache(str(folder))


def _merge(into: dict[str, Any], override: dict[str, Any]) -> None:
    """Child behaviour over parent behaviour; nested blocks (e.g. `sign_in`) merge key by key."""
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            into[key] = dict(into[key])
            _merge(into[key], value)
        else:
            into[key] = value


def list_variants(root: Path | None = None) -> dict[str, list[str]]:
    """{platform: [variant names]} found under a fixtures root."""
    folder = root or fixtures_dir()
    found: dict[str, list[str]] = {}
    for platform_dir in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
        names = sorted(v.name for v in platform_dir.iterdir() if (v / "variant.yaml").is_file())
        if names:
            found[platform_dir.name] = names
    return found


_CACHE: dict[tuple[Path, str, str], Variant] = {}


def load_variant(platform: str, name: str, root: Path | None = None) -> Variant:
    """Load a variant and everything it extends (cached per fixtures root)."""
    check_variant_name(platform, N_("platform"))
    check_variant_name(name)
    base = (root or fixtures_dir()).resolve()
    cache_key = (base, platform, name)
    if cache_key in _CACHE:
        return _CACHE[cache_key]
    chain: list[tuple[Path, VariantSpec]] = []
    current: str | None = name
    while current is not None:
        folder = base / platform / current
        spec_file = folder / "variant.yaml"
        if not spec_file.is_file():
            known = list_variants(base).get(platform, [])
            if chain:  # named by the `extends` of the variant before: that file is what to mend
                raise FixtureError(chain[-1][0] / "variant.yaml", None, _(
                    "extends: no variant {name!r} for {platform}{hint}; known: {known}").format(
                    name=current, platform=platform, hint=suggest(current, known), known=", ".join(known) or _("none")))
            raise UnknownName(_("no sandbox variant {name!r} for {platform} under {folder}{hint}; known: {known}")
                              .format(name=current, platform=platform, folder=base, hint=suggest(current, known),
                                      known=", ".join(known) or _("none")))
        if any(f == folder for f, _ in chain) or len(chain) > 8:
            raise FixtureError(spec_file, None, _("variant 'extends' chain loops"))
        spec = load_model(spec_file, VariantSpec, FixtureError)
        chain.append((folder, spec))
        current = spec.extends
        if current is not None and not VARIANT_NAME.match(current):
            raise FixtureError(spec_file, None, _("extends: {name!r} is not a variant name (letters, digits, '_' or "
                                                  "'-'; not a path)").format(name=current[:80]))
    variant = Variant(platform, name, base, chain)
    _CACHE[cache_key] = variant
    return variant
