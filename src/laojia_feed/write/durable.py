"""Durable temporary files beside their targets: made, written, synced, renamed, recognised.

Every file the build writes first exists as a hidden temporary file in its target's
folder, named ``.<target name>.<random>.laojia.tmp``; :func:`is_temp_name` recognises
that name again, so the next build can remove what a killed one left behind.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import tempfile
import threading
from pathlib import Path
from typing import NoReturn

from laojia_feed import fileflags

#: Permissions of a written file before the umask is applied.
FILE_MODE = 0o644

#: How every temporary file of ours ends.
TEMP_SUFFIX = ".laojia.tmp"

#: A temporary file of ours: hidden, the target's name, ``mkstemp``'s 8 random characters.
_TEMP_NAME = re.compile(r"\..+\.[a-z0-9_]{8}" + re.escape(TEMP_SUFFIX))

_umask_lock = threading.Lock()

#: Where Linux shows the process umask without changing it.
_PROC_STATUS = Path("/proc/self/status")


def is_temp_name(name: str) -> bool:
    """True when ``name`` (a file name, no folder) is one :func:`new_temp` gives."""
    return _TEMP_NAME.fullmatch(name) is not None


def replace_with(target: Path, payload: bytes) -> None:
    """Temp file in the target's folder → write → fsync → chmod → rename → fsync folder."""
    tmp = temp_with(target, payload)
    try:
        os.replace(tmp, target)  # noqa: PTH105 - one atomic rename(2), patchable in tests
    except BaseException as exc:
        discard(tmp, target, exc)
    fsync_dir(target.parent)


def temp_with(target: Path, payload: bytes) -> str:
    """A synced temporary file in the target's folder holding ``payload``, with the
    final permissions; removed again if anything fails."""
    fd, tmp = new_temp(target)
    fill(fd, tmp, target, payload)
    return tmp


def fill(fd: int, tmp: str, target: Path, payload: bytes) -> None:
    """Write ``payload`` to the new temporary file ``tmp`` open as ``fd``, seal and close
    it; removed again if anything fails (see :func:`discard`)."""
    try:
        try:
            write_all(fd, payload)
            seal(fd, tmp)
        finally:
            os.close(fd)
    except BaseException as exc:
        discard(tmp, target, exc)


def new_temp(target: Path) -> tuple[int, str]:
    """A new temporary file beside ``target``, open for writing (hidden: no reader of the
    folder takes it for a feed)."""
    return tempfile.mkstemp(dir=target.parent, prefix="." + target.name + ".", suffix=TEMP_SUFFIX)


def seal(fd: int, tmp: str) -> None:
    """Make a written temporary file durable and give it the final permissions."""
    os.fsync(fd)
    _chmod(fd, tmp, FILE_MODE & ~_current_umask())


def discard(tmp: str, target: Path, exc: BaseException) -> NoReturn:
    """Remove the temporary file of a failed write and raise again: as an OSError naming
    ``target`` when the failure was another kind of error (Ctrl-C stays what it is)."""
    with contextlib.suppress(OSError):
        Path(tmp).unlink()
    if isinstance(exc, Exception) and not isinstance(exc, OSError):
        raise OSError(f"cannot write {target.name}: {exc}") from exc
    raise exc


def write_all(fd: int, payload: bytes) -> None:
    """Write all of ``payload`` to ``fd``."""
    view = memoryview(payload)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def fsync_dir(folder: Path) -> None:
    """Make the rename durable; file systems that cannot sync a folder are tolerated."""
    if not fileflags.DIRECTORY:  # pragma: no cover - Windows cannot open folders
        return
    fd = os.open(folder, fileflags.READ_DIR)
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EBADF):
            raise
    finally:
        os.close(fd)


def _chmod(fd: int, path: str, mode: int) -> None:
    if hasattr(os, "fchmod"):
        os.fchmod(fd, mode)
    else:  # pragma: no cover - Windows
        Path(path).chmod(mode)


def _current_umask() -> int:
    """The process umask, read without changing it where the system allows."""
    try:
        with _PROC_STATUS.open(encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8) & 0o777
    except (OSError, ValueError, IndexError):
        pass
    with _umask_lock:  # set-and-restore; the lock keeps our own threads from racing
        mask = os.umask(0o022)
        os.umask(mask)
    return mask & 0o777
