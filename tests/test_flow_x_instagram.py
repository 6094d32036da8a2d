"""The X and Instagram flows (flows/x.yaml, flows/instagram.yaml) against every simulated variant,
and Meta Accounts Center known in one place for Facebook and Instagram.

Every variant of both platforms is collected once per module, in one browser. For every variant the
exact reading of every setting is pinned: a canonical value, or the status that says why there is
none. The redesign variants prove the first principle: a setting reads its true value or an
UNKNOWN-class status, never a wrong value.
"""

from __future__ import annotations

import asyncio
import shutil
from collections import Counter
from pathlib import Path

import pytest
from playwright.async_api import async_playwright

from conftest import REPO
from privacyguard.catalogue import Catalogue, Locator, PlatformFlow, load_catalogue
from privacyguard.collect.browser import launch
from privacyguard.collect.change import ChangeOutcome, change_setting
from privacyguard.collect.runner import CollectRun, Target
from privacyguard.errors import FlowFileError
from privacyguard.sandbox.fixtures import list_variants, load_variant, url_key
from privacyguard.sandbox.server import SandboxAccount
from privacyguard.snapshot import AccountSnapshot, ReadStatus

R = ReadStatus
UNKNOWN_CLASS = {R.NOT_FOUND, R.AMBIGUOUS, R.UNRECOGNISED}

# --- the public interface: setting ids and canonical values, most open first ----------------------
X_VALUES = {
    "x.protected_posts": ["off", "on"],
    "x.photo_tagging": ["anyone", "following", "off"],
    "x.discoverability_email": ["on", "off"],
    "x.discoverability_phone": ["on", "off"],
    "x.sync_address_book": ["on", "off"],
    "x.grok_training": ["on", "off"],
    "x.personalized_ads": ["on", "off"],
    "x.inferred_identity": ["on", "off"],
    "x.business_partner_sharing": ["on", "off"],
    "x.location_personalization": ["on", "off"],
    "x.dm_requests_from": ["everyone", "verified", "none"],
    "x.read_receipts": ["on", "off"],
}
IG_VALUES = {
    "instagram.private_account": ["off", "on"],
    "instagram.search_engine_visibility": ["on", "off"],
    "instagram.activity_status": ["on", "off"],
    "instagram.tags_allowed_from": ["everyone", "following", "nobody"],
    "instagram.manual_tag_approval": ["off", "on"],
    "instagram.mentions_allowed_from": ["everyone", "following", "nobody"],
    "instagram.story_sharing": ["on", "off"],
    "instagram.similar_account_suggestions": ["on", "off"],
    "instagram.contact_syncing": ["on", "off"],
    "instagram.ads_partner_data": ["on", "off"],
}
VALUES = {"x": X_VALUES, "instagram": IG_VALUES}

