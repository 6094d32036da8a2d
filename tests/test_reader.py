"""The reader's rules that need no browser: value labels, value matching, ranked label matching."""

from __future__ import annotations

import pytest

from privacyguard.catalogue import Setting, load_catalogue


def _setting(**extra: object) -> Setting:
    base: dict[str, object] = {"id": "x.audience", "title": "Audience", "url": "https://x.example/settings",
                               "control": "dialog", "values": ["everyone", "friends_of_friends", "only_me"],
                               "locators": [{"role": "button"}]}
    return Setting.model_validate({**base, **extra})


def test_value_label_takes_the_languages_first_wording_then_english_then_the_value_itself() -> None:
    setting = _setting(map={"everyone": {"any": ["EVERYONE"], "en": ["Everyone", "Anyone"], "nl": ["Iedereen"]},
                            "friends_of_friends": {"en": "Friends of friends"},
                            "only_me": ["ONLY_ME", "Only me"]})
    assert setting.value_label("everyone", "nl") == "Iedereen"
    assert setting.value_label("everyone", "en") == "Everyone"
    assert setting.value_label("everyone", "de") == "Everyone"
    assert setting.value_label("friends_of_friends", "nl") == "Friends of friends"
    # a plain list says no language (it may hold page tokens): the value is made readable
    assert setting.value_label("only_me", "en") == "Only me"


def test_value_label_of_a_default_toggle_is_on_off_in_both_languages() -> None:
    toggle = _setting(control="toggle", values=["on", "off"])
    assert [toggle.value_label(v, "en") for v in toggle.values] == ["On", "Off"]
    assert [toggle.value_label(v, "nl") for v in toggle.values] == ["Aan", "Uit"]


@pytest.mark.parametrize("platform", ["linkedin", "facebook"])
def test_every_shipped_value_has_a_dutch_and_an_english_label(platform: str) -> None:
    for setting in load_catalogue().platform(platform).settings:
        for value in setting.values:
            for lang in ("en", "nl"):
                label = setting.value_label(value, lang)
                assert label and not label.isupper() and "_" not in label, (setting.id, value, lang, label)
