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
(:mod:`~laojia_feed.feeds.stylesheet`). With none of those options the output is exactly
``rss.xml``, ``atom.xml`` and ``feed.json``. Files are never deleted: the feeds of a
category that disappears stay as they were last written.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING
from urllib.parse import quote

from laojia_feed import urls
from laojia_feed.feeds import archives, opml, stylesheet, taxonomies
from laojia_feed.feeds.formats import FORMATS, FeedFormat
from laojia_feed.model import (
    Article,
    BuildResult,
    Diagnostic,
    FeedDocument,
    FeedItem,
    FieldError,
    LoadResult,
    Rendered,
    Severity,
    Site,
    WrittenFeed,
)
from laojia_feed.read import discover
from laojia_feed.read.load import (
    BodyReader,
    BodyRef,
    collector_paused,
    display_path,
    load_articles,
    with_body,
)
from laojia_feed.write import output

if TYPE_CHECKING:  # formats._common imports the package version: not at import time
    from laojia_feed.feeds.formats._common import Parts

#: Feed-level date of a feed with no items (fixed, so empty feeds are reproducible too).
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

#: Bytes a feed spends per item besides its content (links, dates, ids, tags).
_ITEM_OVERHEAD = 1200

#: Bytes a feed spends besides its items.
_DOCUMENT_OVERHEAD = 2048

#: Characters kept as they are in the path of an output file's URL (RFC 3986 ``pchar``).
_URL_PATH_SAFE = "/!$&'()*+,;=:@~"

#: Signature of a thumbnail checker: URLs → the subset that failed, with reasons.
ThumbnailChecker = Callable[[Sequence[str]], Mapping[str, str]]

#: RFC 5005 links of one document, by format name: ``{"rss": {"prev-archive": url}}``.
FormatLinks = Mapping[str, Mapping[str, str]]


@dataclass(frozen=True, slots=True)
class FeedPlan:
    """One feed, in every enabled format: where its files go and what it may hold."""

    #: Folder inside the output folder (``""`` for the main feed, ``categories/生活``...).
    folder: str
    #: Its settings: the site's own, or with a category's or tag's title and home page.
    site: Site
    #: The posts it may hold, newest first (the item limit applied).
    articles: tuple[Article, ...]
    #: Absolute URL of each of its files, by format name.
    feed_urls: Mapping[str, str]


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
    #: Its bytes, kept only for the build cache.
    data: bytes | None = None


class Writer:
    """Hands each serialized file to :class:`output.Staging` at once, keeping only its size.

    Without a staging (the output folder could not be locked) or after the first
    failure, files are only measured; :attr:`problem` says what went wrong.
    """

    def __init__(self, staging: output.Staging | None, *, keep_data: bool = False) -> None:
        self.staging = staging
        self.keep_data = keep_data
        #: The first failure, as a user-facing message.
        self.problem: str | None = None

    def put(self, file: OutputFile) -> Placed:
        """Stage ``file`` (unless writing has failed) and forget its bytes."""
        ticket: int | None = None
        if self.staging is not None and self.problem is None:
            try:
                ticket = self.staging.stage(file.name, file.data)
            except FieldError as problem:
                self.problem = str(problem)
            except OSError as problem:
                self.problem = f"cannot write: {problem.strerror or problem}"
        data = file.data if self.keep_data else None
        return Placed(file.name, len(file.data), file.format, file.items, ticket, data)

    def stream(self, name: str) -> output.StagedStream | None:
        """A staged file for ``name`` to write piece by piece; None when files are only
        measured or kept (the caller then serializes them whole)."""
        if self.staging is None or self.problem is not None or self.keep_data:
            return None
        try:
            return self.staging.stream(name)
        except (FieldError, OSError):
            return None  # the whole-file path meets the same problem and reports it

    def drop(self, placed: Iterable[Placed]) -> None:
        """Forget files staged for nothing (a trimmed feed's first try, a duplicate)."""
        if self.staging is not None:
            for file in placed:
                if file.ticket is not None:
                    self.staging.drop(file.ticket)


