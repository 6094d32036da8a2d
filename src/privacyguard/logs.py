"""Logging for the command line: -q errors only, default warnings, -v info, -vv (or PRIVACYGUARD_DEBUG) debug.

Library modules log to `privacyguard.*` loggers and never configure logging themselves; the CLI
calls `configure` once, so a program that imports privacyguard keeps its own logging set-up.
"""

from __future__ import annotations

import logging
import os

from rich.console import Console
from rich.logging import RichHandler

LOGGER = "privacyguard"


def debug_env() -> bool:
    """PRIVACYGUARD_DEBUG set (to anything but 0 or empty): the same as -vv."""
    return os.environ.get("PRIVACYGUARD_DEBUG", "") not in ("", "0")


def level_for(verbose: int, quiet: bool) -> int:
    if debug_env():
        verbose = max(verbose, 2)
    if verbose >= 2:
        return logging.DEBUG
    if verbose == 1:
        return logging.INFO
    return logging.ERROR if quiet else logging.WARNING


def configure(verbose: int, quiet: bool, console: Console) -> int:
    """Send privacyguard's log records to stderr at the chosen level; returns the level."""
    level = level_for(verbose, quiet)
    logger = logging.getLogger(LOGGER)
    for handler in list(logger.handlers):
        if getattr(handler, "_privacyguard", False):
            logger.removeHandler(handler)
    handler = RichHandler(console=console, show_time=level <= logging.DEBUG, show_path=level <= logging.DEBUG,
                          markup=False, rich_tracebacks=False)
    handler._privacyguard = True  # type: ignore[attr-defined]
    logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False
    return level


def debugging() -> bool:
    """Tracebacks wanted: -vv or PRIVACYGUARD_DEBUG."""
    return logging.getLogger(LOGGER).isEnabledFor(logging.DEBUG) or debug_env()
