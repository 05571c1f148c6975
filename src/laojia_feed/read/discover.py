"""Find the posts: walk the posts folder safely and read a post's bytes.

The walk never follows a symbolic link (to a file or to a folder), never opens a
named pipe, socket or device, and never leaves the posts folder. What it skips on
purpose is reported as values: an :class:`~laojia_feed.model.Excluded` entry and a
warning :class:`~laojia_feed.model.Diagnostic` naming the entry.

Reading (:mod:`laojia_feed.read.postfile`) re-checks everything at open time
(``O_NOFOLLOW``, ``O_NONBLOCK``, ``fstat``), because the folder may change between
the walk and the read.

Display paths are relative to the posts folder, with ``/`` separators; the caller
prefixes the folder's name.
"""

from __future__ import annotations

import errno
import fnmatch
import os
import re
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from laojia_feed.model import Diagnostic, Excluded, Exclusion, FieldError, Severity
from laojia_feed.read.postfile import OpenFolders as OpenFolders
from laojia_feed.read.postfile import file_kind, read_file, strerror
from laojia_feed.xmlchars import CONTROL_OR_SURROGATE

__all__ = ["Discovery", "Found", "OpenFolders", "discover", "read_post_bytes"]

#: Folders whose content is returned with ``draft=True``.
DRAFTS = "_drafts"

#: Folder names never entered (besides hidden ones, whose name starts with ``.``).
SKIPPED_FOLDERS = frozenset({"node_modules"})

#: Default largest post read, in bytes.
MAX_POST_BYTES = 16 * 1024 * 1024

#: Characters a file name must not hold to become a display path or an id:
#: C0/C1 controls and lone surrogates (undecodable bytes, via ``surrogateescape``).
_BAD_NAME_CHAR = CONTROL_OR_SURROGATE


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
    return read_file(found.path, found.relpath, max_bytes, folders)


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
                    self._warn(prefix + name, f"cannot read: {strerror(exc)}")
                    continue
                if is_dir:
                    if self._good_name(prefix + name, "folder", name):
                        sub = (folder / name, f"{prefix}{name}/", draft or name == DRAFTS)
                        stack.append(sub)
                elif is_file:
                    if match(name) is not None and self._good_name(prefix + name, "file", name):
                        found = Found(path=folder / name, relpath=prefix + name, draft=draft)
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
        """The entries of one folder; an unreadable folder is an error (like an unreadable
        post: its posts would vanish from the live feeds without a word)."""
        try:
            with os.scandir(folder) as it:
                return list(it)
        except OSError as exc:
            if not prefix:
                raise FieldError(f"cannot read folder: {strerror(exc)}") from exc
            message = f"cannot read folder: {strerror(exc)}; its posts are not published"
            self._warn(prefix.rstrip("/"), message, Severity.ERROR)
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
        self._exclude(relpath, f"{file_kind(mode)}, not read")

    def _exclude(self, relpath: str, message: str) -> None:
        shown = _display(relpath)
        self.excluded.append(Excluded(path=shown, reason=Exclusion.NOT_A_POST))
        self._warn(relpath, message)

    def _warn(self, relpath: str, message: str, severity: Severity = Severity.WARNING) -> None:
        self.diagnostics.append(
            Diagnostic(path=_display(relpath), field="file", message=message, severity=severity)
        )


def _never(_name: str) -> re.Match[str] | None:
    """The matcher used when there are no patterns."""
    return None


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
        raise FieldError(f"cannot read folder: {strerror(exc)}") from exc
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


def _display(relpath: str) -> str:
    """A path safe to print: controls and undecodable bytes shown as escapes."""
    if not _BAD_NAME_CHAR.search(relpath):
        return relpath
    return _BAD_NAME_CHAR.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), relpath)
