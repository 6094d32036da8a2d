"""Where privacyguard keeps its state: one folder, overridable with PRIVACYGUARD_HOME."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

ENV_HOME = "PRIVACYGUARD_HOME"


def privacyguard_home() -> Path:
    """The home folder (created on first use, mode 0700: it may hold sensitive state)."""
    configured = os.environ.get(ENV_HOME)
    home = Path(configured).expanduser() if configured else Path(platformdirs.user_data_dir("privacyguard"))
    home.mkdir(parents=True, exist_ok=True, mode=0o700)
    return home


def sandbox_state_dir() -> Path:
    """Persistent state of the simulated platforms (until `privacyguard sandbox reset`)."""
    return privacyguard_home() / "sandbox"
