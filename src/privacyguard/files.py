"""Writing files: one place for atomic writes, private modes and checking outputs before work starts.

- `write_atomic`: a temporary file in the same folder, flushed and fsynced, then renamed over the
  target (and the folder fsynced): a crash or a kill leaves the old file or the new one, never
  half of one.
- State under the privacyguard home is private whatever the umask: files 0600, folders 0700
  (`private_dir`, `PRIVATE_FILE`).
- `check_output`: an output path the person gave is checked before any work is done, so a scan
  is never thrown away because its report cannot be written (exit 3 naming the path).
- `StateNotWritable`: a file under the home cannot be written; the message says which and why.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import tempfile
from pathlib import Path

from privacyguard.errors import BadInput, StateNotWritable
from privacyguard.i18n import _

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
PUBLIC_FILE = 0o644  # outputs the person asked for (reports), before the umask


def reason(exc: OSError) -> str:
    """A short reason for an OS error, without the path (callers name the path themselves)."""
    if exc.errno in (errno.EROFS,):
        return _("the file system is read-only")
    if exc.errno in (errno.EACCES, errno.EPERM):
        return _("permission denied")
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return _("the disk is full (or a file size limit was reached)")
    if exc.errno == errno.ENOTDIR:
        return _("a part of the path is a file, not a folder")
    if exc.errno == errno.EISDIR:
        return _("it is a folder")
    if exc.errno == errno.ENOENT:
        return _("the folder does not exist")
    return exc.strerror or type(exc).__name__


def private_dir(path: Path) -> Path:
    """Create a folder (and missing parents) as 0700, whatever the umask; an existing one is left as is."""
    missing = []
    current = path
    while not current.exists():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    for folder in missing:
        with contextlib.suppress(OSError):
            os.chmod(folder, PRIVATE_DIR)
    return path


def write_atomic(path: Path, content: str | bytes, mode: int = PRIVATE_FILE, private_parent: bool = True,
                 exclusive: bool = False) -> Path:
    """Write `content` to `path` atomically, with exactly `mode` (not masked by the umask).

    `exclusive`: never replace an existing file (FileExistsError), e.g. a signing key.
    Raises OSError; callers turn it into StateNotWritable (state) or BadInput (an output).
    """
    data = content.encode("utf-8") if isinstance(content, str) else content
    folder = path.parent
    if private_parent:
        private_dir(folder)
    else:
        folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{path.name}.{os.getpid()}.{secrets.token_hex(3)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    try:
        try:
            os.fchmod(fd, mode)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
        if exclusive:
            os.link(tmp, path)  # fails if the file exists; never a half-written key
            tmp.unlink()
        else:
            os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _fsync_dir(folder)
    return path


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable (where the platform allows opening a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_state(path: Path, content: str | bytes, what: str) -> Path:
    """Write a private file under the home; a failure names the file and says why."""
    try:
        return write_atomic(path, content, PRIVATE_FILE)
    except OSError as exc:
        raise StateNotWritable(_("cannot write {what} to {path}: {reason}").format(
            what=what, path=path, reason=reason(exc))) from None


def require_writable(folder: Path, what: str, consequence: str = "") -> Path:
    """Fail before any work when `what` could not be written in `folder` (a trial file, removed)."""
    try:
        private_dir(folder)
        fd, name = tempfile.mkstemp(prefix=".probe-", dir=folder)
        os.close(fd)
        os.unlink(name)
    except OSError as exc:
        raise StateNotWritable(_("cannot write {what} in {folder}: {reason}").format(
            what=what, folder=folder, reason=reason(exc)) + (f"; {consequence}" if consequence else "")) from None
    return folder


def check_output(path: Path, option: str | None = "--output") -> Path:
    """Fail now (exit 3 naming the path) if `path` cannot be written as an output file.

    The path must not be a folder; its nearest existing ancestor must be a folder in which a file
    can really be made (a trial file, removed at once, so that read-only and virtual file systems
    such as /proc are caught too, whoever runs it). Nothing is left behind.
    """
    path = Path(path)
    name = f"{option} {path}" if option else str(path)
    if path.is_dir():
        raise BadInput(_("{name}: is a folder; give a file name").format(name=name))
    existing = path.parent
    while not existing.exists() and existing.parent != existing:
        existing = existing.parent
    if not existing.is_dir():
        raise BadInput(_("{name}: {path} is a file, not a folder").format(name=name, path=existing))
    if path.exists() and not os.access(path, os.W_OK):
        raise BadInput(_("{name}: the file cannot be written (permission denied)").format(name=name))
    probe = existing / f".{path.name}.{os.getpid()}.{secrets.token_hex(3)}.probe"
    try:
        os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
        probe.unlink()
    except OSError as exc:
        why = _("files cannot be created there") if exc.errno == errno.ENOENT else reason(exc)
        if existing == path.parent:
            raise BadInput(_("{name}: cannot write there: {reason}").format(name=name, reason=why)) from None
        raise BadInput(_("{name}: cannot write in {folder}: {reason}").format(name=name, folder=existing,
                                                                            reason=why)) from None
    return path


def write_output(path: Path, content: str | bytes, option: str | None = "--output", mode: int = PUBLIC_FILE,
                 exclusive: bool = False) -> Path:
    """Write an output the person asked for, atomically; a failure is bad input naming the path."""
    name = f"{option} {path}" if option else str(path)
    try:
        return write_atomic(Path(path), content, mode & ~_umask() if mode == PUBLIC_FILE else mode,
                            private_parent=False, exclusive=exclusive)
    except FileExistsError:
        raise BadInput(_("{name}: already exists").format(name=name)) from None
    except OSError as exc:
        raise BadInput(_("{name}: cannot write there: {reason}").format(name=name, reason=reason(exc))) from None


def not_a_folder(option: str, path: object) -> str:
    """'--fixtures PATH: not a folder', said the same way for every option that takes a folder."""
    return _("{option} {path}: not a folder").format(option=option, path=path)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
