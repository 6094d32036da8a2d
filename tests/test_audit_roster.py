"""The audit roster: CSV and YAML, documented examples, bad rows by line, unusable files exit 3."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import REPO, run_cli
from privacyguard.audit.roster import load_roster
from privacyguard.catalogue import Catalogue
from privacyguard.errors import RosterError

EXAMPLES = REPO / "docs" / "examples"
HEADER = "person,team,email,platform,account,sandbox\n"


def test_documented_examples_load_and_agree(catalogue: Catalogue) -> None:
    csv_roster = load_roster(EXAMPLES / "roster.csv", catalogue)
    yaml_roster = load_roster(EXAMPLES / "roster.yaml", catalogue)
    assert not csv_roster.problems and not yaml_roster.problems
    strip = [e.model_dump(exclude={"line"}) for e in csv_roster.entries]
    assert strip == [e.model_dump(exclude={"line"}) for e in yaml_roster.entries]
    assert [e.line for e in csv_roster.entries] == [2, 3, 4, 5, 6, 7]
    test_li = next(e for e in csv_roster.entries if e.account == "test-li-default")
    assert test_li.sandbox == "default" and test_li.email == ""
    assert next(e for e in csv_roster.entries if e.account == "ann-linkedin").sandbox is None
    assert csv_roster.people() == ["Ann de Vries", "Bram Jansen", "Test Person", "Mo Example"]
    assert csv_roster.find_person("ANN@acme.example") == "Ann de Vries"
    assert csv_roster.find_person("bram jansen") == "Bram Jansen"


def test_bad_rows_are_reported_by_line_and_the_rest_kept(tmp_path: Path, catalogue: Catalogue) -> None:
    path = tmp_path / "roster.csv"
    path.write_text(
        HEADER
        + "Ann,Sales,ann@x.example,linkedin,ann-li,default\n"  # 2 ok
        + ",Sales,,linkedin,nobody-li,\n"  # 3 no person
        + "Bob,Sales,,myspace,bob-ms,\n"  # 4 unknown platform
        + "\n"  # 5 blank: skipped
        + "Cy,IT,not-an-email,facebook,cy-fb,\n"  # 6 bad email
        + "Di,IT,,linkedin,di-li,no-such-variant\n"  # 7 unknown variant
        + "Ed,IT,,linkedin,ann-li,\n"  # 8 duplicate account
        + "Flo,IT,,facebook,flo fb,\n"  # 9 bad account name
        + "Gus,IT,,facebook,gus-fb,default,extra\n"  # 10 too many fields
        + '"Hal, Jr.",IT,,facebook,hal-fb,hardened\n',  # 11 ok (quoted comma)
        encoding="utf-8")
    roster = load_roster(path, catalogue)
    assert [e.account for e in roster.entries] == ["ann-li", "hal-fb"]
    problems = {p.line: p.message for p in roster.problems}
    assert sorted(problems) == [3, 4, 6, 7, 8, 9, 10]
    assert "missing person" in problems[3]
    assert "unknown platform 'myspace'" in problems[4]
    assert "not an e-mail" in problems[6]
    assert "no-such-variant" in problems[7]
    assert "already on the roster (line 2)" in problems[8]
    assert "account name" in problems[9]
    assert "7 fields" in problems[10]
    assert all(p.describe().startswith(f"{path}:") for p in roster.problems)


def test_yaml_rows_report_their_lines(tmp_path: Path, catalogue: Catalogue) -> None:
    path = tmp_path / "roster.yaml"
    path.write_text("- person: Ann\n  platform: linkedin\n  account: ann-li\n  sandbox: hardened\n"
                    "- person: Bob\n  platfrom: linkedin\n  account: bob-li\n"
                    "- just a string\n", encoding="utf-8")
    roster = load_roster(path, catalogue)
    assert [e.account for e in roster.entries] == ["ann-li"]
    assert [(p.line, p.message) for p in roster.problems] == [
        (6, "unknown field 'platfrom' (did you mean 'platform'?)"),
        (8, "a row is a mapping of person, team, email, platform, account, sandbox")]


@pytest.mark.parametrize(("text", "suffix", "line", "message"), [
    ("person,team,platfrom,account\nA,T,linkedin,a\n", ".csv", 1, "unknown column 'platfrom'"),
    ("person,team\nA,T\n", ".csv", 1, "the header lacks platform, account"),
    ("", ".csv", None, "the roster is empty"),
    (HEADER + ",,,linkedin,a,\n", ".csv", None, "no valid row in the roster"),
    ("person: [unclosed\n", ".yaml", 1, "invalid YAML"),
    ("person: Ann\n", ".yaml", 1, "a YAML roster is a list of rows"),
])
def test_an_unusable_roster_is_bad_input(tmp_path: Path, catalogue: Catalogue, text: str, suffix: str,
                                         line: int | None, message: str) -> None:
    path = tmp_path / f"roster{suffix}"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RosterError) as caught:
        load_roster(path, catalogue)
    assert caught.value.line == line
    assert message in caught.value.problem


def test_cli_bad_roster_exits_3_naming_file_and_line(tmp_path: Path, pg_home: Path) -> None:
    path = tmp_path / "staff.csv"
    path.write_text("person,team,emial,platform,account,sandbox\n", encoding="utf-8")
    result = run_cli("audit", "run", str(path), "--policy", "recommended", "--out", str(tmp_path / "a.json"),
                     home=pg_home)
    assert result.returncode == 3
    assert f"{path}:1: unknown column 'emial' (did you mean 'email'?)" in " ".join(result.stderr.split())
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "a.json").exists()
