"""Static HTML pages about the feeds, for people: one per feed and one index of them all.

Browsers are dropping XSLT, so a visitor who follows an "RSS" link sees raw XML. These
pages say, in the site's language, what a feed is and how to subscribe, give each feed
address to copy, and list the latest posts (title linked to the post, cover, date in
the site's time zone, categories, source credit). One file each: inline CSS (dark
mode, narrow screens), no script, no external resource; every text is escaped and
only http(s) URLs become links. Pure: bytes in, bytes out, no clock.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from ..model import Article, FeedDocument, FeedItem, JSONValue, Site
from .pages_style import CSS
from .pages_text import Texts, in_zone, local_date, site_zone, texts_for

#: File name of a feed's page inside the feed's folder (``categories/生活/feed.html``).
PAGE_NAME = "feed.html"

#: File name of the index page at the top of the output folder.
INDEX_NAME = "feeds.html"

#: Feed kinds, in the order the index page lists them.
KINDS = ("main", "category", "tag", "section", "language", "archive")

#: How each format is named on a page, in the order the addresses are listed.
FORMAT_LABELS: Mapping[str, str] = MappingProxyType(
    {"rss": "RSS 2.0", "atom": "Atom 1.0", "json": "JSON Feed 1.1"}
)

#: The format most readers understand, marked as recommended.
RECOMMENDED = "rss"

#: Media types announced by ``<link rel="alternate">`` (feed autodiscovery).
_MEDIA_TYPES: Mapping[str, str] = MappingProxyType(
    {"rss": "application/rss+xml", "atom": "application/atom+xml", "json": "application/feed+json"}
)

#: Characters HTML forbids or warns about in text: controls (but tab, LF, CR, FF),
#: lone surrogates, noncharacters.
_UNWANTED = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")

#: Front-matter keys that may credit a source, in order of preference.
CREDIT_KEYS = ("source", "original_url", "source_url", "via")


@dataclass(frozen=True, slots=True)
class PageFeed:
    """One feed as the index page lists it."""

    #: What the feed is called (``老家 — 分类: 生活``).
    title: str
    #: Absolute URL of its page (None: no page, the addresses only).
    page_url: str | None
    #: Absolute URL of each of its files, by format name.
    feed_urls: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    #: ``main``, ``category``, ``tag`` or ``archive`` (:data:`KINDS`).
    kind: str = "main"


@dataclass(frozen=True, slots=True)
class Credit:
    """Where a post comes from: a name, a link, or both."""

    #: What to show (the URL itself when there is no name).
    text: str
    #: An http(s) URL, when known.
    url: str | None = None


# --------------------------------------------------------------------------- markup


def text(value: str) -> str:
    """``value`` as HTML text: unwanted characters dropped, ``& < > " '`` escaped."""
    return html.escape(_UNWANTED.sub("", value), quote=True)


def web_url(value: object) -> str | None:
    """``value`` when it is an absolute http(s) URL without spaces or controls, else None."""
    if not isinstance(value, str):
        return None
    url = value.strip()
    scheme, colon, rest = url.partition(":")
    if not colon or scheme.lower() not in ("http", "https") or not rest.startswith("//"):
        return None
    if _UNWANTED.search(url) or any(c.isspace() for c in url) or len(rest) <= 2:
        return None
    return url


def element(name: str, body: str = "", /, **attributes: str | None) -> str:
    """``<name attr="...">body</name>``: ``body`` is markup already, attributes are escaped.

    A trailing ``_`` in an attribute name is dropped (``class_``); None leaves it out.
    """
    attrs = "".join(
        f' {key.rstrip("_").replace("_", "-")}="{text(value)}"'
        for key, value in attributes.items()
        if value is not None
    )
    return f"<{name}{attrs}>{body}</{name}>"


def link(label: str, url: object, **attributes: str | None) -> str:
    """``label`` (plain text) linked to ``url`` when it is a web URL; plain text otherwise."""
    href = web_url(url)
    return text(label) if href is None else element("a", text(label), href=href, **attributes)


