"""A systemd user timer (Persistent=true: a sweep missed while the computer was off runs at boot)."""

from __future__ import annotations

import os
import shlex
from pathlib import Path
from typing import Any

from privacyguard.schedule.common import remove_file, run, write_file
from privacyguard.schedule.job import MARKER, Job

HEADER = f"# {MARKER}: installed by `privacyguard schedule install`; remove with `privacyguard schedule remove`.\n"


def unit_dir() -> Path:
    override = os.environ.get("PRIVACYGUARD_SYSTEMD_USER_DIR")
    return Path(override) if override else Path.home() / ".config" / "systemd" / "user"


def systemctl() -> list[str]:
    return [*shlex.split(os.environ.get("PRIVACYGUARD_SYSTEMCTL", "systemctl")), "--user"]


def quote(arg: str) -> str:
    """One ExecStart argument: specifiers (%) and variables ($) escaped, quoted when needed."""
    escaped = arg.replace("%", "%%").replace("$", "$$")
    if escaped and not any(c in escaped for c in " \t\"'\\;"):
        return escaped
    return '"' + escaped.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render(job: Job) -> dict[str, str]:
    env = " ".join(quote(f"{k}={v}") for k, v in job.env.items())
    service = (HEADER + "[Unit]\n"
               "Description=privacyguard weekly privacy sweep\n"
               "\n"
               "[Service]\n"
               "Type=oneshot\n"
               f"Environment={env}\n"
               f"ExecStart={' '.join(quote(a) for a in job.argv)}\n"
               # exit 1 (FAIL) and 2 (unverified) are findings, not a failed unit
               "SuccessExitStatus=1 2\n"
               "Nice=10\n")
    timer = (HEADER + "[Unit]\n"
             f"Description=privacyguard weekly privacy sweep, {job.describe()}\n\n"
             "[Timer]\n"
             f"OnCalendar={job.day.capitalize()} *-*-* {job.at}:00\n"
             "Persistent=true\n"
             "RandomizedDelaySec=300\n"
             f"Unit={job.name}.service\n\n"
             "[Install]\n"
             "WantedBy=timers.target\n")
    return {f"{job.name}.service": service, f"{job.name}.timer": timer}


def install(job: Job) -> dict[str, Any]:
    folder = unit_dir()
    files = []
    for name, content in render(job).items():
        write_file(folder / name, content)
        files.append(str(folder / name))
    run([*systemctl(), "daemon-reload"])
    run([*systemctl(), "enable", "--now", f"{job.name}.timer"])
    return {"files": files, "unit": f"{job.name}.timer"}


def remove(record: dict[str, Any]) -> list[str]:
    unit = record.get("unit")
    if unit:
        run([*systemctl(), "disable", "--now", unit], check=False)
    removed = [f for f in record.get("files", []) if remove_file(Path(f), MARKER)]
    run([*systemctl(), "daemon-reload"], check=False)
    return removed


def status(record: dict[str, Any]) -> dict[str, Any]:
    present = {f: Path(f).is_file() for f in record.get("files", [])}
    unit = record.get("unit", "")
    enabled = run([*systemctl(), "is-enabled", unit], check=False)
    timers = run([*systemctl(), "list-timers", unit, "--no-pager", "--all"], check=False)
    return {"files": present, "enabled": enabled.stdout.strip() or enabled.stderr.strip(),
            "next": timers.stdout.strip().splitlines()[1] if timers.returncode == 0
            and len(timers.stdout.strip().splitlines()) > 1 else None,
            "ok": all(present.values()) and enabled.returncode == 0}
