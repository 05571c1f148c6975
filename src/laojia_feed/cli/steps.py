"""What ``build``, ``check`` and ``serve --watch`` do between reading their options and
printing: load, build and the cache's last-run record (WebSub pings and image checks, which
reach the network, are :mod:`~laojia_feed.cli.network`).

The command functions import this module when they run (see
:mod:`~laojia_feed.cli.commands`), so that ``--help`` and ``--version`` load none of it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from laojia_feed import api, cache
from laojia_feed.config import Config
from laojia_feed.model import BuildResult, Diagnostic, LoadResult, RunOptions
from laojia_feed.read.load import BodyReader

#: A build's image checker: URLs → the ones that failed, with the reason.
Checker = Callable[[Sequence[str]], Mapping[str, str]]


def load(
    config: Config, posts: Path, progress: Callable[[int, int], None] | None = None
) -> tuple[LoadResult, BodyReader]:
    """Every post under ``posts`` without its body, and the reader that gives the bodies
    back when they are rendered."""
    return api.load_deferred(posts, config.site, run=config.run, progress=progress)


def build(
    config: Config,
    run: RunOptions,
    loaded: tuple[LoadResult, BodyReader],
    posts: Path,
    out: Path,
    checker: Checker | None = None,
) -> BuildResult:
    """Render and write the feeds of a load."""
    lean, bodies = loaded
    return api.build_from(
        lean, posts, out, config.site, run=run, check_thumbnails=checker, bodies=bodies
    )


def replay(
    config: Config, given: Path, posts: Path, out: Path
) -> tuple[str | None, tuple[tuple[Diagnostic, ...], str] | None]:
    """The no-change fast path: the digest of this run's inputs, and what the last run
    with the same digest printed when nothing it depended on changed (see
    :func:`laojia_feed.cache.replay_run`); no post is read."""
    if config.run.cache_dir is None:
        return None, None
    digest = cache.run_digest(
        config.site, str(posts), str(out), (str(given), str(out)), config.source, config.diagnostics
    )
    if digest is None:
        return None, None
    return digest, cache.replay_run(Path(config.run.cache_dir), str(posts), str(out), digest)


def remember(
    config: Config,
    posts: Path,
    out: Path,
    digest: str,
    result: BuildResult,
    summary: Callable[[BuildResult], str],
) -> None:
    """Record a finished run for :func:`replay`: what it would print when nothing changed."""
    if config.run.cache_dir is None:
        return
    unchanged = replace(result, feeds=tuple(replace(f, changed=False) for f in result.feeds))
    folder = Path(config.run.cache_dir)
    cache.remember_run(
        folder,
        str(posts),
        str(out),
        digest,
        result.load,
        result.all_diagnostics,
        summary(unchanged),
    )
