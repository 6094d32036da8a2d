"""The Facebook flow (flows/facebook.yaml) against every simulated Facebook (fixtures/facebook/*).

Each variant is collected once per module, in one browser. For every variant the exact reading of
every setting is pinned: a canonical value, or the status that says why there is none. The
redesign variant also proves the first principle: a setting either reads its true value or reads
UNKNOWN-class (not_found / ambiguous / unrecognised), never a wrong value.
"""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from dataclasses import dataclass

import pytest
from playwright.async_api import async_playwright

from conftest import collect_sandbox
from privacyguard.catalogue import Catalogue, Locator, PlatformFlow
from privacyguard.collect.browser import launch
from privacyguard.collect.change import ChangeOutcome, change_setting
from privacyguard.collect.runner import CollectRun, Target
from privacyguard.sandbox.fixtures import load_variant, url_key
from privacyguard.sandbox.server import SandboxAccount
from privacyguard.snapshot import AccountSnapshot, Reading, ReadStatus

FB = "https://www.facebook.com/settings/?tab="
AC = "https://accountscenter.facebook.com/"
CLASSIC = "https://www.facebook.com/settings?tab="

NOT_OFFERED = ReadStatus.NOT_OFFERED
PAGE_MISSING = ReadStatus.PAGE_MISSING
UNKNOWN_CLASS = {ReadStatus.NOT_FOUND, ReadStatus.AMBIGUOUS, ReadStatus.UNRECOGNISED}

# --- what every variant must read -----------------------------------------------------------------
DEFAULT: dict[str, str | ReadStatus] = {
    "facebook.future_posts_audience": "friends",
    "facebook.lookup_by_email": "everyone",
    "facebook.lookup_by_phone": "everyone",
    "facebook.search_engines": "on",
    "facebook.friends_list_visibility": "friends",
    "facebook.tagged_posts_audience": "friends_of_friends",
    "facebook.tag_audience_expansion": "friends",
    "facebook.review_tagged_posts": "off",
    "facebook.review_tags_on_own_posts": "off",
    "facebook.who_can_post": "friends",
    "facebook.ads_social_interactions": "friends",
    "facebook.ads_partner_data": "on",
    "facebook.ads_outside_meta": "on",
    "facebook.off_meta_activity": "connected",
    "facebook.checkins_by_others": NOT_OFFERED,
}
HARDENED: dict[str, str | ReadStatus] = {
    "facebook.future_posts_audience": "friends",
    "facebook.lookup_by_email": "only_me",
    "facebook.lookup_by_phone": "only_me",
    "facebook.search_engines": "off",
    "facebook.friends_list_visibility": "friends",
    "facebook.tagged_posts_audience": "friends",
    "facebook.tag_audience_expansion": "only_me",
    "facebook.review_tagged_posts": "on",
    "facebook.review_tags_on_own_posts": "on",
    "facebook.who_can_post": "friends",
    "facebook.ads_social_interactions": "only_me",
    "facebook.ads_partner_data": "off",
    "facebook.ads_outside_meta": "off",
    "facebook.off_meta_activity": "disconnected",
    "facebook.checkins_by_others": NOT_OFFERED,
}
# Classic pages (about 2012): settings with a classic section page read through their fallback URL;
# the check-ins of the seed guide read a real value; the rest have no page at all.
LEGACY: dict[str, str | ReadStatus] = {
    "facebook.future_posts_audience": "friends",
    "facebook.lookup_by_email": "everyone",
    "facebook.lookup_by_phone": "friends_of_friends",
    "facebook.search_engines": "on",
    "facebook.friends_list_visibility": PAGE_MISSING,
    "facebook.tagged_posts_audience": "friends_of_friends",
    "facebook.tag_audience_expansion": "friends",
    "facebook.review_tagged_posts": "off",
    "facebook.review_tags_on_own_posts": "off",
    "facebook.who_can_post": "friends",
    "facebook.ads_social_interactions": "only_me",
    "facebook.ads_partner_data": PAGE_MISSING,
    "facebook.ads_outside_meta": PAGE_MISSING,
    "facebook.off_meta_activity": PAGE_MISSING,
    "facebook.checkins_by_others": "on",
}
# The redesign's true state: default's, except that review_tags_on_own_posts is on (so reading the
# two swapped review switches the wrong way round would show).
REDESIGN_TRUTH: dict[str, str | ReadStatus] = {**DEFAULT, "facebook.review_tags_on_own_posts": "on"}
REDESIGN: dict[str, str | ReadStatus] = {
    **REDESIGN_TRUTH,
    "facebook.friends_list_visibility": ReadStatus.NOT_FOUND,  # question and aria-label reworded
    "facebook.lookup_by_phone": ReadStatus.AMBIGUOUS,  # the row is shown twice
    "facebook.tagged_posts_audience": ReadStatus.UNRECOGNISED,  # "Friends of your friends"
}

