"""Find the posts: walk the posts folder safely and read a post's bytes.

The walk never follows a symbolic link (to a file or to a folder), never opens a
named pipe, socket or device, and never leaves the posts folder. What it skips on
purpose is reported as values: an :class:`~laojia_feed.model.Excluded` entry and a
warning :class:`~laojia_feed.model.Diagnostic` naming the entry.

Reading re-checks everything at open time (``O_NOFOLLOW``, ``O_NONBLOCK``, ``fstat``),
because the folder may change between the walk and the read.

Display paths are relative to the posts folder, with ``/`` separators; the caller
prefixes the folder's name.
"""

from __future__ import annotations

import errno
import fnmatch
import os
import re
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from laojia_feed import fileflags
from laojia_feed.model import Diagnostic, Excluded, Exclusion, FieldError, Severity
from laojia_feed.xmlchars import CONTROL_OR_SURROGATE

__all__ = ["Discovery", "Found", "OpenFolders", "discover", "read_post_bytes"]

#: Folders whose content is returned with ``draft=True``.
DRAFTS = "_drafts"

#: Folder names never entered (besides hidden ones, whose name starts with ``.``).
SKIPPED_FOLDERS = frozenset({"node_modules"})

#: Default largest post read, in bytes.
MAX_POST_BYTES = 16 * 1024 * 1024

_MIB = 1024 * 1024
_KIB = 1024
_CHUNK = 64 * 1024

#: Characters a file name must not hold to become a display path or an id:
#: C0/C1 controls and lone surrogates (undecodable bytes, via ``surrogateescape``).
_BAD_NAME_CHAR = CONTROL_OR_SURROGATE

#: Open flags of a post file: never follow, never block, never leak to children.
_FILE_FLAGS = fileflags.READ_FILE
#: Open flags of each folder on the way to a post.
_DIR_FLAGS = fileflags.READ_DIR | fileflags.NOFOLLOW
#: Whether folders can be walked relative to an open folder (``openat``).
_HAS_DIR_FD = os.open in os.supports_dir_fd and os.stat in os.supports_dir_fd


@dataclass(frozen=True, slots=True)
class Found:
    """A regular file inside the posts folder whose name matches a post pattern."""

    #: Absolute path of the file (under the resolved posts folder).
    path: Path
    #: Path relative to the posts folder, ``/`` separators: for display and ids.
    relpath: str
    #: True when the file lies under a ``_drafts`` folder (at any depth).
    draft: bool


@dataclass(frozen=True, slots=True)
class Discovery:
    """What walking the posts folder found."""

    #: Post files, sorted by ``relpath`` (code point order, locale-independent).
    files: tuple[Found, ...]
    #: Entries matching a pattern that are not regular files (symlinks, FIFOs, ...).
    excluded: tuple[Excluded, ...]
    #: Warnings: skipped links and special files, unreadable folders, bad names.
    diagnostics: tuple[Diagnostic, ...]


def discover(root: Path, patterns: Sequence[str]) -> Discovery:
    """Walk ``root`` recursively and return the files whose name matches ``patterns``.

    Patterns are globs matched case-insensitively against file names only
    (``*.md`` matches ``a/B.MD``). Hidden entries and ``node_modules`` are skipped
    silently. Raises :class:`FieldError` only when ``root`` itself cannot be walked,
    or when a pattern is not a usable file-name glob.
    """
    base = _resolve_root(root)
    matches = _compile_patterns(patterns)
    walk = _Walk(base, matches)
    walk.run()
    return walk.result()


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


def read_post_bytes(
    found: Found, max_bytes: int = MAX_POST_BYTES, folders: OpenFolders | None = None
) -> bytes:
    """Read a found post's bytes, re-checking at open time that it is a regular file.

    ``folders`` keeps the post's folder open for the next post (see :class:`OpenFolders`).
    Raises :class:`FieldError` when the file was swapped for a link, a pipe or a
    folder since the walk, is larger than ``max_bytes``, or cannot be read.
    """
    if not isinstance(found, Found):
        raise FieldError(f"not a discovered post: {type(found).__name__}")
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes < 0:
        raise FieldError(f"size limit must be a whole number of bytes, not {max_bytes!r}")
    try:
        fd, size = _open_post(found, folders)
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


# --- the walk ---------------------------------------------------------------------------