def document(language: str, title: str, head: str, body: str) -> bytes:
    """A whole HTML5 page, UTF-8."""
    page = (
        "<!DOCTYPE html>\n"
        f'<html lang="{text(language or "en")}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{text(title)}</title>\n{head}<style>{CSS}</style>\n</head>\n"
        f"<body>\n{body}\n</body>\n</html>\n"
    )
    return page.encode("utf-8")


def sentence(template: str, **values: str) -> str:
    """``template`` escaped, with each ``{name}`` replaced by the markup ``values[name]``."""
    escaped = text(template)
    for name, markup in values.items():
        escaped = escaped.replace("{" + name + "}", markup)
    return escaped


# --------------------------------------------------------------------------- pieces


def ordered_formats(feed_urls: Mapping[str, str]) -> list[tuple[str, str]]:
    """(format, URL) pairs: the known formats in :data:`FORMAT_LABELS` order, then others."""
    known = [(name, feed_urls[name]) for name in FORMAT_LABELS if name in feed_urls]
    others = sorted((k, v) for k, v in feed_urls.items() if k not in FORMAT_LABELS)
    return known + others


def alternates(feed_urls: Mapping[str, str], title: str) -> str:
    """``<link rel="alternate">`` for each feed (browsers and readers discover feeds so)."""
    return "".join(
        f'<link rel="alternate" type="{_MEDIA_TYPES[name]}" title="{text(title)}" '
        f'href="{text(url)}">\n'
        for name, url in ordered_formats(feed_urls)
        if name in _MEDIA_TYPES and web_url(url)
    )


def about(words: Texts, site_title: str) -> str:
    """The box saying what a feed is and how to subscribe (with an English line)."""
    lines = [
        element("h2", text(words.what_heading)),
        element("p", sentence(words.what, site=text(site_title))),
        element("p", text(words.how)),
    ]
    if words.also_english:
        lines.append(element("p", text(words.also_english), lang="en", class_="en"))
    return element("section", "\n".join(lines), class_="about")


def address_list(words: Texts, feed_urls: Mapping[str, str]) -> str:
    """Each feed address, labelled by format, in a box that selects whole on a click."""
    entries = []
    for name, url in ordered_formats(feed_urls):
        mark = words.recommended if name == RECOMMENDED and len(feed_urls) > 1 else ""
        label = element("span", text(FORMAT_LABELS.get(name, name) + mark), class_="label")
        entries.append(element("li", label + element("code", text(url), class_="url")))
    return element("ul", "\n".join(entries), class_="urls")


def credit_of(value: JSONValue) -> Credit | None:
    """The credit one front-matter value gives: a URL, a name, or ``{title, url}``."""
    if isinstance(value, str) and value.strip():
        return Credit(value.strip(), web_url(value))
    if isinstance(value, Mapping):
        url = web_url(value.get("url") or value.get("link") or value.get("href"))
        name = next(
            (v.strip() for v in (value.get("title"), value.get("name")) if isinstance(v, str)),
            "",
        )
        if name or url:
            return Credit(name or url or "", url)
    return None


def credit(extra: Mapping[str, JSONValue]) -> Credit | None:
    """The post's source credit from its unknown front-matter keys, if any."""
    for key in CREDIT_KEYS:
        found = credit_of(extra.get(key))
        if found is not None:
            return found
    return None


def joined(words: Texts, names: Iterable[str]) -> str:
    """``names`` as escaped text, separated the way the language separates a list."""
    return text(words.list_separator.join(names))


def post(item: FeedItem, site: Site, words: Texts) -> str:
    """One post of the latest-posts list."""
    article: Article = item.article
    moment = in_zone(article.published, site_zone(site.timezone))
    cover = ""
    image = web_url(article.image)
    if image is not None:
        attributes = 'alt="" loading="lazy" decoding="async" referrerpolicy="no-referrer"'
        img = f'<img src="{text(image)}" {attributes}>'
        cover = element("a", img, href=web_url(article.url), class_="cover", tabindex="-1")
    meta = [element("time", text(local_date(moment, site.language)), datetime=moment.isoformat())]
    if article.categories:
        meta.append(text(words.categories + words.colon) + joined(words, article.categories))
    parts = [
        element("h3", link(article.title, article.url)),
        element("p", " · ".join(meta), class_="meta"),
    ]
    summary = item.rendered.summary.strip()
    if summary:
        parts.append(element("p", text(summary), class_="summary"))
    source = credit(article.extra)
    if source is not None:
        shown = text(words.source + words.colon) + link(source.text, source.url, rel="nofollow")
        parts.append(element("p", shown, class_="credit"))
    return element("li", cover + element("div", "\n".join(parts)), class_="post")


