"""privacyguard: read, judge and fix social-media privacy settings in a real browser.

The public library API lives in :mod:`privacyguard.api`; the CLI is a thin layer over it.
"""

from typing import Any


def __getattr__(name: str) -> Any:
    """`__version__` on first use: importing the package stays instant, so a Ctrl-C at start-up reaches
    the CLI's own handler (privacyguard.__main__) instead of interrupting importlib.metadata."""
    if name != "__version__":
        raise AttributeError(f"module 'privacyguard' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:  # one version number: pyproject.toml's, as installed
        found = version("privacyguard")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree that was never installed
        found = "0+unknown"
    globals()["__version__"] = found
    return found
