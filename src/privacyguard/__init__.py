"""privacyguard: read, judge and fix social-media privacy settings in a real browser.

The public library API lives in :mod:`privacyguard.api`; the CLI is a thin layer over it.
"""

from importlib.metadata import PackageNotFoundError, version

try:  # one version number: pyproject.toml's, as installed
    __version__ = version("privacyguard")
except PackageNotFoundError:  # pragma: no cover - running from a source tree that was never installed
    __version__ = "0+unknown"