def enabled_formats(site: Site) -> tuple[tuple[FeedFormat, str], ...]:
    """The formats to write, each with its file name (an empty name disables it)."""
    names = {"rss": site.outputs.rss, "atom": site.outputs.atom, "json": site.outputs.json}
    return tuple((fmt, names[fmt.name]) for fmt in FORMATS if names.get(fmt.name))


def file_name(folder: str, name: str) -> str:
    """The path of ``name`` inside ``folder`` of the output folder (``""``: at the top)."""
    return f"{folder}/{name}" if folder else name


def file_url(site: Site, name: str) -> str:
    """The public URL of the output file ``name``: the site URL + the percent-encoded path."""
    relative = quote(name, safe=_URL_PATH_SAFE)
    return urls.join_url(site.url, relative) or site.url + relative


def feed_urls(site: Site, folder: str = "") -> Mapping[str, str]:
    """Absolute URL of each enabled feed file (in ``folder``), by format name."""
    return MappingProxyType(
        {fmt.name: file_url(site, file_name(folder, name)) for fmt, name in enabled_formats(site)}
    )


def estimated_size(item: FeedItem) -> int:
    """A cheap upper-ish guess of the bytes one item costs in the largest format."""
    content = item.rendered.content_html
    escapes = 3 * (content.count("<") + content.count(">")) + 4 * content.count("&")
    text = content + item.rendered.summary + item.article.title
    return len(text.encode("utf-8")) + escapes + _ITEM_OVERHEAD


#: An article and where its body is (None: it has it).
Pairing = tuple[Article, BodyRef | None]


def render_chunk(site: Site, pairs: Sequence[Pairing]) -> list[Rendered | FieldError]:
    """The rendered body of each article, read from its file first when it was loaded
    without it (the work of one process in :meth:`Bodies.prefetch`); a body that cannot
    be read back gives its error instead."""
    from laojia_feed.render import bodies  # here: start-up stays light when nothing renders

    done: list[Rendered | FieldError] = []
    with discover.OpenFolders() as folders:
        for article, ref in pairs:
            try:
                done.append(bodies.render(with_body(article, ref, folders), site))
            except FieldError as problem:
                done.append(problem)
    return done


#: One post's entry in every format, or why its body could not be read back.
Entries = tuple[tuple[str, ...], tuple[bytes, ...]] | FieldError


def render_entries(
    site: Site, docs: Sequence[tuple[FeedFormat, FeedDocument]], pairs: Sequence[Pairing]
) -> list[Entries]:
    """Each post rendered, then written as an entry of every document of ``docs`` (the
    feed without items, one per format): the sanitizer notes and the entries' bytes; the
    work of one process in :func:`stream_feed`."""
    rendered = render_chunk(site, pairs)
    items = tuple(
        FeedItem(article, done)
        for (article, _ref), done in zip(pairs, rendered, strict=True)
        if not isinstance(done, FieldError)
    )
    written = [iter(fmt.render_items(replace(doc, items=items))) for fmt, doc in docs]
    return [
        done if isinstance(done, FieldError) else (done.notes, tuple(next(w) for w in written))
        for done in rendered
    ]


#: Bodies rendered ahead on every core from this many (rendering one costs several loads).
RENDER_MIN_PARALLEL = 200


