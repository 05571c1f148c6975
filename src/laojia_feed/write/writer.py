"""Serialized files handed to the staging area as soon as they are made, keeping only
what is known of them without their bytes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from laojia_feed.errors import FieldError, OutputFolderError
from laojia_feed.write import output


@dataclass(frozen=True, slots=True)
class OutputFile:
    """One serialized file, waiting to be written."""

    #: Path inside the output folder (POSIX).
    name: str
    #: Its bytes.
    data: bytes
    #: Feed format name; None for a file that is not a feed (stylesheet, OPML index).
    format: str | None = None
    #: Number of items in it.
    items: int = 0


@dataclass(frozen=True, slots=True)
class Placed:
    """One serialized file once handed to the writer: what is known of it without its bytes."""

    #: Path inside the output folder (POSIX).
    name: str
    #: Its size in bytes.
    size: int
    #: Feed format name; None for a file that is not a feed.
    format: str | None
    #: Number of items in it.
    items: int
    #: The writer's ticket for its temporary file; None when nothing was staged.
    ticket: int | None
    #: Its :func:`file_digest`, when the writer was asked for it (a build memo compares it).
    digest: str | None = None


def file_digest(data: bytes) -> str:
    """What identifies a file's content: the BLAKE2b hash of its bytes, in hex."""
    return hashlib.blake2b(data, digest_size=20).hexdigest()


class Writer:
    """Hands each serialized file to :class:`output.Staging` at once, keeping only its size.

    Without a staging (the output folder could not be locked) or after the first
    failure, files are only measured; :attr:`problem` says what went wrong.
    """

    def __init__(self, staging: output.Staging | None, *, digests: bool = False) -> None:
        self.staging = staging
        #: Whether each file's :func:`file_digest` is kept (then nothing is streamed).
        self.digests = digests
        #: The first failure, as a user-facing message.
        self.problem: str | None = None

    def put(self, file: OutputFile) -> Placed:
        """Stage ``file`` (unless writing has failed) and forget its bytes."""
        ticket: int | None = None
        if self.staging is not None and self.problem is None:
            try:
                ticket = self.staging.stage(file.name, file.data)
            except (OutputFolderError, FieldError) as problem:
                self.problem = str(problem)
            except OSError as problem:
                self.problem = f"cannot write: {problem.strerror or problem}"
        digest = file_digest(file.data) if self.digests else None
        return Placed(file.name, len(file.data), file.format, file.items, ticket, digest)

    def stream(self, name: str) -> output.StagedStream | None:
        """A staged file for ``name`` to write piece by piece; None when files are only
        measured or digested (the caller then serializes them whole)."""
        if self.staging is None or self.problem is not None or self.digests:
            return None
        try:
            return self.staging.stream(name)
        except (OutputFolderError, FieldError, OSError):
            return None  # the whole-file path meets the same problem and reports it

    def drop(self, placed: Iterable[Placed]) -> None:
        """Forget files staged for nothing (a trimmed feed's first try, a duplicate)."""
        if self.staging is not None:
            for file in placed:
                if file.ticket is not None:
                    self.staging.drop(file.ticket)