def footer(words: Texts, index_url: str | None) -> str:
    """The footer: a link to the index page (when there is one) and the credit."""
    pieces = [] if web_url(index_url) is None else [link(words.all_feeds, index_url)]
    pieces.append(text(words.made_with))
    return element("footer", element("p", " · ".join(pieces)))


def header(title: str, description: str, home: str | None) -> str:
    """The page header: the title (linked to the site) and the description."""
    lead = element("p", text(description), class_="lead") if description.strip() else ""
    return element("header", element("h1", link(title, home)) + lead)


# --------------------------------------------------------------------------- pages


def feed_page(
    doc: FeedDocument,
    *,
    title: str | None = None,
    feed_links: Mapping[str, str] | None = None,
    index_url: str | None = None,
    home: str | None = None,
    max_items: int = 20,
) -> bytes:
    """The HTML page of one feed: what it is, its addresses, its newest ``max_items`` posts.

    ``title`` defaults to the document's site title, ``feed_links`` (format name →
    absolute URL) to its ``feed_urls``; ``index_url`` is the index page to link back to;
    ``home`` (the title's link) defaults to the document's site URL.
    """
    site = doc.site
    words = texts_for(site.language)
    name = title if title is not None else (site.title or site.url)
    links = doc.feed_urls if feed_links is None else feed_links
    items = doc.items[: max(max_items, 0)]
    posts = (
        element("ol", "\n".join(post(item, site, words) for item in items), class_="posts")
        if items
        else element("p", text(words.no_posts))
    )
    body = "\n".join(
        (
            header(name, site.description, home or site.url),
            element(
                "main",
                "\n".join(
                    (
                        about(words, name),
                        element("h2", text(words.addresses)),
                        address_list(words, links),
                        element("h2", text(words.latest)),
                        posts,
                    )
                ),
            ),
            footer(words, index_url),
        )
    )
    page_title = f"{name} · {words.page_title}"
    return document(site.language, page_title, alternates(links, name), body)


def index_entry(words: Texts, feed: PageFeed) -> str:
    """One feed on the index page: its title (linked to its page) and its addresses."""
    heading = element("h3", link(feed.title, feed.page_url))
    return element("li", heading + address_list(words, feed.feed_urls))


def index_page(site: Site, feeds: Sequence[PageFeed], opml_url: str | None = None) -> bytes:
    """The HTML page listing every feed (grouped by kind) and linking the OPML file."""
    words = texts_for(site.language)
    name = site.title or site.url
    sections = [about(words, name)]
    opml = web_url(opml_url)
    if opml is not None:
        opml_link = element("a", text(opml.rsplit("/", 1)[-1] or opml), href=opml)
        sections.append(element("p", sentence(words.opml, opml=opml_link), class_="opml"))
    known = [kind for kind in KINDS if any(f.kind == kind for f in feeds)]
    others = sorted({f.kind for f in feeds} - set(KINDS))
    for kind in known + others:
        group = [index_entry(words, f) for f in feeds if f.kind == kind]
        sections.append(element("h2", text(words.kinds.get(kind, kind))))
        sections.append(element("ul", "\n".join(group), class_="feeds"))
    main_feed = next((f for f in feeds if f.kind == "main"), None)
    head = alternates(main_feed.feed_urls, name) if main_feed is not None else ""
    body = "\n".join(
        (
            header(name, site.description, site.url),
            element("main", "\n".join(sections)),
            footer(words, None),
        )
    )
    return document(site.language, f"{name} · {words.index_title}", head, body)
