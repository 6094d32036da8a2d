"""Sweep history: the SQLite database, its migrations, and drift between sweeps (docs/history.md)."""

from privacyguard.history.db import History, history_path
from privacyguard.history.drift import AccountState, DriftItem, DriftKind, account_drift

__all__ = ["AccountState", "DriftItem", "DriftKind", "History", "account_drift", "history_path"]
