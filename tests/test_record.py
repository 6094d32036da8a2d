"""`privacyguard record` and `flows check` (issue 10): scrubbing, round trips, repair suggestions."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import jinja2
import pytest
import yaml

from conftest import REPO, run_cli
from privacyguard import api
from privacyguard.errors import FlowFileError
from privacyguard.record.recorder import as_template
from privacyguard.record.scrub import PersonalData, find_leaks, scrub_text
from privacyguard.record.suggest import normalise
from privacyguard.sandbox.fixtures import list_variants, load_variant
from privacyguard.snapshot import ReadStatus
from privacyguard.yamlfile import load_yaml_with_lines

PERSON = PersonalData(names=("Jana de Vries", "Jana"), usernames=("jana-de-vries-4b2a1c",),
                      emails=("jana.devries@voorbeeld.nl",), phones=("+31 6 1234 5678",))


# --- scrubbing, without a browser ----------------------------------------------------------------

def test_scrub_replaces_known_values_in_every_form_and_patterns_whoever_they_belong_to() -> None:
    page = ('<p title="JANA DE VRIES">Jana de Vries</p><a href="/in/jana-de-vries-4b2a1c/">me</a>'
            '<i>jana.devries%40voorbeeld.nl · +31 6 12345678 · other@example.com · +44 20 7946 0958</i>'
            '<b data-id="918273645">Jana&nbsp;de&nbsp;Vries</b><img src="https://media.licdn.com/x.jpg">')
    scrubbed = scrub_text(page, PERSON)
    for planted in ("jana", "vries", "12345678", "other@example.com", "7946", "918273645", "licdn"):
        assert planted not in scrubbed.html.lower()
    assert find_leaks(scrubbed.html, PERSON) == []
    assert scrubbed.replaced["name"] >= 3 and scrubbed.replaced["numeric id"] == 1
    assert set(find_leaks(page, PERSON)) == {"e-mail address", "name", "phone number", "username"}


def test_a_phone_number_written_with_other_separators_is_still_a_leak() -> None:
    assert find_leaks("call 06-1234-5678 or +31 (6) 12 34 56 78", PersonalData(phones=("+31 6 1234 5678",))) \
        == ["phone number"]


def test_a_recorded_page_renders_to_itself_even_when_it_contains_template_syntax() -> None:
    page = "<p>{{ state }} {% if x %} {% endraw %} {%- endraw -%} {# c #}</p>"
    template = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined).from_string(as_template(page))
    assert template.render().rstrip("\n") == page


# --- recording, in a browser ------------------------------------------------------------------

def _all_text(folder: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*")) if p.is_file())


@pytest.mark.browser
def test_record_scrubs_every_planted_personal_value_and_keeps_what_reading_needs(tmp_path: Path,
                                                                                 pg_home: Path) -> None:
    out = tmp_path / "recorded"
    result = run_cli("record", "--sandbox", "personal-data", "--platform", "linkedin", "--out", str(out),
                     "--name", "scrubbed", home=pg_home)
    assert result.returncode == 0, result.stderr
    folder = out / "linkedin" / "scrubbed"
    written = _all_text(folder)
    person = load_variant("linkedin", "personal-data").person
    planted = [*person["name"], person["username"], person["email"], person["phone"], "1234 5678", "12345678",
               "918273645", "5526871349920371144", "D4E03AQHx7Qz", "px.ads.linkedin.com", "miniProfileUrn",
               "tscp-serving", "bootstrap-data", "__li", "voorbeeld", "devries"]
    for value in planted:
        assert value.lower() not in written.lower(), value
    for forbidden in (r"<script", r"<img", r"<iframe", r"\son[a-z]+=", r"<link", r"csrf-token", r"url\(['\"]?http",
                      r"data-tracking", r"data-analytics", r"\?[a-z]+="):
        assert not re.search(forbidden, written, re.IGNORECASE), forbidden
    # What was removed, by kind and count, and the size of every page, is printed.
    for kind in ("script", "iframe", "image", "event handler", "tracking attribute", "URL query", "form token",
                 "name", "e-mail address", "phone number", "numeric id", "username"):
        assert re.search(rf"^\s*{kind}: \d+$", result.stdout, re.MULTILINE), kind
    assert re.search(r"\d+\.\d kB", result.stdout)
    # The reader's needs stay: roles, ARIA state, labels; and the open dialog a person saw.
    ai_page = next(folder.glob("pages/*data-for-ai-improvement*.html")).read_text(encoding="utf-8")
    assert 'role="switch"' in ai_page and "aria-checked=" in ai_page and 'role="dialog"' in ai_page
    assert "Welcome back, Pat Placeholder" in ai_page
    # And every page is small.
    assert all(p.stat().st_size < 40_000 for p in folder.glob("pages/*.html"))


@pytest.mark.browser
def test_record_a_registered_account_through_the_scans_sign_in_and_scrub_its_username(tmp_path: Path,
                                                                                      pg_home: Path) -> None:
    added = run_cli("accounts", "add", "jana", "--platform", "linkedin", "--sandbox", "personal-data",
                    "--username", "jana.devries@voorbeeld.nl", home=pg_home)
    assert added.returncode == 0, added.stderr
    out = tmp_path / "rec"
    result = run_cli("record", "--account", "jana", "--platform", "linkedin", "--only", "linkedin.generative_ai_data",
                     "--out", str(out), "--name", "mine", home=pg_home)
    assert result.returncode == 0, result.stderr
    folder = out / "linkedin" / "mine"
    assert len(list(folder.glob("pages/*.html"))) == 1  # --only: just that setting's page
    assert "voorbeeld" not in _all_text(folder).lower()
    truth = yaml.safe_load((folder / "truth.yaml").read_text(encoding="utf-8"))["settings"]
    assert truth["linkedin.generative_ai_data"] == "off"
    assert {v for k, v in truth.items() if k != "linkedin.generative_ai_data"} == {"absent"}
    spec = yaml.safe_load((folder / "variant.yaml").read_text(encoding="utf-8"))
    assert spec["recorded"]["only"] == ["linkedin.generative_ai_data"]
    assert spec["recorded"]["catalogue_version"] and spec["recorded"]["tool_version"]
    checked = run_cli("flows", "check", "--fixtures", str(out), "--sandbox", "mine", home=pg_home)
    assert checked.returncode == 0, checked.stdout + checked.stderr


# Every shipped variant of these kinds, on every platform that has it (LinkedIn and Facebook have all).
ROUND_TRIP = ["default", "hardened", "legacy-2012", "redesign", "default-nl", "reworded-nl", "redesign-2", "traps",
              "late"]
SHIPPED = list_variants()
ROUND_TRIP_PAIRS = [(p, v) for p, names in SHIPPED.items() for v in ROUND_TRIP if v in names]


def test_linkedin_and_facebook_ship_every_round_trip_variant() -> None:
    for platform in ("linkedin", "facebook"):
        assert set(ROUND_TRIP) <= set(SHIPPED[platform]), platform


@pytest.mark.browser
@pytest.mark.parametrize(("platform", "variant"), ROUND_TRIP_PAIRS, ids=[f"{p}/{v}" for p, v in ROUND_TRIP_PAIRS])
def test_round_trip_a_recorded_variant_reads_as_the_live_sandbox(platform: str, variant: str,
                                                                 tmp_path: Path) -> None:
    out = tmp_path / "rec"
    recorded = api.record(platform, out, sandbox=variant, name=f"rec-{variant}")
    live = recorded.account
    [checked] = api.check_flows(out, f"rec-{variant}", [platform])
    replay = checked.account
    assert replay.error is None
    for setting_id, reading in live.readings.items():
        again = replay.readings[setting_id]
        assert (again.status, again.value) == (reading.status, reading.value) or (
            # a page that was missing live was not recorded: on replay it is missing too (404, not a redirect)
            reading.status in (ReadStatus.PAGE_MISSING, ReadStatus.NOT_OFFERED) and again.status is reading.status
        ), (setting_id, reading, again)
    assert all(c.verdict == "right" for c in checked.settings), [c for c in checked.settings if c.verdict != "right"]
    live_report = api.evaluate_snapshot(_as_snapshot(live))
    replay_report = api.evaluate_snapshot(_as_snapshot(replay))
    assert [(f.setting, f.status) for f in live_report.findings()] == \
        [(f.setting, f.status) for f in replay_report.findings()]


def _as_snapshot(account):
    from privacyguard.catalogue import load_catalogue
    from privacyguard.snapshot import Snapshot

    return Snapshot(catalogue=load_catalogue().versions(), accounts=[account.model_copy(update={"account": "x"})])


# --- repair suggestions ---------------------------------------------------------------------------

RELABELLED = {
    # an English synonym for a switch's question and name
    "facebook.search_engines": ("search engines outside of Facebook to link to your profile",
                                "web search results to include a link to your profile"),
    # an English synonym for an audience row's question
    "facebook.friends_list_visibility": ("Who can see your friends list?",
                                         "Who can view the people you're friends with?"),
}
DUTCH = ("facebook.lookup_by_email", "Wie kan je vinden via het e-mailadres dat je hebt opgegeven?")


def _flow_wordings(flow: dict, setting_id: str) -> list[str]:
    setting = next(s for s in flow["settings"] if s.get("id") == setting_id)  # includes have no id
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, str):
            found.append(node)
        elif isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)

    for locator in setting["locators"]:
        for key in ("name", "label", "text", "has_text"):
            walk(locator.get(key))
        if "within" in locator:
            walk(locator["within"].get("has_text"))
    return sorted(set(found), key=len, reverse=True)


def _relabel(folder: Path, old: list[str], new: str) -> int:
    """Replace every wording in the recorded pages (case-insensitively) by the new one; how many pages changed."""
    changed = 0
    for page in folder.glob("pages/*.html"):
        text = page.read_text(encoding="utf-8")
        edited = text
        for wording in old:
            edited = re.sub(re.escape(wording), new, edited, flags=re.IGNORECASE)
        if edited != text:
            page.write_text(edited, encoding="utf-8")
            changed += 1
    return changed


@pytest.mark.browser
def test_suggest_ranks_the_relabelled_control_first_and_its_snippet_reads_it(tmp_path: Path, pg_home: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "rec"
    english = api.record("facebook", out, sandbox="default", name="relabelled")
    dutch = api.record("facebook", out, sandbox="default-nl", name="relabelled-nl")
    flow_file = REPO / "flows" / "facebook.yaml"
    flow, _lines = load_yaml_with_lines(flow_file.read_text(encoding="utf-8"), flow_file, FlowFileError)
    # The flow as an older release had it: it knew these settings by their words only (no CSS anchors).
    relabelled = {**{sid: new for sid, (_, new) in RELABELLED.items()}, DUTCH[0]: DUTCH[1]}
    for setting in flow["settings"]:
        if setting.get("id") in relabelled:
            setting["locators"] = [loc for loc in setting["locators"] if "css" not in loc]
    for setting_id, (shown, new) in RELABELLED.items():
        assert _relabel(english.variant.folder, [shown, *_flow_wordings(flow, setting_id)], new) >= 1
    assert _relabel(dutch.variant.folder, _flow_wordings(flow, DUTCH[0]), DUTCH[1]) >= 1

    old_flows = _flows_copy(tmp_path / "flows-old", flow)
    monkeypatch.setenv("PRIVACYGUARD_FLOWS", str(old_flows))
    results = {c.variant: c for c in api.check_flows(out, platforms=["facebook"], suggest=True)}
    snippets: dict[str, str] = {}
    for variant, setting_id in [("relabelled", sid) for sid in RELABELLED] + [("relabelled-nl", DUTCH[0])]:
        checked = next(s for s in results[variant].settings if s.setting == setting_id)
        assert checked.reading.status is ReadStatus.NOT_FOUND, (setting_id, checked.reading)
        assert checked.suggestions, setting_id
        best = checked.suggestions[0]
        assert normalise(relabelled[setting_id]) in normalise(f"{best.name} {best.label} {best.question}"), \
            (setting_id, checked.suggestions)
        snippets[setting_id] = best.snippet(checked.page_lang)

    # The CLI prints the same ranking and snippet, and exits 2 (something unread).
    shown = run_cli("flows", "check", "--fixtures", str(out), "--sandbox", "relabelled", "--suggest",
                    home=pg_home, env={"PRIVACYGUARD_FLOWS": str(old_flows)})
    assert shown.returncode == 2, shown.stdout + shown.stderr
    assert "facebook.search_engines: candidates, best first" in shown.stdout
    assert "flow snippet" in shown.stdout

    # Pasting each snippet into a copy of the flow makes the setting read right.
    for setting in flow["settings"]:
        if setting.get("id") in snippets:
            setting["locators"] = yaml.safe_load(snippets[setting["id"]]) + setting["locators"]
    monkeypatch.setenv("PRIVACYGUARD_FLOWS", str(_flows_copy(tmp_path / "flows-new", flow)))
    mended = {c.variant: c for c in api.check_flows(out, platforms=["facebook"])}
    truth = {"relabelled": english.variant.truth, "relabelled-nl": dutch.variant.truth}
    for variant, setting_id in [("relabelled", sid) for sid in RELABELLED] + [("relabelled-nl", DUTCH[0])]:
        checked = next(s for s in mended[variant].settings if s.setting == setting_id)
        assert checked.reading.ok and checked.reading.value == truth[variant][setting_id], (setting_id, checked)


def _flows_copy(folder: Path, facebook: dict) -> Path:
    shutil.copytree(REPO / "flows", folder)
    (folder / "facebook.yaml").write_text(yaml.safe_dump(facebook, allow_unicode=True, sort_keys=False),
                                          encoding="utf-8")
    return folder


# --- the command line -----------------------------------------------------------------------------

def test_record_and_flows_check_refuse_bad_input_with_exit_3(tmp_path: Path, pg_home: Path) -> None:
    both = run_cli("record", "--sandbox", "default", "--account", "x", "--platform", "linkedin", "--out",
                   str(tmp_path), home=pg_home)
    assert both.returncode == 3 and "either --account NAME or --sandbox VARIANT" in both.stderr
    bad_name = run_cli("record", "--sandbox", "default", "--platform", "linkedin", "--out", str(tmp_path),
                       "--name", "../../etc", home=pg_home)
    assert bad_name.returncode == 3 and "--name" in bad_name.stderr
    other = run_cli("record", "--sandbox", "default", "--platform", "linkedin", "--only", "facebook.search_engines",
                    "--out", str(tmp_path), home=pg_home)
    assert other.returncode == 3 and "not a LinkedIn setting" in other.stderr
    missing = run_cli("flows", "check", "--fixtures", str(tmp_path / "nowhere"), home=pg_home)
    assert missing.returncode == 3 and "not a folder" in missing.stderr
    unknown = run_cli("flows", "check", "--fixtures", str(REPO / "fixtures"), "--sandbox", "no-such", home=pg_home)
    assert unknown.returncode == 3 and "no-such" in unknown.stderr
    for result in (both, bad_name, other, missing, unknown):
        assert "Traceback" not in result.stderr


@pytest.mark.browser
def test_flows_check_exits_2_on_unread_settings_and_a_scan_says_how_to_record_them(pg_home: Path) -> None:
    checked = run_cli("flows", "check", "--fixtures", str(REPO / "fixtures"), "--sandbox", "redesign",
                      "--platform", "facebook", home=pg_home)
    assert checked.returncode == 2, checked.stdout + checked.stderr
    assert "not_found" in checked.stdout or "ambiguous" in checked.stdout or "unrecognised" in checked.stdout
    scanned = run_cli("scan", "--sandbox", "redesign", "--platform", "facebook", home=pg_home)
    assert re.search(r"privacyguard record --sandbox redesign --platform facebook( --only facebook\.\w+)+ --out",
                     scanned.stderr), scanned.stderr
    read_all = run_cli("scan", "--sandbox", "default", "--platform", "linkedin", home=pg_home)
    assert "privacyguard record" not in read_all.stderr


@pytest.mark.browser
def test_the_documented_recorded_variant_replays_as_its_truth_says(pg_home: Path) -> None:
    """docs/examples/recorded is what `record` writes (docs/recording.md); it must stay replayable."""
    example = REPO / "docs" / "examples" / "recorded"
    spec = yaml.safe_load((example / "linkedin" / "example" / "variant.yaml").read_text(encoding="utf-8"))
    assert {"tool_version", "catalogue_version", "date", "source", "only", "pages"} <= set(spec["recorded"])
    checked = run_cli("flows", "check", "--fixtures", str(example), home=pg_home)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "read: off" in checked.stdout and "read: first_degree" in checked.stdout
