"""What a scheduled sweep runs and when: one Job, the same for every OS scheduler."""

from __future__ import annotations

import hashlib
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from privacyguard.errors import BadInput
from privacyguard.home import ENV_HOME, privacyguard_home
from privacyguard.i18n import _

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
DAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MARKER = "privacyguard-schedule"  # tags every artifact we install, so remove touches nothing else


def parse_day(text: str) -> str:
    key = text.strip().lower()[:3]
    if key not in DAYS or (len(text.strip()) > 3 and not DAY_NAMES[DAYS.index(key)].lower().startswith(
            text.strip().lower())):
        raise BadInput(_("--weekly {text!r}: use a day of the week: {days}").format(text=text, days=", ".join(DAYS)))
    return key


def parse_time(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", text.strip())
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise BadInput(_("--at {text!r}: use HH:MM on a 24-hour clock, e.g. 09:00 or 21:30").format(text=text))
    return int(match.group(1)), int(match.group(2))


def executable() -> list[str]:
    """The absolute command that starts privacyguard: the console script beside this Python, else -m."""
    scripts = Path(sys.executable).parent
    for name in ("privacyguard", "privacyguard.exe"):
        candidate = scripts / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return [str(candidate.absolute())]
    return [str(Path(sys.executable).absolute()), "-m", "privacyguard"]


def job_name(home: Path) -> str:
    """privacyguard-sweep for the default home; a suffix per home otherwise (several homes, several jobs)."""
    default = Path(platformdirs.user_data_dir("privacyguard")).resolve()
    if home.resolve() == default:
        return "privacyguard-sweep"
    return "privacyguard-sweep-" + hashlib.sha256(str(home.resolve()).encode()).hexdigest()[:8]


@dataclass(frozen=True)
class Job:
    name: str
    day: str  # mon … sun
    hour: int
    minute: int
    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)
    home: Path = field(default_factory=privacyguard_home)

    @property
    def day_index(self) -> int:
        """1 = Monday … 7 = Sunday."""
        return DAYS.index(self.day) + 1

    @property
    def at(self) -> str:
        return f"{self.hour:02d}:{self.minute:02d}"

    def describe(self) -> str:
        return f"every {DAY_NAMES[self.day_index - 1]} at {self.at} (local time)"

    @property
    def log_dir(self) -> Path:
        return self.home / "logs"


def make_job(day: str = "mon", at: str = "09:00", notify: list[str] | None = None) -> Job:
    """The job: `privacyguard sweep --quiet`, writing the latest HTML report, with the home carried."""
    home = privacyguard_home().resolve()
    hour, minute = parse_time(at)
    report = home / "reports" / "last-sweep.html"
    argv = [*executable(), "sweep", "--quiet", "--format", "html", "--output", str(report)]
    for target in notify or []:
        argv += ["--notify", target]
    return Job(job_name(home), parse_day(day), hour, minute, argv, {ENV_HOME: str(home)}, home)
