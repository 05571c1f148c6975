"""Load everything → render everything → write everything.

Nothing is replaced until every post has been read and every file serialized; all
under one lock on the output folder, each file goes to a temporary file as soon as it
is serialized (so one feed's bytes at a time are held, not all of them), and the
temporary files are renamed over their targets at the end. Only the
items that reach a feed have their bodies rendered, each once, however many feeds
hold it.

Besides the main feed (one file per enabled format), a site may ask for per-category
and per-tag feeds with an OPML index of them (:mod:`~laojia_feed.feeds.taxonomies`,
:mod:`~laojia_feed.feeds.opml`), RFC 5005 archive pages of the older posts
(:mod:`~laojia_feed.feeds.archives`) and the shipped XSL stylesheet
(:mod:`~laojia_feed.feeds.stylesheet`), and pages for people beside the feeds
(:mod:`~laojia_feed.feeds.page_files`). With none of those options the output is exactly
``rss.xml``, ``atom.xml`` and ``feed.json``. Files are never deleted: the feeds of a
category that disappears stay as they were last written.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Protocol

from laojia_feed.errors import OutputFolderError
from laojia_feed.feeds import archives, inclusion, opml, page_files, stylesheet, taxonomies
from laojia_feed.feeds.plan import (
    FeedPlan,
    archive_links,
    archive_size,
    enabled_formats,
    feed_urls,
    main_links,
    outline,
    taxonomy_plans,
)
from laojia_feed.feeds.serialize import (
    budget_warning,
    likely_fit,
    render_plan,
    serialize,
    within_budget,
)
from laojia_feed.model import (
    Article,
    BuildResult,
    Diagnostic,
    FeedItem,
    FieldError,
    LoadResult,
    Severity,
    Site,
    WrittenFeed,
)
from laojia_feed.read.load import BodyReader, display_path
from laojia_feed.render import tagging
from laojia_feed.render.batch import Bodies
from laojia_feed.wording import size_text
from laojia_feed.write import output
from laojia_feed.write.stream import stream_feed
from laojia_feed.write.writer import OutputFile, Placed, Writer

#: The category or tag feeds of a site, with their taxonomy.
Group = tuple[taxonomies.Taxonomy, tuple[FeedPlan, ...]]

#: Signature of a thumbnail checker: URLs → the subset that failed, with reasons.
ThumbnailChecker = Callable[[Sequence[str]], Mapping[str, str]]


def image_fixes(
    articles: Iterable[Article],
    checker: ThumbnailChecker,
    posts: str | Path,
    report: list[Diagnostic],
) -> dict[str, Article]:
    """Articles whose image the checker found unreachable, without it, by id; a warning each."""
    unique = {article.id: article for article in articles}
    images = list(dict.fromkeys(a.image for a in unique.values() if a.image))
    failed = checker(images) if images else {}
    fixed: dict[str, Article] = {}
    for article in unique.values():
        reason = failed.get(article.image or "")
        if reason is not None:
            where = display_path(posts, article.source_path)
            message = f"{article.image} {reason}; dropped"
            report.append(Diagnostic(where, "image", message, Severity.WARNING))
            fixed[article.id] = replace(article, image=None)
    return fixed


class _Builder:
    """Everything one build serializes, collected before anything is written."""

    def __init__(
        self,
        site: Site,
        posts: str | Path,
        where: str,
        check: ThumbnailChecker | None,
        writer: Writer,
        reader: BodyReader | None = None,
        jobs: int | None = None,
        tags: tagging.TagPlan | None = None,
    ) -> None:
        self.writer = writer
        self.site = site
        self.posts = posts
        self.where = where
        self.check = check
        self.report: list[Diagnostic] = []
        self.bodies = Bodies(site, posts, self.report, reader, jobs, tags)
        self.fixes: dict[str, Article] = {}
        #: The pages for people written so far (``pages = true``).
        self.pages: list[Placed] = []

    def warn(self, field: str, message: str) -> None:
        self.report.append(Diagnostic(self.where, field, message, Severity.WARNING))

    def items(self, articles: Iterable[Article]) -> tuple[FeedItem, ...]:
        return tuple(self.bodies.items(articles, self.fixes))

    def page(self, plan: FeedPlan, items: Sequence[FeedItem]) -> None:
        """The page of ``plan``'s feed, when the site asks for pages."""
        if page_files.wanted(self.site):
            self.pages.append(self.writer.put(page_files.feed_page(self.site, plan, items)))

    def index_page(self, main: FeedPlan, groups: Sequence[Group], opml: bool) -> list[Placed]:
        """``feeds.html``, when the site asks for pages (``opml``: feeds.opml is written)."""
        if not page_files.wanted(self.site):
            return []
        return [self.writer.put(page_files.index_page(main, groups, opml))]

    def check_images(self, chosen: Iterable[Article]) -> None:
        if self.check is not None:
            self.fixes = image_fixes(chosen, self.check, self.posts, self.report)

    def archive_files(self, archived: Sequence[Article], size: int) -> list[Placed]:
        """Every archive page (never trimmed: an archive must not lose posts)."""
        pages = archives.paginate(archived, size)
        files: list[Placed] = []
        over: list[tuple[int, str]] = []
        for page in pages:
            plan = FeedPlan(
                page.folder, self.site, page.articles, feed_urls(self.site, page.folder)
            )
            links = archive_links(self.site, page.number, len(pages))
            rendered = [
                self.writer.put(f) for f in render_plan(plan, self.items(page.articles), links)
            ]
            largest = max((f.size for f in rendered), default=0)
            if self.site.budget is not None and largest > self.site.budget:
                over.append((largest, page.folder))
            files.extend(rendered)
        if over:
            worst, folder = max(over)
            budget = size_text(self.site.budget or 0)
            self.warn(
                "archive_size",
                f"{len(over)} archive page(s) exceed the {budget} budget "
                f"(largest: {folder}, {size_text(worst)}); set a smaller archive_size",
            )
        return files

    def taxonomy_files(
        self, chosen: Sequence[tuple[FeedPlan, tuple[Article, ...]]]
    ) -> list[Placed]:
        """Every category and tag feed, each trimmed to the budget like the main feed."""
        files: list[Placed] = []
        trimmed: list[str] = []
        for plan, articles in chosen:
            items = self.items(articles)
            rendered, kept = serialize(plan, items, self.writer)
            self.page(plan, items[:kept])
            if kept < len(plan.articles):
                trimmed.append(plan.folder)
            files.extend(rendered)
        if trimmed and self.site.budget is not None:
            self.warn(
                "budget",
                f"{len(trimmed)} category/tag feed(s) carry only their newest posts to stay "
                f"under {size_text(self.site.budget)} each (e.g. {trimmed[0]})",
            )
        return files

    def index_file(self, groups: Sequence[Group]) -> list[Placed]:
        """``feeds.opml``, listing the main feed and every category and tag feed."""
        main = outline(self.site, feed_urls(self.site), self.site.url)
        if main is None:
            return []
        listed: list[opml.Group] = []
        for taxonomy, plans in groups:
            outlines = (outline(p.site, p.feed_urls, p.site.url) for p in plans)
            label = taxonomy.label(self.site.language)
            listed.append(opml.Group(label, tuple(o for o in outlines if o is not None)))
        data = opml.render_opml(self.site.title or self.site.url, [main], listed)
        return [self.writer.put(OutputFile(opml.FILENAME, data))]

    def stylesheet_files(self) -> list[Placed]:
        xml = any(fmt.media_type.endswith("+xml") for fmt, _name in enabled_formats(self.site))
        if self.site.stylesheet != stylesheet.DEFAULT or not xml:
            return []
        try:
            data = stylesheet.default_stylesheet()
        except OSError as problem:  # pragma: no cover - a broken installation
            self.report.append(
                Diagnostic(self.where, "stylesheet", f"cannot read the stylesheet: {problem}")
            )
            return []
        return [self.writer.put(OutputFile(stylesheet.FILENAME, data))]


