"""Policies: built-in profiles, inheritance, and clear errors (file, line, suggestion). No browser."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from privacyguard.catalogue import Catalogue
from privacyguard.errors import PolicyError, UnknownName
from privacyguard.policy import Level, builtin_names, load_policy

DOCS = Path(__file__).resolve().parents[1] / "docs"


def write(tmp_path: Path, text: str, name: str = "policy.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_builtin_profiles_exist(catalogue: Catalogue) -> None:
    assert {"recommended", "strict"} <= set(builtin_names())


@pytest.mark.parametrize("name", ["recommended", "strict"])
def test_every_rule_explains_itself_in_english_and_dutch(catalogue: Catalogue, name: str) -> None:
    policy = load_policy(name, catalogue)
    for rule in policy.rules.values():
        assert isinstance(rule.rationale, dict), rule.setting
        assert rule.rationale.get("en") and rule.rationale.get("nl"), rule.setting
        assert rule.rationale["en"] != rule.rationale["nl"], rule.setting


def test_recommended_carries_the_seed_advice(catalogue: Catalogue) -> None:
    rules = load_policy("recommended", catalogue).rules
    seed = {
        "linkedin.social_advertising": "off",  # untick "may use my name & photo in social advertising"
        "linkedin.sync_contacts": "off",  # never import your address book
        "linkedin.connections_visibility": "on",  # keep your contact list visible to your network
        "facebook.review_tagged_posts": "on",  # only approved tags
        "facebook.checkins_by_others": "off",  # nobody checks you in to Places
        "linkedin.generative_ai_data": "off",  # today's must-have: no AI training
        "linkedin.ads_profile_data": "off",  # no ad use of your profile
        "facebook.ads_social_interactions": "only_me",
    }
    for setting, value in seed.items():
        assert rules[setting].expect.matches(value), setting
        assert rules[setting].level is Level.SHALL or setting == "linkedin.connections_visibility"
    assert not rules["linkedin.discovery_by_email"].expect.matches("everyone")


def test_strict_asks_the_most_private_value_of_every_setting(catalogue: Catalogue) -> None:
    rules = load_policy("strict", catalogue).rules
    assert set(rules) == set(catalogue.setting_ids)
    for setting_id, rule in rules.items():
        most_private = catalogue.setting(setting_id).values[-1]
        assert rule.expect.equals == most_private, setting_id
        assert rule.level is Level.SHALL, setting_id


def test_a_policy_extends_a_profile_and_overrides_field_by_field(tmp_path: Path, catalogue: Catalogue) -> None:
    path = write(tmp_path, """
extends: recommended
rules:
  linkedin.connections_visibility:
    expect: off
  linkedin.generative_ai_data:
    severity: critical
disable: [linkedin.share_profile_updates]
mute:
  - setting: facebook.search_engines
    accounts: [press-office]
    reason: the spokesperson must be findable
    until: 2099-01-01
""")
    policy = load_policy(path, catalogue)
    assert policy.chain == ["policy", "recommended"]
    assert policy.rules["linkedin.connections_visibility"].expect.equals == "off"
    ai = policy.rules["linkedin.generative_ai_data"]
    assert ai.severity.value == "critical" and ai.expect.equals == "off" and ai.level is Level.SHALL
    assert "linkedin.share_profile_updates" not in policy.rules
    assert policy.mutes[0].until == dt.date(2099, 1, 1)


def test_yaml_11_booleans_stay_values(tmp_path: Path, catalogue: Catalogue) -> None:
    path = write(tmp_path, "rules:\n  linkedin.mentions:\n    expect: on\n    rationale: x\n")
    assert load_policy(path, catalogue).rules["linkedin.mentions"].expect.equals == "on"


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("rules:\n  linkedin.generative_ai_dta:\n    expect: off\n", 2, "did you mean 'linkedin.generative_ai_data'"),
        ("rules:\n  linkedin.email_visibility:\n    expect: nobody\n", 3, "only_me"),
        ("rules:\n  linkedin.mentions:\n    expect: off\n    severty: high\n", 4, "severty"),
        ("rules:\n  linkedin.mentions:\n    expect: off\n    level: must\n", 4, "level"),
        ("rules:\n  linkedin.mentions:\n   expect: off\n  bad indent\n", 4, "invalid YAML"),
        ("disable: [facebook.serch_engines]\n", 1, "did you mean 'facebook.search_engines'"),
        ("mute:\n  - setting: facebook.search_engines\n    reason: r\n    until: someday\n", 4, "until"),
        ("rules:\n  linkedin.mentions:\n    expect: {in: [on], not: off}\n", 3, "expect"),
    ],
)
def test_bad_policies_name_file_line_and_problem(tmp_path: Path, catalogue: Catalogue, text: str, line: int,
                                                 fragment: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(PolicyError) as caught:
        load_policy(path, catalogue)
    assert caught.value.line == line, str(caught.value)
    assert str(path) in str(caught.value)
    assert fragment in str(caught.value)


def test_unknown_profile_suggests_a_name(catalogue: Catalogue) -> None:
    with pytest.raises(UnknownName, match="did you mean 'recommended'"):
        load_policy("recomended", catalogue)


def test_extends_a_file_relative_to_the_policy(tmp_path: Path, catalogue: Catalogue) -> None:
    write(tmp_path, "extends: strict\nrules:\n  linkedin.mentions: {expect: on}\n", "base.yaml")
    path = write(tmp_path, "extends: base.yaml\n")
    policy = load_policy(path, catalogue)
    assert policy.chain == ["policy", "base", "strict", "recommended"]
    assert policy.rules["linkedin.mentions"].expect.equals == "on"


def test_an_extends_loop_is_an_error(tmp_path: Path, catalogue: Catalogue) -> None:
    write(tmp_path, "extends: b.yaml\n", "a.yaml")
    write(tmp_path, "extends: a.yaml\n", "b.yaml")
    with pytest.raises(PolicyError, match="loops"):
        load_policy(tmp_path / "a.yaml", catalogue)


def test_the_documented_example_policy_loads(catalogue: Catalogue) -> None:
    policy = load_policy(DOCS / "examples" / "policy.yaml", catalogue)
    assert policy.mutes and policy.rules
