"""The library's entry points: load and build, with the run options (processes, the
incremental cache) wired in. ``laojia_feed`` re-exports them; the stages below never
import the cache: they take its store and memo as arguments."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from laojia_feed import cache
from laojia_feed.feeds.plan import enabled_formats
from laojia_feed.model import (
    Article,
    BuildResult,
    Diagnostic,
    LoadResult,
    Rendered,
    RunOptions,
    Site,
)
from laojia_feed.pipeline import ThumbnailChecker, build_feeds
from laojia_feed.read.load import BodyReader, load
from laojia_feed.render.bodies import render as render_body
from laojia_feed.validate import WHERE, run_problems, site_problems
from laojia_feed.write.emptying import live_feeds

#: Called as posts are read: ``progress(done, total)`` (for a progress bar).
Progress = Callable[[int, int], None]


def open_cache(run: RunOptions) -> cache.Cache | None:
    """The incremental cache of ``run`` (None: none asked for)."""
    return cache.Cache(Path(run.cache_dir)) if run.cache_dir is not None else None


def load_articles(
    posts: str | Path,
    site: Site | None = None,
    *,
    run: RunOptions | None = None,
    now: datetime | None = None,
    progress: Progress | None = None,
) -> LoadResult:
    """Load every post under ``posts``: valid Articles newest first, plus every problem.

    Never raises for bad input: a missing folder or an unknown time zone is an error
    diagnostic in the result. ``run``: processes and the incremental cache.
    """
    return load_deferred(posts, site, run=run, now=now, progress=progress, defer=False)[0]


def load_deferred(
    posts: str | Path,
    site: Site | None = None,
    *,
    run: RunOptions | None = None,
    now: datetime | None = None,
    progress: Progress | None = None,
    defer: bool = True,
) -> tuple[LoadResult, BodyReader]:
    """:func:`load_articles` without the bodies: every Article's ``body`` is empty until
    the reader gives it back (for :func:`build_from`'s ``bodies``). A post's body is read
    when it is rendered, so 50k bodies are never all held in memory."""
    site, run = site or Site(), run or RunOptions()
    problems = site_problems(site) + run_problems(run)
    if problems:
        return LoadResult((), problems, unreadable=True), BodyReader({})
    store = open_cache(run)
    return load(posts, site, now=now, progress=progress, defer=defer, jobs=run.jobs, store=store)


def build_from(
    load_result: LoadResult,
    posts: str | Path,
    out: str | Path,
    site: Site,
    *,
    run: RunOptions | None = None,
    check_thumbnails: ThumbnailChecker | None = None,
    bodies: BodyReader | None = None,
) -> BuildResult:
    """Render and write the feeds for an already loaded set of articles.

    ``bodies`` gives back the bodies of a load made without them (from
    :func:`load_deferred`). With ``run.cache_dir`` and a load that came from the cache, a
    build whose inputs are all unchanged and whose output files still hold what it wrote
    does nothing.
    """
    run = run or RunOptions()
    refused = refusal(load_result, out, site, run, bodies)
    if refused is not None:
        return BuildResult(load=load_result, feeds=(), diagnostics=refused)
    return build_feeds(
        load_result,
        posts,
        out,
        site,
        check_thumbnails=check_thumbnails,
        bodies=bodies,
        jobs=run.jobs,
        memo=open_cache(run),
    )


def refusal(
    loaded: LoadResult, out: str | Path, site: Site, run: RunOptions, bodies: BodyReader | None
) -> tuple[Diagnostic, ...] | None:
    """Why a build must write nothing (None: it may go on): the settings are invalid, the
    posts could not be read, a deferred load came without its bodies, or no post was
    found while the live feeds hold items (unless ``run.allow_empty``)."""
    if loaded.unreadable:
        return ()  # the load's own diagnostics say why it could not read
    problems = site_problems(site) + run_problems(run)
    if problems:
        return problems
    if loaded.deferred and bodies is None:
        message = "the articles were loaded without their bodies (load_deferred): pass its reader"
        return (Diagnostic(WHERE, "bodies", message + " as bodies=; nothing was written"),)
    if loaded.articles or run.allow_empty:
        return None
    files = [(fmt.name, name) for fmt, name in enabled_formats(site)]
    live = live_feeds(Path(out), files)
    if not live:
        return None
    message = (
        f"no post to publish, and {', '.join(live)} still hold items; nothing was replaced "
        "(check the posts folder, or pass --allow-empty to publish empty feeds)"
    )
    return (Diagnostic(str(out), "output", message),)


def build(
    posts: str | Path,
    out: str | Path,
    site: Site | None = None,
    *,
    run: RunOptions | None = None,
    now: datetime | None = None,
    check_thumbnails: ThumbnailChecker | None = None,
) -> BuildResult:
    """Load every post under ``posts`` and write the feeds into ``out``.

    Never raises for bad posts or an unwritable output: everything is a diagnostic in
    the result, and ``result.ok`` says whether the exit code is 0.
    """
    site = site or Site()
    loaded = load_articles(posts, site, run=run, now=now)
    return build_from(loaded, posts, out, site, run=run, check_thumbnails=check_thumbnails)


def render(article: Article, site: Site) -> Rendered:
    """Sanitized content, plain-text summary and notes of one article, per site settings."""
    return render_body(article, site)