# --- what every variant must read ------------------------------------------------------------------
X_DEFAULT: dict[str, str | ReadStatus] = {
    "x.protected_posts": "off", "x.photo_tagging": "anyone", "x.discoverability_email": "on",
    "x.discoverability_phone": "on", "x.sync_address_book": "on", "x.grok_training": "on",
    "x.personalized_ads": "on", "x.inferred_identity": "on", "x.business_partner_sharing": "on",
    "x.location_personalization": "on", "x.dm_requests_from": "verified", "x.read_receipts": "on",
}
X_HARDENED = X_DEFAULT | {
    "x.photo_tagging": "following", "x.discoverability_email": "off", "x.discoverability_phone": "off",
    "x.sync_address_book": "off", "x.grok_training": "off", "x.personalized_ads": "off",
    "x.inferred_identity": "off", "x.business_partner_sharing": "off", "x.location_personalization": "off",
}
X_REDESIGN = X_DEFAULT | {
    "x.grok_training": R.NOT_FOUND,  # reworded
    "x.personalized_ads": R.AMBIGUOUS,  # the checkbox is shown twice
    "x.dm_requests_from": R.UNRECOGNISED,  # "Verified accounts"
}
IG_DEFAULT: dict[str, str | ReadStatus] = {
    "instagram.private_account": "off", "instagram.search_engine_visibility": "on",
    "instagram.activity_status": "on", "instagram.tags_allowed_from": "everyone",
    "instagram.manual_tag_approval": "off", "instagram.mentions_allowed_from": "everyone",
    "instagram.story_sharing": "on", "instagram.similar_account_suggestions": "on",
    "instagram.contact_syncing": "on", "instagram.ads_partner_data": "on",
}
IG_HARDENED = {
    "instagram.private_account": "on", "instagram.search_engine_visibility": "off",
    "instagram.activity_status": "off", "instagram.tags_allowed_from": "following",
    "instagram.manual_tag_approval": "on", "instagram.mentions_allowed_from": "following",
    "instagram.story_sharing": "off", "instagram.similar_account_suggestions": "off",
    "instagram.contact_syncing": "off", "instagram.ads_partner_data": "off",
}
# The redesign's true state: default's, except tags from people you follow and story sharing off.
IG_REDESIGN_TRUTH = IG_DEFAULT | {"instagram.tags_allowed_from": "following", "instagram.story_sharing": "off"}
IG_REDESIGN = IG_REDESIGN_TRUTH | {
    "instagram.activity_status": R.NOT_FOUND,  # reworded
    "instagram.private_account": R.AMBIGUOUS,  # the switch is shown twice
    "instagram.tags_allowed_from": R.UNRECOGNISED,  # "Accounts you follow"
}
TRUTH = {("x", "redesign"): X_DEFAULT, ("instagram", "redesign"): IG_REDESIGN_TRUTH}
EXPECTED: dict[tuple[str, str], dict[str, str | ReadStatus]] = {
    ("x", "default"): X_DEFAULT, ("x", "hardened"): X_HARDENED, ("x", "redesign"): X_REDESIGN,
    ("x", "default-nl"): X_DEFAULT,
    ("instagram", "default"): IG_DEFAULT, ("instagram", "hardened"): IG_HARDENED,
    ("instagram", "redesign"): IG_REDESIGN, ("instagram", "default-nl"): IG_DEFAULT,
}
SIGNIN_VARIANTS = {"signin-captcha", "signin-checkpoint", "signin-cookie-consent", "signin-locked",
                   "signin-rate-limited", "signin-session-expired", "signin-two-step", "signin-wrong-password"}
MISBEHAVING = {"save-error", "save-ignored", "confirm-dialog", "password-again"}


def shown(snapshot: AccountSnapshot) -> dict[str, str | ReadStatus]:
    return {sid: r.value if r.status is R.READ else r.status for sid, r in snapshot.readings.items()}


def _chain(locators: list[Locator]) -> list[Locator]:
    out: list[Locator] = []
    for spec in locators:
        while spec is not None:
            out.append(spec)
            spec = spec.within
    return out


# --- the catalogue itself (no browser) --------------------------------------------------------------
@pytest.mark.parametrize("platform", ["x", "instagram"])
def test_the_flow_offers_exactly_the_issue_s_settings_most_open_first(catalogue: Catalogue, platform: str) -> None:
    flow = catalogue.platform(platform)
    assert {s.id: s.values for s in flow.settings} == VALUES[platform]
    assert flow.languages == ["en", "nl"]


@pytest.mark.parametrize("platform", ["x", "instagram"])
def test_every_setting_is_bilingual_fixable_and_never_positional(catalogue: Catalogue, platform: str) -> None:
    flow = catalogue.platform(platform)
    hosts = set(flow.hosts)
    for setting in flow.settings:
        assert set(setting.title) == {"en", "nl"}, setting.id
        assert set(setting.manual_steps) == {"en", "nl"} and all(setting.manual_steps.values()), setting.id
        assert setting.url.split("/")[2] in hosts, setting.id
        assert setting.automatable, setting.id
        first = setting.locators[0]
        assert first.role is not None and isinstance(first.name, dict) and set(first.name) == {"en", "nl"}
        assert len(setting.locators) >= 2, f"{setting.id}: a structural fallback after role+name"
        for spec in _chain(setting.locators):
            assert "nth" not in (spec.css or "") and ":nth" not in (spec.css or ""), setting.id
        for value in setting.values:  # each value has a label in both languages
            assert setting.value_label(value, "en") and setting.value_label(value, "nl")


