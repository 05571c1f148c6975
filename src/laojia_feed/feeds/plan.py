"""Which posts go in which feed, and where each feed's files and links go: plain data, no I/O.

A :class:`FeedPlan` is one feed in every enabled format: the main feed, a category's or
tag's, an archive page. Its files' names and public URLs, the RFC 5005 links between the
main feed and its archive pages, and the OPML outline of a feed are all derived here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from types import MappingProxyType
from urllib.parse import quote

from laojia_feed import urls
from laojia_feed.feeds import archives, opml, taxonomies
from laojia_feed.feeds.formats import FORMATS, FeedFormat
from laojia_feed.model import (
    Article,
    Diagnostic,
    FeedDocument,
    FeedItem,
    Severity,
    Site,
)

#: Feed-level date of a feed with no items (fixed, so empty feeds are reproducible too).
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


#: Characters kept as they are in the path of an output file's URL (RFC 3986 ``pchar``).
_URL_PATH_SAFE = "/!$&'()*+,;=:@~"


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


def document(site: Site, items: Sequence[FeedItem], links: Mapping[str, str]) -> FeedDocument:
    """The FeedDocument for ``items`` (``links``: the feed URLs); dated by its newest item."""
    updated = max((i.article.updated for i in items), default=EPOCH)
    return FeedDocument(site=site, items=tuple(items), feed_urls=links, updated=updated)


def term_plan(site: Site, taxonomy: taxonomies.Taxonomy, term: taxonomies.Term) -> FeedPlan:
    """The feed of one category or tag: ``Site — 分类: name``, home page = its folder."""
    folder = file_name(taxonomy.folder, term.folder)
    title = f"{site.title or site.url} — {taxonomy.label(site.language)}: {term.name}"
    term_site = replace(site, title=title, url=file_url(site, folder + "/"))
    if taxonomy.folder == taxonomies.LANGUAGES_FOLDER:  # the feed is in that language
        term_site = replace(term_site, language=term.name)
    articles = term.articles[: site.limit] if site.limit is not None else term.articles
    return FeedPlan(folder, term_site, articles, feed_urls(site, folder))


def taxonomy_plans(
    site: Site, articles: Sequence[Article], report: list[Diagnostic], where: str
) -> tuple[tuple[taxonomies.Taxonomy, tuple[FeedPlan, ...]], ...]:
    """The category and tag feeds the site asked for, grouped by taxonomy."""
    wanted = (
        (taxonomies.CATEGORIES, site.category_feeds),
        (taxonomies.TAGS, site.tag_feeds),
        (taxonomies.languages(site), site.language_feeds),
        (taxonomies.sections(site), site.section_feeds),
    )
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


def outline(site: Site, found: Mapping[str, str], home: str) -> opml.Outline | None:
    """The index entry of a feed: its first enabled format (RSS, else Atom, else JSON)."""
    first = next(iter(found.values()), None)
    return None if first is None else opml.Outline(site.title or site.url, first, home)