class Bodies:
    """Each article's body rendered once; its sanitizer notes reported once.

    ``reader`` gives back the bodies of a deferred load (:func:`load.load_deferred`);
    a post whose body cannot be read back is reported once and left out of the feeds.
    """

    def __init__(
        self,
        site: Site,
        posts: str | Path,
        report: list[Diagnostic],
        reader: BodyReader | None = None,
    ) -> None:
        self._site = site
        self._posts = posts
        self._report = report
        self._reader = reader
        self._done: dict[str, Rendered | None] = {}
        self._ready: dict[str, Rendered | FieldError] = {}

    def pair(self, article: Article) -> tuple[Article, BodyRef | None]:
        """``article`` and where its body is (None: it has it)."""
        return article, self._reader.ref(article) if self._reader is not None else None

    def prefetch(self, articles: Iterable[Article]) -> None:
        """Render ``articles`` ahead, on every core when there are many (see
        :func:`parallel.map_chunks`); each is still reported when first asked for."""
        from laojia_feed import parallel  # here: a build that renders little never starts a pool

        unique: dict[str, Article] = {}
        for article in articles:
            if article.id not in self._done:
                unique.setdefault(article.id, article)
        todo = list(unique.values())
        jobs = self._site.jobs
        if parallel.worker_count(jobs, len(todo), RENDER_MIN_PARALLEL) <= 1:
            return  # rendering on demand costs the same
        work = functools.partial(render_chunk, self._site)
        pairs = [self.pair(article) for article in todo]
        with collector_paused():  # thousands of results unpickled: no cycles among them
            done = parallel.map_chunks(work, pairs, jobs=jobs, minimum=RENDER_MIN_PARALLEL)
        for article, rendered in zip(todo, done, strict=True):
            self._ready[article.id] = rendered

    def source_size(self, article: Article) -> int:
        """The size of ``article``'s body as written (its file's, when it was left out)."""
        ref = self._reader.ref(article) if self._reader is not None else None
        return ref.span[1] if ref is not None else len(article.body)

    def get(self, article: Article) -> Rendered | None:
        """The rendered body of ``article``; None when its body could not be read back."""
        if article.id in self._done:
            return self._done[article.id]
        rendered = self._ready.pop(article.id, None)
        if rendered is None:
            rendered = render_chunk(self._site, [self.pair(article)])[0]
        if isinstance(rendered, FieldError):
            where = display_path(self._posts, article.source_path)
            self._report.append(Diagnostic(where, "file", str(rendered)))
            self._done[article.id] = None
            return None
        self._done[article.id] = rendered
        self.report_notes(article, rendered.notes)
        return rendered

    def report_notes(self, article: Article, notes: Iterable[str]) -> None:
        """What sanitizing ``article``'s body removed, for the record."""
        where = display_path(self._posts, article.source_path)
        for note in notes:
            severity = Severity.WARNING if "budget" in note else Severity.INFO
            self._report.append(Diagnostic(where, "body", note, severity))

    def items(self, articles: Iterable[Article], fixes: Mapping[str, Article]) -> list[FeedItem]:
        """A feed item for each article whose body is available (``fixes``: replacements)."""
        found: list[FeedItem] = []
        for article in articles:
            rendered = self.get(article)
            if rendered is not None:
                found.append(FeedItem(fixes.get(article.id, article), rendered))
        return found


#: Most posts per chunk while a feed is streamed: their entries in three formats come
#: back at once (~3 MiB), a few chunks in flight.
_STREAM_CHUNK = 500


class _AbandonedError(Exception):
    """Internal: a post's body could not be read back while its feed was streamed."""


def stream_feed(plan: FeedPlan, bodies: Bodies, writer: Writer) -> list[Placed] | None:
    """Every post of ``plan`` rendered and written entry by entry on every core, each
    entry appended to the staged files as it comes: neither the bodies nor the feeds are
    ever held whole. None, with nothing left staged, when that cannot be done — a file
    cannot be staged, a text of the feed itself needs cleaning, a post's body cannot be
    read back — and the caller takes the whole-document path, which reports why."""
    site = plan.site
    updated = max((a.updated for a in plan.articles), default=EPOCH)
    base = replace(document(site, (), plan.feed_urls), updated=updated, links=MappingProxyType({}))
    named = [(fmt, file_name(plan.folder, name)) for fmt, name in enabled_formats(site)]
    try:
        parts = [
            fmt.render_parts(base, stylesheet=stylesheet.href_for(site.stylesheet, name))
            for fmt, name in named
        ]
    except ValueError:
        return None
    streams = _open_streams(writer, [name for _fmt, name in named])
    if streams is None:
        return None
    try:
        notes = _write_entries(plan, bodies, [(fmt, base) for fmt, _ in named], streams, parts)
        tickets = [stream.finish() for stream in streams]
    except (_AbandonedError, OSError):
        for stream in streams:
            stream.abandon()
        return None
    for article, found in notes:
        bodies.report_notes(article, found)
    count = len(plan.articles)
    return [
        Placed(name, stream.size, fmt.name, count, ticket)
        for (fmt, name), stream, ticket in zip(named, streams, tickets, strict=True)
    ]


