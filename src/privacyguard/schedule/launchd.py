"""A launchd agent on macOS (StartCalendarInterval; a sweep missed while asleep runs on wake)."""

from __future__ import annotations

import os
import plistlib
import shlex
from pathlib import Path
from typing import Any

from privacyguard.schedule.common import remove_file, run, write_file
from privacyguard.schedule.job import MARKER, Job


def agents_dir() -> Path:
    override = os.environ.get("PRIVACYGUARD_LAUNCHD_DIR")
    return Path(override) if override else Path.home() / "Library" / "LaunchAgents"


def launchctl() -> list[str]:
    return shlex.split(os.environ.get("PRIVACYGUARD_LAUNCHCTL", "launchctl"))


def label(job_name: str) -> str:
    return "org.privacyguard." + job_name.removeprefix("privacyguard-")


def domain() -> str:
    return f"gui/{os.getuid() if hasattr(os, 'getuid') else 0}"


def render(job: Job) -> bytes:
    plist = {
        "Label": label(job.name),
        "Comment": f"{MARKER}: installed by `privacyguard schedule install`; {job.describe()}",
        "ProgramArguments": job.argv,
        "EnvironmentVariables": job.env,
        # launchd weekdays: 0 (or 7) is Sunday, 1 Monday
        "StartCalendarInterval": {"Weekday": job.day_index % 7, "Hour": job.hour, "Minute": job.minute},
        "RunAtLoad": False,
        "ProcessType": "Background",
        "StandardOutPath": str(job.log_dir / "sweep.log"),
        "StandardErrorPath": str(job.log_dir / "sweep.log"),
    }
    return plistlib.dumps(plist, sort_keys=False)


def install(job: Job) -> dict[str, Any]:
    path = agents_dir() / f"{label(job.name)}.plist"
    job.log_dir.mkdir(parents=True, exist_ok=True)
    run([*launchctl(), "bootout", f"{domain()}/{label(job.name)}"], check=False)  # an earlier version, if loaded
    write_file(path, render(job), mode=0o644)
    run([*launchctl(), "bootstrap", domain(), str(path)])
    return {"files": [str(path)], "label": label(job.name)}


def remove(record: dict[str, Any]) -> list[str]:
    run([*launchctl(), "bootout", f"{domain()}/{record.get('label', '')}"], check=False)
    return [f for f in record.get("files", []) if remove_file(Path(f), MARKER)]


def status(record: dict[str, Any]) -> dict[str, Any]:
    present = {f: Path(f).is_file() for f in record.get("files", [])}
    loaded = run([*launchctl(), "print", f"{domain()}/{record.get('label', '')}"], check=False)
    return {"files": present, "loaded": loaded.returncode == 0, "ok": all(present.values()) and loaded.returncode == 0}
