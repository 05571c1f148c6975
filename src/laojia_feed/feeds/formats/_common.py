"""Decisions every feed format shares: fallbacks, times, ids, terms, image types, cleaning.

Standard library only (no feedgen, no lxml), so that importing the format registry
stays cheap. Each format module turns these plain values into its own syntax.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from types import MappingProxyType

from laojia_feed import __version__
from laojia_feed.model import (
    PLACEHOLDER_SITE_URL,
    Article,
    Author,
    FeedDocument,
    FeedItem,
    Rendered,
    Site,
)
from laojia_feed.xmlchars import strip_forbidden

#: What the ``generator`` element names.
GENERATOR_NAME = "laojia-feed"
#: The generator's version, written beside its name.
GENERATOR_VERSION = __version__
#: Where the generator lives.
GENERATOR_URI = "https://github.com/laojia-feed/laojia-feed"

#: Media types of image file name extensions (a fixed table: ``mimetypes`` reads the
#: machine's own tables, which would make the output depend on the build machine).
IMAGE_TYPES: MappingProxyType[str, str] = MappingProxyType(
    {
        "jpg": "image/jpeg",
        "jpeg": "image/jpeg",
        "jpe": "image/jpeg",
        "jfif": "image/jpeg",
        "png": "image/png",
        "apng": "image/apng",
        "gif": "image/gif",
        "webp": "image/webp",
        "avif": "image/avif",
        "svg": "image/svg+xml",
        "bmp": "image/bmp",
        "ico": "image/vnd.microsoft.icon",
        "tif": "image/tiff",
        "tiff": "image/tiff",
        "heic": "image/heic",
        "heif": "image/heif",
        "jxl": "image/jxl",
    }
)
#: The type assumed when the URL does not say (most blog images are JPEG).
DEFAULT_IMAGE_TYPE = "image/jpeg"

#: An absolute IRI begins with a scheme (RFC 3987) and holds no white space.
_ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\s]+\Z")

_ONE_MINUTE = timedelta(minutes=1)
_ZERO = timedelta(0)
#: RFC 822 day and month names (English whatever the locale, as ``email.utils`` writes).
_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

#: RFC 5005 feed history namespace (``fh:archive`` marks an archive document).
HISTORY_NS = "http://purl.org/syndication/history/1.0"

#: How a pseudo-attribute value is escaped (``&`` first).
_PSEUDO_ATTRIBUTE_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"))


def site_url(site: Site) -> str:
    """The site URL; the placeholder when it is empty (RSS and Atom require one)."""
    return site.url or PLACEHOLDER_SITE_URL


def feed_title(site: Site) -> str:
    """The feed title; the site URL when the title is empty (every format needs one)."""
    return site.title or site_url(site)


def feed_description(site: Site) -> str:
    """RSS needs a channel description: the site's, else its title."""
    return site.description or feed_title(site)


def item_title(article: Article) -> str:
    """The entry title; the permalink when the title is empty (Atom requires one)."""
    return article.title or article.url or article.id


def item_id(article: Article) -> str:
    """The entry id; the permalink when the id is empty."""
    return article.id or article.url


def item_authors(article: Article, site: Site) -> tuple[Author, ...]:
    """The article's named authors, else the site author, else nobody."""
    named = tuple(a for a in article.authors if a.name)
    if named:
        return named
    if site.author is not None and site.author.name:
        return (site.author,)
    return ()


def feed_author(site: Site) -> Author:
    """The feed-level Atom author: the site author, else the site's title as a name.

    RFC 4287 wants an author on the feed unless every entry has one; an entry without
    an article author or a site author would otherwise make the feed invalid.
    """
    if site.author is not None and site.author.name:
        return site.author
    return Author(name=feed_title(site))


def item_terms(article: Article) -> tuple[str, ...]:
    """Categories then tags, empty names dropped, duplicates (exact) removed, in order.

    Every format writes both as plain categories/tags: readers treat them alike and an
    RSS ``domain`` would need a taxonomy URL the site does not give us.
    """
    return tuple(dict.fromkeys(t for t in (*article.categories, *article.tags) if t))