def _open_streams(writer: Writer, names: Sequence[str]) -> list[output.StagedStream] | None:
    """A staged stream for each name, or None (and none left open)."""
    streams: list[output.StagedStream] = []
    for name in names:
        stream = writer.stream(name)
        if stream is None:
            for opened in streams:
                opened.abandon()
            return None
        streams.append(stream)
    return streams


def _write_entries(
    plan: FeedPlan,
    bodies: Bodies,
    docs: Sequence[tuple[FeedFormat, FeedDocument]],
    streams: Sequence[output.StagedStream],
    parts: Sequence[Parts],
) -> list[tuple[Article, tuple[str, ...]]]:
    """Write each document's parts and every post's entries into its stream, in order;
    the sanitizer notes of each post. :class:`_AbandonedError` when a body is unreadable."""
    from laojia_feed import parallel  # here: a build that renders little never starts a pool

    for stream, part in zip(streams, parts, strict=True):
        stream.write(part.opening)
    work = functools.partial(render_entries, plan.site, docs)
    pairs = [bodies.pair(article) for article in plan.articles]
    notes: list[tuple[Article, tuple[str, ...]]] = []
    with collector_paused():
        for chunk in parallel.iter_chunks(
            work, pairs, jobs=plan.site.jobs, minimum=RENDER_MIN_PARALLEL, most=_STREAM_CHUNK
        ):
            for entries in chunk:
                if isinstance(entries, FieldError):
                    raise _AbandonedError
                for stream, part, data in zip(streams, parts, entries[1], strict=True):
                    stream.write(part.separator + data if notes else data)
                notes.append((plan.articles[len(notes)], entries[0]))
    for stream, part in zip(streams, parts, strict=True):
        stream.write(part.closing)
    return notes


def likely_fit(
    articles: Sequence[Article], budget: int, size_of: Callable[[Article], int]
) -> Sequence[Article]:
    """The newest articles whose bodies as written fill ``budget``: about the ones
    :func:`within_budget` keeps, worth rendering ahead on every core."""
    spent = _DOCUMENT_OVERHEAD
    for index, article in enumerate(articles):
        spent += size_of(article) + _ITEM_OVERHEAD
        if spent > budget:
            return articles[: index + 1]
    return articles


def within_budget(articles: Sequence[Article], site: Site, bodies: Bodies) -> tuple[Article, ...]:
    """The newest articles whose estimated size fits the budget (always at least one)."""
    spent = _DOCUMENT_OVERHEAD
    kept: list[Article] = []
    for article in articles:
        rendered = bodies.get(article)
        if rendered is None:
            continue
        spent += estimated_size(FeedItem(article, rendered))
        if site.budget is not None and spent > site.budget and kept:
            break
        kept.append(article)
    return tuple(kept)


def document(site: Site, items: Sequence[FeedItem], links: Mapping[str, str]) -> FeedDocument:
    """The FeedDocument for ``items`` (``links``: the feed URLs); dated by its newest item."""
    updated = max((i.article.updated for i in items), default=EPOCH)
    return FeedDocument(site=site, items=tuple(items), feed_urls=links, updated=updated)


def render_plan(
    plan: FeedPlan, items: Sequence[FeedItem], links: FormatLinks
) -> Iterator[OutputFile]:
    """Serialize ``items`` in every enabled format, one at a time, each with its own
    RFC 5005 links."""
    base = document(plan.site, items, plan.feed_urls)
    for fmt, name in enabled_formats(plan.site):
        path = file_name(plan.folder, name)
        doc = replace(base, links=MappingProxyType(dict(links.get(fmt.name, {}))))
        href = stylesheet.href_for(plan.site.stylesheet, path)
        # no local keeps the bytes: the writer drops them while the next format renders
        yield OutputFile(path, fmt.render(doc, stylesheet=href), fmt.name, len(items))


