"""Write feed files atomically, inside the output folder only, one build at a time.

A reader of the output folder (a web server, a sync tool) sees either the old file
or the new one, never a partial file: each file is written to a temporary file in
the same folder, synced, and renamed over the target. Temporary files never
outlive a write, and the build lock is taken on the output folder itself, so
nothing but the feed files is ever left in the output folder (nor in ``TMPDIR``).
A build killed outright (SIGKILL, a power cut) may leave temporary files and a
journal of its renames: the next build completes the renames and removes the rest
(see :mod:`~laojia_feed.journal`).
"""

from __future__ import annotations

import contextlib
import io
import math
import os
import stat
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import BinaryIO

from laojia_feed import fileflags, interrupts, parallel
from laojia_feed.errors import FieldError, LockBusyError, OutputFolderError
from laojia_feed.write import durable, journal
from laojia_feed.xmlchars import CONTROL_OR_SURROGATE

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: build_lock is a no-op
    _HAS_FCNTL = False
else:
    _HAS_FCNTL = True

__all__ = [
    "Staging",
    "build_lock",
    "ensure_dir",
    "safe_output_path",
    "write_atomic",
]

#: Seconds between two attempts at taking a busy build lock.
_LOCK_POLL = 0.05

#: Characters an output name segment must not hold: controls and lone surrogates.
_BAD_CHAR = CONTROL_OR_SURROGATE


def safe_output_path(out_dir: Path, name: str) -> Path:
    """The path where ``name`` is written inside ``out_dir``; OutputFolderError if it
    would escape.

    ``name`` must be a relative POSIX path of plain segments: no ``..``, no absolute
    path, no backslash, no control character, no empty or hidden segment. The
    folder that will hold the file, resolved (existing links followed), must lie
    inside the resolved ``out_dir``. The last segment is kept as is: a link there
    is replaced by the write, never written through.
    """
    _check_name(name)
    base = _resolved_dir(out_dir)
    segments = name.split("/")
    try:
        parent = base.joinpath(*segments[:-1]).resolve()
    except (OSError, RuntimeError, ValueError) as exc:
        raise OutputFolderError(f"output file name {name!r} cannot be resolved: {exc}") from exc
    if not parent.is_relative_to(base):
        raise OutputFolderError(f"output file name {name!r} leads outside the output folder")
    return parent / segments[-1]


