"""A real OS keyring: GNOME Keyring's Secret Service in a private D-Bus session.

`make test` installs gnome-keyring, dbus and xvfb where apt-get works (scripts/install_test_services.sh);
elsewhere this test skips and says why. privacyguard picks the backend on its own here, as on a
person's Linux desktop: no PYTHON_KEYRING_BACKEND.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

PASSWORD = "secret-service pw 42"
MISSING = [tool for tool in ("dbus-run-session", "gnome-keyring-daemon") if shutil.which(tool) is None]

SESSION_SCRIPT = """
set -eu
mkdir -p "$HOME" "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
printf %s unlock-me | gnome-keyring-daemon --unlock --components=secrets --daemonize >/dev/null
step() { echo "::step $1"; shift; "$@" || echo "::exit $?"; }
PG="$PYTHON -m privacyguard"
step doctor $PG doctor
printf '%s\\n' "$PG_PASSWORD" | step add $PG accounts add li --platform linkedin --sandbox default \\
    --username me@example.org --password-stdin
step stored $PYTHON -c "import keyring; print('stored', keyring.get_password('privacyguard', 'li/password') == \
'$PG_PASSWORD', type(keyring.get_keyring()).__module__)"
step scan $PG scan --account li --format json
step remove $PG accounts remove li
step gone $PYTHON -c "import keyring; print('gone', [keyring.get_password('privacyguard', 'li/' + k) \
for k in ('password', 'session-key')])"
"""


@pytest.mark.skipif(bool(MISSING), reason=f"no Secret Service here: {', '.join(MISSING)} not installed (Debian "
                    "packages gnome-keyring and dbus; `make test-services` installs them where apt-get works)")
def test_secrets_in_gnome_keyring(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHON_KEYRING_BACKEND", "DBUS_SESSION_BUS_ADDRESS")}
    env.update(HOME=str(tmp_path / "user"), XDG_RUNTIME_DIR=str(tmp_path / "run"), XDG_DATA_HOME="",
               PRIVACYGUARD_HOME=str(tmp_path / "pghome"), PYTHON=sys.executable, PG_PASSWORD=PASSWORD,
               COLUMNS="200", NO_COLOR="1")
    script = tmp_path / "session.sh"
    script.write_text(SESSION_SCRIPT)
    result = subprocess.run(["dbus-run-session", "--", "bash", str(script)], capture_output=True, text=True,
                            env=env, timeout=600, check=False)
    steps = dict(part.split("\n", 1) for part in result.stdout.split("::step ")[1:])
    assert "SecretService.Keyring: usable" in steps["doctor"], result.stdout + result.stderr
    assert "password stored in the keyring" in steps["add"]
    assert steps["stored"].startswith("stored True keyring.backends.SecretService")
    report = json.loads(steps["scan"].split("::exit")[0])
    assert report["accounts"][0]["error"] is None  # signed in with the password from the Secret Service
    assert "keyring entries: password, session-key" in steps["remove"]
    assert steps["gone"].startswith("gone [None, None]")
    assert PASSWORD not in result.stdout and PASSWORD not in result.stderr
