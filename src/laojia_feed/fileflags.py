"""Portable ``os.open`` flags for the safe file access every stage shares.

Flags a platform lacks are 0, so the same expressions work everywhere; where
``O_NOFOLLOW`` or ``O_DIRECTORY`` is missing the callers' own checks (``lstat``,
``fstat``) still hold.
"""

from __future__ import annotations

import os

#: Refuse a symbolic link as the last path component.
NOFOLLOW: int = getattr(os, "O_NOFOLLOW", 0)
#: Never block on open (a FIFO named like a post would block forever).
NONBLOCK: int = getattr(os, "O_NONBLOCK", 0)
#: Never leak the descriptor to child processes.
CLOEXEC: int = getattr(os, "O_CLOEXEC", 0)
#: Fail unless the path is a folder.
DIRECTORY: int = getattr(os, "O_DIRECTORY", 0)
#: No newline translation (Windows).
BINARY: int = getattr(os, "O_BINARY", 0)

#: Reading a file: not through a final link, never blocking, not inherited, bytes as they are.
READ_FILE = os.O_RDONLY | NOFOLLOW | NONBLOCK | CLOEXEC | BINARY
#: Opening a folder (to walk it, fsync it or lock it).
READ_DIR = os.O_RDONLY | DIRECTORY | CLOEXEC
