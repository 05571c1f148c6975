"""The commit journal: a killed build's files are completed, and its leftovers removed, by the next.

Before renaming several staged files over their targets, a build writes (durably) the list
of its renames to :data:`JOURNAL_NAME` in the output folder and removes it after the last
one; Ctrl-C and SIGTERM wait while the renames run. A build killed outright between two
renames leaves the journal behind: the next build, once it holds the folder's lock and
before anything else, completes the renames whose temporary files still exist
(:func:`recover`), so the folder holds the files of one build. It then removes every
temporary file of ours still in the folder: with the lock held, none can belong to a
live build.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from laojia_feed import fileflags, interrupts
from laojia_feed.errors import OutputFolderError
from laojia_feed.write import durable

#: The journal's name in the output folder (hidden; present only after a killed build).
JOURNAL_NAME = ".laojia-feed.journal"

#: The largest journal read back (many thousands of renames).
_MAX_JOURNAL = 64 * 1024 * 1024

#: Where a target goes in the output folder; OutputFolderError when it would escape.
Place = Callable[[Path, str], Path]


@contextlib.contextmanager
def committing(out_dir: Path, renames: Sequence[tuple[str, str]]) -> Iterator[None]:
    """Around the renames of ``renames`` (target name → its temporary file's path): the
    journal recorded first when there are several, removed after; interrupts held."""
    journaled = len(renames) > 1
    with interrupts.held():
        if journaled:
            record = [[name, Path(tmp).name] for name, tmp in renames]
            data = json.dumps({"renames": record}, ensure_ascii=False).encode("utf-8")
            durable.replace_with(Path(out_dir) / JOURNAL_NAME, data)
        try:
            yield
        except Exception:
            if journaled:  # the temporary files are removed: nothing is left to complete
                _remove_journal(Path(out_dir))
            raise
        if journaled:
            _remove_journal(Path(out_dir))


def recover(out_dir: Path, place: Place) -> tuple[int, int]:
    """Finish what a dead build left in ``out_dir`` (the lock must be held): complete the
    renames of its journal, then remove its temporary files. How many files were renamed
    and how many removed; problems are skipped (the next build tries again)."""
    out = Path(out_dir)
    renamed = _roll_forward(out, place)
    removed = 0
    for folder, subfolders, files in os.walk(out):
        subfolders[:] = [s for s in subfolders if not s.startswith(".")]  # we never write there
        for name in files:
            if durable.is_temp_name(name) and _remove_file(Path(folder) / name):
                removed += 1
    return renamed, removed


def _roll_forward(out: Path, place: Place) -> int:
    """Complete the renames of a journal left in ``out``, then remove it; files renamed."""
    journal = out / JOURNAL_NAME
    entries = _read_journal(journal)
    if entries is None:
        return 0
    renamed = 0
    folders: dict[Path, None] = {}
    for name, tmp_name in entries:
        try:
            target = place(out, name)
        except OutputFolderError:
            continue
        tmp = target.parent / tmp_name
        if not _is_regular(tmp):
            continue  # renamed before the build died
        with contextlib.suppress(OSError):
            os.replace(tmp, target)  # noqa: PTH105 - one atomic rename(2)
            renamed += 1
            folders[target.parent] = None
    for folder in folders:
        with contextlib.suppress(OSError):
            durable.fsync_dir(folder)
    _remove_journal(out)
    return renamed


def _read_journal(journal: Path) -> list[tuple[str, str]] | None:
    """The renames a journal lists (only well-formed ones naming temporary files of ours);
    None when there is no journal."""
    try:
        fd = os.open(journal, fileflags.READ_FILE)
    except OSError:
        return None
    try:
        with os.fdopen(fd, "rb") as file:
            text = file.read(_MAX_JOURNAL + 1)
        record = json.loads(text) if len(text) <= _MAX_JOURNAL else {}
    except (OSError, ValueError):
        record = {}
    pairs = record.get("renames") if isinstance(record, dict) else None
    return [
        (pair[0], pair[1])
        for pair in (pairs if isinstance(pairs, list) else [])
        if isinstance(pair, list)
        and len(pair) == 2
        and all(isinstance(part, str) for part in pair)
        and durable.is_temp_name(pair[1])
        and "/" not in pair[1]
    ]


def _remove_journal(out: Path) -> None:
    """Remove the journal for good (the folder synced), if it is there."""
    if _remove_file(out / JOURNAL_NAME):
        with contextlib.suppress(OSError):
            durable.fsync_dir(out)


def _is_regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(path.lstat().st_mode)
    except OSError:
        return False


def _remove_file(path: Path) -> bool:
    """Remove ``path`` if it is a regular file (never a link's target, never a folder)."""
    if not _is_regular(path):
        return False
    try:
        path.unlink()
    except OSError:
        return False
    return True


#: Seconds to sleep after each rename, to let tests kill a build between two renames.
_PAUSE_VARIABLE = "LAOJIA_FEED_TEST_PAUSE_BETWEEN_RENAMES"


def pause_for_tests() -> None:
    """Sleep as long as :data:`_PAUSE_VARIABLE` says (tests only; unset: at once)."""
    seconds = os.environ.get(_PAUSE_VARIABLE)
    if seconds:
        with contextlib.suppress(ValueError):
            time.sleep(min(float(seconds), 60.0))