def _no_links(count: int) -> FormatLinks:
    del count
    return {}


def serialize(
    plan: FeedPlan,
    items: Sequence[FeedItem],
    writer: Writer,
    links_for: Callable[[int], FormatLinks] = _no_links,
) -> tuple[list[Placed], int]:
    """Serialize every format into ``writer``, dropping the oldest items until each fits
    the budget. Without a budget each format goes to the writer as soon as it is
    serialized; with one, a try is held until it is known to fit.

    ``links_for``: the RFC 5005 links for a given number of items kept.
    """
    budget = plan.site.budget
    count = len(items)
    while True:
        files = render_plan(plan, items[:count], links_for(count))
        if budget is None:
            placed: list[Placed] = []
            for file in files:
                placed.append(writer.put(file))
                del file  # one format's bytes at a time
            return placed, count
        rendered = list(files)
        largest = max((len(f.data) for f in rendered), default=0)
        if largest <= budget or count == 0:
            return [writer.put(f) for f in rendered], count
        count = min(count - 1, int(count * budget / largest * 0.98))


def _mib(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MiB"


def budget_warning(site: Site, total: int, kept: int, where: str) -> Diagnostic | None:
    """One warning when the byte budget left posts out of the feeds."""
    if kept >= total or site.budget is None:
        return None
    return Diagnostic(
        where,
        "budget",
        f"feeds carry the newest {kept} of {total} posts to stay under "
        f'{_mib(site.budget)} each (set budget = "none" to publish all)',
        Severity.WARNING,
    )


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


def term_plan(site: Site, taxonomy: taxonomies.Taxonomy, term: taxonomies.Term) -> FeedPlan:
    """The feed of one category or tag: ``Site — 分类: name``, home page = its folder."""
    folder = f"{taxonomy.folder}/{term.folder}"
    title = f"{site.title or site.url} — {taxonomy.label(site.language)}: {term.name}"
    term_site = replace(site, title=title, url=file_url(site, folder + "/"))
    articles = term.articles[: site.limit] if site.limit is not None else term.articles
    return FeedPlan(folder, term_site, articles, feed_urls(site, folder))


def taxonomy_plans(
    site: Site, articles: Sequence[Article], report: list[Diagnostic], where: str
) -> tuple[tuple[taxonomies.Taxonomy, tuple[FeedPlan, ...]], ...]:
    """The category and tag feeds the site asked for, grouped by taxonomy."""
    wanted = ((taxonomies.CATEGORIES, site.category_feeds), (taxonomies.TAGS, site.tag_feeds))
    found: list[tuple[taxonomies.Taxonomy, tuple[FeedPlan, ...]]] = []
    for taxonomy, enabled in wanted:
        if not enabled:
            continue

        def warn(message: str, field: str = taxonomy.folder) -> None:
            report.append(Diagnostic(where, field, message, Severity.WARNING))

        terms = taxonomies.terms(taxonomy, articles, warn)
        found.append((taxonomy, tuple(term_plan(site, taxonomy, term) for term in terms)))
    return tuple(found)


def archive_size(site: Site, kept: int) -> int:
    """Posts per archive page: ``archive_size``, else as many as the main feed holds."""
    return site.archive_size or max(kept, 1)


def _page_url(site: Site, name: str) -> archives.UrlOf:
    def url_of(number: int | None) -> str:
        folder = "" if number is None else archives.page_folder(number)
        return file_url(site, file_name(folder, name))

    return url_of


def archive_links(site: Site, number: int | None, pages: int) -> FormatLinks:
    """The RFC 5005 links of the main feed (None) or of archive page ``number``, by format."""
    return {
        fmt.name: archives.links(number, pages, _page_url(site, name))
        for fmt, name in enabled_formats(site)
    }


def main_links(site: Site, total: int) -> Callable[[int], FormatLinks]:
    """The main feed's links when it keeps ``count`` of ``total`` posts."""

    def links_for(count: int) -> FormatLinks:
        if not site.archives:
            return {}
        pages = archives.page_count(total - count, archive_size(site, count))
        return archive_links(site, None, pages)

    return links_for


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
    ) -> None:
        self.writer = writer
        self.site = site
        self.posts = posts
        self.where = where
        self.check = check
        self.report: list[Diagnostic] = []
        self.bodies = Bodies(site, posts, self.report, reader)
        self.fixes: dict[str, Article] = {}

    def warn(self, field: str, message: str) -> None:
        self.report.append(Diagnostic(self.where, field, message, Severity.WARNING))

    def items(self, articles: Iterable[Article]) -> tuple[FeedItem, ...]:
        return tuple(self.bodies.items(articles, self.fixes))

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
            size_text, folder = _mib(max(over)[0]), max(over)[1]
            self.warn(
                "archive_size",
                f"{len(over)} archive page(s) exceed the {_mib(self.site.budget or 0)} budget "
                f"(largest: {folder}, {size_text}); set a smaller archive_size",
            )
        return files

    def taxonomy_files(
        self, chosen: Sequence[tuple[FeedPlan, tuple[Article, ...]]]
    ) -> list[Placed]:
        """Every category and tag feed, each trimmed to the budget like the main feed."""
        files: list[Placed] = []
        trimmed: list[str] = []
        for plan, articles in chosen:
            rendered, kept = serialize(plan, self.items(articles), self.writer)
            if kept < len(plan.articles):
                trimmed.append(plan.folder)
            files.extend(rendered)
        if trimmed and self.site.budget is not None:
            self.warn(
                "budget",
                f"{len(trimmed)} category/tag feed(s) carry only their newest posts to stay "
                f"under {_mib(self.site.budget)} each (e.g. {trimmed[0]})",
            )
        return files

    def index_file(
        self, groups: Sequence[tuple[taxonomies.Taxonomy, tuple[FeedPlan, ...]]]
    ) -> list[Placed]:
        """``feeds.opml``, listing the main feed and every category and tag feed."""
        main = _outline(self.site, feed_urls(self.site), self.site.url)
        if main is None:
            return []
        listed: list[opml.Group] = []
        for taxonomy, plans in groups:
            outlines = (_outline(p.site, p.feed_urls, p.site.url) for p in plans)
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