def plan_files(
    load: LoadResult,
    posts: str | Path,
    out: str | Path,
    site: Site,
    check_thumbnails: ThumbnailChecker | None,
    writer: Writer,
    reader: BodyReader | None = None,
    jobs: int | None = None,
) -> tuple[list[Placed], list[str], list[Diagnostic]]:
    """Serialize everything into ``writer``: the files in the order they are to be
    replaced, their names in the order they are reported (main feed first), and the
    diagnostics. ``reader``: see :class:`Bodies`."""
    tags = tagging.plan(site, load.articles)  # every post: a tag may name any
    builder = _Builder(site, posts, str(out), check_thumbnails, writer, reader, jobs, tags)
    articles = load.articles
    limited = articles[: site.limit] if site.limit is not None else articles
    main = FeedPlan("", site, tuple(limited), feed_urls(site))
    groups = taxonomy_plans(site, articles, builder.report, str(out))
    if site.budget is None and not (groups or site.archives or check_thumbnails):
        keep = page_files.PAGE_ITEMS if site.pages else 0
        streamed = stream_feed(main, builder.bodies, writer, keep)
        if streamed is not None:
            builder.page(main, streamed[1])
            sheet = builder.stylesheet_files()
            index = builder.index_page(main, groups, opml=False)
            written = sheet + streamed[0] + builder.pages + index
            return written, [f.name for f in streamed[0]], builder.bodies.finish()
    if site.budget is None:  # every listed post is rendered: render them all at once
        builder.bodies.prefetch(
            [*main.articles, *(a for _t, ps in groups for p in ps for a in p.articles)]
        )
    else:  # about as many as will fit
        builder.bodies.prefetch(likely_fit(main.articles, site.budget, builder.bodies.source_size))
    chosen = within_budget(main.articles, site, builder.bodies)
    term_chosen = [
        (plan, within_budget(plan.articles, site, builder.bodies))
        for _taxonomy, plans in groups
        for plan in plans
    ]
    candidates = [*chosen, *(a for _plan, found in term_chosen for a in found)]
    builder.check_images([*candidates, *articles] if site.archives else candidates)
    main_links_for = main_links(site, len(articles))
    main_items = builder.items(chosen)
    main_files, kept = serialize(main, main_items, writer, main_links_for)
    builder.page(main, main_items[:kept])
    warning = budget_warning(site, len(limited), kept, str(out))
    if warning is not None and not site.archives:  # with archives, nothing is left out
        builder.report.append(warning)
    archive = (
        builder.archive_files(articles[kept:], archive_size(site, kept)) if site.archives else []
    )
    terms = builder.taxonomy_files(term_chosen)
    index = builder.index_file(groups) if groups else []
    index += builder.index_page(main, groups, opml=bool(index))
    sheet = builder.stylesheet_files()
    # Replaced so that whatever a file points to exists before it: the stylesheet, the
    # archive pages and the category feeds before the main feed, the pages after the
    # feeds, the indexes last.
    written = sheet + archive + terms + main_files + builder.pages + index
    reported = [f.name for f in main_files + archive + terms]
    return written, reported, builder.bodies.finish()


