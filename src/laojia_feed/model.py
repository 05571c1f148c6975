"""The data every stage passes on: frozen dataclasses, aware datetimes, tuples.

Nothing here does I/O. A reader who knows these types knows the shape of the
whole pipeline:

    find posts → read bytes → front matter → Article → HTML → feeds → atomic write
    (discover)   (decode)     (frontmatter)  (fields)  (html)  (formats) (output)
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import TypeAlias

#: A JSON-compatible value: what unknown front-matter keys are kept as.
JSONValue: TypeAlias = (
    "bool | int | float | str | tuple[JSONValue, ...] | Mapping[str, JSONValue] | None"
)


class FieldError(ValueError):
    """A field's value cannot be used. The message is shown to the user as is.

    Field parsers raise it; :mod:`laojia_feed.read.article` turns it into an error
    :class:`Diagnostic` naming the file and the field. It never escapes the library.
    """


#: How a field parser reports something it fixed or dropped (a warning).
Warn: TypeAlias = Callable[[str], None]


class Severity(enum.Enum):
    """How bad a diagnostic is. Only errors change the exit code."""

    #: The post was skipped (or the build could not run); exit code 1.
    ERROR = "error"
    #: Something was fixed or dropped; the post is still published.
    WARNING = "warning"
    #: For the record (a sanitized body, a decoded legacy encoding); never alarming.
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem, naming the file and the field: ``posts/x.md: date: ... does not exist``."""

    #: The post's path as shown to the user (relative to the posts folder when possible).
    path: str
    #: The front-matter field, or a pseudo-field: ``file``, ``front matter``, ``body``, ``site``.
    field: str
    #: One sentence, no trailing period needed.
    message: str
    #: Error, warning or info.
    severity: Severity = Severity.ERROR
    #: 1-based line in the source file, when known.
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.path}: {self.field}: {self.message}"


class Exclusion(enum.Enum):
    """Why a post was left out on purpose (quietly; exit code 0)."""

    DRAFT = "draft"
    UNPUBLISHED = "unpublished"
    FUTURE = "future"
    NOT_A_POST = "not a regular file inside the posts folder"


@dataclass(frozen=True, slots=True)
class Excluded:
    """A post left out on purpose, and why."""

    #: The post's display path.
    path: str
    #: The reason.
    reason: Exclusion


@dataclass(frozen=True, slots=True)
class Author:
    """A person credited for a post or a site."""

    #: Display name (plain text).
    name: str
    #: E-mail address, when given.
    email: str | None = None
    #: Home page, an absolute http(s) URL, when given.
    url: str | None = None


class BodyFormat(enum.Enum):
    """How a post body is written."""

    HTML = "html"
    MARKDOWN = "markdown"


@dataclass(frozen=True, slots=True)
class Article:
    """One post, validated: what every feed format renders from.

    The body is kept as written (``body``); :func:`laojia_feed.render.bodies.render`
    turns it into sanitized HTML with absolute URLs only for articles that reach
    a feed, so loading 50k posts does not render 50k bodies.
    """

    #: Stable identifier: a front-matter ``id``/``guid`` or the permalink. Unique in a feed.
    id: str
    #: URL path segment of the post (Unicode allowed, never contains ``/`` or ``..``).
    slug: str
    #: Absolute http(s) permalink of the post, without dot segments.
    url: str
    #: Plain-text title (no markup, no control characters).
    title: str
    #: Publication time, timezone-aware.
    published: datetime
    #: Last update time, timezone-aware; equals ``published`` when not given.
    updated: datetime
    #: The body as written, after decoding (front matter removed).
    body: str
    #: Whether ``body`` is HTML or Markdown.
    body_format: BodyFormat
    #: Source path relative to the posts folder, POSIX separators.
    source_path: str
    #: Authors, in front-matter order; empty means "the site author".
    authors: tuple[Author, ...] = ()
    #: Category names, flattened from Hexo hierarchies, deduplicated, in order.
    categories: tuple[str, ...] = ()
    #: Tag names, deduplicated, in order.
    tags: tuple[str, ...] = ()
    #: Absolute http(s) URL of the post's image (thumbnail/headimg/cover/image).
    image: str | None = None
    #: Author-written summary (plain text), from ``description``/``excerpt``/``summary``.
    summary: str | None = None
    #: BCP 47 language tag of the post, when it differs from the site's.
    language: str | None = None
    #: Front-matter keys laojia-feed does not interpret, as JSON-compatible data.
    extra: Mapping[str, JSONValue] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True, slots=True)