EXPECTED: dict[str, dict[str, str | ReadStatus]] = {
    "default": DEFAULT,
    "hardened": HARDENED,
    "legacy-2012": LEGACY,
    "redesign": REDESIGN,
    "default-nl": DEFAULT,
}
VARIANTS = list(EXPECTED)

TODAY_PAGES = {
    "https://www.facebook.com/settings/",  # where the retired check-ins URL is redirected
    FB + "posts",
    FB + "how_people_find_and_contact_you",
    FB + "profile_and_tagging",
    AC + "ad_preferences/manage_info/social_interactions",
    AC + "ad_preferences/ad_settings/data_from_partners",
    AC + "ad_preferences/ad_settings/ads_shown_outside_of_meta",
    AC + "info_and_permissions/off_facebook_activity/manage_future_activity",
}
CLASSIC_PAGES = {
    CLASSIC + "privacy&section=composer",
    CLASSIC + "privacy&section=findemail",
    CLASSIC + "privacy&section=findphone",
    CLASSIC + "privacy&section=search",
    CLASSIC + "privacy&section=tags",
    CLASSIC + "timeline&section=posting",
    CLASSIC + "timeline&section=tagging",
    CLASSIC + "ads",
}
PAGES = {variant: CLASSIC_PAGES if variant == "legacy-2012" else TODAY_PAGES for variant in VARIANTS}

# A value different from default's for every automatable setting (friends_except / specific_friends
# are avoided: on the real site they open a second friend picker).
CHANGE_TO = {
    "facebook.future_posts_audience": "only_me",
    "facebook.lookup_by_email": "only_me",
    "facebook.lookup_by_phone": "friends",
    "facebook.search_engines": "off",
    "facebook.friends_list_visibility": "only_me",
    "facebook.tagged_posts_audience": "friends",
    "facebook.tag_audience_expansion": "only_me",
    "facebook.review_tagged_posts": "on",
    "facebook.review_tags_on_own_posts": "on",
    "facebook.who_can_post": "only_me",
    "facebook.ads_social_interactions": "only_me",
    "facebook.ads_partner_data": "off",
    "facebook.ads_outside_meta": "off",
    "facebook.off_meta_activity": "disconnected",
}


def shown(expected: str | ReadStatus) -> str:
    return expected.value if isinstance(expected, ReadStatus) else expected


def actual(reading: Reading) -> str:
    return reading.value if reading.ok else reading.status.value


@pytest.fixture(scope="module")
def flow(catalogue: Catalogue) -> PlatformFlow:
    return catalogue.platform("facebook")


# --- the catalogue itself (no browser) --------------------------------------------------------------
def test_the_flow_offers_exactly_the_public_settings(flow: PlatformFlow) -> None:
    assert [s.id for s in flow.settings] == list(DEFAULT)
    values = {s.id: s.values for s in flow.settings}
    assert values["facebook.future_posts_audience"] == ["public", "friends", "friends_except", "specific_friends",
                                                        "only_me"]
    assert values["facebook.lookup_by_email"] == values["facebook.lookup_by_phone"] == [
        "everyone", "friends_of_friends", "friends", "only_me"]
    assert values["facebook.friends_list_visibility"] == ["public", "friends", "only_me"]
    assert values["facebook.tagged_posts_audience"] == ["everyone", "friends_of_friends", "friends",
                                                        "friends_except", "only_me"]
    for sid in ("facebook.tag_audience_expansion", "facebook.who_can_post", "facebook.ads_social_interactions"):
        assert values[sid] == ["friends", "only_me"]
    for sid in ("facebook.search_engines", "facebook.ads_partner_data", "facebook.ads_outside_meta",
                "facebook.checkins_by_others"):
        assert values[sid] == ["on", "off"]
    for sid in ("facebook.review_tagged_posts", "facebook.review_tags_on_own_posts"):
        assert values[sid] == ["off", "on"]  # most open first: not reviewing is the open value
    assert values["facebook.off_meta_activity"] == ["connected", "disconnected"]


def _all_locators(locators: list[Locator]) -> list[Locator]:
    out: list[Locator] = []
    for spec in locators:
        while spec is not None:
            out.append(spec)
            spec = spec.within
    return out


