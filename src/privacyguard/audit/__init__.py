"""Organisation audits of staff accounts: roster, bundles, merge, matrix and report, central run.

    from privacyguard import audit
    result = audit.run_central(Path("roster.csv"), "acme.yaml", concurrency=8)
    audit.report_text(result, "html")

Modules: roster (who, which accounts), bundle (what staff hand in; signing), staff (submit),
merge (collect bundles), central (scan from one place), remote (browser servers), model
(AUDIT.json), matrix (rates, trend), report/html (output formats).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from rich.console import Group

from privacyguard.audit.bundle import load_key, policy_hash
from privacyguard.audit.central import CentralRun, Politeness, ProgressCallback
from privacyguard.audit.merge import DEFAULT_MAX_AGE_DAYS, CollectProgress, collect_bundles
from privacyguard.audit.model import Audit
from privacyguard.audit.remote import check_endpoint
from privacyguard.audit.report import FORMATS, audit_summary, render_audit
from privacyguard.audit.roster import Roster, load_roster
from privacyguard.audit.staff import Submission, submit
from privacyguard.catalogue import load_catalogue
from privacyguard.errors import BadInput
from privacyguard.files import not_a_folder
from privacyguard.i18n import _
from privacyguard.policy import load_policy

__all__ = ["DEFAULT_MAX_AGE_DAYS", "FORMATS", "Audit", "Politeness", "Roster", "Submission", "collect",
           "load_roster", "report_text", "run_central", "submit", "summary"]


def collect(paths: list[Path], roster_path: Path, key_file: Path | None = None,
            max_age_days: float | None = DEFAULT_MAX_AGE_DAYS, policy: str | Path | None = None,
            lang: str = "en", on_progress: CollectProgress | None = None) -> Audit:
    """Validate and merge handed-in bundles against the roster (bad input raises before anything is read).
    `on_progress(done, total)`: called every few hundred bundles."""
    catalogue = load_catalogue()
    resolved = load_policy(policy, catalogue) if policy is not None else None
    key = load_key(key_file) if key_file is not None else None
    if max_age_days is not None and max_age_days <= 0:
        raise BadInput(_("--max-age must be a positive number of days"))
    roster = load_roster(roster_path, catalogue)
    return collect_bundles(paths, roster, catalogue, key, max_age_days, resolved,
                           policy_hash(resolved) if resolved else None, lang, on_progress=on_progress)


def run_central(roster_path: Path, policy: str | Path, concurrency: int = 4, endpoints: list[str] | None = None,
                fixtures: Path | None = None, lang: str = "en", politeness: Politeness | None = None,
                on_progress: ProgressCallback | None = None) -> Audit:
    """Scan every roster account from here; policy, roster and endpoints are checked before any browser starts."""
    catalogue = load_catalogue()
    resolved = load_policy(policy, catalogue)
    if concurrency < 1:
        raise BadInput(_("--concurrency must be at least 1"))
    if fixtures is not None and not fixtures.is_dir():
        raise BadInput(not_a_folder("--fixtures", fixtures))
    endpoints = [check_endpoint(e) for e in endpoints or []]
    roster = load_roster(roster_path, catalogue, fixtures)
    run = CentralRun(catalogue, resolved, concurrency=concurrency, endpoints=endpoints, fixtures=fixtures,
                     politeness=politeness or Politeness(), lang=lang, on_progress=on_progress)
    return asyncio.run(run.run(roster, policy_hash(resolved)))


def report_text(audit: Audit, fmt: str, previous: Audit | None = None) -> str:
    return render_audit(audit, fmt, previous)


def summary(audit: Audit, previous: Audit | None = None) -> Group:
    """The terminal summary, laid out for the width it is printed at."""
    return audit_summary(audit, previous)