def is_permalink(article: Article) -> bool:
    """True when the id is the article's own http(s) URL (RSS ``isPermaLink="true"``)."""
    return article.id == article.url and article.url.startswith(("https://", "http://"))


def atom_id(article_id: str, base: str) -> str:
    """An Atom id must be an absolute IRI (RFC 4287 §4.2.6): ids that are not become
    a stable ``urn:uuid:`` derived from ``base`` (the site URL) and the id."""
    if _ABSOLUTE_IRI.match(article_id):
        return article_id
    return uuid.uuid5(uuid.NAMESPACE_URL, f"{base}#{article_id}").urn


def image_type(url: str) -> str:
    """The media type of an image URL, from the extension of its path; JPEG by default."""
    path = url.partition("#")[0].partition("?")[0]
    name = path.rpartition("/")[2]
    if "." not in name:
        return DEFAULT_IMAGE_TYPE
    return IMAGE_TYPES.get(name.rpartition(".")[2].lower(), DEFAULT_IMAGE_TYPE)


def normalize_time(moment: datetime) -> datetime:
    """Whole seconds, an offset of whole minutes (else UTC), never naive (naive = UTC).

    Neither RFC 822 nor RFC 3339 can write an offset with seconds (zoneinfo's local
    mean times before 1900 have them), and RSS cannot write fractions of a second:
    dropping them everywhere keeps the three formats saying the same instant.
    A time already normalized is returned as is (the formats normalize twice).
    """
    offset = moment.utcoffset()
    if offset is None:
        moment = moment.replace(tzinfo=UTC)
    elif offset % _ONE_MINUTE:
        try:
            moment = moment.astimezone(UTC)
        except OverflowError:
            moment = moment.replace(tzinfo=UTC)
    return moment.replace(microsecond=0) if moment.microsecond else moment


def rfc3339(moment: datetime) -> str:
    """``2021-12-09T11:10:27+08:00``: Atom and JSON Feed dates.

    The same text as :func:`laojia_feed.read.dates.format_rfc3339` of the normalized time,
    without its checks and conversions, which a normalized time never needs: it is
    aware, has no microseconds (``isoformat`` then writes whole seconds) and an offset
    of whole minutes (no seconds in the offset); a zero offset, which
    ``format_rfc3339`` moves to UTC, is ``+00:00`` either way. Proved on generated
    times by tests/test_formats_speed.py.
    """
    return normalize_time(moment).isoformat()


def rfc822(moment: datetime) -> str:
    """``Thu, 09 Dec 2021 11:10:27 +0800``: RSS dates, English names whatever the locale.

    The same text as :func:`laojia_feed.read.dates.format_rfc822` (``email.utils.
    format_datetime``) of the normalized time, from its fields directly:
    ``format_datetime`` builds a time tuple and calls ``strftime("%z")``, several times
    the cost of one f-string. A normalized offset is whole minutes, so ``%z`` is
    ``±HHMM``; a zero offset is ``GMT`` (``format_rfc822`` moves it to UTC, the wall
    time unchanged). Proved on generated times by tests/test_formats_speed.py.
    """
    moment = normalize_time(moment)
    offset = moment.utcoffset()
    if not offset:
        zone = "GMT"
    else:
        minutes = offset // _ONE_MINUTE
        hours, minutes = divmod(abs(minutes), 60)
        zone = f"{'-' if offset < _ZERO else '+'}{hours:02d}{minutes:02d}"
    return (
        f"{_DAY_NAMES[moment.weekday()]}, {moment.day:02d} {_MONTH_NAMES[moment.month - 1]}"
        f" {moment.year:04d} {moment.hour:02d}:{moment.minute:02d}:{moment.second:02d} {zone}"
    )


def next_url(links: Mapping[str, str]) -> str | None:
    """The URL of older items: RFC 5005 ``next`` (paged) or ``prev-archive`` (archived)."""
    return links.get("next") or links.get("prev-archive")


def is_archive(links: Mapping[str, str]) -> bool:
    """True for an RFC 5005 archive document: one that links to its ``current`` feed.

    RFC 5005 §4 defines ``current`` for archive documents only (the subscription
    document is the current one), so the relation marks them; they then carry
    ``<fh:archive/>``.
    """
    return "current" in links


