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


# ---------------------------------------------------------------- values (no browser)

def test_values_match_folded_with_synonyms_and_explanations() -> None:
    from privacyguard.collect.read import match_value
    setting = _setting(map={"everyone": {"any": ["EVERYONE"], "en": ["Everyone"], "nl": ["Iedereen"]},
                            "friends_of_friends": {"en": ["Friends of friends"], "nl": ["Vrienden van vrienden"]},
                            "only_me": {"en": ["Only me"], "nl": ["Alleen ik", "Alleen jij"]}})

    def read(*raws: str) -> tuple[str, str | None]:
        status, value, _ = match_value(setting, list(raws), "nl")
        return status.value, value

    assert read("alleen  JIJ!") == ("read", "only_me")                       # case, spaces, punctuation
    assert read("Only me – nobody else sees it") == ("read", "only_me")      # wording, then an explanation
    assert read("Friends of friends\nTheir friends too") == ("read", "friends_of_friends")  # the longest wording
    assert read("Only me and my friends") == ("unrecognised", None)          # more words of a value: no guess
    assert read("Wie kan je vinden?\nIedereen") == ("read", "everyone")      # a whole-row button: question, value
    assert read("EVERYONE", "Only me") == ("ambiguous", None)                # value attribute and text disagree
    assert read("Somebody") == ("unrecognised", None)


def test_the_example_flow_in_the_docs_is_the_file_and_loads() -> None:
    from pathlib import Path

    from privacyguard.catalogue import load_flow
    example = Path(__file__).resolve().parents[1] / "docs" / "examples" / "flows" / "example.yaml"
    doc = (example.parents[2] / "flows.md").read_text(encoding="utf-8")
    assert example.read_text(encoding="utf-8").strip() in doc
    flow = load_flow(example)
    kinds = {s.control for s in flow.settings}
    assert kinds == {"toggle", "checkbox", "select", "listbox", "combobox", "menu", "segmented", "radio", "dialog",
                     "text"}


# ---------------------------------------------------------------- the reader on a page (browser)

KINDS_PAGE = """<html lang="en"><body><main>
<div><span id="adsKey">Use my activity for ads to show you offers</span>
  <input type="checkbox" role="switch" aria-labelledby="adsKey" aria-checked="true" checked></div>
<div hidden><input type="checkbox" role="switch" aria-labelledby="adsKey" aria-checked="false"></div>
<div><label><input type="checkbox" name="se"> Let search engines link to your profile
  <a href="#">Learn more</a></label></div>
<div><span id="q1">Who can see your posts?</span><select aria-labelledby="q1"><option value="PUBLIC">Public</option>
  <option value="FRIENDS" selected>Friends</option><option value="ONLY_ME">Only me</option></select></div>
<div><span id="q2">Who can see your email address?</span><div role="listbox" aria-labelledby="q2">
  <div role="option" aria-selected="false" data-value="PUBLIC">Public</div>
  <div role="option" aria-selected="true" data-value="ONLY_ME">Only me</div></div></div>
<div><span id="q3">Who can find you by your phone number?</span>
  <div role="combobox" tabindex="0" aria-haspopup="listbox" aria-expanded="false"
    aria-labelledby="q3">Everyone</div></div>
<div><span id="q4">Who can tag you?</span>
  <button type="button" id="m4" aria-haspopup="menu" aria-labelledby="q4 m4">Friends</button>
  <div role="menu" hidden><div role="menuitemradio" aria-checked="true">Friends</div></div></div>
<div><p>Show your friends list?</p><div role="group"><button type="button" aria-pressed="false">Yes</button>
  <button type="button" aria-pressed="true">No</button></div></div>
<div><span id="q5">What others see when you view their profile</span><div role="radiogroup" aria-labelledby="q5">
  <div role="radio" aria-checked="false"><b>Your name and headline</b> <span>Shown to everyone you visit</span></div>
  <div role="radio" aria-checked="true"><b>Private mode</b> <span>Nobody sees who you are</span></div></div></div>
<div role="list"><div role="listitem"><span>Who can see your future posts?</span>
  <div role="button" tabindex="0" aria-haspopup="dialog"
    aria-label="Edit privacy. Who can see your future posts?">Only me</div>
</div></div>
<p role="status">12 contacts synced</p>
</main></body></html>"""

KINDS_EXPECTED = {"example.ads_switch": "on", "example.search_checkbox": "off", "example.posts_select": "friends",
                  "example.email_listbox": "only_me", "example.phone_combobox": "public",
                  "example.tags_menu": "friends",
                  "example.list_segmented": "off", "example.viewing_radio": "private",
                  "example.future_dialog": "only_me", "example.contacts_text": "on"}

