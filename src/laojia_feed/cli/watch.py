"""Watch a posts folder for changes by polling, and call a rebuild when it changed.

No third-party dependency: every ``poll`` seconds the watcher takes a snapshot of the
folder's ``(path, mtime_ns, size)`` entries. When the snapshot changed and then stayed
the same for one more poll, it calls ``rebuild()``; while edits keep coming, it still
rebuilds at least every ``max_delay`` seconds, so a stream of edits never postpones the
preview indefinitely.
"""

from __future__ import annotations

import json
import os
import re
import stat
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

__all__ = ["Log", "Snapshot", "Watcher", "one_line", "snapshot", "to_stderr", "walk_files"]

#: How a message (a request line, a rebuild failure) is printed.
Log = Callable[[str], None]

#: What a watched folder looks like: ``(relative path, mtime_ns, size)`` of every entry.
Snapshot = frozenset[tuple[str, int, int]]

#: Most entries a watcher snapshot holds.
MAX_WATCHED = 200_000

#: Folder names a watcher never enters (besides hidden ones).
UNWATCHED_FOLDERS = frozenset({"node_modules"})

#: Longest wait, in seconds, between the first of a stream of edits and a rebuild.
MAX_DELAY = 2.0

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def snapshot(folder: Path, *, skip: Path | None = None) -> Snapshot:
    """``(relative path, mtime_ns, size)`` of every visible file (or link) under ``folder``.

    Links are recorded as links (their own mtime), never followed. Folders themselves
    are not recorded (a hidden editor swap file changes its folder's mtime); hidden names and
    ``node_modules`` are skipped, and so is the folder ``skip`` (the output folder when
    it lives inside the posts folder). An unreadable folder counts as empty.
    """
    skipped = os.path.realpath(skip) if skip is not None else None
    entries: set[tuple[str, int, int]] = set()
    for relative, status in _walk(str(folder), "", skipped, MAX_WATCHED):
        entries.add((relative, status.st_mtime_ns, status.st_size))
    return frozenset(entries)


def _walk(
    top: str, prefix: str, skipped: str | None, limit: int
) -> Iterator[tuple[str, os.stat_result]]:
    """Every visible non-folder entry below ``top`` (links not followed), at most ``limit``."""
    stack = [(top, prefix)]
    count = 0
    while stack:
        folder, base = stack.pop()
        try:
            with os.scandir(folder) as scan:
                entries = list(scan)
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith(".") or entry.name in UNWATCHED_FOLDERS:
                continue
            try:
                status = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            relative = f"{base}{entry.name}"
            count += 1
            if count > limit:
                return
            if not stat.S_ISDIR(status.st_mode):
                yield relative, status
            elif skipped is None or os.path.realpath(entry.path) != skipped:
                stack.append((entry.path, relative + "/"))


def walk_files(top: Path, limit: int) -> Iterator[tuple[str, str]]:
    """``(relative path, path)`` of regular files below ``top``, links not followed."""
    for relative, status in _walk(str(top), "", None, limit):
        if stat.S_ISREG(status.st_mode):
            yield relative, os.path.join(top, relative)  # noqa: PTH118 - cheap string join


class Watcher:
    """Calls ``rebuild()`` once the watched folder changed and then held still for a poll,
    or once it has kept changing for ``max_delay`` seconds.

    :meth:`step` is one poll, done synchronously (what the thread repeats, and what
    tests drive). A failing ``rebuild`` is reported as one line through ``log``.
    """

    def __init__(
        self,
        folder: Path,
        rebuild: Callable[[], object],
        *,
        poll: float = 1.0,
        max_delay: float = MAX_DELAY,
        skip: Path | None = None,
        log: Log | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.folder = folder
        self.rebuild = rebuild
        self.poll = max(0.01, poll)
        self.max_delay = max_delay
        self.skip = skip
        self.log: Log = log or to_stderr
        self.clock = clock
        self.last = snapshot(folder, skip=skip)
        self.pending = False
        self.since = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def step(self) -> bool:
        """One poll; True when it called ``rebuild``."""
        now = self.clock()
        current = snapshot(self.folder, skip=self.skip)
        if current != self.last:
            if not self.pending:
                self.since = now
            self.last, self.pending = current, True
            if now - self.since < self.max_delay:
                return False
        elif not self.pending:
            return False
        self.pending = False
        try:
            self.rebuild()
        except Exception as problem:  # a failed rebuild must never stop the preview
            self.log(f"rebuild failed: {type(problem).__name__}: {one_line(str(problem))}")
        return True

    def start(self) -> None:
        """Poll in a daemon thread until :meth:`stop`."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="laojia-feed-watch", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Stop polling and wait for a rebuild in progress to finish."""
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self.poll):
            try:
                self.step()
            except Exception as problem:  # never let the watcher die silently
                self.log(f"watch failed: {type(problem).__name__}: {one_line(str(problem))}")


def one_line(text: str) -> str:
    """``text`` with control characters (newlines, escapes) shown as ``\\n``, ``\\u001b``."""
    return _CONTROL.sub(lambda m: json.dumps(m.group())[1:-1], text)


def to_stderr(line: str) -> None:
    """The default log: one line on stderr."""
    print(line, file=sys.stderr, flush=True)