def stylesheet_instruction(href: str) -> bytes:
    """An ``<?xml-stylesheet?>`` processing instruction line for an XSL stylesheet."""
    # Escaping & < > " (as in an attribute) also keeps "?>" from ending it early.
    # (Not xml.sax.saxutils: importing it pulls in urllib.request, ~25 ms at start-up.)
    value = _clean(href)
    for char, reference in _PSEUDO_ATTRIBUTE_ESCAPES:
        value = value.replace(char, reference)
    return f'<?xml-stylesheet type="text/xsl" href="{value}"?>\n'.encode()


@dataclass(frozen=True, slots=True)
class Parts:
    """A serialized document cut where its entries go: the whole document is
    ``opening + separator.join(entries) + closing``."""

    #: Everything before the first entry.
    opening: bytes
    #: What goes between two entries.
    separator: bytes
    #: Everything after the last entry.
    closing: bytes


def with_stylesheet(xml: bytes, href: str | None) -> bytes:
    """Insert the stylesheet instruction right after the XML declaration (if ``href``)."""
    if href is None:
        return xml
    declaration_end = xml.index(b"?>") + 2
    if xml[declaration_end : declaration_end + 1] == b"\n":
        declaration_end += 1
    return xml[:declaration_end] + stylesheet_instruction(href) + xml[declaration_end:]


def _clean(text: str) -> str:
    return strip_forbidden(text)[0]


def _clean_optional(text: str | None) -> str | None:
    return None if text is None else _clean(text)


def _clean_author(author: Author | None) -> Author | None:
    if author is None:
        return None
    return Author(
        name=_clean(author.name),
        email=_clean_optional(author.email),
        url=_clean_optional(author.url),
    )


def _clean_authors(authors: tuple[Author, ...]) -> tuple[Author, ...]:
    return tuple(
        Author(_clean(a.name), _clean_optional(a.email), _clean_optional(a.url)) for a in authors
    )


def _clean_site(site: Site) -> Site:
    return replace(
        site,
        title=_clean(site.title),
        url=_clean(site.url),
        description=_clean(site.description),
        language=_clean(site.language),
        author=_clean_author(site.author),
        icon=_clean_optional(site.icon),
        hub=_clean_optional(site.hub),
    )


def clean_item(item: FeedItem) -> FeedItem:
    """The item with every character XML 1.0 forbids removed from its texts."""
    article = item.article
    clean_article = replace(
        article,
        id=_clean(article.id),
        url=_clean(article.url),
        title=_clean(article.title),
        authors=_clean_authors(article.authors),
        categories=tuple(_clean(c) for c in article.categories),
        tags=tuple(_clean(t) for t in article.tags),
        image=_clean_optional(article.image),
        summary=_clean_optional(article.summary),
        language=_clean_optional(article.language),
    )
    rendered = Rendered(
        content_html=_clean(item.rendered.content_html),
        summary=_clean(item.rendered.summary),
        notes=item.rendered.notes,
    )
    return FeedItem(article=clean_article, rendered=rendered)


def render_clean(
    serialize: Callable[[FeedDocument, str | None], bytes],
    doc: FeedDocument,
    stylesheet: str | None,
) -> bytes:
    """``serialize(doc)``; if lxml refuses some text, again with forbidden characters removed.

    Clean documents cost nothing extra; the cleaning pass runs only when needed.
    """
    try:
        return serialize(doc, stylesheet)
    except ValueError:
        return serialize(clean_document(doc), stylesheet)


def clean_document(doc: FeedDocument) -> FeedDocument:
    """The same document with every character XML 1.0 forbids removed from every text.

    Upstream stages already strip them; formats call this only when the XML library
    refused a text, so well-formed documents pay nothing for the check.
    """
    return FeedDocument(
        site=_clean_site(doc.site),
        items=tuple(clean_item(item) for item in doc.items),
        feed_urls=MappingProxyType({k: _clean(v) for k, v in doc.feed_urls.items()}),
        updated=doc.updated,
        links=MappingProxyType({_clean(k): _clean(v) for k, v in doc.links.items()}),
    )
