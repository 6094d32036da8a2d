"""Small helpers every scheduler backend uses: run a command, write and remove our files."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from privacyguard.errors import ScheduleError
from privacyguard.i18n import _


def run(argv: list[str], input_text: str | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run a scheduler command; a missing command or (with check) a failure is a ScheduleError."""
    try:
        result = subprocess.run(argv, input=input_text, capture_output=True, text=True, timeout=60, check=False)
    except FileNotFoundError:
        if not check:
            return subprocess.CompletedProcess(argv, 127, "", f"{argv[0]}: not found")
        raise ScheduleError(_("{command} not found: this system's scheduler is not available").format(
            command=argv[0])) from None
    except subprocess.TimeoutExpired:
        raise ScheduleError(_("{command} did not answer within 60 s").format(command=" ".join(argv[:3]))) from None
    if check and result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise ScheduleError(_("{command} failed (exit {code})").format(command=" ".join(argv), code=result.returncode)
                            + (f": {detail[0]}" if detail else ""))
    return result


def write_file(path: Path, content: str | bytes, mode: int = 0o600) -> None:
    """Atomic write (a crash leaves the old file or the new one, never half of one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    if isinstance(content, bytes):
        tmp.write_bytes(content)
    else:
        tmp.write_text(content, encoding="utf-8")
    os.chmod(tmp, mode)
    tmp.replace(path)


def remove_file(path: Path, marker: str) -> bool:
    """Delete a file only if it is ours (carries the marker); True if removed."""
    try:
        data = path.read_bytes()
    except OSError:
        return False
    if marker.encode() not in data and marker.encode("utf-16-le") not in data:
        return False
    path.unlink()
    return True
