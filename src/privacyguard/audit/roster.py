"""The audit roster: who is expected to be audited, on which accounts (CSV or YAML).

One row per account: person, team, email, platform, account, sandbox. `sandbox` names a
simulated variant (no registration, no password); empty means a real account, which a central
run finds in the account registry under the `account` name. A bad row is reported with its line
and skipped, and the rest is processed; only a roster that cannot be used at all (unreadable,
bad header, not one valid row) raises RosterError. See docs/roster.md.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from privacyguard.accounts import ACCOUNT_NAME
from privacyguard.catalogue import Catalogue, suggest
from privacyguard.errors import PrivacyGuardError, RosterError
from privacyguard.i18n import _
from privacyguard.loaders import MAX_BYTES, MAX_YAML_BYTES, parse_yaml, read_text
from privacyguard.sandbox.fixtures import load_variant

COLUMNS = ("person", "team", "email", "platform", "account", "sandbox")
REQUIRED = ("person", "platform", "account")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
NO_TEAM = "(no team)"


class RosterEntry(BaseModel):
    """One valid roster row."""

    person: str
    team: str = ""
    email: str = ""
    platform: str
    account: str
    sandbox: str | None = None
    line: int | None = None

    @property
    def team_name(self) -> str:
        return self.team or NO_TEAM

    @property
    def key(self) -> tuple[str, str]:
        return (self.platform, self.account)


class RosterProblem(BaseModel):
    """A row that was skipped, and why."""

    file: str
    line: int | None
    message: str

    def describe(self) -> str:
        return f"{self.file}:{self.line}: {self.message}" if self.line else f"{self.file}: {self.message}"


@dataclass
class _Index:
    """Look-ups by name or e-mail and rows per person, so a large inbox is matched in linear time."""

    size: int
    names: dict[str, str]  # casefolded person name or e-mail → person (the first row that has it)
    rows: dict[str, list[RosterEntry]]


@dataclass
class Roster:
    path: Path
    entries: list[RosterEntry] = field(default_factory=list)
    problems: list[RosterProblem] = field(default_factory=list)
    _index: _Index | None = field(default=None, repr=False, compare=False)

    def _indexed(self) -> _Index:
        if self._index is None or self._index.size != len(self.entries):  # rebuilt if rows were added
            names: dict[str, str] = {}
            rows: dict[str, list[RosterEntry]] = {}
            for entry in self.entries:
                names.setdefault(entry.person.casefold(), entry.person)
                if entry.email:
                    names.setdefault(entry.email.casefold(), entry.person)
                rows.setdefault(entry.person, []).append(entry)
            self._index = _Index(len(self.entries), names, rows)
        return self._index

    def people(self) -> list[str]:
        return list(self._indexed().rows)

    def find_person(self, who: str) -> str | None:
        """The roster person a bundle's `who` names: the person's name or e-mail (case-insensitive);
        the first roster row naming it wins."""
        return self._indexed().names.get(who.strip().casefold())

    def rows_of(self, person: str) -> list[RosterEntry]:
        return list(self._indexed().rows.get(person, []))

    def problem(self, line: int | None, message: str) -> None:
        self.problems.append(RosterProblem(file=str(self.path), line=line, message=message))


def _clean(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _check_row(raw: dict[str, Any], line: int | None, roster: Roster, catalogue: Catalogue,
               fixtures: Path | None, seen: dict[tuple[str, str], int | None]) -> None:
    """Validate one row; add it to the roster or record why not."""
    values = {name: _clean(raw.get(name)) for name in COLUMNS}
    missing = [name for name in REQUIRED if not values[name]]
    if missing:
        roster.problem(line, _("missing {fields}").format(fields=", ".join(missing)))
        return
    if values["platform"] not in catalogue.platforms:
        known = catalogue.platforms
        roster.problem(line, _("unknown platform {name!r}{hint}; known: {known}").format(
            name=values["platform"], hint=suggest(values["platform"], known), known=", ".join(known)))
        return
    if not ACCOUNT_NAME.match(values["account"]):
        roster.problem(line, _("account name {name!r}: use letters, digits, '.', '_' or '-' (max 64)").format(
            name=values["account"]))
        return
    if values["email"] and not EMAIL.match(values["email"]):
        roster.problem(line, _("email {address!r} is not an e-mail address").format(address=values["email"]))
        return
    if values["sandbox"]:
        try:
            load_variant(values["platform"], values["sandbox"], fixtures)
        except PrivacyGuardError as exc:
            roster.problem(line, str(exc))
            return
    key = (values["platform"], values["account"])
    if key in seen:
        where = _("line {n}").format(n=seen[key]) if seen[key] else _("another row")
        roster.problem(line, _("{platform} account {name!r} is already on the roster ({where})").format(
            platform=key[0], name=key[1], where=where))
        return
    seen[key] = line
    roster.entries.append(RosterEntry(person=values["person"], team=values["team"], email=values["email"],
                                      platform=values["platform"], account=values["account"],
                                      sandbox=values["sandbox"] or None, line=line))


def _read_csv(text: str, roster: Roster, catalogue: Catalogue, fixtures: Path | None) -> None:
    reader = csv.reader(io.StringIO(text))
    header: list[str] | None = None
    header_line = 0
    seen: dict[tuple[str, str], int | None] = {}
    previous_end = 0
    try:
        for cells in reader:
            line = previous_end + 1
            previous_end = reader.line_num
            if not cells or not any(c.strip() for c in cells) or cells[0].lstrip().startswith("#"):
                continue
            if header is None:
                header = [c.strip().lower() for c in cells]
                header_line = line
                unknown = [c for c in header if c not in COLUMNS]
                if unknown:
                    raise RosterError(roster.path, line, _("unknown column {name!r}{hint}; the header is {header}")
                                      .format(name=unknown[0], hint=suggest(unknown[0], list(COLUMNS)),
                                              header=",".join(COLUMNS)))
                absent = [c for c in REQUIRED if c not in header]
                if absent:
                    raise RosterError(roster.path, line, _("the header lacks {fields}; it should be {header}").format(
                        fields=", ".join(absent), header=",".join(COLUMNS)))
                if len(set(header)) != len(header):
                    raise RosterError(roster.path, line, _("a column appears twice in the header"))
                continue
            if len(cells) > len(header):
                roster.problem(line, _("{n} fields, but the header (line {line}) has {m}").format(
                    n=len(cells), line=header_line, m=len(header)))
                continue
            _check_row(dict(zip(header, cells, strict=False)), line, roster, catalogue, fixtures, seen)
    except csv.Error as exc:
        raise RosterError(roster.path, reader.line_num, _("not valid CSV: {problem}").format(problem=exc)) from None
    if header is None:
        raise RosterError(roster.path, None, _("the roster is empty; it needs the header {header}").format(
            header=",".join(COLUMNS)))


def _read_yaml(text: str, roster: Roster, catalogue: Catalogue, fixtures: Path | None) -> None:
    data, lines = parse_yaml(text, roster.path, RosterError)
    if isinstance(data, dict) and set(data) == {"accounts"}:
        data, lines = data["accounts"], {k[1:]: v for k, v in lines.items() if k[:1] == ("accounts",)}
    if not isinstance(data, list):
        raise RosterError(roster.path, lines.get(()), _("a YAML roster is a list of rows "
                                                        "(- person: ..., platform: ..., account: ...)"))
    seen: dict[tuple[str, str], int | None] = {}
    for index, row in enumerate(data):
        line = lines.get((index,))
        if not isinstance(row, dict):
            roster.problem(line, _("a row is a mapping of person, team, email, platform, account, sandbox"))
            continue
        unknown = [str(k) for k in row if str(k) not in COLUMNS]
        if unknown:
            roster.problem(lines.get((index, unknown[0]), line),
                           _("unknown field {name!r}{hint}").format(name=unknown[0],
                                                                    hint=suggest(unknown[0], list(COLUMNS))))
            continue
        _check_row(row, line, roster, catalogue, fixtures, seen)


def load_roster(path: Path, catalogue: Catalogue, fixtures: Path | None = None) -> Roster:
    """Read a roster (.csv, or .yaml/.yml); bad rows become problems, a useless file a RosterError."""
    roster = Roster(path=path)
    yaml_file = path.suffix.lower() in (".yaml", ".yml")
    text = read_text(path, RosterError, max_bytes=MAX_YAML_BYTES if yaml_file else MAX_BYTES)
    if yaml_file:
        _read_yaml(text, roster, catalogue, fixtures)
    else:
        _read_csv(text, roster, catalogue, fixtures)
    if not roster.entries:
        first = _("; first problem: {problem}").format(problem=roster.problems[0].describe()) if roster.problems else ""
        raise RosterError(path, None, _("no valid row in the roster ({n} bad){first}").format(
            n=len(roster.problems), first=first))
    return roster