def write_atomic(out_dir: Path, name: str, data: bytes) -> bool:
    """Write ``data`` to ``out_dir/name`` atomically; False when it already held these bytes.

    Parent folders inside ``out_dir`` are created as needed. Raises OutputFolderError for
    a bad name or data that is not bytes, and OSError when the file system fails
    (the temporary file is removed first).
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise FieldError(f"data must be bytes, not {type(data).__name__}")
    payload = bytes(data)
    target = safe_output_path(out_dir, name)
    if _holds_bytes(target, payload):
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    target = safe_output_path(out_dir, name)  # again: the folders now exist
    durable.replace_with(target, payload)
    return True


class Staging:
    """Files written to temporary files first, renamed over their targets later, together.

    :meth:`stage` writes and syncs a temporary file next to the target and returns a
    ticket; nothing a reader sees changes until :meth:`commit` renames the staged files
    in the order asked. :meth:`close` (or leaving the ``with`` block) removes every
    temporary file not committed, so none outlives a failure.
    """

    def __init__(self, out_dir: Path) -> None:
        self._out = out_dir
        self._entries: list[tuple[str, str | None]] = []  # (name, temp path or None)
        #: Name → changed, for every file committed so far (False: it held these bytes).
        self.committed: dict[str, bool] = {}

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def stage(self, name: str, data: bytes) -> int:
        """Write ``data`` for ``out_dir/name`` to a temporary file; a ticket for it.

        No temporary file is made when the target already holds these bytes. Raises
        like :func:`write_atomic`.
        """
        if not isinstance(data, bytes | bytearray | memoryview):
            raise FieldError(f"data must be bytes, not {type(data).__name__}")
        payload = bytes(data)
        target = safe_output_path(self._out, name)
        if _holds_bytes(target, payload):
            self._entries.append((name, None))
            return len(self._entries) - 1
        fd, tmp, ticket, target = self._new(name)
        durable.fill(fd, tmp, target, payload)
        return ticket

    def stream(self, name: str) -> StagedStream:
        """A temporary file for ``out_dir/name`` to write piece by piece (a file too big to
        hold in memory); :meth:`StagedStream.finish` gives its ticket. Raises like
        :meth:`stage`."""
        fd, tmp, ticket, target = self._new(name)
        return StagedStream(self, ticket, fd, tmp, target)

    def _new(self, name: str) -> tuple[int, str, int, Path]:
        """A new temporary file for ``name``, open for writing: its descriptor, path, ticket
        and target. It is known (so removed by :meth:`close`) from the moment it exists,
        even on Ctrl-C."""
        target = safe_output_path(self._out, name)
        target.parent.mkdir(parents=True, exist_ok=True)
        target = safe_output_path(self._out, name)  # again: the folders now exist
        with interrupts.held():
            fd, tmp = durable.new_temp(target)
            self._entries.append((name, tmp))
        return fd, tmp, len(self._entries) - 1, target

    def drop(self, ticket: int) -> None:
        """Forget a staged file, removing its temporary file."""
        name, tmp = self._entries[ticket]
        if tmp is not None:
            with contextlib.suppress(OSError):
                Path(tmp).unlink()
        self._entries[ticket] = (name, None)  # after: an interrupted drop is done again

    def commit(self, tickets: Sequence[int]) -> None:
        """Rename the staged files of ``tickets`` over their targets, in that order.

        Raises OutputFolderError or OSError at the first failure; the files before it stay
        replaced (see :attr:`committed`), the temporary files after it are removed.
        """
        entries = [self._entries[ticket] for ticket in tickets]
        renames = [(name, tmp) for name, tmp in entries if tmp is not None]
        folders: dict[Path, None] = {}
        with journal.committing(self._out, renames):  # a killed build's renames are completed
            for ticket, (name, tmp) in zip(tickets, entries, strict=True):
                if tmp is None:
                    self.committed[name] = False
                    continue
                target = safe_output_path(self._out, name)
                os.replace(tmp, target)  # noqa: PTH105 - one atomic rename(2), patchable in tests
                self._entries[ticket] = (name, None)
                folders[target.parent] = None
                self.committed[name] = True
                journal.pause_for_tests()
            for folder in folders:
                durable.fsync_dir(folder)

    def close(self) -> None:
        """Remove every temporary file not committed."""
        for ticket in range(len(self._entries)):
            self.drop(ticket)


class StagedStream:
    """A staged file written in pieces (see :meth:`Staging.stream`)."""

    def __init__(self, staging: Staging, ticket: int, fd: int, tmp: str, target: Path) -> None:
        self._staging = staging
        self._fd = fd
        self._tmp = tmp
        self._target = target
        #: The ticket to commit the file with.
        self.ticket = ticket
        #: Bytes written so far.
        self.size = 0

    def write(self, data: bytes) -> None:
        """Append ``data``."""
        durable.write_all(self._fd, data)
        self.size += len(data)

    def finish(self) -> int:
        """Sync and close the file and give its ticket; when the target already holds
        the same bytes, the temporary file is dropped (nothing will be replaced)."""
        try:
            durable.seal(self._fd, self._tmp)
        finally:
            os.close(self._fd)
        with Path(self._tmp).open("rb") as written:
            same = _holds(self._target, self.size, written)
        if same:
            self._staging.drop(self.ticket)
        return self.ticket

    def abandon(self) -> None:
        """Close and remove the file (it will not be committed)."""
        with contextlib.suppress(OSError):
            os.close(self._fd)
        self._staging.drop(self.ticket)


@contextlib.contextmanager
def build_lock(out_dir: Path, wait: float = 10.0) -> Iterator[None]:
    """Hold an exclusive lock on the output folder for the duration of a build.

    The lock is an ``flock`` on a descriptor of the folder itself, so no lock file
    is created. Attempts are repeated for ``wait`` seconds, then
    :class:`~laojia_feed.errors.LockBusyError` is raised. The lock is not reentrant: a nested
    ``build_lock`` on the same folder waits for the outer one. On platforms
    without ``fcntl`` (Windows) this is a no-op and creates nothing.
    The folder must exist (see :func:`ensure_dir`); OutputFolderError otherwise.

    Worker processes never hold the lock (see :func:`parallel.kept_from_workers`).
    Once it is taken, what a killed build left is finished first (see
    :func:`journal.recover`): its renames completed, its temporary files removed.
    """
    if isinstance(wait, bool) or not isinstance(wait, int | float) or math.isnan(wait) or wait < 0:
        raise OutputFolderError(f"lock wait must be a number of seconds, not {wait!r}")
    if not _HAS_FCNTL:  # pragma: no cover - Windows
        yield
        return
    fd = _open_dir(out_dir)
    try:
        _acquire(fd, out_dir, wait)
        try:
            with parallel.kept_from_workers(fd):
                journal.recover(out_dir, safe_output_path)
                yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def ensure_dir(out_dir: Path) -> None:
    """Create the output folder and its parents; OutputFolderError when that is impossible."""
    path = _as_path(out_dir)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except FileExistsError as exc:
        raise OutputFolderError("exists and is not a folder") from exc
    except OSError as exc:
        raise OutputFolderError(f"cannot create folder: {exc.strerror or exc}") from exc
    except ValueError as exc:
        raise OutputFolderError(f"cannot create folder: {exc}") from exc
    if not path.is_dir():
        raise OutputFolderError("exists and is not a folder")


# --- helpers ----------------------------------------------------------------------------


def _as_path(out_dir: Path) -> Path:
    if not isinstance(out_dir, str | os.PathLike):
        raise OutputFolderError(f"output folder must be a path, not {type(out_dir).__name__}")
    try:
        return Path(out_dir)
    except TypeError as exc:
        raise OutputFolderError(f"output folder must be a path: {exc}") from exc


def _resolved_dir(out_dir: Path) -> Path:
    try:
        return _as_path(out_dir).resolve()
    except (OSError, RuntimeError, ValueError) as exc:
        raise OutputFolderError(f"cannot resolve the output folder: {exc}") from exc


def _check_name(name: str) -> None:
    """OutputFolderError unless ``name`` is a relative POSIX path of plain segments."""
    if not isinstance(name, str):
        raise OutputFolderError(f"output file name must be text, not {type(name).__name__}")
    shown = repr(name)
    if not name:
        raise OutputFolderError("output file name is empty")
    if "\\" in name:
        raise OutputFolderError(f"output file name {shown} holds a backslash")
    if _BAD_CHAR.search(name):
        raise OutputFolderError(
            f"output file name {shown} holds a control character or invalid text"
        )
    if name.startswith("/"):
        raise OutputFolderError(f"output file name {shown} is an absolute path")
    for segment in name.split("/"):
        if not segment:
            raise OutputFolderError(f"output file name {shown} has an empty segment")
        if segment.startswith("."):
            raise OutputFolderError(f"output file name {shown} has a hidden or '..' segment")


def _holds_bytes(target: Path, payload: bytes) -> bool:
    """True when ``target`` is a regular file holding exactly ``payload``."""
    return _holds(target, len(payload), io.BytesIO(payload))


def _holds(target: Path, size: int, content: BinaryIO) -> bool:
    """True when ``target`` is a regular file of ``size`` bytes holding what ``content``
    reads (compared a block at a time: a feed may be hundreds of MiB)."""
    try:
        fd = os.open(target, fileflags.READ_FILE)
    except OSError:
        return False
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size != size:
            return False
        with open(fd, "rb", closefd=False) as old:
            while True:
                block = old.read(_COMPARE_BLOCK)
                if block != content.read(_COMPARE_BLOCK):
                    return False
                if not block:
                    return True
    except OSError:
        return False
    finally:
        os.close(fd)


#: Bytes compared at a time by :func:`_holds`.
_COMPARE_BLOCK = 1024 * 1024


def _open_dir(out_dir: Path) -> int:
    path = _as_path(out_dir)
    try:
        return os.open(path, fileflags.READ_DIR)
    except OSError as exc:
        raise OutputFolderError(f"cannot open output folder: {exc.strerror or exc}") from exc
    except ValueError as exc:
        raise OutputFolderError(f"cannot open output folder: {exc}") from exc


def _acquire(fd: int, out_dir: Path, wait: float) -> None:
    """Take the flock, retrying without blocking until ``wait`` seconds have passed."""
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise LockBusyError(
                    f"another laojia-feed build is writing to {out_dir} (waited {wait:g} s)"
                ) from None
            time.sleep(min(_LOCK_POLL, remaining))
        except OSError as exc:
            raise OutputFolderError(
                f"{out_dir}: cannot lock output folder: {exc.strerror or exc}"
            ) from exc
        else:
            return