@pytest.mark.parametrize("setting_id", list(DEFAULT))
def test_every_setting_is_complete_bilingual_and_never_positional(flow: PlatformFlow, setting_id: str) -> None:
    setting = flow.by_id[setting_id]
    assert set(setting.title) == {"en", "nl"}
    assert set(setting.manual_steps) == {"en", "nl"} and all(setting.manual_steps.values())
    assert setting.url.startswith(("https://www.facebook.com/", "https://accountscenter.facebook.com/"))
    first = setting.locators[0]
    assert first.role is not None or first.label is not None, "role/label first"
    assert isinstance(first.name or first.label, dict) and {"en", "nl"} <= set(first.name or first.label)
    assert any(spec.within is not None and spec.within.has_text is not None for spec in setting.locators), \
        "a structural fallback: the control within the row that holds the question"
    for spec in _all_locators(setting.locators):
        assert not re.search(r"nth|:eq\(|:first|:last", spec.css or ""), f"positional locator {spec.css!r}"
    for value in setting.values:
        if setting.control not in ("toggle", "checkbox"):
            assert setting.raw_texts(value), f"{value} has no page text in map"
    assert setting.automatable


def test_checkins_by_others_is_retired_in_favour_of_tag_review(flow: PlatformFlow) -> None:
    checkins = flow.by_id["facebook.checkins_by_others"]
    assert checkins.retired is not None and checkins.retired.since
    assert set(checkins.retired.replaced_by) == {"en", "nl"}
    assert all("facebook.review_tagged_posts" in text for text in checkins.retired.replaced_by.values())
    assert "section=" in checkins.url and not checkins.fallback_urls


# --- collection of every variant (once per module) -------------------------------------------------
@dataclass
class Collected:
    snapshot: AccountSnapshot
    sandbox: SandboxAccount


@pytest.fixture(scope="module")
def collected(catalogue: Catalogue, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Collected]:
    """Every variant collected once, in one browser, in a home of its own."""
    home = tmp_path_factory.mktemp("fb-collect-home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PRIVACYGUARD_HOME", str(home))
        run = CollectRun(catalogue, concurrency=len(VARIANTS))
        targets = [Target("facebook", f"sandbox-{variant}", variant) for variant in VARIANTS]
        snapshot = asyncio.run(run.run(targets))
    return {target.sandbox: Collected(account, run.sandboxes[target])
            for target, account in zip(targets, snapshot.accounts, strict=True)}


@pytest.mark.browser
@pytest.mark.parametrize("variant", VARIANTS)
def test_every_setting_reads_exactly_as_expected(collected: dict[str, Collected], variant: str) -> None:
    snapshot = collected[variant].snapshot
    assert snapshot.error is None, snapshot.error
    expected = EXPECTED[variant]
    got = {sid: actual(reading) for sid, reading in snapshot.readings.items()}
    assert got == {sid: shown(value) for sid, value in expected.items()}, {
        sid: (got.get(sid), snapshot.readings[sid].note) for sid in expected if got.get(sid) != shown(expected[sid])}
    for sid, value in expected.items():
        reading = snapshot.readings[sid]
        if not isinstance(value, ReadStatus):
            assert reading.status is ReadStatus.READ and reading.evidence.locator and reading.evidence.raw
        else:
            assert reading.value is None


@pytest.mark.browser
@pytest.mark.parametrize("variant", VARIANTS)
def test_each_page_is_loaded_exactly_once(collected: dict[str, Collected], variant: str) -> None:
    loads = Counter(url_key(url) for url in collected[variant].sandbox.page_loads)
    assert {url: n for url, n in loads.items() if n != 1} == {}
    assert set(loads) == {url_key(url) for url in PAGES[variant]}


@pytest.mark.browser
@pytest.mark.parametrize("variant", ["default", "hardened", "redesign", "default-nl"])
def test_checkins_by_others_is_not_offered_today_and_says_what_replaced_it(
        collected: dict[str, Collected], variant: str) -> None:
    reading = collected[variant].snapshot.readings["facebook.checkins_by_others"]
    assert reading.status is NOT_OFFERED and reading.value is None
    assert reading.evidence.url == "https://www.facebook.com/settings/"  # redirected to today's settings
    assert "location tags" in (reading.note or "") and "facebook.review_tagged_posts" in (reading.note or "")