def _unique(files: Iterable[Placed], report: list[Diagnostic], where: str) -> list[Placed]:
    """The files with distinct names; a later file for a taken name is reported and left out."""
    seen: dict[str, Placed] = {}
    for file in files:
        if file.name in seen:
            message = f"{file.name} would be written twice; the second one is left out"
            report.append(Diagnostic(where, "output", message, Severity.WARNING))
        else:
            seen[file.name] = file
    return list(seen.values())


def _stage_and_commit(
    load: LoadResult,
    posts: str | Path,
    out: Path,
    site: Site,
    check_thumbnails: ThumbnailChecker | None,
    reader: BodyReader | None,
    jobs: int | None,
    digests: bool,
) -> tuple[dict[str, Placed], list[str], list[Diagnostic], dict[str, bool]]:
    """Take the lock, serialize everything into temporary files, rename the ones to keep.

    Returns the distinct files by name, the reported names, the diagnostics and, for
    each file replaced (or found unchanged), whether it changed.
    """
    with contextlib.ExitStack() as held:  # the staging closes (temps removed) before the lock
        staging: output.Staging | None = None
        failure: str | None = None
        try:
            output.ensure_dir(out)
            held.enter_context(output.build_lock(out))
            staging = held.enter_context(output.Staging(out))
        except OutputFolderError as problem:
            failure = str(problem)
        except OSError as problem:
            failure = f"cannot write: {problem.strerror or problem}"
        writer = Writer(staging, digests=digests)
        written, reported, report = plan_files(
            load, posts, out, site, check_thumbnails, writer, reader, jobs
        )
        unique = _unique(written, report, str(out))
        kept = {id(f) for f in unique}
        writer.drop(f for f in written if id(f) not in kept)
        if staging is not None and writer.problem is None:
            try:
                staging.commit([f.ticket for f in unique if f.ticket is not None])
            except (OutputFolderError, FieldError) as problem:
                writer.problem = str(problem)
            except OSError as problem:
                writer.problem = f"cannot write: {problem.strerror or problem}"
        failure = failure or writer.problem
        if failure is not None:
            report.append(Diagnostic(str(out), "output", failure))
        committed = dict(staging.committed) if staging is not None else {}
        return {f.name: f for f in unique}, reported, report, committed