def _outline(site: Site, found: Mapping[str, str], home: str) -> opml.Outline | None:
    """The index entry of a feed: its first enabled format (RSS, else Atom, else JSON)."""
    first = next(iter(found.values()), None)
    return None if first is None else opml.Outline(site.title or site.url, first, home)


def plan_files(
    load: LoadResult,
    posts: str | Path,
    out: str | Path,
    site: Site,
    check_thumbnails: ThumbnailChecker | None,
    writer: Writer,
    reader: BodyReader | None = None,
) -> tuple[list[Placed], list[str], list[Diagnostic]]:
    """Serialize everything into ``writer``: the files in the order they are to be
    replaced, their names in the order they are reported (main feed first), and the
    diagnostics. ``reader``: see :class:`Bodies`."""
    builder = _Builder(site, posts, str(out), check_thumbnails, writer, reader)
    articles = load.articles
    limited = articles[: site.limit] if site.limit is not None else articles
    main = FeedPlan("", site, tuple(limited), feed_urls(site))
    groups = taxonomy_plans(site, articles, builder.report, str(out))
    if site.budget is None and not (groups or site.archives or check_thumbnails):
        streamed = stream_feed(main, builder.bodies, writer)
        if streamed is not None:
            sheet = builder.stylesheet_files()
            return sheet + streamed, [f.name for f in streamed], builder.report
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
    main_files, kept = serialize(main, builder.items(chosen), writer, main_links_for)
    warning = budget_warning(site, len(limited), kept, str(out))
    if warning is not None and not site.archives:  # with archives, nothing is left out
        builder.report.append(warning)
    archive = (
        builder.archive_files(articles[kept:], archive_size(site, kept)) if site.archives else []
    )
    terms = builder.taxonomy_files(term_chosen)
    index = builder.index_file(groups) if groups else []
    sheet = builder.stylesheet_files()
    # Replaced so that whatever a file points to exists before it: the stylesheet, the
    # archive pages and the category feeds before the main feed, the index last.
    written = sheet + archive + terms + main_files + index
    reported = [f.name for f in main_files + archive + terms]
    return written, reported, builder.report


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
    keep_data: bool,
    reader: BodyReader | None,
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
        except (output.BuildLockBusy, FieldError) as problem:
            failure = str(problem)
        except OSError as problem:
            failure = f"cannot write: {problem.strerror or problem}"
        writer = Writer(staging, keep_data=keep_data)
        written, reported, report = plan_files(
            load, posts, out, site, check_thumbnails, writer, reader
        )
        unique = _unique(written, report, str(out))
        kept = {id(f) for f in unique}
        writer.drop(f for f in written if id(f) not in kept)
        if staging is not None and writer.problem is None:
            try:
                staging.commit([f.ticket for f in unique if f.ticket is not None])
            except FieldError as problem:
                writer.problem = str(problem)
            except OSError as problem:
                writer.problem = f"cannot write: {problem.strerror or problem}"
        failure = failure or writer.problem
        if failure is not None:
            report.append(Diagnostic(str(out), "output", failure))
        committed = dict(staging.committed) if staging is not None else {}
        return {f.name: f for f in unique}, reported, report, committed