class Rendered:
    """An article's body made ready for a feed by :mod:`laojia_feed.render.bodies`."""

    #: Sanitized HTML with absolute URLs and no characters XML forbids.
    content_html: str
    #: Plain-text summary, never cut inside a word's bytes, a tag or an entity.
    summary: str
    #: What sanitizing removed, for the record (info diagnostics).
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class OutputNames:
    """File names of the three feeds inside the output folder ("" disables one)."""

    #: RSS 2.0 file name.
    rss: str = "rss.xml"
    #: Atom 1.0 file name.
    atom: str = "atom.xml"
    #: JSON Feed 1.1 file name.
    json: str = "feed.json"


#: The site URL used when none is configured: public, reserved (RFC 2606), never localhost.
PLACEHOLDER_SITE_URL = "https://example.com/"

#: Default byte budget of one feed file (2 MiB): well under what readers and proxies refuse.
DEFAULT_BUDGET = 2 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Site:
    """Site-wide settings: from a config file, CLI flags, or defaults."""

    #: Feed title.
    title: str = "My Blog"
    #: Absolute http(s) base URL of the site, ending in ``/``.
    url: str = PLACEHOLDER_SITE_URL
    #: Feed description / subtitle.
    description: str = ""
    #: BCP 47 language tag of the feeds.
    language: str = "zh-CN"
    #: Default author of posts that name none.
    author: Author | None = None
    #: IANA time zone applied to dates written without one.
    timezone: str = "Asia/Shanghai"
    #: Permalink pattern for posts without ``permalink``/``url``, e.g. ``:year/:month/:slug/``;
    #: every token is listed in :data:`laojia_feed.read.permalinks.TOKENS` (``:category`` is the
    #: last category with its parents, as in Hexo).
    permalink: str = ":year/:month/:day/:slug/"
    #: Feed file names.
    outputs: OutputNames = OutputNames()
    #: At most this many items per feed (None: every post, like Hugo).
    limit: int | None = None
    #: Byte budget of one feed file (None: no budget).
    budget: int | None = DEFAULT_BUDGET
    #: Byte cap of one item's content; larger bodies are replaced by their summary.
    item_budget: int = 512 * 1024
    #: Include posts dated in the future.
    include_future: bool = False
    #: Replace CORS-proxy wrapped image URLs by the inner URL.
    unwrap_proxies: bool = False
    #: Put full content in feeds (True) or summaries only (False).
    full_content: bool = True
    #: Length of generated plain-text summaries, in characters.
    summary_length: int = 200
    #: File name patterns (globs) of posts inside the posts folder.
    patterns: tuple[str, ...] = ("*.md", "*.markdown", "*.html", "*.htm")
    #: Feed icon / logo URL.
    icon: str | None = None
    #: WebSub hub URL to advertise.
    hub: str | None = None
    #: Also write one feed per category, under ``categories/<name>/``.
    category_feeds: bool = False
    #: Also write one feed per tag, under ``tags/<name>/``.
    tag_feeds: bool = False
    #: Also write RFC 5005 archive pages of the older posts, under ``archive/<n>/``.
    archives: bool = False
    #: Posts per archive page (None: as many as the main feed holds).
    archive_size: int | None = None
    #: XSL stylesheet announced by the RSS and Atom feeds: an href, or ``"default"`` to
    #: ship laojia-feed's own as ``feed.xsl`` next to the feeds (None: no stylesheet).
    stylesheet: str | None = None
    #: Entry ids without an explicit ``id``: ``"permalink"`` (the post URL, as Hugo and
    #: hexo-generator-feed do) or ``"jekyll"`` (jekyll-feed's: URL folder + slug).
    id_style: str = "permalink"
    #: Also write an HTML page for people beside each feed (``feed.html``) and an index
    #: of every feed (``feeds.html``): browsers no longer show feeds readably.
    pages: bool = False
    #: ``referrerpolicy`` given to every ``<img>`` of the bodies (a W3C referrer-policy
    #: token): hosts with hotlink protection refuse images requested with another site's
    #: Referer. ``""``: images keep what they were written with.
    referrer_policy: str = "no-referrer"
    #: Image-proxy URL template holding ``{url}`` (the image URL, percent-encoded), applied
    #: to body images and the post's image (None: images load from where they are).
    image_proxy: str | None = None
    #: Link text after a body cut to the item budget (None: by the entry's language,
    #: 阅读全文 for Chinese, Read more otherwise).
    read_more: str | None = None

    @property
    def is_placeholder(self) -> bool:
        """True when no site URL was configured."""
        return self.url == PLACEHOLDER_SITE_URL


