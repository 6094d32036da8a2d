"""Issue 14: `audit collect` of 1,000 bundles gives exactly what it gave before it was made fast.

The golden file tests/data/audit-collect-1000-golden.json.gz is the output of the merge code as it
was before issue 14 (main at 2b7306d: the loader's full tree walk, pydantic models per cell, the
cyclic garbage collector running throughout) on the inbox `build_inbox` makes: 1,000 signed bundles
(2,000 accounts) plus every kind of bad or odd file: a duplicate, a superseded and a tampered one,
a stranger's, one with values the settings cannot take (screened to UNKNOWN), one signed with another
key, an unsigned, a stale and a future one, and hostile bytes (UTF-16, Latin-1, NUL, deep nesting,
a lone surrogate, broken JSON, a schema error, another format, another version, a list). The
roster adds a person with no bundle, an account not in its owner's bundle and a bad row. The
golden holds the merged audit and the json, csv and table reports, with times and paths neutral.

To make it again (only when the output is meant to change): `python
tests/test_audit_collect_thousand.py DIR OUT.json.gz` with the code that is to be the reference.
The 10,000-bundle timing is in `make bench`, not here.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import sys
from pathlib import Path

from test_audit_collect_scale import outputs, table_facts

DATA = Path(__file__).parent / "data"
GOLDEN = DATA / "audit-collect-1000-golden.json.gz"
KEY = b"an-organisation-key-for-the-thousand-test"
OTHER_KEY = b"somebody-elses-key-not-the-organisations"
MADE = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)  # when the newest bundle was made
NOW = MADE + dt.timedelta(hours=1)  # when they are collected
PEOPLE = 1000


def _signed(data: dict, key: bytes) -> str:
    from privacyguard.audit.bundle import key_id, signature_of

    data["signature"] = None
    data["signature"] = {"alg": "HMAC-SHA256", "key_id": key_id(key), "value": signature_of(data, key)}
    return json.dumps(data, indent=2, ensure_ascii=False)


def build_inbox(base: Path) -> None:
    """The inbox, roster and key the golden file was made from (the same bytes on every run)."""
    from privacyguard.testing import write_signed_inbox

    inbox = base / "inbox"
    write_signed_inbox(inbox, base / "roster.csv", PEOPLE, KEY, now=MADE)
    (base / "key").write_bytes(KEY)
    with (base / "roster.csv").open("a", encoding="utf-8") as roster:
        roster.write("Person Extra,Team 99,extra@example.org,linkedin,li-extra,\n"  # hands in nothing
                     "Person 00005,Team 05,person00005@example.org,linkedin,li-second,\n"  # not in the bundle
                     "Bad Row,Team 01,bad@example.org,myspace,nobody,\n")  # a roster problem

    def bundle(i: int) -> dict:
        return json.loads((inbox / f"{i:05d}.json").read_text(encoding="utf-8"))

    odd = inbox / "odd"
    odd.mkdir()
    (odd / "copy-of-00000.json").write_text((inbox / "00000.json").read_text(encoding="utf-8"), encoding="utf-8")
    tampered = bundle(1)
    tampered["accounts"][0]["status"] = "PASS"
    (odd / "tampered-00001.json").write_text(json.dumps(tampered), encoding="utf-8")
    older = bundle(2)
    older["created_at"] = (MADE - dt.timedelta(days=3)).isoformat()
    older["accounts"][0]["findings"] = older["accounts"][0]["findings"][:3]
    (odd / "older-00002.json").write_text(_signed(older, KEY), encoding="utf-8")
    stranger = bundle(3)
    stranger["who"] = "someone.else@example.org"
    (odd / "stranger.json").write_text(_signed(stranger, KEY), encoding="utf-8")
    garbage = bundle(4)  # replaces 00004.json: newer, judged on values the settings cannot take
    garbage["created_at"] = (MADE + dt.timedelta(minutes=1)).isoformat()
    for finding in garbage["accounts"][0]["findings"][:4]:
        finding["status"], finding["actual"] = "PASS", "garbage ✓"
    (odd / "garbage-00004.json").write_text(_signed(garbage, KEY), encoding="utf-8")
    (odd / "other-key-00006.json").write_text(_signed(bundle(6), OTHER_KEY), encoding="utf-8")
    unsigned = bundle(7)
    unsigned["signature"] = None
    (odd / "unsigned-00007.json").write_text(json.dumps(unsigned), encoding="utf-8")
    stale = bundle(8)
    stale["created_at"] = (MADE - dt.timedelta(days=60)).isoformat()
    (odd / "stale-00008.json").write_text(_signed(stale, KEY), encoding="utf-8")
    future = bundle(9)
    future["created_at"] = (MADE + dt.timedelta(days=5)).isoformat()
    (odd / "future-00009.json").write_text(_signed(future, KEY), encoding="utf-8")
    bom = (inbox / "00010.json").read_bytes()
    (inbox / "00010.json").write_bytes(b"\xef\xbb\xbf" + bom)  # a UTF-8 BOM is accepted
    schema = bundle(11)
    schema["accounts"][0]["findings"][2]["status"] = "MAYBE"
    (odd / "schema-00011.json").write_text(_signed(schema, KEY), encoding="utf-8")
    deep_signed = bundle(12)
    nested: object = "deep"
    for _ in range(49):  # 49 lists in "tool" (itself at level 2): level 51, past the loader's 48
        nested = [nested]
    deep_signed["tool"] = {"name": nested}
    (odd / "deep-signed-00012.json").write_text(_signed(deep_signed, KEY), encoding="utf-8")
    surrogate = bundle(13)
    surrogate["who"] = "\ud800"
    (odd / "surrogate-00013.json").write_text(json.dumps(surrogate), encoding="utf-8")
    escaped = bundle(14)  # an escaped emoji (a surrogate pair, which is fine) in a value
    escaped["accounts"][0]["findings"][0]["reason"] = "\U0001F600 fine"
    (odd / "escaped-00014.json").write_text(_signed(escaped, KEY).replace("\U0001F600", "\\ud83d\\ude00"),
                                            encoding="utf-8")
    hostile = {
        "utf16.json": '{"format": "privacyguard-audit-bundle"}'.encode("utf-16"),
        "latin1.json": '{"who": "café"}'.encode("latin-1"),
        "nul.json": b'{"who":\n "x\0"}',
        "deep.json": b"[" * 100_000 + b"]" * 100_000,
        "deep-49.json": b'{"format": "privacyguard-audit-bundle", "x": ' + b"[" * 48 + b"]" * 48 + b"}",
        "broken.json": b'{"format": "privacyguard-audit-bundle",\n "who": }',
        "empty.json": b"",
        "list.json": b"[1, 2]",
        "other-format.json": b'{"format": "something-else"}',
        "version-2.json": b'{"format": "privacyguard-audit-bundle", "format_version": 2}',
        "huge-int.json": b'{"format_version": ' + b"9" * 5000 + b"}",
    }
    for name, content in hostile.items():
        (odd / name).write_bytes(content)


def test_collect_of_a_thousand_gives_what_it_gave_before(tmp_path: Path, pg_home: Path) -> None:
    build_inbox(tmp_path)
    got = outputs(tmp_path, KEY, NOW)
    want = json.loads(gzip.decompress(GOLDEN.read_bytes()))
    assert len(got["audit"]["accounts"]) == 2 * PEOPLE  # each person's own bundle is good; only odd ones go
    assert len(got["audit"]["rejected"]) == 24 and len(got["audit"]["missing"]) == 2
    assert got["audit"]["rejected"] == want["audit"]["rejected"]
    assert got["audit"]["missing"] == want["audit"]["missing"]
    for mine, theirs in zip(got["audit"]["accounts"], want["audit"]["accounts"], strict=True):
        assert mine == theirs
    assert got["audit"] == want["audit"]
    assert got["json"] == want["json"]
    assert got["csv"] == want["csv"]
    assert table_facts(got["table"]) == table_facts(want["table"])  # its layout is issue 12's


if __name__ == "__main__":  # making the golden file: see the module docstring
    where = Path(sys.argv[1])
    build_inbox(where)
    text = json.dumps(outputs(where, KEY, NOW), ensure_ascii=False, sort_keys=True) + "\n"
    Path(sys.argv[2]).write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))
