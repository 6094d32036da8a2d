"""The library API: what the CLI calls, and what other programs and tests can call too.

    from privacyguard import api
    result = api.scan(["linkedin", "facebook"], sandbox="default", policy="recommended")
    print(result.report.exit_code())
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from privacyguard.accounts import get_account, list_accounts
from privacyguard.catalogue import Catalogue, load_catalogue
from privacyguard.collect.engine import CollectOptions
from privacyguard.collect.runner import CollectRun, ProgressCallback, Target, sandbox_account_name
from privacyguard.errors import BadInput, NothingToScan
from privacyguard.evaluate import evaluate
from privacyguard.files import not_a_folder
from privacyguard.findings import Finding, Report, Status
from privacyguard.i18n import SUPPORTED_LANGS, _
from privacyguard.policy import Policy, load_policy
from privacyguard.record.check import CheckedVariant, check_variants
from privacyguard.record.recorder import RecordResult
from privacyguard.record.recorder import record as record_pages
from privacyguard.sandbox.fixtures import list_variants, load_variant
from privacyguard.signin.layer import SignInLayer
from privacyguard.snapshot import ReadStatus, Snapshot

DEFAULT_POLICY = "recommended"


@dataclass
class ScanResult:
    snapshot: Snapshot
    report: Report


def check_lang(lang: str) -> str:
    if lang not in SUPPORTED_LANGS:
        raise BadInput(_("unknown language {lang!r}; choose one of: {langs}").format(
            lang=lang, langs=", ".join(SUPPORTED_LANGS)))
    return lang


def sandbox_targets(platforms: list[str], variant: str, catalogue: Catalogue, fixtures: Path | None = None,
                    account: str | None = None) -> list[Target]:
    """One simulated account per platform; fails early (bad input) on an unknown platform or variant."""
    if fixtures is not None and not fixtures.is_dir():
        raise BadInput(not_a_folder("--fixtures", fixtures))
    targets = []
    chosen = platforms
    if not chosen:  # every platform that has this variant (legacy-2012 exists for some platforms only)
        offered = list_variants(fixtures)
        chosen = [p for p in catalogue.platforms if variant in offered.get(p, [])] or catalogue.platforms
    for platform in chosen:
        catalogue.platform(platform)
        load_variant(platform, variant, fixtures)
        targets.append(Target(platform, account or sandbox_account_name(variant), variant, fixtures))
    return targets


def collect_run(catalogue: Catalogue | None = None, options: CollectOptions | None = None, concurrency: int = 4,
                on_progress: ProgressCallback | None = None) -> CollectRun:
    """A configured CollectRun (sign-in layer included): scan, sweep, fix and undo open accounts through it."""
    return CollectRun(catalogue or load_catalogue(), options or CollectOptions(), concurrency=concurrency,
                      on_progress=on_progress, sign_in=SignInLayer.from_registry())


def collect(targets: list[Target], catalogue: Catalogue | None = None, options: CollectOptions | None = None,
            concurrency: int = 4, on_progress: ProgressCallback | None = None) -> Snapshot:
    """Read every target's settings in one browser."""
    run = collect_run(catalogue, options, concurrency, on_progress)
    return asyncio.run(run.run(targets))


def evaluate_snapshot(snapshot: Snapshot, policy: str | Path | Policy = DEFAULT_POLICY, lang: str = "en",
                      catalogue: Catalogue | None = None, today: dt.date | None = None) -> Report:
    """Judge a (possibly saved) snapshot against a policy, offline."""
    catalogue = catalogue or load_catalogue()
    resolved = policy if isinstance(policy, Policy) else load_policy(policy, catalogue)
    return evaluate(snapshot, resolved, catalogue, check_lang(lang), today)


def account_targets(names: list[str], platforms: list[str], catalogue: Catalogue) -> list[Target]:
    """Registered accounts by name (none named: all of them), filtered by platform."""
    for platform in platforms:
        catalogue.platform(platform)
    chosen = [get_account(n) for n in names] if names else list_accounts()
    targets = [a.target() for a in chosen if not platforms or a.platform in platforms]
    if not targets:
        raise NothingToScan(_("nothing to scan: register an account (privacyguard accounts add) or use --sandbox "
                              "VARIANT"))
    return targets


def scan(platforms: list[str], sandbox: str | None = None, policy: str | Path = DEFAULT_POLICY, lang: str = "en",
         fixtures: Path | None = None, account: str | None = None, accounts: list[str] | None = None,
         on_progress: ProgressCallback | None = None) -> ScanResult:
    """Collect accounts and evaluate them. Policy and targets are checked before the browser starts.

    With `sandbox`: one simulated account per platform (named `account`, default sandbox-VARIANT).
    Without: the registered `accounts` (all of them when none is named).
    """
    catalogue = load_catalogue()
    check_lang(lang)
    resolved = load_policy(policy, catalogue)
    if sandbox is not None:
        targets = sandbox_targets(platforms, sandbox, catalogue, fixtures, account)
    else:
        targets = account_targets(accounts or [], platforms, catalogue)
    snapshot = collect(targets, catalogue, on_progress=on_progress)
    return ScanResult(snapshot, evaluate(snapshot, resolved, catalogue, lang))


def planned_fixes(report: Report) -> list[Finding]:
    """Findings a fix run would try to change: FAIL and WARN, read, with a known target."""
    return [f for f in report.findings() if f.status in (Status.FAIL, Status.WARN) and f.actual is not None]


def record(platform: str, out: Path, *, sandbox: str | None = None, account: str | None = None,
           only: list[str] | None = None, name: str | None = None, redact: list[str] | None = None,
           fixtures: Path | None = None) -> RecordResult:
    """Save the settings pages a scan of one account reads as a scrubbed fixture variant (docs/recording.md)."""
    return record_pages(platform, out, sandbox=sandbox, account=account, only=only, name=name, redact=redact,
                        fixtures=fixtures)


def check_flows(fixtures: Path, variant: str | None = None, platforms: list[str] | None = None,
                suggest: bool = False) -> list[CheckedVariant]:
    """Read fixture variants (recorded or any) and say what the flows make of every setting."""
    return check_variants(fixtures, variant, platforms, suggest)


_UNREAD = (ReadStatus.NOT_FOUND, ReadStatus.AMBIGUOUS, ReadStatus.UNRECOGNISED, ReadStatus.PAGE_MISSING)


def record_hint(snapshot: Snapshot, out: str = "./recorded") -> str | None:
    """The `privacyguard record` command that would capture the pages of the first account with
    settings the flows could not read (docs/recording.md), or None when every page was read."""
    for account in snapshot.accounts:
        unread = [sid for sid, r in account.readings.items() if r.status in _UNREAD]
        if unread:
            source = f"--sandbox {account.sandbox}" if account.sandbox and not _registered(account.account) \
                else f"--account {account.account}"
            only = " ".join(f"--only {sid}" for sid in unread)
            return f"privacyguard record {source} --platform {account.platform} {only} --out {out}"
    return None


def _registered(name: str) -> bool:
    return any(a.name == name for a in list_accounts())
