"""The reader against the truth of the adversarial sandbox variants (issue 9).

Every variant with a fixtures/<platform>/<variant>/truth.yaml is scanned once, through the library
API the CLI uses, and each reading is scored: right, unread or wrong (privacyguard.sandbox.truth).
A wrong reading fails, whatever the variant; the reworded Dutch UI must read at least 95% right,
the restructured redesign at least 80%, and the `late` variants (settings arriving after 2 s) and
`default` 100%, per platform; every unread setting must say why, on which page, and what it saw there
(evidence.raw: the control's text or state, or what the page held).
The truth files themselves, the scoring rules and the documented example are checked without a
browser.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import REPO
from privacyguard.catalogue import Catalogue
from privacyguard.errors import FixtureError
from privacyguard.sandbox.fixtures import load_variant
from privacyguard.sandbox.truth import (
    ABSENT,
    Score,
    judge,
    load_truth,
    read_truth,
    reason,
    scan_and_score,
    score,
    variants_with_truth,
)
from privacyguard.snapshot import AccountSnapshot, Evidence, Reading, ReadStatus

VARIANTS = variants_with_truth()
# reworded-nl and redesign-2: issue 9's targets; late: every control comes, a patient reader reads all
# default: the reference point, read in full before any of this work
MIN_READ_RATE = {"reworded-nl": 0.95, "redesign-2": 0.80, "late": 1.0, "default": 1.0}
ADVERSARIAL = ("reworded-nl", "redesign-2", "traps")
EXAMPLE = REPO / "docs" / "examples" / "truth.yaml"


def _id(pair: tuple[str, str]) -> str:
    return "/".join(pair)


# ---------------------------------------------------------------- truth files and scoring (no browser)

def test_the_adversarial_variants_have_truth_files() -> None:
    for platform in ("linkedin", "facebook"):
        for variant in (*ADVERSARIAL, "late", "default"):
            assert (platform, variant) in VARIANTS


@pytest.mark.parametrize("pair", VARIANTS, ids=_id)
def test_truth_file_is_complete_and_valid(pair: tuple[str, str], catalogue: Catalogue) -> None:
    platform, variant = pair
    truth = load_truth(platform, variant, catalogue)
    assert set(truth) == {s.id for s in catalogue.platform(platform).settings}
    load_variant(platform, variant)  # the variant itself loads


@pytest.mark.parametrize("variant", ADVERSARIAL)
@pytest.mark.parametrize("platform", ["linkedin", "facebook"])
def test_truth_differs_from_default_for_many_settings(platform: str, variant: str) -> None:
    """The variant's own state differs from default's for at least half of the fields it sets."""
    default = load_variant(platform, "default").state
    state = load_variant(platform, variant).state
    changed = [k for k in default if state.get(k) != default[k]]
    assert len(changed) >= len(default) / 2, changed


def test_documented_example_loads_and_scores(catalogue: Catalogue) -> None:
    """docs/examples/truth.yaml (shown in docs/fixtures.md) is a valid truth file; scoring follows its rules."""
    assert EXAMPLE.read_text(encoding="utf-8") in (REPO / "docs" / "fixtures.md").read_text(encoding="utf-8")
    truth = read_truth(EXAMPLE, "linkedin", catalogue)
    assert truth["linkedin.generative_ai_data"] == "off"
    assert truth["linkedin.discovery_by_phone"] == ABSENT
    url = "https://www.linkedin.com/mypreferences/d/settings/discover-me-by-phone-number"
    readings = {sid: Reading(setting=sid, status=ReadStatus.READ, value=value)
                for sid, value in truth.items() if value != ABSENT}
    readings["linkedin.generative_ai_data"] = Reading(setting="linkedin.generative_ai_data", status=ReadStatus.READ,
                                                      value="on")  # wrong
    readings["linkedin.mentions"] = Reading(setting="linkedin.mentions", status=ReadStatus.NOT_FOUND)  # unread
    readings["linkedin.discovery_by_phone"] = Reading(
        setting="linkedin.discovery_by_phone", status=ReadStatus.NOT_FOUND, note="no element matches",
        evidence=Evidence(url=url))  # right: the control is absent
    scored = score(AccountSnapshot(platform="linkedin", account="x", readings=readings), truth, "example")
    verdicts = {r.setting: r.verdict for r in scored.results}
    assert verdicts["linkedin.generative_ai_data"] == "wrong"
    assert verdicts["linkedin.mentions"] == "unread"
    assert verdicts["linkedin.discovery_by_phone"] == "right"
    assert verdicts["linkedin.social_advertising"] == "unread"  # no reading at all: never right by accident
    assert verdicts["linkedin.tweets_to_linkedin"] == "unread"
    assert (scored.count("right"), scored.count("unread"), scored.count("wrong")) == (14, 3, 1)
    assert scored.read_rate == pytest.approx(14 / 18)


def test_judge_rules() -> None:
    def reading(status: ReadStatus, value: str | None = None) -> Reading:
        return Reading(setting="linkedin.mentions", status=status, value=value)

    assert judge("on", reading(ReadStatus.READ, "on")) == "right"
    assert judge("on", reading(ReadStatus.READ, "off")) == "wrong"
    assert judge("on", reading(ReadStatus.AMBIGUOUS)) == "unread"
    assert judge(ABSENT, reading(ReadStatus.NOT_FOUND)) == "right"
    assert judge(ABSENT, reading(ReadStatus.NOT_OFFERED)) == "right"
    assert judge(ABSENT, reading(ReadStatus.READ, "off")) == "wrong"  # a value where the page has none


@pytest.mark.parametrize(("text", "message"), [
    ("settings:\n  linkedin.mentions: maybe\n", r":2: linkedin\.mentions: 'maybe' is not one of on, off, absent"),
    ("settings:\n  linkedin.mentions: on\n  linkedin.nope: on\n", r":3: linkedin\.nope: not a linkedin setting"),
    ("settings:\n  linkedin.mentions: on\n", r": no truth for linkedin\."),
    ("mentions: on\n", r": expected one key, `settings:`"),
    ("", r": expected one key, `settings:`"),
    ("settings: [\n", r":\d+: invalid YAML"),
])
def test_bad_truth_file_names_file_and_line(tmp_path: Path, catalogue: Catalogue, text: str, message: str) -> None:
    folder = tmp_path / "linkedin" / "mine"
    folder.mkdir(parents=True)
    (folder / "truth.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(FixtureError, match=r"linkedin/mine/truth\.yaml" + message):
        load_truth("linkedin", "mine", catalogue, tmp_path)


def test_variants_with_truth_in_another_root(tmp_path: Path) -> None:
    (tmp_path / "linkedin" / "mine").mkdir(parents=True)
    shutil.copy(EXAMPLE, tmp_path / "linkedin" / "mine" / "truth.yaml")
    (tmp_path / "_shared" / "x").mkdir(parents=True)
    (tmp_path / "_shared" / "x" / "truth.yaml").write_text("settings: {}\n", encoding="utf-8")
    assert variants_with_truth(tmp_path) == [("linkedin", "mine")]


# ---------------------------------------------------------------- the reader against the truth (browser)

@pytest.fixture(scope="module")
def scores(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Score]:
    """Every variant with a truth file, scanned once in one browser, with a fresh sandbox state."""
    home = tmp_path_factory.mktemp("truth-home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PRIVACYGUARD_HOME", str(home))
        return {(sc.platform, sc.variant): sc for sc in scan_and_score(VARIANTS)}


@pytest.mark.browser
@pytest.mark.parametrize("pair", VARIANTS, ids=_id)
def test_no_wrong_reading(pair: tuple[str, str], scores: dict[tuple[str, str], Score]) -> None:
    wrong = [f"{r.setting}: truth {r.truth}, read {r.reading.value} ({reason(r.reading)})"
             for r in scores[pair].results if r.verdict == "wrong"]
    assert not wrong, "\n".join(wrong)


@pytest.mark.browser
@pytest.mark.parametrize("pair", [p for p in VARIANTS if p[1] in MIN_READ_RATE], ids=_id)
def test_read_rate(pair: tuple[str, str], scores: dict[tuple[str, str], Score]) -> None:
    scored = scores[pair]
    unread = [f"{r.setting}: {reason(r.reading)}" for r in scored.results if r.verdict == "unread"]
    assert scored.read_rate >= MIN_READ_RATE[pair[1]], (
        f"{_id(pair)}: {scored.read_rate:.0%} read right, below {MIN_READ_RATE[pair[1]]:.0%}:\n" + "\n".join(unread))


@pytest.mark.browser
@pytest.mark.parametrize("pair", VARIANTS, ids=_id)
def test_every_unread_setting_names_the_page_and_what_was_seen(
        pair: tuple[str, str], scores: dict[tuple[str, str], Score], catalogue: Catalogue) -> None:
    for r in scores[pair].results:
        if r.verdict != "unread":
            continue
        setting = catalogue.setting(r.setting)
        urls = [setting.url, *setting.fallback_urls]
        said = f"{r.reading.note or ''} {r.reading.evidence.url or ''}"
        assert any(url in said for url in urls), f"{r.setting}: no page named in {reason(r.reading)!r}"
        assert r.reading.note, f"{r.setting}: no reason given: {reason(r.reading)!r}"
        # what was seen: the control's text or state, or what the page held where the control was sought
        assert (r.reading.evidence.raw or "").strip(), f"{r.setting}: says nothing it saw: {reason(r.reading)!r}"
