"""The pages for people of a build (``pages = true``): which page goes where, linking what.

One ``feed.html`` beside each feed (the main feed, every category and tag feed), showing
the newest posts the feed holds, and one ``feeds.html`` at the top listing every feed and
the OPML index when it is written (:mod:`~laojia_feed.feeds.pages` draws them). Archive
pages get no page: nobody subscribes to them. Pages are not feeds: like ``feeds.opml``
they are extra files, in no :class:`~laojia_feed.model.WrittenFeed`. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence

from laojia_feed.feeds import opml, pages, taxonomies
from laojia_feed.feeds.plan import FeedPlan, document, enabled_formats, file_name, file_url
from laojia_feed.model import FeedItem, Site
from laojia_feed.write.writer import OutputFile

#: The newest posts a page shows.
PAGE_ITEMS = 20

#: The kind of each taxonomy's feeds on the index page (:data:`pages.KINDS`).
_KINDS = {
    taxonomies.CATEGORIES.folder: "category",
    taxonomies.TAGS.folder: "tag",
    taxonomies.LANGUAGES_FOLDER: "language",
    taxonomies.SECTIONS_FOLDER: "section",
}


def wanted(site: Site) -> bool:
    """Whether the build writes pages: asked for, and some feed format is written."""
    return site.pages and bool(enabled_formats(site))


def feed_page(site: Site, plan: FeedPlan, items: Sequence[FeedItem]) -> OutputFile:
    """The page of ``plan``'s feed holding ``items`` (newest first, as in the feed)."""
    doc = document(plan.site, items[:PAGE_ITEMS], plan.feed_urls)
    data = pages.feed_page(
        doc,
        feed_links=plan.feed_urls,
        index_url=index_url(site),
        home=site.url,
        max_items=PAGE_ITEMS,
    )
    return OutputFile(file_name(plan.folder, pages.PAGE_NAME), data)


def index_page(
    main: FeedPlan,
    groups: Sequence[tuple[taxonomies.Taxonomy, Sequence[FeedPlan]]],
    opml_written: bool,
) -> OutputFile:
    """``feeds.html``: the main feed, then every category and tag feed, each with its
    page; the OPML file when ``opml_written``."""
    site = main.site
    listed = [pages.PageFeed(site.title or site.url, page_url(site, main), main.feed_urls)]
    listed += [
        pages.PageFeed(p.site.title, page_url(site, p), p.feed_urls, _KINDS[taxonomy.folder])
        for taxonomy, plans in groups
        for p in plans
    ]
    opml_url = file_url(site, opml.FILENAME) if opml_written else None
    return OutputFile(pages.INDEX_NAME, pages.index_page(site, listed, opml_url))


def page_url(site: Site, plan: FeedPlan) -> str:
    """The public URL of ``plan``'s page."""
    return file_url(site, file_name(plan.folder, pages.PAGE_NAME))


def index_url(site: Site) -> str:
    """The public URL of the index page."""
    return file_url(site, pages.INDEX_NAME)
