"""A crontab entry, where there is no systemd: one line, tagged so remove finds exactly it."""

from __future__ import annotations

import os
import shlex
from typing import Any

from privacyguard.errors import ScheduleError
from privacyguard.i18n import _
from privacyguard.schedule.common import run
from privacyguard.schedule.job import MARKER, Job


def crontab() -> list[str]:
    return shlex.split(os.environ.get("PRIVACYGUARD_CRONTAB", "crontab"))


def tag(name: str) -> str:
    return f"# {MARKER}:{name}"


def render(job: Job) -> str:
    """minute hour day-of-month month day-of-week command  # tag ('%' is special to cron: escaped)."""
    env = " ".join(f"{k}={shlex.quote(v)}" for k, v in job.env.items())
    command = f"{env} {shlex.join(job.argv)}".replace("%", "\\%")
    return f"{job.minute} {job.hour} * * {job.day_index % 7} {command} {tag(job.name)}"


def read() -> list[str]:
    result = run([*crontab(), "-l"], check=False)
    if result.returncode == 127:
        raise ScheduleError(_("no `crontab` command: install cron (e.g. apt-get install cron) for scheduled sweeps"))
    if result.returncode != 0:
        if "no crontab" in (result.stderr or "").lower():
            return []
        raise ScheduleError(_("crontab -l failed: {problem}").format(problem=(result.stderr or "").strip()))
    return result.stdout.splitlines()


def write(lines: list[str]) -> None:
    run([*crontab(), "-"], input_text="\n".join(lines) + "\n" if lines else "")


def ours(line: str, name: str) -> bool:
    return line.rstrip().endswith(tag(name))


def install(job: Job) -> dict[str, Any]:
    line = render(job)
    lines = [existing for existing in read() if not ours(existing, job.name)]
    write([*lines, line])
    return {"cron_line": line}


def remove(record: dict[str, Any]) -> list[str]:
    name = record["name"]
    lines = read()
    kept = [line for line in lines if not ours(line, name)]
    if len(kept) != len(lines):
        write(kept)
    return [line for line in lines if ours(line, name)]


def status(record: dict[str, Any]) -> dict[str, Any]:
    found = [line for line in read() if ours(line, record["name"])]
    return {"cron_line": found[0] if found else None, "entries": len(found),
            "ok": len(found) == 1 and found[0] == record.get("cron_line")}