class _Walk:
    """One walk of a posts folder: an explicit stack, so depth never hits recursion limits."""

    def __init__(self, base: Path, matches: re.Pattern[str] | None) -> None:
        self.base = base
        self.matches = matches
        self.files: list[Found] = []
        self.excluded: list[Excluded] = []
        self.diagnostics: list[Diagnostic] = []

    def run(self) -> None:
        match = self.matches.match if self.matches is not None else _never
        # Stack of (folder, relpath prefix ending in "/" or "", inside _drafts).
        stack: list[tuple[Path, str, bool]] = [(self.base, "", False)]
        while stack:
            folder, prefix, draft = stack.pop()
            for entry in self._entries(folder, prefix):
                name = entry.name
                if name[0] == "." or name in SKIPPED_FOLDERS:
                    continue
                try:
                    # Answered from the listing's d_type, without a stat; False for links.
                    is_dir = entry.is_dir(follow_symlinks=False)
                    is_file = not is_dir and entry.is_file(follow_symlinks=False)
                except OSError as exc:
                    self._warn(prefix + name, f"cannot read: {_strerror(exc)}")
                    continue
                if is_dir:
                    if self._good_name(prefix + name, "folder", name):
                        sub = (_child(folder, name), f"{prefix}{name}/", draft or name == DRAFTS)
                        stack.append(sub)
                elif is_file:
                    if match(name) is not None and self._good_name(prefix + name, "file", name):
                        found = Found(path=_child(folder, name), relpath=prefix + name, draft=draft)
                        self.files.append(found)
                else:
                    self._other(entry, prefix + name, match(name) is not None)

    def result(self) -> Discovery:
        return Discovery(
            files=tuple(sorted(self.files, key=lambda f: f.relpath)),
            excluded=tuple(sorted(self.excluded, key=lambda e: e.path)),
            diagnostics=tuple(sorted(self.diagnostics, key=lambda d: (d.path, d.message))),
        )

    def _entries(self, folder: Path, prefix: str) -> list[os.DirEntry[str]]:
        """The entries of one folder; an unreadable folder becomes a warning."""
        try:
            with os.scandir(folder) as it:
                return list(it)
        except OSError as exc:
            if not prefix:
                raise FieldError(f"cannot read folder: {_strerror(exc)}") from exc
            self._warn(prefix.rstrip("/"), f"cannot read folder: {_strerror(exc)}")
            return []

    def _good_name(self, relpath: str, kind: str, name: str) -> bool:
        """False (and a report) for names holding controls or undecodable bytes."""
        if _BAD_NAME_CHAR.search(name) is None:
            return True
        message = f"{kind} name holds control characters or invalid UTF-8"
        if kind == "folder":
            self._warn(relpath, message + ", not read")
        else:
            self._exclude(relpath, message)
        return False

    def _other(self, entry: os.DirEntry[str], relpath: str, matched: bool) -> None:
        """A symbolic link, pipe, socket or device: never followed nor opened."""
        try:
            is_link = entry.is_symlink()
        except OSError:
            is_link = False
        if is_link:
            self._link(entry, relpath, matched)
        elif matched:
            self._special(entry, relpath)

    def _link(self, entry: os.DirEntry[str], relpath: str, matched: bool) -> None:
        """Symlinks are never followed; matching ones and links to folders are reported."""
        if matched:
            self._exclude(relpath, "symbolic link, not followed")
        elif _points_to_folder(entry):
            self._exclude(relpath, "symbolic link to a folder, not followed")

    def _special(self, entry: os.DirEntry[str], relpath: str) -> None:
        """A pipe, socket or device matching a pattern: excluded unopened."""
        try:
            mode = entry.stat(follow_symlinks=False).st_mode
        except OSError:
            mode = 0
        self._exclude(relpath, f"{_kind(mode)}, not read")

    def _exclude(self, relpath: str, message: str) -> None:
        shown = _display(relpath)
        self.excluded.append(Excluded(path=shown, reason=Exclusion.NOT_A_POST))
        self._warn(relpath, message)

    def _warn(self, relpath: str, message: str) -> None:
        self.diagnostics.append(
            Diagnostic(
                path=_display(relpath), field="file", message=message, severity=Severity.WARNING
            )
        )


def _never(_name: str) -> re.Match[str] | None:
    """The matcher used when there are no patterns."""
    return None


def _slow_child(folder: Path, name: str) -> Path:
    return folder / name


def _pick_child() -> Callable[[Path, str], Path]:
    """Path joining for one plain name; pathlib's own fast path (used by its glob) if usable.

    Building 50k paths with ``/`` costs more than the whole walk; the private helper
    is used only after checking it behaves.
    """
    fast = getattr(Path, "_make_child_relpath", None)
    try:
        probe = Path("/a")
        if callable(fast) and fast(probe, "b.md") == probe / "b.md":
            return cast("Callable[[Path, str], Path]", fast)
    except Exception:  # noqa: S110 - any surprise means: use the public way
        pass
    return _slow_child