class BuildMemo(Protocol):
    """What the last build with the same inputs wrote: the build side of the incremental
    cache (:class:`laojia_feed.cache.Cache` implements it)."""

    def unchanged(
        self, posts: str, out: str, digest: str
    ) -> tuple[tuple[WrittenFeed, ...], tuple[Diagnostic, ...]] | None:
        """The feeds and diagnostics of the last build, when its inputs had ``digest``
        (:attr:`LoadResult.inputs_digest`) and the output folder still holds exactly what
        it wrote; else None."""
        ...

    def remember(
        self,
        posts: str,
        out: str,
        digest: str,
        files: Mapping[str, str],
        feeds: Sequence[WrittenFeed],
        diagnostics: Sequence[Diagnostic],
    ) -> None:
        """Record a finished build: its inputs' digest, each file's
        :func:`~laojia_feed.write.writer.file_digest`, what it reported."""
        ...


def build_feeds(
    load: LoadResult,
    posts: str | Path,
    out: str | Path,
    site: Site,
    *,
    check_thumbnails: ThumbnailChecker | None = None,
    bodies: BodyReader | None = None,
    jobs: int | None = None,
    memo: BuildMemo | None = None,
) -> BuildResult:
    """Render and write the feeds for an already loaded set of articles (see
    :func:`laojia_feed.build_from`, which wires the run options in).

    ``bodies`` gives back the bodies of a load made without them. With a ``memo`` and a
    load that a cache store answered, a build whose inputs are all unchanged and whose
    output files still hold what it wrote does nothing (not when thumbnails are checked
    over the network, whose answers change).
    """
    load = inclusion.for_feeds(load, site, posts)
    digest = load.inputs_digest if check_thumbnails is None and memo is not None else None
    if memo is not None and digest is not None:
        known = memo.unchanged(str(posts), str(out), digest)
        if known is not None:
            return BuildResult(load=load, feeds=known[0], diagnostics=known[1])
    files, reported, report, changed = _stage_and_commit(
        load, posts, Path(out), site, check_thumbnails, bodies, jobs, digest is not None
    )
    feeds = tuple(
        WrittenFeed(f.format, f.name, f.size, f.items, changed[f.name])
        for f in (files[name] for name in dict.fromkeys(reported))
        if f.format is not None and f.name in changed
    )
    if memo is not None and digest is not None and len(changed) == len(files):
        hashes = {f.name: f.digest or "" for f in files.values()}
        memo.remember(str(posts), str(out), digest, hashes, feeds, report)
    return BuildResult(load=load, feeds=feeds, diagnostics=tuple(report))
