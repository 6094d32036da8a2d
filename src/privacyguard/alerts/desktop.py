"""Desktop notifications where the OS offers them: notify-send (Linux/BSD), osascript (macOS),
a PowerShell toast (Windows). Everything the OS is asked runs through an injectable runner."""

from __future__ import annotations

import platform
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field

from privacyguard.alerts.payload import Alert
from privacyguard.history.models import AlertOutcome
from privacyguard.i18n import _
from privacyguard.snapshot import now_utc

Runner = Callable[..., subprocess.CompletedProcess]

# Title and body travel as arguments, never pasted into the script (no quoting games).
_OSASCRIPT = ["-e", "on run argv", "-e", "display notification (item 2 of argv) with title (item 1 of argv)",
              "-e", "end run"]
_POWERSHELL = (
    "param($title, $body);"
    "[Windows.UI.Notifications.ToastNotificationManager, Windows.UI.Notifications, "
    "ContentType = WindowsRuntime] > $null;"
    "$xml = [Windows.UI.Notifications.ToastNotificationManager]::GetTemplateContent("
    "[Windows.UI.Notifications.ToastTemplateType]::ToastText02);"
    "$texts = $xml.GetElementsByTagName('text');"
    "$texts.Item(0).AppendChild($xml.CreateTextNode($title)) > $null;"
    "$texts.Item(1).AppendChild($xml.CreateTextNode($body)) > $null;"
    "[Windows.UI.Notifications.ToastNotificationManager]::CreateToastNotifier('privacyguard').Show("
    "[Windows.UI.Notifications.ToastNotification]::new($xml))"
)


def desktop_command(title: str, body: str, system: str | None = None,
                    which: Callable[[str], str | None] = shutil.which) -> list[str] | None:
    """The command that shows a notification on this OS, or None where there is none."""
    system = system or platform.system()
    if system == "Darwin":
        osascript = which("osascript")
        return [osascript, *_OSASCRIPT, title, body] if osascript else None
    if system == "Windows":
        shell = which("powershell") or which("pwsh")
        return [shell, "-NoProfile", "-NonInteractive", "-Command", f"& {{{_POWERSHELL}}}", title, body] \
            if shell else None
    notify_send = which("notify-send")
    return [notify_send, "--app-name=privacyguard", title, body] if notify_send else None


@dataclass
class DesktopNotifier:
    system: str | None = None
    which: Callable[[str], str | None] = field(default=shutil.which, repr=False)
    runner: Runner = field(default=subprocess.run, repr=False)

    label = "desktop"

    def send(self, alert: Alert) -> AlertOutcome:
        body = "\n".join(alert.text().splitlines()[2:8]) or alert.headline
        command = desktop_command(alert.headline, body, self.system, self.which)
        if command is None:
            return AlertOutcome(target=self.label, ok=False, sent_at=now_utc(),
                                error=_("no desktop notifications on this system (notify-send, osascript or "
                                        "PowerShell not found)"))
        try:
            result = self.runner(command, capture_output=True, text=True, timeout=30, check=False)
        except (OSError, subprocess.SubprocessError) as exc:
            return AlertOutcome(target=self.label, ok=False, error=f"{type(exc).__name__}: {exc}", sent_at=now_utc())
        if result.returncode != 0:
            detail = (result.stderr or "").strip().splitlines()[:1]
            return AlertOutcome(target=self.label, ok=False, sent_at=now_utc(),
                                error=f"{command[0]} exited with {result.returncode}"
                                + (f": {detail[0]}" if detail else ""))
        return AlertOutcome(target=self.label, ok=True, sent_at=now_utc())
