"""`privacyguard flows check`: read a (recorded or any) fixture variant and say, setting by setting,
what the flows make of it: read with which value and how, or why not, with repair suggestions.

The variant is read exactly as `scan --fixtures DIR --sandbox VARIANT` reads it. Where the
variant has a truth file (every recording has one), each reading is also judged against it.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path

from playwright.async_api import Page

from privacyguard.catalogue import Catalogue, load_catalogue
from privacyguard.collect.engine import CollectOptions, PageHook
from privacyguard.collect.pages import LoadedPage
from privacyguard.errors import BadInput
from privacyguard.files import not_a_folder
from privacyguard.i18n import _
from privacyguard.record.suggest import CANDIDATES_JS, Candidate, rank
from privacyguard.sandbox.fixtures import list_variants
from privacyguard.sandbox.truth import judge, read_truth, truth_path
from privacyguard.snapshot import AccountSnapshot, Reading, ReadStatus

# Readings that need no repair: a value, or a retired control rightly not offered.
_FINE = (ReadStatus.READ, ReadStatus.NOT_OFFERED)


@dataclass
class CheckedSetting:
    setting: str
    reading: Reading
    truth: str | None = None  # the truth file's value ('absent' = no control), when the variant has one
    suggestions: list[Candidate] = field(default_factory=list)
    page_lang: str = "en"

    @property
    def verdict(self) -> str | None:
        """right / unread / wrong against the truth file; None without one."""
        return judge(self.truth, self.reading) if self.truth is not None else None

    @property
    def ok(self) -> bool:
        if self.truth is not None:
            return self.verdict == "right"
        return self.reading.status in _FINE and (self.reading.status is not ReadStatus.READ or self.reading.ok)


@dataclass
class CheckedVariant:
    platform: str
    variant: str
    settings: list[CheckedSetting]
    account: AccountSnapshot  # the readings as a scan of the variant gives them
    error: str | None = None  # the whole account could not be read (wall, crash)

    @property
    def ok(self) -> bool:
        return self.error is None and all(s.ok for s in self.settings)


def chosen_variants(fixtures: Path, variant: str | None, platforms: list[str],
                    catalogue: Catalogue) -> list[tuple[str, str]]:
    """(platform, variant) pairs to check; bad input when there is nothing, or a name is unknown."""
    if not fixtures.is_dir():
        raise BadInput(not_a_folder("--fixtures", fixtures))
    for platform in platforms:
        catalogue.platform(platform)
    found = list_variants(fixtures)
    pairs = [(p, v) for p, names in found.items() if p in catalogue.flows and (not platforms or p in platforms)
             for v in names if variant is None or v == variant]
    if not pairs:
        message = (_("--fixtures {folder}: variant {name!r} not found") if variant
                   else _("--fixtures {folder}: no variant found")).format(folder=fixtures, name=variant)
        if platforms:
            message += _(" for {platforms}").format(platforms=", ".join(platforms))
        if found:
            message += _("; there: {variants}").format(variants=", ".join(f"{p}/{v}" for p, vs in found.items()
                                                                        for v in vs))
        raise BadInput(message)
    return pairs


def check_variants(fixtures: Path, variant: str | None = None, platforms: list[str] | None = None,
                   suggest: bool = False, catalogue: Catalogue | None = None) -> list[CheckedVariant]:
    """Read each chosen variant through the scan's path; judge against truth files; suggest repairs."""
    from privacyguard import api  # api imports this package's neighbours; keep the import local

    catalogue = catalogue or load_catalogue()
    pairs = chosen_variants(fixtures, variant, platforms or [], catalogue)
    truths = {pair: read_truth(truth_path(*pair, fixtures), pair[0], catalogue)
              for pair in pairs if truth_path(*pair, fixtures).is_file()}
    candidates: dict[tuple[str, str], tuple[str, list[Candidate]]] = {}  # (account, setting) → (lang, candidates)

    def hook_for(account: str) -> PageHook:
        async def on_page(page: Page, loaded: LoadedPage, readings: dict[str, Reading]) -> None:
            missing = [sid for sid, r in readings.items() if r.status in (ReadStatus.NOT_FOUND, ReadStatus.AMBIGUOUS)]
            if not missing:
                return
            raw = await page.evaluate(CANDIDATES_JS)
            found = [Candidate.from_page(item) for item in raw]
            for sid in missing:
                candidates[(account, sid)] = (loaded.lang, found)
        return on_page

    accounts = {pair: f"check-{pair[0]}-{pair[1]}" for pair in pairs}
    targets = [t for pair in pairs for t in api.sandbox_targets([pair[0]], pair[1], catalogue, fixtures,
                                                                account=accounts[pair])]
    hooks = {accounts[pair]: hook_for(accounts[pair]) for pair in pairs}

    results = []
    for pair, target in zip(pairs, targets, strict=True):  # one variant at a time: hooks know whose page it is
        options = CollectOptions(on_page=hooks[accounts[pair]] if suggest else None)
        run = api.collect_run(catalogue, options)
        snapshot = asyncio.run(run.run([target]))
        account = snapshot.accounts[0]
        flow = catalogue.platform(pair[0])
        checked = []
        for setting in flow.settings:
            why = account.error.message if account.error else "not read"
            reading = account.readings.get(setting.id) or Reading(setting=setting.id, status=ReadStatus.ERROR, note=why)
            lang, found = candidates.get((accounts[pair], setting.id), ("en", []))
            checked.append(CheckedSetting(setting.id, reading, truths.get(pair, {}).get(setting.id),
                                          rank(setting, found) if found else [], lang))
        results.append(CheckedVariant(pair[0], pair[1], checked, account,
                                      account.error.message if account.error else None))
    return results