@pytest.mark.parametrize("platform", ["x", "instagram"])
def test_the_sandbox_has_the_variants_the_others_have(platform: str) -> None:
    variants = set(list_variants()[platform])
    assert {"default", "hardened", "redesign", "default-nl"} | SIGNIN_VARIANTS | MISBEHAVING <= variants
    statuses = {load_variant(platform, "signin-rate-limited").behaviour.model_extra["sign_in"]["rate_limited_status"]}
    assert statuses == {429}
    assert load_variant(platform, "default-nl").lang == "nl"


def test_accounts_center_is_known_in_one_place(catalogue: Catalogue) -> None:
    """Facebook's and Instagram's Accounts Center settings come from one fragment: same locators and
    steps, same path, each on the host its app opens."""
    for key in ("ads_partner_data",):
        fb, ig = catalogue.setting(f"facebook.{key}"), catalogue.setting(f"instagram.{key}")
        assert fb.locators == ig.locators and fb.change == ig.change and fb.map == ig.map
        assert fb.url.replace("accountscenter.facebook.com", "accountscenter.instagram.com") == ig.url
    assert catalogue.setting("instagram.contact_syncing").url.startswith("https://accountscenter.instagram.com/")
    for key in ("ads_social_interactions", "ads_outside_meta", "off_meta_activity"):
        assert catalogue.setting(f"facebook.{key}").url.startswith("https://accountscenter.facebook.com/")


def test_a_redesign_of_accounts_center_is_mended_once(tmp_path: Path) -> None:
    """Rewording a switch in the fragment changes what both platforms look for."""
    flows = tmp_path / "flows"
    shutil.copytree(REPO / "flows", flows)
    fragment = flows / "_shared" / "meta-accounts-center.yaml"
    text = fragment.read_text(encoding="utf-8")
    fragment.write_text(text.replace('name: {en: "activity information from ad partners"',
                                     'name: {en: "partner activity for ads"'), encoding="utf-8")
    mended = load_catalogue(flows)
    for platform in ("facebook", "instagram"):
        first = mended.setting(f"{platform}.ads_partner_data").locators[0]
        assert first.name["en"] == "partner activity for ads"


def test_a_broken_include_names_file_and_line(tmp_path: Path) -> None:
    flows = tmp_path / "flows"
    shutil.copytree(REPO / "flows", flows)
    path = flows / "instagram.yaml"
    text = path.read_text(encoding="utf-8").replace("meta-accounts-center#contact_syncing",
                                                    "meta-accounts-center#contact_sync")
    path.write_text(text, encoding="utf-8")
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "#contact_sync" in row)
    with pytest.raises(FlowFileError) as caught:
        load_catalogue(flows)
    assert caught.value.line == line and "has no setting 'contact_sync'" in str(caught.value)


# --- reading every variant (one browser for all) ---------------------------------------------------
@pytest.fixture(scope="module")
def collected(catalogue: Catalogue, tmp_path_factory: pytest.TempPathFactory) -> dict:
    home = tmp_path_factory.mktemp("x-ig-collect-home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PRIVACYGUARD_HOME", str(home))
        run = CollectRun(catalogue, concurrency=4)
        targets = [Target(platform, f"sandbox-{variant}", variant) for platform, variant in EXPECTED]
        snapshot = asyncio.run(run.run(targets))
    return {(t.platform, t.sandbox): (account, run.sandboxes[t])
            for t, account in zip(targets, snapshot.accounts, strict=True)}


@pytest.mark.browser
@pytest.mark.parametrize(("platform", "variant"), list(EXPECTED))
def test_every_setting_reads_exactly_as_expected(collected: dict, platform: str, variant: str) -> None:
    snapshot, _ = collected[(platform, variant)]
    assert snapshot.error is None, snapshot.error
    got, expected = shown(snapshot), EXPECTED[(platform, variant)]
    assert got == expected, {sid: (got[sid], snapshot.readings[sid].note) for sid in got if got[sid] != expected[sid]}
    for reading in snapshot.readings.values():
        if reading.status is R.READ:
            assert reading.evidence.locator and reading.evidence.raw


