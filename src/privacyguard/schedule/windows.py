"""A Windows Task Scheduler task, created from XML with schtasks (StartWhenAvailable: a missed
sweep runs as soon as the computer is on again)."""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from privacyguard.schedule.common import remove_file, run, write_file
from privacyguard.schedule.job import DAY_NAMES, MARKER, Job

TASK_NS = "http://schemas.microsoft.com/windows/2004/02/mit/task"


def schtasks() -> list[str]:
    return shlex.split(os.environ.get("PRIVACYGUARD_SCHTASKS", "schtasks"))


def task_name(job_name: str) -> str:
    return "\\privacyguard\\" + job_name


def arguments(job: Job) -> str:
    """cmd.exe arguments: set the home, then run privacyguard (cmd /s strips the outer quotes)."""
    sets = "".join(f'set "{k}={v}"&& ' for k, v in job.env.items())
    return f'/d /s /c "{sets}{subprocess.list2cmdline(job.argv)}"'


def render(job: Job) -> str:
    description = (f"{MARKER}: privacyguard weekly privacy sweep, {job.describe()}. "
                   "Installed by `privacyguard schedule install`.")
    return f"""<?xml version="1.0" encoding="UTF-16"?>
<Task version="1.2" xmlns="{TASK_NS}">
  <RegistrationInfo>
    <Author>privacyguard</Author>
    <Description>{escape(description)}</Description>
    <URI>{escape(task_name(job.name))}</URI>
  </RegistrationInfo>
  <Triggers>
    <CalendarTrigger>
      <StartBoundary>2026-01-05T{job.at}:00</StartBoundary>
      <Enabled>true</Enabled>
      <ScheduleByWeek>
        <DaysOfWeek>
          <{DAY_NAMES[job.day_index - 1]} />
        </DaysOfWeek>
        <WeeksInterval>1</WeeksInterval>
      </ScheduleByWeek>
    </CalendarTrigger>
  </Triggers>
  <Principals>
    <Principal id="Author">
      <LogonType>InteractiveToken</LogonType>
      <RunLevel>LeastPrivilege</RunLevel>
    </Principal>
  </Principals>
  <Settings>
    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>
    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>
    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>
    <StartWhenAvailable>true</StartWhenAvailable>
    <RunOnlyIfNetworkAvailable>false</RunOnlyIfNetworkAvailable>
    <ExecutionTimeLimit>PT2H</ExecutionTimeLimit>
    <Enabled>true</Enabled>
  </Settings>
  <Actions Context="Author">
    <Exec>
      <Command>cmd.exe</Command>
      <Arguments>{escape(arguments(job))}</Arguments>
      <WorkingDirectory>{escape(str(job.home))}</WorkingDirectory>
    </Exec>
  </Actions>
</Task>
"""


def install(job: Job) -> dict[str, Any]:
    path = job.home / "schedule" / f"{job.name}.xml"
    write_file(path, render(job).encode("utf-16"))  # schtasks wants UTF-16 with a byte-order mark
    run([*schtasks(), "/Create", "/TN", task_name(job.name), "/XML", str(path), "/F"])
    return {"files": [str(path)], "task": task_name(job.name)}


def remove(record: dict[str, Any]) -> list[str]:
    run([*schtasks(), "/Delete", "/TN", record.get("task", ""), "/F"], check=False)
    return [f for f in record.get("files", []) if remove_file(Path(f), MARKER)]


def status(record: dict[str, Any]) -> dict[str, Any]:
    query = run([*schtasks(), "/Query", "/TN", record.get("task", ""), "/FO", "LIST"], check=False)
    present = {f: Path(f).is_file() for f in record.get("files", [])}
    return {"files": present, "registered": query.returncode == 0,
            "detail": query.stdout.strip().splitlines()[:6], "ok": query.returncode == 0}
