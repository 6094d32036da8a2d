"""The staff side: scan your own registered accounts under the organisation's policy, hand in a bundle.

The organisation never sees a password: each person signs in on their own machine, and only
canonical values and statuses leave it, in a bundle the organisation can check for tampering.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from privacyguard import api
from privacyguard.accounts import list_accounts
from privacyguard.audit.bundle import Bundle, build_bundle, load_key, write_bundle
from privacyguard.catalogue import load_catalogue
from privacyguard.collect.runner import ProgressCallback
from privacyguard.errors import BadInput
from privacyguard.evaluate import evaluate
from privacyguard.findings import Report
from privacyguard.i18n import _
from privacyguard.policy import load_policy


@dataclass
class Submission:
    bundle: Bundle
    report: Report  # the full local report (with evidence), for the person's own eyes
    path: Path


def submit(org_policy: Path, who: str, out: Path, key_file: Path | None = None, accounts: list[str] | None = None,
           lang: str = "en", on_progress: ProgressCallback | None = None) -> Submission:
    """Scan the registered accounts (all, or those named), judge them, write the bundle to `out`."""
    if not who.strip():
        raise BadInput(_("--who must name you (your name or e-mail address as on the organisation's roster)"))
    catalogue = load_catalogue()
    api.check_lang(lang)
    policy = load_policy(org_policy, catalogue)
    key = load_key(key_file) if key_file is not None else None
    if not accounts and not list_accounts():
        raise BadInput(_("no account registered on this machine: add yours first, e.g. "
                         "`privacyguard accounts add my-linkedin --platform linkedin --username me@example.com`"))
    targets = api.account_targets(accounts or [], [], catalogue)
    snapshot = api.collect(targets, catalogue, on_progress=on_progress)
    bundle = build_bundle(who, snapshot, policy, catalogue, key, lang)
    write_bundle(bundle, out)
    return Submission(bundle, evaluate(snapshot, policy, catalogue, lang), out)
