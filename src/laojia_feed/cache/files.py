"""The cache's own files: hashed names, written atomically, read only when trusted."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from laojia_feed.errors import LaojiaError
from laojia_feed.write import output

#: A file's identity: size, mtime in nanoseconds, inode.
Identity = tuple[int, int, int]


def hash_bytes(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=20).hexdigest()


def key_of(*parts: str) -> str:
    return hash_bytes("\n".join(parts).encode())[:16]


def file_identity(path: Path) -> Identity | None:
    try:
        info = path.lstat()
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns, info.st_ino


def trusted(path: Path) -> bool:
    """True when this user owns ``path`` and its folder and no one else may write them."""
    for item in (path.parent, path):
        try:
            info = item.lstat()
        except OSError:
            return False
        if item is path and not stat.S_ISREG(info.st_mode):
            return False
        if info.st_uid != os.getuid() or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            return False
    return True


def read_trusted(path: Path) -> bytes | None:
    if not trusted(path):
        return None
    try:
        return path.read_bytes()
    except OSError:
        return None


def write(folder: Path, name: str, data: bytes) -> None:
    """Write a cache file atomically; a cache that cannot be written is only slower.

    A file already there that would not be trusted (see :func:`trusted`) is removed
    first, so that equal bytes do not leave it in place, ignored on every run."""
    try:
        output.ensure_dir(folder)
        if (folder / name).exists() and not trusted(folder / name):
            (folder / name).unlink()
        output.write_atomic(folder, name, data)
    except (OSError, ValueError, LaojiaError):
        pass