@pytest.mark.browser
def test_redesign_never_reads_a_value_the_account_does_not_have(collected: dict[str, Collected]) -> None:
    readings = collected["redesign"].snapshot.readings
    wrong = {sid: r.value for sid, r in readings.items() if r.ok and r.value != REDESIGN_TRUTH[sid]}
    assert wrong == {}
    broken = {sid: r.status for sid, r in readings.items() if not r.ok and r.status is not NOT_OFFERED}
    assert set(broken.values()) == UNKNOWN_CLASS  # one of each kind of breakage
    for sid in broken:
        assert readings[sid].note, f"{sid}: an UNKNOWN reading must say why"


@pytest.mark.browser
def test_redesign_reads_the_swapped_review_switches_by_meaning_not_position(
        collected: dict[str, Collected]) -> None:
    readings = collected["redesign"].snapshot.readings
    tagged, own = readings["facebook.review_tagged_posts"], readings["facebook.review_tags_on_own_posts"]
    assert (tagged.value, own.value) == ("off", "on")
    assert tagged.evidence.locator.startswith("role=switch")  # aria-label kept
    assert own.evidence.locator.startswith("css=[role=listitem]")  # aria-label changed: the row's question


@pytest.mark.browser
def test_default_nl_is_read_in_dutch(collected: dict[str, Collected]) -> None:
    readings = collected["default-nl"].snapshot.readings
    assert readings["facebook.future_posts_audience"].evidence.raw == "Vrienden"
    assert readings["facebook.lookup_by_email"].evidence.raw == "Iedereen"
    assert readings["facebook.tagged_posts_audience"].evidence.raw == "Vrienden van vrienden"
    assert "koppelen" in (readings["facebook.off_meta_activity"].evidence.raw or "")


@pytest.mark.browser
def test_legacy_2012_reads_the_classic_section_pages(collected: dict[str, Collected], flow: PlatformFlow) -> None:
    readings = collected["legacy-2012"].snapshot.readings
    for sid, reading in readings.items():
        setting = flow.by_id[sid]
        if reading.ok and setting.retired is None:
            assert url_key(reading.evidence.url or "") == url_key(setting.fallback_urls[0]), sid
    checkins = readings["facebook.checkins_by_others"]
    assert url_key(checkins.evidence.url or "") == url_key(flow.by_id["facebook.checkins_by_others"].url)
    assert readings["facebook.review_tagged_posts"].evidence.locator.startswith("label~")


# --- changing settings --------------------------------------------------------------------------------
async def _change_all(flow: PlatformFlow, variant: str, account: str,
                      targets: dict[str, str]) -> dict[str, ChangeOutcome]:
    """Change settings one after another on one simulated account (one browser, one context)."""
    outcomes: dict[str, ChangeOutcome] = {}
    async with async_playwright() as playwright:
        browser = await launch(playwright)
        try:
            context = await browser.new_context(locale="en-US", service_workers="block")
            sandbox = SandboxAccount(account, {"facebook": flow}, {"facebook": load_variant("facebook", variant)})
            await sandbox.attach(context)
            page = await context.new_page()
            for sid, target in targets.items():
                outcomes[sid] = await change_setting(page, flow, flow.by_id[sid], target)
            await context.close()
        finally:
            await browser.close()
    return outcomes


@pytest.mark.browser
def test_every_automatable_setting_changes_reads_back_and_persists(
        catalogue: Catalogue, flow: PlatformFlow) -> None:
    automatable = {s.id for s in flow.settings if s.automatable and s.retired is None}
    assert set(CHANGE_TO) == automatable
    assert all(CHANGE_TO[sid] != DEFAULT[sid] for sid in CHANGE_TO)

    outcomes = asyncio.run(_change_all(flow, "default", "fb-change", CHANGE_TO))
    problems = {sid: (o.before.value, o.after and o.after.value, o.error) for sid, o in outcomes.items()
                if o.error or o.before.value != DEFAULT[sid] or o.after is None or o.after.value != CHANGE_TO[sid]}
    assert problems == {}

    # A new simulated session (a new SandboxAccount) of the same account sees the changes.
    again = collect_sandbox(catalogue, "facebook", "default", account="fb-change")
    assert {sid: again.readings[sid].value for sid in CHANGE_TO} == CHANGE_TO


@pytest.mark.browser
def test_the_seed_check_ins_can_be_switched_off_on_the_classic_page(
        catalogue: Catalogue, flow: PlatformFlow) -> None:
    sid = "facebook.checkins_by_others"
    outcome = asyncio.run(_change_all(flow, "legacy-2012", "fb-2012", {sid: "off"}))[sid]
    assert outcome.error is None, outcome
    assert (outcome.before.value, outcome.after and outcome.after.value) == ("on", "off")
    assert collect_sandbox(catalogue, "facebook", "legacy-2012", account="fb-2012").readings[sid].value == "off"
