"""The opt-in incremental build cache (``--cache-dir`` / ``cache_dir``): skip work already done.

Three files per site in the cache folder, each written atomically:

* ``posts-<key>.marshal``: each post's load outcome without its body (the body is read
  from the post when it is rendered, checked against the size and CRC-32 recorded here),
  keyed by its file identity (relative path, size, mtime in ns, inode) and the hash of
  its bytes. A post whose
  identity changed but whose bytes did not (a ``touch``, a checkout) is not parsed again.
* ``build-<key>.json``: the digest of every input of the last build and the hash of
  every file it wrote. When the inputs are the same and the output folder still holds
  those bytes, nothing is rendered, serialized or written.
* ``run-<key>.json`` (the command line only): what the last ``laojia-feed build``
  printed, the digest of its inputs from file identities alone, and the identity of
  every file it left in the output folder. When nothing changed, the command prints
  it again without reading a post (see :func:`replay_run`).

The digest covers laojia-feed's version, every site setting, and every post's bytes
and outcome (run options — processes, the cache folder — are not settings and do not
count). Posts excluded as future are never cached: they are parsed on every
build, so the day one becomes due, the digest changes and the feeds are rebuilt.

Plain data only (marshal of tuples, strings and numbers; JSON for the manifest and
the run record):
never pickle, which would run code from a folder someone else might write. Cache
files are read only when this user owns them and nobody else may write them (nor
their folder); anything unreadable, foreign, corrupt or of another version is
ignored and rebuilt, never trusted and never fatal.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from laojia_feed.cache.manifest import remember_build, unchanged_build
from laojia_feed.cache.posts import cached_outcomes
from laojia_feed.cache.runs import remember_run, replay_run, run_digest
from laojia_feed.model import Diagnostic, Site, WrittenFeed
from laojia_feed.read import discover
from laojia_feed.read.load import LoadAll, Outcome


class Cache:
    """The incremental cache in one folder: the store a load is given
    (:class:`~laojia_feed.read.load.PostStore`) and the memo a build is given
    (:class:`~laojia_feed.pipeline.BuildMemo`); the command line also keeps its last-run
    record here (:mod:`~laojia_feed.cache.runs`)."""

    def __init__(self, folder: Path) -> None:
        #: Where the cache files are.
        self.folder = folder

    def outcomes(
        self, files: Sequence[discover.Found], posts: str, site: Site, load_all: LoadAll
    ) -> tuple[list[Outcome], str]:
        """Every file's outcome, reused when unchanged, and the digest of every input."""
        return cached_outcomes(self.folder, files, posts, site, load_all)

    def unchanged(
        self, posts: str, out: str, digest: str
    ) -> tuple[tuple[WrittenFeed, ...], tuple[Diagnostic, ...]] | None:
        """What the last build wrote, when nothing it depends on changed."""
        return unchanged_build(self.folder, posts, out, digest)

    def remember(
        self,
        posts: str,
        out: str,
        digest: str,
        files: Mapping[str, str],
        feeds: Sequence[WrittenFeed],
        diagnostics: Sequence[Diagnostic],
    ) -> None:
        """Record a finished build for :meth:`unchanged`."""
        remember_build(self.folder, posts, out, digest, files, feeds, diagnostics)


__all__ = ["Cache", "remember_run", "replay_run", "run_digest"]
