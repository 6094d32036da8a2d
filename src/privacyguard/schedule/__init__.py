"""`privacyguard schedule`: run `sweep --quiet` weekly through the OS scheduler.

One code path for every OS: a Job (what and when) is made once; a backend turns it into a
systemd user timer (Linux with systemd), a crontab line (other Unix), a launchd agent (macOS)
or a Task Scheduler task (Windows). What was installed is recorded in schedule.json under the
home, so `remove` takes away exactly that, and installing twice replaces rather than duplicates.

Test and power-user overrides (environment): PRIVACYGUARD_SCHEDULER=systemd|cron|launchd|windows,
PRIVACYGUARD_SYSTEMD_USER_DIR, PRIVACYGUARD_SYSTEMCTL, PRIVACYGUARD_CRONTAB,
PRIVACYGUARD_LAUNCHD_DIR, PRIVACYGUARD_LAUNCHCTL, PRIVACYGUARD_SCHTASKS.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from privacyguard.alerts.webhook import forget_webhook, is_secret_url, store_webhook
from privacyguard.config import shown_target
from privacyguard.errors import BadInput, ScheduleRecordError
from privacyguard.home import privacyguard_home
from privacyguard.i18n import _
from privacyguard.loaders import load_json
from privacyguard.schedule import cron, launchd, systemd, windows
from privacyguard.schedule.common import write_file
from privacyguard.schedule.job import Job, job_name, make_job
from privacyguard.snapshot import now_utc

BACKENDS: dict[str, ModuleType] = {"systemd": systemd, "cron": cron, "launchd": launchd, "windows": windows}


def detect_backend() -> str:
    forced = os.environ.get("PRIVACYGUARD_SCHEDULER")
    if forced:
        if forced not in BACKENDS:
            raise BadInput(_("PRIVACYGUARD_SCHEDULER={name!r}: use one of {names}").format(
                name=forced, names=", ".join(BACKENDS)))
        return forced
    if sys.platform == "darwin":
        return "launchd"
    if sys.platform.startswith("win"):
        return "windows"
    if shutil.which("systemctl") and Path("/run/systemd/system").is_dir():  # systemd is running (sd_booted)
        return "systemd"
    return "cron"


def record_path() -> Path:
    return privacyguard_home() / "schedule.json"


# The fields of schedule.json that status and remove act on (docs/schedule.md), by type.
_RECORD_TEXT = ("name", "when", "installed_at", "day", "at", "cron_line", "unit", "label", "task")
_RECORD_LISTS = ("command", "files", "keyring_entries")


def load_record() -> dict[str, Any] | None:
    """What `schedule install` recorded, through the project's JSON loader (encoding, size, depth) and
    checked field by field; a damaged record is exit 3 naming the file and the field."""
    path = record_path()
    if not path.exists():
        return None
    data = load_json(path, ScheduleRecordError)
    return check_record(data, path)


def check_record(data: Any, path: Path) -> dict[str, Any]:
    def damaged(problem: str) -> ScheduleRecordError:
        return ScheduleRecordError(path, None, _("damaged ({problem}); remove the scheduled job by hand and "
                                                 "delete this file").format(problem=problem))

    if not isinstance(data, dict):
        raise damaged(_("not a JSON object"))
    if not isinstance(data.get("backend"), str) or data["backend"] not in BACKENDS:
        raise damaged(_("backend must be one of {names}").format(names=", ".join(BACKENDS)))
    for key in ("name", "when", "installed_at", "command"):
        if key not in data:
            raise damaged(_("{key} is missing").format(key=key))
    for key in _RECORD_TEXT:
        if key in data and not isinstance(data[key], str) and not (key == "cron_line" and data[key] is None):
            raise damaged(_("{key} must be text").format(key=key))
    for key in _RECORD_LISTS:
        if key in data and not (isinstance(data[key], list) and all(isinstance(v, str) for v in data[key])):
            raise damaged(_("{key} must be a list of text").format(key=key))
    env = data.get("env", {})
    if not isinstance(env, dict) or not all(isinstance(v, str) for v in env.values()):
        raise damaged(_("{key} must map names to text").format(key="env"))
    return data


def render(job: Job, backend: str) -> dict[str, str | bytes]:
    """What a backend would install for `job` (file name or 'crontab' → content); used by tests and --dry-run."""
    rendered = BACKENDS[backend].render(job)
    if isinstance(rendered, dict):
        return dict(rendered)
    key = {"cron": "crontab", "launchd": f"{launchd.label(job.name)}.plist", "windows": f"{job.name}.xml"}[backend]
    return {key: rendered}


def job_targets(notify: list[str]) -> tuple[list[str], list[str]]:
    """Alert targets as the job's command line carries them: a webhook URL with a path, query or
    password goes to the keyring and is named `webhook:keyring:REF`. Returns them and the keyring
    entries made."""
    targets, entries = [], []
    for target in notify:
        kind, sep, rest = target.strip().partition(":")
        if kind.lower() == "webhook" and sep and is_secret_url(rest):
            reference, entry = store_webhook(rest)
            targets.append(f"webhook:{reference}")
            entries.append(entry)
        else:
            targets.append(target)
    return targets, entries


def shown_command(argv: list[str]) -> list[str]:
    """A job's command line as it may be shown: alert targets redacted (records from older versions too)."""
    return [shown_target(arg) if index and argv[index - 1] == "--notify" else arg for index, arg in enumerate(argv)]


def install(day: str = "mon", at: str = "09:00", notify: list[str] | None = None,
            backend: str | None = None) -> dict[str, Any]:
    """Install (or replace) the weekly sweep; returns the record of what was installed."""
    make_job(day, at)  # day and time checked before anything is stored
    targets, entries = job_targets(notify or [])
    job = make_job(day, at, targets)
    backend = backend or detect_backend()
    previous = load_record()
    if previous is not None and previous.get("backend") != backend:
        BACKENDS[previous["backend"]].remove(previous)
    details = BACKENDS[backend].install(job)
    for entry in (previous or {}).get("keyring_entries", []):
        if entry not in entries:
            forget_webhook(entry)
    record = {"backend": backend, "name": job.name, "day": job.day, "at": job.at, "when": job.describe(),
              "command": job.argv, "env": job.env, "installed_at": now_utc().isoformat(),
              "keyring_entries": entries, **details}
    write_file(record_path(), json.dumps(record, indent=2))
    return record


def status() -> dict[str, Any] | None:
    record = load_record()
    if record is None:
        return None
    return {**record, "state": BACKENDS[record["backend"]].status(record)}


def remove(backend: str | None = None) -> tuple[dict[str, Any] | None, list[str]]:
    """Remove what was installed (by the record; without one, only artifacts tagged as ours)."""
    record = load_record()
    if record is None:
        backend = backend or detect_backend()
        name = job_name(privacyguard_home())
        if backend != "cron":
            return None, []
        removed = cron.remove({"backend": backend, "name": name})  # a tagged line left without its record
        return ({"backend": backend, "name": name} if removed else None), removed
    removed = BACKENDS[record["backend"]].remove(record)
    for entry in record.get("keyring_entries", []):
        forget_webhook(entry)
    record_path().unlink(missing_ok=True)
    return record, removed


__all__ = ["BACKENDS", "detect_backend", "install", "make_job", "remove", "render", "shown_command", "status"]