@dataclass(frozen=True, slots=True)
class RunOptions:
    """How a run executes, as opposed to what the feeds say (:class:`Site`): never part of
    the feeds' bytes, nor of what the cache compares."""

    #: Processes for per-post work (None: automatic by size and cores; 1: in-process).
    jobs: int | None = None
    #: Folder of the opt-in incremental build cache (None: no cache; nothing is written
    #: outside the output folder).
    cache_dir: str | None = None
    #: Publish feeds without items over feeds that hold some (``--allow-empty``); without
    #: it, a load that finds no post leaves the live feeds as they are, with an error.
    allow_empty: bool = False


@dataclass(frozen=True, slots=True)
class LoadResult:
    """What reading a posts folder gives: articles, problems, exclusions."""

    #: Valid articles, newest first (ties broken by id), ids unique.
    articles: tuple[Article, ...]
    #: Every problem found, in path order.
    diagnostics: tuple[Diagnostic, ...] = ()
    #: Posts left out on purpose.
    excluded: tuple[Excluded, ...] = ()
    #: When a cache store answered the load: a digest of every input (settings, each
    #: post's bytes and outcome), which a build memo compares to skip an unchanged build.
    inputs_digest: str | None = field(default=None, compare=False)
    #: True when nothing could be read: the posts folder is missing or unreadable, or the
    #: settings cannot be used. A build of such a load writes nothing.
    unreadable: bool = field(default=False, compare=False)
    #: True when the articles were loaded without their bodies (``load_deferred``): a build
    #: needs the reader that gives them back.
    deferred: bool = field(default=False, compare=False)

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        """The error diagnostics only."""
        return tuple(d for d in self.diagnostics if d.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        """The warning diagnostics only."""
        return tuple(d for d in self.diagnostics if d.severity is Severity.WARNING)

    @property
    def ok(self) -> bool:
        """True when nothing was an error."""
        return not self.errors


@dataclass(frozen=True, slots=True)
class WrittenFeed:
    """One feed file a build wrote."""

    #: Format name: ``rss``, ``atom`` or ``json``.
    format: str
    #: File name inside the output folder.
    name: str
    #: Size in bytes.
    size: int
    #: Number of items in it.
    items: int
    #: False when the file already held exactly these bytes and was left alone.
    changed: bool = True


@dataclass(frozen=True, slots=True)
class BuildResult:
    """What a build did: the load result plus what was written."""

    #: Articles, diagnostics and exclusions from loading (plus build-time diagnostics).
    load: LoadResult
    #: The feed files written.
    feeds: tuple[WrittenFeed, ...] = ()
    #: Diagnostics raised while rendering and writing (budget, sanitizer notes...).
    diagnostics: tuple[Diagnostic, ...] = ()

    @property
    def all_diagnostics(self) -> tuple[Diagnostic, ...]:
        """Load and build diagnostics together."""
        return self.load.diagnostics + self.diagnostics

    @property
    def ok(self) -> bool:
        """True when nothing was an error: the exit code is 0."""
        return not any(d.severity is Severity.ERROR for d in self.all_diagnostics)


@dataclass(frozen=True, slots=True)
class FeedItem:
    """An article with its rendered body: one entry of a feed."""

    #: The validated article.
    article: Article
    #: Its sanitized body and summary.
    rendered: Rendered


@dataclass(frozen=True, slots=True)
class FeedDocument:
    """Everything a format needs to serialize one feed; formats do no I/O."""

    #: Site settings (title, URL, language, author, icon, hub...).
    site: Site
    #: The entries, newest first.
    items: tuple[FeedItem, ...]
    #: Absolute URL of each enabled feed file, by format name (``rss``, ``atom``, ``json``).
    feed_urls: Mapping[str, str]
    #: Feed-level update time: the newest item's ``updated`` (never the clock).
    updated: datetime
    #: Optional extra ``rel`` links (RFC 5005 archives): relation → absolute URL.
    links: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
