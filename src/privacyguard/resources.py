"""Locate the data shipped with privacyguard: flows, fixtures and built-in policies.

In a source checkout (editable install) flows/ and fixtures/ sit at the repository root; in a
wheel they are packed under privacyguard/_data/. Environment variables override both.
"""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def _data_dir(name: str, env: str) -> Path:
    override = os.environ.get(env)
    if override:
        return Path(override)
    packed = _PACKAGE_DIR / "_data" / name
    if packed.is_dir():
        return packed
    return _PACKAGE_DIR.parents[1] / name


def flows_dir() -> Path:
    """Folder of flows/<platform>.yaml (override: PRIVACYGUARD_FLOWS)."""
    return _data_dir("flows", "PRIVACYGUARD_FLOWS")


def fixtures_dir() -> Path:
    """Root of the simulated platforms' pages (override: --fixtures or PRIVACYGUARD_FIXTURES)."""
    return _data_dir("fixtures", "PRIVACYGUARD_FIXTURES")


def policies_dir() -> Path:
    """Built-in policy profiles (recommended, strict)."""
    return _PACKAGE_DIR / "policies"
