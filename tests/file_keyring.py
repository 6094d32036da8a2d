"""A keyring backend for the CLI tests' subprocesses: a JSON file OUTSIDE the privacyguard home.

The in-memory keyring of conftest.py lives in the test process only; a `privacyguard` started
as a subprocess loads this one instead (PYTHON_KEYRING_BACKEND=file_keyring.FileKeyring, with
PG_TEST_KEYRING naming the file). It stands for the OS keyring: tests that look for leaked
secrets search everything privacyguard writes, never this file.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


class FileKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    @property
    def path(self) -> Path:
        return Path(os.environ["PG_TEST_KEYRING"])

    def _load(self) -> dict[str, str]:
        return json.loads(self.path.read_text()) if self.path.is_file() else {}

    def _save(self, data: dict[str, str]) -> None:
        self.path.write_text(json.dumps(data))

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}\t{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._load()
        data[f"{service}\t{username}"] = password
        self._save(data)

    def delete_password(self, service: str, username: str) -> None:
        data = self._load()
        if f"{service}\t{username}" not in data:
            raise PasswordDeleteError(username)
        del data[f"{service}\t{username}"]
        self._save(data)


def cli_env(keyring_file: Path) -> dict[str, str]:
    """Environment for a `privacyguard` subprocess that uses this keyring."""
    tests = str(Path(__file__).resolve().parent)
    path = os.pathsep.join(p for p in (tests, os.environ.get("PYTHONPATH", "")) if p)
    return {"PYTHON_KEYRING_BACKEND": "file_keyring.FileKeyring", "PG_TEST_KEYRING": str(keyring_file),
            "PYTHONPATH": path}
