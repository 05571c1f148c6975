"""Open and read one post file safely: never follow a link, never open a pipe or device.

Each folder between the posts folder and the file is opened relative to its parent
with ``O_NOFOLLOW``; the file is ``lstat``-ed before it is opened and ``fstat``-ed
after, because the folder may change between the walk and the read. :class:`OpenFolders`
keeps the last post's folder open for the next post.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from laojia_feed import fileflags
from laojia_feed.model import FieldError
from laojia_feed.wording import sizes_apart

_MIB = 1024 * 1024
_KIB = 1024
_CHUNK = 64 * 1024

#: Open flags of a post file: never follow, never block, never leak to children.
_FILE_FLAGS = fileflags.READ_FILE
#: Open flags of each folder on the way to a post.
_DIR_FLAGS = fileflags.READ_DIR | fileflags.NOFOLLOW
#: Whether folders can be walked relative to an open folder (``openat``).
_HAS_DIR_FD = os.open in os.supports_dir_fd and os.stat in os.supports_dir_fd


class OpenFolders:
    """The folder of the last post read, kept open for the next one: posts are read in
    path order, so most follow one another in the same folder, which is then opened
    (without following links, as always) once instead of once per post.

    A context manager; the folder is closed on exit.
    """

    def __init__(self) -> None:
        self._key: tuple[str, tuple[str, ...]] | None = None
        self._fd = -1

    def __enter__(self) -> OpenFolders:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the folder kept open, if any."""
        if self._fd >= 0:
            os.close(self._fd)
        self._fd, self._key = -1, None

    def folder(self, base: str, folders: tuple[str, ...]) -> int:
        """An open descriptor of ``base/folders...`` (owned here: never close it)."""
        if (base, folders) != self._key:
            self.close()
            self._fd = _open_folder(base, folders)
            self._key = (base, folders)
        return self._fd


def read_file(path: Path, relpath: str, max_bytes: int, folders: OpenFolders | None) -> bytes:
    """The bytes of the regular file ``path`` (``relpath`` inside the posts folder).

    Raises :class:`FieldError` when it is a link, a pipe or a folder, is larger than
    ``max_bytes``, or cannot be read.
    """
    try:
        fd, size = _open_post(path, relpath, folders)
    except OSError as exc:
        raise FieldError(_os_message(exc)) from exc
    except (ValueError, TypeError) as exc:
        raise FieldError(f"cannot read: {exc}") from exc
    try:
        return _read_checked(fd, max_bytes, size)
    except OSError as exc:
        raise FieldError(_os_message(exc)) from exc
    finally:
        os.close(fd)


def _open_post(path: Path, relpath: str, folders: OpenFolders | None) -> tuple[int, int]:
    """Open the post read-only without following any link inside the posts folder.

    Each folder between the posts folder and the file is opened relative to its
    parent with ``O_NOFOLLOW``, so a folder swapped for a link after the walk is
    refused too. The file is ``lstat``-ed before opening, so a pipe or device is
    never opened; ``fstat`` afterwards catches a swap in between. Returns the open
    file and its size.
    """
    parts = relpath.split("/")
    base = _base_of(path, parts)
    if base is None or not _HAS_DIR_FD:
        return _open_checked(str(path), None)
    using = OpenFolders() if folders is None else folders
    try:
        return _open_checked(parts[-1], using.folder(base, tuple(parts[:-1])))
    finally:
        if folders is None:
            using.close()


def _open_folder(base: str, folders: tuple[str, ...]) -> int:
    """Open ``base``, then each of ``folders`` inside the previous one, never following a link."""
    dir_fd = os.open(base, fileflags.READ_DIR)
    try:
        for part in folders:
            next_fd = os.open(part, _DIR_FLAGS, dir_fd=dir_fd)
            os.close(dir_fd)
            dir_fd = next_fd
    except BaseException:
        os.close(dir_fd)
        raise
    return dir_fd


def _base_of(path: Path, parts: list[str]) -> str | None:
    """The posts folder of a Found, when its path really ends with its relpath."""
    text = os.fspath(path)
    tail = os.sep + os.sep.join(parts)  # noqa: PTH118 - plain text, no Path parsing
    if not path.is_absolute() or not text.endswith(tail) or len(text) == len(tail):
        return None
    if any(p in ("", ".", "..") or os.sep in p for p in parts):
        return None
    return text[: -len(tail)]


def _open_checked(name: str, dir_fd: int | None) -> tuple[int, int]:
    """Open one regular file (relative to ``dir_fd`` when given), refusing anything else;
    the open file and its size."""
    before = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    if not stat.S_ISREG(before.st_mode):
        raise FieldError(_not_regular(before.st_mode))
    fd = os.open(name, _FILE_FLAGS, dir_fd=dir_fd)
    try:
        after = os.fstat(fd)
        if not stat.S_ISREG(after.st_mode):
            raise FieldError(_not_regular(after.st_mode))
        if (after.st_dev, after.st_ino) != (before.st_dev, before.st_ino):
            raise FieldError("file changed while being opened")
    except BaseException:
        os.close(fd)
        raise
    return fd, after.st_size


def _read_checked(fd: int, max_bytes: int, size: int) -> bytes:
    """Read all of an open regular file of ``size`` bytes, refusing more than ``max_bytes``."""
    if size > max_bytes:
        raise FieldError(_too_big(size, max_bytes))
    chunks: list[bytes] = []
    total = 0
    want = size + 1  # one byte more, to notice a file that grew since fstat
    while True:
        chunk = os.read(fd, want)
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
        if total > max_bytes:
            raise FieldError(_too_big(max(total, os.fstat(fd).st_size), max_bytes))
        want = min(_CHUNK, max_bytes + 1 - total)
    return b"".join(chunks)


# --- messages ---------------------------------------------------------------------------


def file_kind(mode: int) -> str:
    """What a non-regular file is, in words."""
    if stat.S_ISFIFO(mode):
        return "named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    if stat.S_ISLNK(mode):
        return "symbolic link"
    if stat.S_ISDIR(mode):
        return "folder"
    return "not a regular file"


def _not_regular(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "symbolic link, not followed"
    return f"{file_kind(mode)}, not a regular file, not read"


def _os_message(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "symbolic link, not followed"
    if exc.errno == errno.ENOTDIR:
        # O_NOFOLLOW | O_DIRECTORY on a folder swapped for a link (or a file) since the walk.
        return "a folder on its path is no longer a folder, not followed"
    return f"cannot read: {strerror(exc)}"


def strerror(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _too_big(size: int, limit: int) -> str:
    """``file is 20 MiB, over the 16 MiB limit``; exact bytes when rounding hides the excess."""
    shown, most = sizes_apart(size, limit)
    return f"file is {shown}, over the {most} limit"