TRAPS_PAGE = """<html lang="en"><body><main>
<div><span id="long">Use data for ads measurement</span>
  <input type="checkbox" role="switch" aria-labelledby="long" aria-checked="true" checked></div>
<div role="list"><div role="listitem"><span>Allow partners to see your profile?</span>
  <span>Help: this repeats the question</span>
  <input type="checkbox" role="switch" aria-hidden="true" disabled aria-checked="true" checked></div></div>
<div inert><input type="checkbox" role="switch" aria-label="Show your birthday" aria-checked="true" checked></div>
<input type="checkbox" role="switch" aria-label="Show your age" style="width:0;height:0;border:0;padding:0;margin:0"
  aria-checked="true" checked>
</main></body></html>"""


def _toggle(setting_id: str, **locator: object) -> Setting:
    return Setting.model_validate({"id": setting_id, "title": setting_id, "url": "https://x.example/settings",
                                   "control": "toggle", "values": ["on", "off"], "locators": [locator]})


@pytest.mark.browser
def test_reader_reads_every_control_kind_and_skips_traps() -> None:
    """Each control kind of the documented example is read by what it is; a hidden copy, a decorative
    switch in a help row, an inert and a zero-size switch are never read; one switch backs one setting."""
    import asyncio
    from pathlib import Path

    from playwright.async_api import async_playwright

    from privacyguard.catalogue import load_flow
    from privacyguard.collect.browser import launch
    from privacyguard.collect.pagequery import read_settings

    example = load_flow(Path(__file__).resolve().parents[1] / "docs" / "examples" / "flows" / "example.yaml")
    short = _toggle("x.short", role="switch", name="Use data")
    long = _toggle("x.long", role="switch", name="Use data for ads measurement")
    row = _toggle("x.partners", css="input[role=switch]",
                  within={"css": "[role=listitem]", "has_text": "Allow partners to see your profile?"})
    inert = _toggle("x.birthday", role="switch", name="Show your birthday")
    tiny = _toggle("x.age", role="switch", name="Show your age")

    async def run() -> tuple[dict, dict]:
        async with async_playwright() as playwright:
            browser = await launch(playwright, headless=True, sandbox_only=True)
            try:
                page = await (await browser.new_context()).new_page()
                await page.set_content(KINDS_PAGE)
                url = "https://www.example.org/settings/ads"
                kinds, _ = await read_settings(page, example.settings, url, "en", 0.0)
                await page.set_content(TRAPS_PAGE)
                traps, _ = await read_settings(page, [short, long, row, inert, tiny], "https://x/", "en", 0.0)
                return kinds, traps
            finally:
                await browser.close()

    kinds, traps = asyncio.run(run())
    got = {sid: (r.value if r is not None else None) for sid, r in kinds.items()}
    assert got == KINDS_EXPECTED, {sid: kinds[sid] for sid in got if got[sid] != KINDS_EXPECTED[sid]}
    assert kinds["example.ads_switch"].evidence.locator.endswith("[exact]")  # the stable id, not the wording
    assert kinds["example.search_checkbox"].evidence.locator.endswith("[prefix]")  # label + "Learn more"
    assert traps["x.long"].value == "on" and traps["x.long"].evidence.locator.endswith("[exact]")
    assert traps["x.short"].status == "ambiguous" and "x.long" in traps["x.short"].note  # took another's switch
    for sid in ("x.partners", "x.birthday", "x.age"):
        assert traps[sid].status == "not_found", traps[sid]
        assert "https://x/" in traps[sid].note and traps[sid].evidence.raw  # names the page and what it saw
    assert "skipped as not usable" in traps["x.partners"].note


@pytest.mark.browser
def test_a_placeholder_is_never_the_reading_even_when_patience_runs_out(
        tmp_path: object, monkeypatch: pytest.MonkeyPatch) -> None:
    """traps: the page shows "Anyone" (and "No contacts are synced") until its data request answers
    after about 2 s. With 1 s of patience the reader gives no value; with the default, the real one."""
    import asyncio

    from privacyguard.collect.engine import CollectOptions
    from privacyguard.collect.runner import CollectRun, Target

    monkeypatch.setenv("PRIVACYGUARD_HOME", str(tmp_path))
    only = ["linkedin.discovery_by_email", "linkedin.sync_contacts"]
    target = Target(platform="linkedin", account="sandbox-traps", sandbox="traps")

    def scan(patience: float) -> dict:
        run = CollectRun(load_catalogue(), CollectOptions(settle_seconds=patience, only=only))
        return asyncio.run(run.run([target])).accounts[0].readings

    hurried, patient = scan(1.0), scan(4.0)
    for sid in only:
        assert hurried[sid].value is None and hurried[sid].status == "ambiguous", hurried[sid]
        assert "still loading" in (hurried[sid].note or "")
    assert patient["linkedin.discovery_by_email"].value == "nobody"
    assert patient["linkedin.sync_contacts"].value == "on"