@pytest.mark.browser
@pytest.mark.parametrize("platform", ["x", "instagram"])
def test_redesign_reads_unknown_where_the_page_changed_and_never_a_wrong_value(collected: dict,
                                                                               platform: str) -> None:
    snapshot, _ = collected[(platform, "redesign")]
    truth = TRUTH[(platform, "redesign")]
    unknown = [sid for sid, r in snapshot.readings.items() if r.status is not R.READ]
    assert unknown, "the redesign must break some locators"
    for sid, reading in snapshot.readings.items():
        if reading.status is R.READ:
            assert reading.value == truth[sid], sid
        else:
            assert reading.status in UNKNOWN_CLASS and reading.value is None, sid


@pytest.mark.browser
@pytest.mark.parametrize(("platform", "variant"), list(EXPECTED))
def test_each_page_is_loaded_once_and_nothing_leaves(collected: dict, catalogue: Catalogue, platform: str,
                                                      variant: str) -> None:
    _, sandbox = collected[(platform, variant)]
    counts = Counter(url_key(url) for url in sandbox.page_loads)
    assert all(n == 1 for n in counts.values()), counts
    assert set(counts) == {url_key(s.url) for s in catalogue.platform(platform).settings}
    assert sandbox.blocked_requests == []


# --- changing: every automatable setting, read back, on one account --------------------------------
CHANGE_TO = {
    "x": {**{sid: "off" for sid, v in X_DEFAULT.items() if v == "on"}, "x.protected_posts": "on",
          "x.photo_tagging": "following", "x.dm_requests_from": "none"},
    "instagram": IG_HARDENED,
}


async def _change_all(flow: PlatformFlow, variant: str, account: str,
                      targets: dict[str, str]) -> tuple[dict[str, ChangeOutcome], SandboxAccount]:
    outcomes: dict[str, ChangeOutcome] = {}
    async with async_playwright() as playwright:
        browser = await launch(playwright)
        try:
            context = await browser.new_context(locale="en-US", service_workers="block")
            variants = {flow.platform: load_variant(flow.platform, variant)}
            sandbox = SandboxAccount(account, {flow.platform: flow}, variants)
            await sandbox.attach(context)
            page = await context.new_page()
            for sid, target in targets.items():
                outcomes[sid] = await change_setting(page, flow, flow.by_id[sid], target)
            await context.close()
        finally:
            await browser.close()
    return outcomes, sandbox


@pytest.mark.browser
@pytest.mark.parametrize("platform", ["x", "instagram"])
def test_every_setting_changes_and_reads_back(catalogue: Catalogue, platform: str) -> None:
    flow = catalogue.platform(platform)
    targets = CHANGE_TO[platform]
    assert set(targets) == set(VALUES[platform])
    outcomes, _ = asyncio.run(_change_all(flow, "default", f"{platform}-change", targets))
    default = X_DEFAULT if platform == "x" else IG_DEFAULT
    problems = {sid: (o.before.value, o.after and o.after.value, o.error) for sid, o in outcomes.items()
                if o.before.value != default[sid] or not o.verified(targets[sid])}
    assert problems == {}


@pytest.mark.browser
@pytest.mark.parametrize("platform", ["x", "instagram"])
def test_a_platform_that_ignores_saves_never_counts_as_changed(catalogue: Catalogue, platform: str) -> None:
    flow = catalogue.platform(platform)
    sid = {"x": "x.grok_training", "instagram": "instagram.tags_allowed_from"}[platform]
    target = {"x": "off", "instagram": "following"}[platform]
    outcomes, _ = asyncio.run(_change_all(flow, "save-ignored", f"{platform}-ignored", {sid: target}))
    outcome = outcomes[sid]
    assert not outcome.verified(target)
    assert outcome.after is not None and outcome.after.value == outcome.before.value
