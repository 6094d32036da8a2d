"""flows/linkedin.yaml against every LinkedIn sandbox variant (fixtures/linkedin/*).

Each variant is collected once per module (one browser, one run); the tests then check the exact
reading of every setting, the page loads, and that nothing reads a value it does not have. A second
group changes every automatable setting on `default` and reads it back, also from a new sandbox
account with the same name (the state file under PRIVACYGUARD_HOME).
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from typing import Any

import pytest
from playwright.async_api import Page, async_playwright

from conftest import collect_sandbox
from privacyguard.catalogue import Catalogue, Locator, Setting
from privacyguard.collect.browser import launch
from privacyguard.collect.change import ChangeOutcome, change_setting
from privacyguard.collect.engine import CollectOptions
from privacyguard.collect.runner import CollectRun, Target
from privacyguard.sandbox.fixtures import load_variant, url_key
from privacyguard.sandbox.server import SandboxAccount, state_file
from privacyguard.snapshot import AccountSnapshot, ReadStatus

R = ReadStatus
VARIANTS = ["default", "hardened", "legacy-2012", "redesign", "default-nl"]
UNKNOWN_CLASS = {R.NOT_FOUND, R.AMBIGUOUS, R.UNRECOGNISED, R.PAGE_MISSING}

# The public interface: setting ids and canonical values (most open first).
SETTING_VALUES = {
    "linkedin.ads_profile_data": ["on", "off"],
    "linkedin.ads_beyond_linkedin": ["on", "off"],
    "linkedin.ads_interactions_with_businesses": ["on", "off"],
    "linkedin.ads_connections": ["on", "off"],
    "linkedin.social_advertising": ["on", "off"],
    "linkedin.tweets_to_linkedin": ["on", "off"],
    "linkedin.share_profile_updates": ["on", "off"],
    "linkedin.connections_visibility": ["on", "off"],
    "linkedin.email_visibility": ["everyone", "second_degree", "first_degree", "only_me"],
    "linkedin.email_download": ["on", "off"],
    "linkedin.discovery_by_email": ["everyone", "second_degree", "first_degree", "nobody"],
    "linkedin.discovery_by_phone": ["everyone", "second_degree", "first_degree", "nobody"],
    "linkedin.sync_contacts": ["on", "off"],
    "linkedin.generative_ai_data": ["on", "off"],
    "linkedin.mentions": ["on", "off"],
    "linkedin.active_status": ["everyone", "connections", "no_one"],
    "linkedin.profile_viewing": ["full", "characteristics", "private"],
    "linkedin.visibility_off_linkedin": ["on", "off"],
}

# Expected reading per variant: a canonical value (str) or a ReadStatus.
DEFAULT: dict[str, Any] = {
    "linkedin.ads_profile_data": "on",
    "linkedin.ads_beyond_linkedin": "on",
    "linkedin.ads_interactions_with_businesses": "on",
    "linkedin.ads_connections": "on",
    "linkedin.social_advertising": R.NOT_OFFERED,
    "linkedin.tweets_to_linkedin": R.NOT_OFFERED,
    "linkedin.share_profile_updates": "on",
    "linkedin.connections_visibility": "on",
    "linkedin.email_visibility": "first_degree",
    "linkedin.email_download": "on",
    "linkedin.discovery_by_email": "everyone",
    "linkedin.discovery_by_phone": "everyone",
    "linkedin.sync_contacts": "off",
    "linkedin.generative_ai_data": "on",
    "linkedin.mentions": "on",
    "linkedin.active_status": "connections",
    "linkedin.profile_viewing": "full",
    "linkedin.visibility_off_linkedin": "on",
}
HARDENED = DEFAULT | {
    "linkedin.ads_profile_data": "off",
    "linkedin.ads_beyond_linkedin": "off",
    "linkedin.ads_interactions_with_businesses": "off",
    "linkedin.ads_connections": "off",
    "linkedin.email_download": "off",
    "linkedin.discovery_by_email": "first_degree",
    "linkedin.discovery_by_phone": "nobody",
    "linkedin.generative_ai_data": "off",
    "linkedin.visibility_off_linkedin": "off",
}
LEGACY_2012 = dict.fromkeys(DEFAULT, R.PAGE_MISSING) | {
    "linkedin.social_advertising": "on",
    "linkedin.tweets_to_linkedin": "on",
    "linkedin.share_profile_updates": "on",
    "linkedin.connections_visibility": "on",
}
# What the redesign's account really has set (its variant.yaml state) ...
REDESIGN_TRUTH = DEFAULT | {
    "linkedin.ads_connections": "off",
    "linkedin.visibility_off_linkedin": "off",
    "linkedin.discovery_by_phone": "first_degree",
    "linkedin.sync_contacts": "on",
    "linkedin.generative_ai_data": "off",
    "linkedin.email_visibility": "second_degree",
    "linkedin.email_download": "off",
    "linkedin.profile_viewing": "characteristics",
}
# ... and what the flow can honestly read of it.
REDESIGN = REDESIGN_TRUTH | {
    "linkedin.ads_connections": R.NOT_FOUND,  # wording and aria key changed
    "linkedin.visibility_off_linkedin": R.AMBIGUOUS,  # preview + real switch, same label
    "linkedin.discovery_by_phone": R.UNRECOGNISED,  # new option texts, no value= attributes
    "linkedin.sync_contacts": R.UNRECOGNISED,  # reworded status line
}
EXPECTED = {
    "default": DEFAULT,
    "hardened": HARDENED,
    "legacy-2012": LEGACY_2012,
    "redesign": REDESIGN,
    "default-nl": DEFAULT,
}
LEGACY_URLS = {
    "https://www.linkedin.com/psettings/social-advertising",
    "https://www.linkedin.com/psettings/activity-broadcast",
    "https://www.linkedin.com/psettings/connections-visibility",
    "https://www.linkedin.com/psettings/twitter",
}


def shown(snapshot: AccountSnapshot) -> dict[str, Any]:
    """Each reading as its value when read, else its status."""
    return {sid: r.value if r.status is R.READ else r.status for sid, r in snapshot.readings.items()}


@pytest.fixture(scope="module")
def collected(catalogue: Catalogue, tmp_path_factory: pytest.TempPathFactory
              ) -> dict[str, tuple[AccountSnapshot, SandboxAccount]]:
    """Every variant collected once, in one browser, with a private PRIVACYGUARD_HOME."""
    home = tmp_path_factory.mktemp("linkedin-home")
    targets = [Target("linkedin", f"sandbox-{variant}", variant) for variant in VARIANTS]
    run = CollectRun(catalogue, CollectOptions(), concurrency=len(targets))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PRIVACYGUARD_HOME", str(home))
        snapshot = asyncio.run(run.run(targets))
    return {t.sandbox or "": (account, run.sandboxes[t]) for t, account in zip(targets, snapshot.accounts, strict=True)}


# --------------------------------------------------------------------------- the flow file itself
def _locators(locator: Locator) -> list[Locator]:
    return [locator, *(_locators(locator.within) if locator.within else [])]


def _all_locators(setting: Setting) -> list[Locator]:
    found = [inner for spec in setting.locators for inner in _locators(spec)]
    for step in setting.change:
        if isinstance(step.target, Locator):
            found.extend(_locators(step.target))
    return found


def test_setting_ids_and_values_are_the_public_interface(catalogue: Catalogue) -> None:
    flow = catalogue.platform("linkedin")
    assert {s.id: s.values for s in flow.settings} == SETTING_VALUES
    assert set(DEFAULT) == set(SETTING_VALUES)


def test_every_setting_is_bilingual_and_never_positional(catalogue: Catalogue) -> None:
    for setting in catalogue.platform("linkedin").settings:
        assert isinstance(setting.title, dict) and {"en", "nl"} <= set(setting.title), setting.id
        assert {"en", "nl"} <= set(setting.manual_steps), setting.id
        assert setting.url.startswith("https://www.linkedin.com/"), setting.id
        # first a role/label locator with English and Dutch names, then a structural fallback
        first, *rest = setting.locators
        assert first.role or first.label, setting.id
        names = first.name if first.role else first.label
        assert isinstance(names, dict) and {"en", "nl"} <= set(names), setting.id
        assert any(spec.css for spec in rest), f"{setting.id}: no structural fallback"
        for spec in _all_locators(setting):
            assert "nth" not in (spec.css or ""), f"{setting.id}: positional locator {spec.css}"
            if spec.role and spec.name is not None:
                assert isinstance(spec.name, dict) and {"en", "nl"} <= set(spec.name), setting.id
        if setting.control in ("radio", "text"):
            assert set(setting.map) == set(setting.values), f"{setting.id}: map misses a value"


def test_social_advertising_is_retired_in_favour_of_advertising_data(catalogue: Catalogue) -> None:
    setting = catalogue.setting("linkedin.social_advertising")
    assert setting.retired is not None and setting.retired.since
    assert isinstance(setting.retired.replaced_by, dict)
    assert "linkedin.ads_profile_data" in setting.retired.replaced_by["en"]
    assert "linkedin.ads_profile_data" in setting.retired.replaced_by["nl"]


# --------------------------------------------------------------------------- reading every variant
@pytest.mark.browser
@pytest.mark.parametrize("variant", VARIANTS)
def test_every_setting_reads_as_expected(collected: dict, variant: str) -> None:
    snapshot, _ = collected[variant]
    assert snapshot.error is None
    assert shown(snapshot) == EXPECTED[variant]


@pytest.mark.browser
@pytest.mark.parametrize("variant", VARIANTS)
def test_each_page_is_loaded_once(collected: dict, catalogue: Catalogue, variant: str) -> None:
    _, sandbox = collected[variant]
    counts = Counter(url_key(url) for url in sandbox.page_loads)
    assert all(n == 1 for n in counts.values()), counts
    if variant == "legacy-2012":
        expected = LEGACY_URLS
    else:  # one load per distinct page: the email page serves two settings, the retired page is 404
        expected = {s.url for s in catalogue.platform("linkedin").settings if s.retired is None}
    assert set(counts) == {url_key(url) for url in expected}
    assert sandbox.blocked_requests == []


@pytest.mark.browser
@pytest.mark.parametrize("variant", ["default", "hardened", "redesign", "default-nl"])
def test_social_advertising_is_not_offered_today(collected: dict, variant: str) -> None:
    reading = collected[variant][0].readings["linkedin.social_advertising"]
    assert reading.status is R.NOT_OFFERED
    assert reading.note and "Advertising data" in reading.note and "linkedin.ads_profile_data" in reading.note


@pytest.mark.browser
def test_legacy_pages_read_the_seed_settings(collected: dict) -> None:
    readings = collected["legacy-2012"][0].readings
    assert readings["linkedin.social_advertising"].evidence.url == "https://www.linkedin.com/psettings/social-advertising"
    # share_profile_updates and connections_visibility come from their fallback (legacy) URLs
    assert readings["linkedin.share_profile_updates"].evidence.url == "https://www.linkedin.com/psettings/activity-broadcast"
    assert readings["linkedin.connections_visibility"].evidence.url == (
        "https://www.linkedin.com/psettings/connections-visibility")
    assert all(r.status in UNKNOWN_CLASS for sid, r in readings.items() if LEGACY_2012[sid] == R.PAGE_MISSING)


@pytest.mark.browser
def test_redesign_never_reads_a_value_the_account_does_not_have(collected: dict) -> None:
    snapshot, _ = collected["redesign"]
    for sid, reading in snapshot.readings.items():
        if reading.status is R.READ:
            assert reading.value == REDESIGN_TRUTH[sid], f"{sid} misread: {reading}"
        else:
            assert reading.value is None
    unknown = {sid for sid, r in snapshot.readings.items() if r.status in UNKNOWN_CLASS}
    assert unknown == {"linkedin.ads_connections", "linkedin.visibility_off_linkedin",
                       "linkedin.discovery_by_phone", "linkedin.sync_contacts"}
    # the reworded AI switch is found through its aria key, the structural fallback
    assert (snapshot.readings["linkedin.generative_ai_data"].evidence.locator or "").startswith("css=")


@pytest.mark.browser
def test_dutch_ui_reads_with_dutch_labels(collected: dict) -> None:
    readings = collected["default-nl"][0].readings
    assert shown(collected["default-nl"][0]) == shown(collected["default"][0])
    # radio options were read from the Dutch page (value attribute and Dutch label)
    assert readings["linkedin.email_visibility"].evidence.raw == "FIRST_DEGREE_CONNECTIONS | Connecties van de 1e graad"
    assert readings["linkedin.active_status"].evidence.raw == "CONNECTIONS | Alleen uw connecties"
    assert readings["linkedin.sync_contacts"].evidence.raw == "Er zijn geen contacten gesynchroniseerd"
    # the switches were found by role and name (not by the structural fallback)
    assert all(not (r.evidence.locator or "").startswith("css=") for r in readings.values() if r.status is R.READ)


# --------------------------------------------------------------------------- changing settings
def _target_for(setting: Setting, current: str) -> str:
    """A value other than the current one that automation can reach."""
    if setting.id == "linkedin.sync_contacts":
        return "off"  # only removing synced contacts is automatable
    if current != setting.values[-1]:
        return setting.values[-1]
    return setting.values[0]


def _seed_state(variant: str, account: str, state: dict[str, Any]) -> None:
    """Write the sandbox state file a SandboxAccount of this name starts from."""
    loaded = load_variant("linkedin", variant)
    path = state_file(loaded.root, "linkedin", variant, account)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(state), encoding="utf-8")


async def _change_all(catalogue: Catalogue, variant: str, account: str, targets: dict[str, str],
                      workers: int = 4) -> tuple[dict[str, ChangeOutcome], SandboxAccount]:
    """Change settings in one sandbox account, a few pages in parallel (one page per worker)."""
    flow = catalogue.platform("linkedin")
    sandbox = SandboxAccount(account, {"linkedin": flow}, {"linkedin": load_variant("linkedin", variant)})
    # settings that share a page go to the same worker, so one page is never changed twice at once
    by_page: dict[str, list[str]] = {}
    for sid in targets:
        by_page.setdefault(flow.by_id[sid].url, []).append(sid)
    queues: list[list[str]] = [[] for _ in range(workers)]
    for index, sids in enumerate(by_page.values()):
        queues[index % workers].extend(sids)
    outcomes: dict[str, ChangeOutcome] = {}

    async def work(page: Page, queue: list[str]) -> None:
        for sid in queue:
            outcomes[sid] = await change_setting(page, flow, flow.by_id[sid], targets[sid])

    async with async_playwright() as playwright:
        browser = await launch(playwright)
        try:
            context = await browser.new_context(locale="en-US", service_workers="block")
            await sandbox.attach(context)
            pages = [await context.new_page() for _ in queues]
            await asyncio.gather(*(work(page, queue) for page, queue in zip(pages, queues, strict=True)))
        finally:
            await browser.close()
    return outcomes, sandbox


@pytest.mark.browser
def test_every_automatable_setting_changes_reads_back_and_persists(catalogue: Catalogue) -> None:
    flow = catalogue.platform("linkedin")
    account = "linkedin-change"
    # the person once imported their address book, so "Remove all" has something to remove
    _seed_state("default", account, {"syncedContacts": 312, "syncedContactsSource": "Google"})
    before = DEFAULT | {"linkedin.sync_contacts": "on"}
    settings = [s for s in flow.settings if s.automatable and s.retired is None]
    assert len(settings) == 16
    targets = {s.id: _target_for(s, before[s.id]) for s in settings}
    assert all(targets[sid] != before[sid] for sid in targets)

    outcomes, sandbox = asyncio.run(_change_all(catalogue, "default", account, targets))

    for sid, target in targets.items():
        outcome = outcomes[sid]
        assert outcome.error is None, f"{sid}: {outcome.error}"
        assert outcome.before.value == before[sid], sid
        assert outcome.after is not None and outcome.after.value == target, f"{sid}: {outcome.after}"
    assert sandbox.blocked_requests == []

    # a new sandbox account of the same name starts from the saved state file
    again = collect_sandbox(catalogue, "linkedin", "default", account=account)
    assert shown(again) == DEFAULT | targets


@pytest.mark.browser
def test_legacy_social_advertising_checkbox_can_be_unticked(catalogue: Catalogue) -> None:
    account = "linkedin-legacy-change"
    outcomes, sandbox = asyncio.run(_change_all(catalogue, "legacy-2012", account,
                                                {"linkedin.social_advertising": "off"}, workers=1))
    outcome = outcomes["linkedin.social_advertising"]
    assert (outcome.before.value, outcome.error) == ("on", None)
    assert outcome.after is not None and outcome.after.value == "off"
    # the classic form posted the hidden "false" for the unticked box
    assert sandbox.state["linkedin"]["isAllowSocialAdvertising"] is False
    again = collect_sandbox(catalogue, "linkedin", "legacy-2012", account=account)
    assert shown(again) == LEGACY_2012 | {"linkedin.social_advertising": "off"}


@pytest.mark.browser
def test_redesign_refuses_to_change_what_it_cannot_read(catalogue: Catalogue) -> None:
    targets = {"linkedin.ads_connections": "on", "linkedin.visibility_off_linkedin": "on",
               "linkedin.discovery_by_phone": "nobody", "linkedin.sync_contacts": "off"}
    outcomes, sandbox = asyncio.run(_change_all(catalogue, "redesign", "linkedin-redesign-change", targets))
    for sid, outcome in outcomes.items():
        assert outcome.error and outcome.after is None, sid
        assert outcome.before.status in UNKNOWN_CLASS, sid
    state = sandbox.state["linkedin"]
    assert (state["adsConnections"], state["visibilityOffLinkedIn"]) == (False, False)
    assert (state["discoverByPhone"], state["syncedContacts"]) == ("FIRST_DEGREE_CONNECTIONS", 312)