#: Join a folder and a name from its listing.
_child = _pick_child()


def _points_to_folder(entry: os.DirEntry[str]) -> bool:
    """True when a symlink's target is a folder (a ``stat``, never an open)."""
    try:
        return entry.is_dir(follow_symlinks=True)
    except OSError:
        return False


def _resolve_root(root: Path) -> Path:
    """The posts folder, resolved; FieldError when it cannot be walked."""
    if not isinstance(root, str | os.PathLike):
        raise FieldError(f"posts folder must be a path, not {type(root).__name__}")
    try:
        base = Path(root).resolve(strict=True)
        mode = base.stat().st_mode
    except FileNotFoundError as exc:
        raise FieldError("folder does not exist") from exc
    except OSError as exc:
        raise FieldError(f"cannot read folder: {_strerror(exc)}") from exc
    except (RuntimeError, ValueError, TypeError) as exc:
        raise FieldError(f"cannot read folder: {exc}") from exc
    if not stat.S_ISDIR(mode):
        raise FieldError("not a folder")
    if not os.access(base, os.R_OK | os.X_OK):
        raise FieldError(f"cannot read folder: {os.strerror(errno.EACCES)}")
    return base


def _compile_patterns(patterns: Sequence[str]) -> re.Pattern[str] | None:
    """One case-insensitive regex for all the file-name globs (None: nothing matches)."""
    if isinstance(patterns, str):
        patterns = (patterns,)
    try:
        items = list(patterns)
    except TypeError as exc:
        raise FieldError(
            f"patterns must be a list of globs, not {type(patterns).__name__}"
        ) from exc
    parts: list[str] = []
    for pattern in items:
        if not isinstance(pattern, str):
            raise FieldError(f"pattern must be text, not {type(pattern).__name__}")
        if "/" in pattern or "\\" in pattern or "\x00" in pattern:
            raise FieldError(f"pattern {pattern!r} names a path; patterns match file names only")
        if pattern:
            parts.append(fnmatch.translate(pattern))
    if not parts:
        return None
    try:
        return re.compile("|".join(f"(?:{p})" for p in parts), re.IGNORECASE)
    except re.error as exc:  # fnmatch.translate escapes everything; kept as a guard
        raise FieldError(f"invalid pattern: {exc}") from exc


# --- reading ----------------------------------------------------------------------------


def _open_post(found: Found, folders: OpenFolders | None) -> tuple[int, int]:
    """Open the post read-only without following any link inside the posts folder.

    Each folder between the posts folder and the file is opened relative to its
    parent with ``O_NOFOLLOW``, so a folder swapped for a link after the walk is
    refused too. The file is ``lstat``-ed before opening, so a pipe or device is
    never opened; ``fstat`` afterwards catches a swap in between. Returns the open
    file and its size.
    """
    parts = found.relpath.split("/")
    base = _base_of(found.path, parts)
    if base is None or not _HAS_DIR_FD:
        return _open_checked(str(found.path), None)
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


def _kind(mode: int) -> str:
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
    return f"{_kind(mode)}, not a regular file, not read"


def _os_message(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "symbolic link, not followed"
    if exc.errno == errno.ENOTDIR:
        # O_NOFOLLOW | O_DIRECTORY on a folder swapped for a link (or a file) since the walk.
        return "a folder on its path is no longer a folder, not followed"
    return f"cannot read: {_strerror(exc)}"


def _strerror(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _size(n: int) -> str:
    """A file size for a message: ``20.0 MiB``, ``3.5 KiB``, ``12 bytes``."""
    if n >= _MIB:
        return f"{n / _MIB:.1f} MiB"
    if n >= _KIB:
        return f"{n / _KIB:.1f} KiB"
    return f"{n} bytes"


def _limit(n: int) -> str:
    """A size limit for a message: whole units when exact (``16 MiB``)."""
    if n >= _MIB and n % _MIB == 0:
        return f"{n // _MIB} MiB"
    if n >= _KIB and n % _KIB == 0:
        return f"{n // _KIB} KiB"
    return f"{n} bytes"


def _too_big(size: int, limit: int) -> str:
    """``file is 20.0 MiB, over the 16 MiB limit``; exact bytes when rounding hides the excess."""
    shown = _size(size)
    if shown.split()[0] in (_size(limit).split()[0], _limit(limit).split()[0]):
        shown = f"{size} bytes"
    return f"file is {shown}, over the {_limit(limit)} limit"


def _display(relpath: str) -> str:
    """A path safe to print: controls and undecodable bytes shown as escapes."""
    if not _BAD_NAME_CHAR.search(relpath):
        return relpath
    return _BAD_NAME_CHAR.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), relpath)