def build_from(
    load: LoadResult,
    posts: str | Path,
    out: str | Path,
    site: Site,
    *,
    check_thumbnails: ThumbnailChecker | None = None,
    bodies: BodyReader | None = None,
) -> BuildResult:
    """Render and write the feeds for an already loaded set of articles.

    ``bodies`` gives back the bodies of a load made without them (the reader that
    :func:`~laojia_feed.read.load.load_deferred` returns). With ``site.cache_dir`` and a load
    that came from the cache, a build whose inputs are all unchanged and whose output
    files still hold what it wrote does nothing.
    """
    digest = _cache_digest(load, site, check_thumbnails)
    if digest is not None:
        from laojia_feed import cache

        known = cache.unchanged_build(site, str(posts), str(out), digest)
        if known is not None:
            return BuildResult(load=load, feeds=known[0], diagnostics=known[1])
    files, reported, report, changed = _stage_and_commit(
        load, posts, Path(out), site, check_thumbnails, digest is not None, bodies
    )
    feeds = tuple(
        WrittenFeed(f.format, f.name, f.size, f.items, changed[f.name])
        for f in (files[name] for name in dict.fromkeys(reported))
        if f.format is not None and f.name in changed
    )
    if digest is not None and len(changed) == len(files):
        from laojia_feed import cache

        data = {f.name: f.data or b"" for f in files.values()}
        cache.remember_build(site, str(posts), str(out), digest, data, feeds, report)
    return BuildResult(load=load, feeds=feeds, diagnostics=tuple(report))


def _cache_digest(
    load: LoadResult, site: Site, check_thumbnails: ThumbnailChecker | None
) -> str | None:
    """The digest of a cached load's inputs; None when the build cannot be skipped (no
    cache, or thumbnails checked over the network, whose answers change)."""
    if site.cache_dir is None or check_thumbnails is not None:
        return None
    from laojia_feed import cache

    return cache.inputs_digest(load)


def build(
    posts: str | Path,
    out: str | Path,
    site: Site | None = None,
    *,
    now: datetime | None = None,
    check_thumbnails: ThumbnailChecker | None = None,
) -> BuildResult:
    """Load every post under ``posts`` and write the feeds into ``out``.

    Never raises for bad posts or an unwritable output: everything is a
    diagnostic in the result, and ``result.ok`` says whether the exit code is 0.
    """
    site = site or Site()
    load = load_articles(posts, site, now=now)
    return build_from(load, posts, out, site, check_thumbnails=check_thumbnails)
