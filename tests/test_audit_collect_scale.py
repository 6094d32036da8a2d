"""`audit collect` at scale gives exactly what it gave before it was made linear.

The golden file tests/data/audit-collect-golden.json is the output of the merge code as it was
before (main at 61b2999: a roster scan per bundle, two parses and two canonical serialisations per
bundle, pydantic validation of every cell) on the inbox `build_inbox` makes: 24 signed bundles
plus a duplicate, a tampered, a superseded and a stranger's bundle. It holds the merged audit and
the json, csv and table reports (times and temporary paths replaced). To make it again with
another version of the merge code: `python tests/test_audit_collect_scale.py --inbox DIR` with this
one, then `python tests/test_audit_collect_scale.py --golden DIR OUT.json` with that version first
on PYTHONPATH.
The 10,000-bundle timing is in `make bench`, not here.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from pathlib import Path

DATA = Path(__file__).parent / "data"
GOLDEN = DATA / "audit-collect-golden.json"
KEY = b"an-organisation-key-for-the-scale-test"
MADE = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)  # when the newest bundle was made
NOW = MADE + dt.timedelta(hours=1)  # when they are collected
PEOPLE = 24


def build_inbox(base: Path) -> None:
    """The inbox, roster and key the golden file was made from."""
    from privacyguard.audit.bundle import signature_of
    from privacyguard.testing import write_signed_inbox

    inbox = base / "inbox"
    write_signed_inbox(inbox, base / "roster.csv", PEOPLE, KEY, now=MADE)
    (base / "key").write_bytes(KEY)
    first = (inbox / "00000.json").read_text(encoding="utf-8")
    (inbox / "copy-of-00000.json").write_text(first, encoding="utf-8")  # a duplicate
    tampered = json.loads((inbox / "00001.json").read_text(encoding="utf-8"))
    tampered["accounts"][0]["status"] = "PASS"
    (inbox / "tampered-00001.json").write_text(json.dumps(tampered), encoding="utf-8")
    older = json.loads((inbox / "00002.json").read_text(encoding="utf-8"))
    older["created_at"] = (MADE - dt.timedelta(days=3)).isoformat()
    older["accounts"][0]["findings"] = older["accounts"][0]["findings"][:3]
    older["signature"]["value"] = signature_of(older, KEY)
    (inbox / "older-00002.json").write_text(json.dumps(older), encoding="utf-8")
    stranger = json.loads(first)
    stranger["who"] = "someone.else@example.org"
    stranger["signature"]["value"] = signature_of(stranger, KEY)
    (inbox / "stranger.json").write_text(json.dumps(stranger), encoding="utf-8")


def outputs(base: Path, key: bytes = KEY, now: dt.datetime = NOW) -> dict:
    """What the golden file holds: the merged audit and three reports, with times and paths neutral."""
    from privacyguard.audit import report_text
    from privacyguard.audit.merge import collect_bundles
    from privacyguard.audit.roster import load_roster
    from privacyguard.catalogue import load_catalogue

    catalogue = load_catalogue()
    roster = load_roster(base / "roster.csv", catalogue)
    audit = collect_bundles([base / "inbox"], roster, catalogue, key, now=now)
    audit.created_at = now

    def neutral(text: str) -> str:
        return text.replace(str(base.resolve()), "<base>").replace(str(base), "<base>")

    return {"audit": json.loads(neutral(audit.model_dump_json())),
            "json": json.loads(neutral(report_text(audit, "json"))),
            "csv": neutral(report_text(audit, "csv")),
            "table": neutral(" ".join(report_text(audit, "table").split()))}  # line wrapping follows path length


def test_collect_gives_what_it_gave_before(tmp_path: Path, pg_home: Path) -> None:
    build_inbox(tmp_path)
    got = outputs(tmp_path)
    want = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert len(got["audit"]["accounts"]) == 2 * PEOPLE
    assert len(got["audit"]["rejected"]) == 4  # the duplicate, the tampered, the superseded, the stranger's
    assert got["audit"]["rejected"] == want["audit"]["rejected"]
    assert got["audit"] == want["audit"]
    assert got["json"] == want["json"]
    assert got["csv"] == want["csv"]
    # The terminal table's layout is issue 12's (labels over ids, fitted columns); what it says must not change:
    # the same settings, people and figures, in the same order.
    assert table_facts(got["table"]) == table_facts(want["table"])


def table_facts(table: str) -> tuple[list[str], list[str]]:
    ids = re.findall(r"\b(?:facebook|linkedin|x|instagram)\.[a-z_]+\b", table)
    figures = re.findall(r"\d+% \(\d+/\d+\)|\b\d+/\d+\b", table)
    return ids, figures


def test_collect_reports_progress(tmp_path: Path, pg_home: Path) -> None:
    from privacyguard.audit.merge import collect_bundles
    from privacyguard.audit.roster import load_roster
    from privacyguard.catalogue import load_catalogue

    build_inbox(tmp_path)
    catalogue = load_catalogue()
    seen: list[tuple[int, int]] = []
    collect_bundles([tmp_path / "inbox"], load_roster(tmp_path / "roster.csv", catalogue), catalogue, KEY,
                    now=NOW, on_progress=lambda done, total: seen.append((done, total)))
    assert seen[0] == (0, PEOPLE + 4) and seen[-1] == (PEOPLE + 4, PEOPLE + 4)


if __name__ == "__main__":  # making the golden file: see the module docstring
    if sys.argv[1] == "--inbox":
        build_inbox(Path(sys.argv[2]))
    else:
        Path(sys.argv[3]).write_text(json.dumps(outputs(Path(sys.argv[2])), ensure_ascii=False) + "\n",
                                     encoding="utf-8")
