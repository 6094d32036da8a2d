"""Bad input: exit 3 with one clear message, never a traceback. Commands that need no browser."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run_cli


def assert_bad_input(result, *fragments: str) -> None:
    assert result.returncode == 3, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        ("rules:\n  linkedin.generative_ai_dta:\n    expect: off\n",
         [":2:", "did you mean 'linkedin.generative_ai_data'"]),
        ("rules:\n  facebook.search_engines:\n    expect: maybe\n", [":3:", "cannot be 'maybe'"]),
        ("rules: [\n", [":2:", "invalid YAML"]),
    ],
)
def test_malformed_policy(pg_home: Path, tmp_path: Path, text: str, fragments: list[str]) -> None:
    policy = tmp_path / "mine.yaml"
    policy.write_text(text)
    for args in (["policy", "validate", str(policy)],
                 ["scan", "--sandbox", "default", "--policy", str(policy)]):
        assert_bad_input(run_cli(*args, home=pg_home), str(policy), *fragments)


def test_unknown_platform_variant_policy_and_option(pg_home: Path) -> None:
    assert_bad_input(run_cli("scan", "--platform", "linkdin", "--sandbox", "default", home=pg_home),
                     "did you mean 'linkedin'")
    assert_bad_input(run_cli("scan", "--platform", "linkedin", "--sandbox", "hardend", home=pg_home),
                     "did you mean 'hardened'")
    assert_bad_input(run_cli("scan", "--sandbox", "default", "--policy", "stict", home=pg_home),
                     "did you mean 'strict'")
    assert_bad_input(run_cli("scan", "--sandbox", "default", "--lang", "fr", home=pg_home))
    assert_bad_input(run_cli("scan", "--frobnicate", home=pg_home), "--frobnicate")


def test_nothing_to_scan(pg_home: Path) -> None:
    assert_bad_input(run_cli("scan", home=pg_home), "nothing to scan")


def test_malformed_snapshot(pg_home: Path, tmp_path: Path) -> None:
    bad = tmp_path / "snap.json"
    bad.write_text("{\"accounts\": 5}")
    assert_bad_input(run_cli("evaluate", str(bad), home=pg_home), str(bad), "not a privacyguard snapshot")
    assert_bad_input(run_cli("evaluate", str(tmp_path / "missing.json"), home=pg_home), "cannot read")


def test_policy_list_show_validate(pg_home: Path) -> None:
    listed = run_cli("policy", "list", home=pg_home)
    assert listed.returncode == 0 and "recommended" in listed.stdout and "strict" in listed.stdout
    shown = run_cli("policy", "show", "recommended", "--lang", "nl", home=pg_home)
    assert shown.returncode == 0 and "adresboek" in shown.stdout
    docs_example = Path(__file__).resolve().parents[1] / "docs" / "examples" / "policy.yaml"
    valid = run_cli("policy", "validate", str(docs_example), home=pg_home)
    assert valid.returncode == 0 and "valid" in valid.stdout


def test_catalog(pg_home: Path) -> None:
    result = run_cli("catalog", "--platform", "facebook", home=pg_home)
    assert result.returncode == 0
    assert "facebook.review_tagged_posts" in result.stdout and "linkedin." not in result.stdout
