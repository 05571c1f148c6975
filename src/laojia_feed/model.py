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

from laojia_feed.errors import FieldError as FieldError
from laojia_feed.settings import DEFAULT_BUDGET as DEFAULT_BUDGET
from laojia_feed.settings import PLACEHOLDER_SITE_URL as PLACEHOLDER_SITE_URL
from laojia_feed.settings import OutputNames as OutputNames
from laojia_feed.settings import Podcast as Podcast
from laojia_feed.settings import RunOptions as RunOptions
from laojia_feed.settings import Site as Site
from laojia_feed.settings import Webfeeds as Webfeeds

#: A JSON-compatible value: what unknown front-matter keys are kept as.
JSONValue: TypeAlias = (
    "bool | int | float | str | tuple[JSONValue, ...] | Mapping[str, JSONValue] | None"
)


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
    #: A section's list page (Hugo's ``_index.md``): a page, never an item of a feed.
    LIST_PAGE = "list page"
    #: A file without front matter nor a date in its name, on a generator's site (Hugo
    #: dates it year 1): a page, not a post.
    UNDATED_PAGE = "page without front matter or date"


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
    #: Template tags that are no built-in of the site's generator, with their counts.
    unknown_tags: tuple[tuple[str, int], ...] = ()
    #: Built-in template tags that could not be expanded, one sentence each.
    tag_problems: tuple[str, ...] = ()


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
