"""Truth files: what a sandbox variant's pages truly show, and how a scan of them scores.

`fixtures/<platform>/<variant>/truth.yaml` gives every setting of the platform its true value, or
`absent` when the page truly lacks the control (then the only right reading is no value: UNKNOWN,
or NOT_OFFERED for a retired control). A reading is *right* (the true value, or no value where
absent), *unread* (no value where the page has one) or *wrong* (another value, or any value where
absent). The scan goes through the library API the CLI uses. See docs/fixtures.md#truth-files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from privacyguard.catalogue import Catalogue, load_catalogue
from privacyguard.errors import FixtureError
from privacyguard.loaders import load_yaml
from privacyguard.resources import fixtures_dir
from privacyguard.snapshot import AccountSnapshot, Reading, ReadStatus
from privacyguard.yamlfile import line_for

ABSENT = "absent"
TRUTH_FILE = "truth.yaml"
Verdict = Literal["right", "unread", "wrong"]


def truth_path(platform: str, variant: str, root: Path | None = None) -> Path:
    return (root or fixtures_dir()) / platform / variant / TRUTH_FILE


def variants_with_truth(root: Path | None = None) -> list[tuple[str, str]]:
    """(platform, variant) for every variant folder that holds a truth file, sorted."""
    base = root or fixtures_dir()
    return sorted((path.parent.parent.name, path.parent.name) for path in base.glob(f"*/*/{TRUTH_FILE}")
                  if not path.parent.parent.name.startswith(("_", ".")))


def load_truth(platform: str, variant: str, catalogue: Catalogue, root: Path | None = None) -> dict[str, str]:
    """The truth of one variant (see read_truth)."""
    return read_truth(truth_path(platform, variant, root), platform, catalogue)


def read_truth(path: Path, platform: str, catalogue: Catalogue) -> dict[str, str]:
    """{setting id: true value or 'absent'}; every setting of the platform, each value one it can have."""
    data, lines = load_yaml(path, FixtureError)
    settings = data.get("settings") if isinstance(data, dict) else None
    if not isinstance(settings, dict) or set(data) != {"settings"}:
        raise FixtureError(path, None, "expected one key, `settings:` (setting id: true value or absent)")
    flow = catalogue.platform(platform)
    for setting_id, value in settings.items():
        line = line_for(lines, ("settings", setting_id))
        if setting_id not in flow.by_id:
            raise FixtureError(path, line, f"{setting_id}: not a {platform} setting")
        allowed = [*flow.by_id[setting_id].values, ABSENT]
        if not isinstance(value, str) or value not in allowed:
            raise FixtureError(path, line, f"{setting_id}: {value!r} is not one of {', '.join(allowed)}")
    missing = [s.id for s in flow.settings if s.id not in settings]
    if missing:
        raise FixtureError(path, None, f"no truth for {', '.join(missing)}")
    return dict(settings)


def judge(truth: str, reading: Reading) -> Verdict:
    value = reading.value if reading.ok else None
    if value is None:
        return "right" if truth == ABSENT else "unread"
    return "right" if value == truth else "wrong"


def reason(reading: Reading) -> str:
    """Why a setting has no value, as the reading says it: status, note, page and what was seen."""
    parts = [str(reading.status), reading.note or "", f"page {reading.evidence.url}" if reading.evidence.url else "",
             f"saw {reading.evidence.raw!r}" if reading.evidence.raw else ""]
    return "; ".join(p for p in parts if p)


@dataclass
class Scored:
    setting: str
    truth: str
    reading: Reading
    verdict: Verdict


@dataclass
class Score:
    platform: str
    variant: str
    results: list[Scored] = field(default_factory=list)

    def count(self, verdict: Verdict) -> int:
        return sum(1 for r in self.results if r.verdict == verdict)

    @property
    def read_rate(self) -> float:
        """Share of settings read right (absent controls rightly read as no value included)."""
        return self.count("right") / len(self.results) if self.results else 0.0


def score(account: AccountSnapshot, truth: dict[str, str], variant: str) -> Score:
    scored = Score(account.platform, variant)
    for setting_id, true_value in truth.items():
        reading = account.readings.get(setting_id)
        if reading is None:  # the scan said nothing at all: never right, even where the control is absent
            missing = Reading(setting=setting_id, status=ReadStatus.ERROR, note="no reading in the snapshot")
            scored.results.append(Scored(setting_id, true_value, missing, "unread"))
        else:
            scored.results.append(Scored(setting_id, true_value, reading, judge(true_value, reading)))
    return scored


def scan_and_score(pairs: list[tuple[str, str]] | None = None, root: Path | None = None,
                   catalogue: Catalogue | None = None) -> list[Score]:
    """Scan each (platform, variant) as `privacyguard scan --sandbox` does, in one browser, and score it."""
    from privacyguard import api  # the API the CLI uses; imported here: api imports the sandbox package

    catalogue = catalogue or load_catalogue()
    pairs = pairs if pairs is not None else variants_with_truth(root)
    truths = {pair: load_truth(*pair, catalogue, root) for pair in pairs}
    targets = [target for platform, variant in pairs
               for target in api.sandbox_targets([platform], variant, catalogue, root,
                                                 account=f"truth-{platform}-{variant}")]
    snapshot = api.collect(targets, catalogue)
    by_account = {(a.platform, a.account): a for a in snapshot.accounts}
    return [score(by_account[(platform, f"truth-{platform}-{variant}")], truths[(platform, variant)], variant)
            for platform, variant in pairs]
