"""Make sure a Chromium is available for privacyguard (used by `make setup`).

Order: a browser privacyguard already finds (Playwright's own or a system one); else try
Playwright's download; else, as root on Debian/Ubuntu, the OS's `chromium` package; else say how.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from privacyguard.collect.browser import HOW_TO_GET_ONE, find_browser, headless_shell
from privacyguard.errors import BrowserNotFound


def _found() -> bool:
    try:
        choice = find_browser()
    except BrowserNotFound:
        return False
    print(f"browser: {choice.describe()}")
    return True


def _apt_install(package: str) -> None:
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    command = ["apt-get", "install", "-y", "-qq", package]
    if subprocess.run(command, check=False, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode:
        subprocess.run(["apt-get", "update", "-qq"], check=False, env=env)
        subprocess.run(command, check=False, env=env, stdout=subprocess.DEVNULL)


def _headless_shell() -> None:
    """With a system Chromium, also get its headless shell where apt can: about 3x less CPU per page."""
    if headless_shell() or not (shutil.which("apt-get") and hasattr(os, "geteuid") and os.geteuid() == 0):
        return
    try:
        if find_browser().kind != "system":
            return
    except BrowserNotFound:
        return
    print("installing the OS package `chromium-headless-shell` (faster headless runs)…")
    _apt_install("chromium-headless-shell")
    if headless_shell():
        print(f"headless: {headless_shell()}")


def main() -> int:
    if _found():
        _headless_shell()
        return 0
    print("no browser yet; trying Playwright's Chromium download…")
    try:
        subprocess.run([sys.executable, "-m", "playwright", "install", "chromium"], check=True, timeout=300,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except (subprocess.SubprocessError, OSError):
        print("Playwright's download is not reachable here.")
    if _found():
        return 0
    if shutil.which("apt-get") and hasattr(os, "geteuid") and os.geteuid() == 0:
        print("installing the OS package `chromium` with apt-get…")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-qq"], check=False, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=False, env=env,
                       stdout=subprocess.DEVNULL)
        if _found():
            _headless_shell()
            return 0
    print(HOW_TO_GET_ONE, file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
