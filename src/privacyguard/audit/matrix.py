"""The compliance matrix (person × rule), rates per rule, team and platform, and the trend.

A check is one rule on one roster account. Compliant = PASS or MUTED (an agreed exception).
NOT_APPLICABLE checks are left out of every rate. Everything else counts against the rate,
including UNKNOWN, ERROR and accounts that were not handed in: what could not be verified is
never counted as compliant.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from privacyguard.audit.model import Audit, RuleInfo
from privacyguard.findings import Status
from privacyguard.gcpause import cycles_uncollected
from privacyguard.i18n import _

MISSING = "MISSING"  # a matrix cell for an account that was not handed in
COMPLIANT = {Status.PASS.value, Status.MUTED.value}
EXCLUDED = {Status.NOT_APPLICABLE.value}
# Worst first: the status a person's cell shows when they have several accounts on one platform.
CELL_ORDER = [Status.FAIL.value, Status.ERROR.value, MISSING, Status.UNKNOWN.value, Status.WARN.value,
              Status.MUTED.value, Status.PASS.value, Status.NOT_APPLICABLE.value]


@dataclass
class Rate:
    compliant: int = 0
    total: int = 0
    counts: Counter = field(default_factory=Counter)

    def add(self, status: str, times: int = 1) -> None:
        self.counts[status] += times
        if status in EXCLUDED:
            return
        self.total += times
        if status in COMPLIANT:
            self.compliant += times

    @property
    def rate(self) -> float | None:
        return round(self.compliant / self.total, 4) if self.total else None

    def as_dict(self) -> dict:
        return {"compliant": self.compliant, "checked": self.total, "rate": self.rate,
                "statuses": dict(sorted(self.counts.items()))}


@dataclass
class MatrixCell:
    status: str  # a Status value, MISSING, or "" when the person has no account on that platform
    parts: list[tuple[str, str, str, str]] = field(default_factory=list)  # (platform, account, status, reason)

    @property
    def detail(self) -> str:
        """Per-account reasons, for a tooltip (made only when a report shows them)."""
        return "\n".join(f"{platform}:{account}: {status} — {reason}" for platform, account, status, reason
                         in self.parts)


@dataclass
class MatrixRow:
    person: str
    team: str
    email: str
    accounts: list[str]  # platform:account
    status: str
    cells: dict[str, MatrixCell]


@dataclass
class Matrix:
    rules: list[RuleInfo]
    rows: list[MatrixRow]
    overall: Rate
    by_rule: dict[str, Rate]
    by_team: dict[str, Rate]
    by_platform: dict[str, Rate]
    not_handed_in: list[dict]
    errors: list[dict]
    trend: dict | None = None


def _worst(statuses: list[str]) -> str:
    for status in CELL_ORDER:
        if status in statuses:
            return status
    return ""


_VALUE = {status: status.value for status in Status}  # a dict look-up: Enum.value is a slow descriptor


def _checks(audit: Audit) -> list[tuple[str, str, str, str, str, str, str]]:
    """Every check: (person, team, platform, account, setting, status, reason)."""
    settings_by_platform: dict[str, list[str]] = defaultdict(list)
    for rule in audit.rules:
        settings_by_platform[rule.platform].append(rule.setting)
    not_covered = _("not in this account's result")
    out = []
    append = out.append
    for account in audit.accounts:
        cells = {c.setting: c for c in account.cells}
        person, team, platform, name, error = account.person, account.team, account.platform, account.account, \
            account.error
        for setting in settings_by_platform.get(platform, ()):
            cell = cells.get(setting)
            if cell is None:  # a rule the account's result does not cover: not verified
                status, reason = (Status.ERROR.value, error) if error else (Status.UNKNOWN.value, not_covered)
            else:
                status, reason = _VALUE[cell.status], cell.reason
            append((person, team, platform, name, setting, status, reason))
    for missing in audit.missing:
        for setting in settings_by_platform.get(missing.platform, ()):
            append((missing.person, missing.team, missing.platform, missing.account, setting, MISSING,
                    missing.reason))
    return out


def build_matrix(audit: Audit, previous: Audit | None = None, with_rows: bool = True) -> Matrix:
    """The matrix and every rate, in one pass over the checks (an audit of 20,000 accounts has 300,000).
    `with_rows=False`: rates only, no person rows (the terminal summary shows none)."""
    with cycles_uncollected():
        return _build_matrix(audit, previous, with_rows)


def _build_matrix(audit: Audit, previous: Audit | None, with_rows: bool) -> Matrix:
    tally: Counter[tuple[str, str, str, str]] = Counter()  # (team, platform, setting, status) → checks
    per_person: dict[str, dict[str, list[tuple[str, str, str, str]]]] = defaultdict(dict)
    for person, team, platform, account, setting, status, reason in _checks(audit):
        tally[(team, platform, setting, status)] += 1
        if with_rows:
            per_person[person].setdefault(setting, []).append((platform, account, status, reason))
    overall = Rate()
    by_rule: dict[str, Rate] = {r.setting: Rate() for r in audit.rules}
    by_team: dict[str, Rate] = defaultdict(Rate)
    by_platform: dict[str, Rate] = defaultdict(Rate)
    for (team, platform, setting, status), times in tally.items():
        overall.add(status, times)
        by_rule.setdefault(setting, Rate()).add(status, times)
        by_team[team or "(no team)"].add(status, times)
        by_platform[platform].add(status, times)

    people: dict[str, dict] = {}
    for a in audit.accounts:
        entry = people.setdefault(a.person, {"team": a.team, "email": a.email, "accounts": [], "statuses": []})
        entry["accounts"].append(f"{a.platform}:{a.account}")
        entry["statuses"].append(a.status.value)
    for m in audit.missing:
        entry = people.setdefault(m.person, {"team": m.team, "email": m.email, "accounts": [], "statuses": []})
        entry["accounts"].append(f"{m.platform}:{m.account}")
        entry["statuses"].append(MISSING)
    rows = []
    for person in sorted(people, key=lambda p: (people[p]["team"].casefold(), p.casefold())) if with_rows else []:
        info = people[person]
        mine = per_person.get(person, {})
        cells = {}
        for rule in audit.rules:
            found = mine.get(rule.setting, [])
            cells[rule.setting] = MatrixCell(_worst([status for _, _, status, _ in found]), found)
        statuses = info["statuses"] + [c.status for c in cells.values() if c.status]
        rows.append(MatrixRow(person, info["team"], info["email"], info["accounts"], _worst(statuses), cells))

    not_handed_in = [m.model_dump(mode="json") for m in audit.missing]
    errors = [{"person": a.person, "team": a.team, "platform": a.platform, "account": a.account,
               "error": a.error} for a in audit.accounts if a.error]
    matrix = Matrix(audit.rules, rows, overall, by_rule, dict(sorted(by_team.items())),
                    dict(sorted(by_platform.items())), not_handed_in, errors)
    if previous is not None:
        matrix.trend = trend(matrix, build_matrix(previous, with_rows=False), audit, previous)
    return matrix


def _delta(now: Rate | None, before: Rate | None) -> dict:
    now_rate = now.rate if now else None
    before_rate = before.rate if before else None
    change = round(now_rate - before_rate, 4) if now_rate is not None and before_rate is not None else None
    return {"now": now_rate, "before": before_rate, "change": change}


def trend(now: Matrix, before: Matrix, audit: Audit, previous: Audit) -> dict:
    """Rates now against the previous audit, and every check whose status changed."""
    old_checks = {(p, pl, a, s): st for p, _, pl, a, s, st, _ in _checks(previous)}
    changes = []
    for person, _team, platform, account, setting, status, _reason in _checks(audit):
        old = old_checks.get((person, platform, account, setting))
        if old is not None and old != status:
            changes.append({"person": person, "platform": platform, "account": account, "setting": setting,
                            "before": old, "now": status,
                            "direction": _direction(old, status)})
    return {
        "previous_created_at": previous.created_at.isoformat(),
        "overall": _delta(now.overall, before.overall),
        "by_rule": {k: _delta(now.by_rule.get(k), before.by_rule.get(k))
                    for k in dict.fromkeys([*now.by_rule, *before.by_rule])},
        "by_team": {k: _delta(now.by_team.get(k), before.by_team.get(k))
                    for k in dict.fromkeys([*now.by_team, *before.by_team])},
        "by_platform": {k: _delta(now.by_platform.get(k), before.by_platform.get(k))
                        for k in dict.fromkeys([*now.by_platform, *before.by_platform])},
        "changes": changes,
        "improved": sum(1 for c in changes if c["direction"] == "better"),
        "worsened": sum(1 for c in changes if c["direction"] == "worse"),
    }


def _direction(before: str, now: str) -> str:
    was, is_ = before in COMPLIANT, now in COMPLIANT
    if was == is_:
        return "same"
    return "better" if is_ else "worse"


def matrix_dict(matrix: Matrix, audit: Audit) -> dict:
    """The matrix as plain data (the JSON report)."""
    return {
        "format": "privacyguard-audit-report",
        "audit_created_at": audit.created_at.isoformat(),
        "kind": audit.kind,
        "policies": [p.model_dump(mode="json") for p in audit.policies],
        "rules": [r.model_dump(mode="json") for r in matrix.rules],
        "matrix": [{"person": r.person, "team": r.team, "email": r.email, "accounts": r.accounts,
                    "status": r.status, "cells": {k: c.status for k, c in r.cells.items()}} for r in matrix.rows],
        "rates": {"overall": matrix.overall.as_dict(),
                  "by_rule": {k: v.as_dict() for k, v in matrix.by_rule.items()},
                  "by_team": {k: v.as_dict() for k, v in matrix.by_team.items()},
                  "by_platform": {k: v.as_dict() for k, v in matrix.by_platform.items()}},
        "not_handed_in": matrix.not_handed_in,
        "errors": matrix.errors,
        "rejected": [r.model_dump(mode="json") for r in audit.rejected],
        "roster_problems": [p.model_dump(mode="json") for p in audit.roster_problems],
        "notes": audit.notes,
        "endpoints": [e.model_dump(mode="json") for e in audit.endpoints],
        "trend": matrix.trend,
        "exit_code": audit.exit_code(),
    }

