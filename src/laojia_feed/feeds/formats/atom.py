"""Atom 1.0 (RFC 4287): serialize a :class:`~laojia_feed.model.FeedDocument` to bytes.

Built with feedgen, avoiding its traps (PITFALLS.md): entries keep the document order
(streamed into the feed in turn, :mod:`~laojia_feed.feeds.formats._stream`), every entry's
``updated`` and ``published`` come from the article and the feed's ``updated`` from
``doc.updated`` (never the clock), content is ``type="html"`` (never feedgen's invalid
``type="CDATA"``). The image is a ``<link rel="enclosure">`` added to feedgen's entry
element, and the hub and RFC 5005 links (and ``<fh:archive/>`` in an archive document)
are written by a small feed extension (feedgen drops ``rel`` on entry links and allows
a fixed list of relations). Ids that are not absolute IRIs become
stable ``urn:uuid:`` ids (:func:`~laojia_feed.feeds.formats._common.atom_id`).

No I/O: bytes out, the caller writes them.
"""

from __future__ import annotations

from feedgen.entry import FeedEntry
from feedgen.feed import FeedGenerator
from lxml import etree

from laojia_feed.feeds.formats import post_keys, xml_extensions
from laojia_feed.feeds.formats._common import (
    GENERATOR_NAME,
    GENERATOR_URI,
    GENERATOR_VERSION,
    HISTORY_NS,
    Parts,
    atom_id,
    feed_author,
    feed_title,
    image_type,
    is_archive,
    item_authors,
    item_id,
    item_terms,
    item_title,
    normalize_time,
    render_clean,
    site_url,
)
from laojia_feed.feeds.formats._stream import (
    cleaned_elements,
    entry_chunks,
    stream_document,
    xml_parts,
)
from laojia_feed.model import Author, FeedDocument, FeedItem, Site

#: Media type of an Atom document.
MEDIA_TYPE = "application/atom+xml"

#: feedgen writes the Atom namespace as a plain ``xmlns`` attribute on ``<feed>``, so the
#: elements it builds (and ours, to match) carry no namespace in the lxml tree.
_LINK = "link"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

#: How the serialized feed ends: the entries go in front of it.
_CLOSING = b"</feed>"

#: Name under which our extension is registered on the feed.
_EXTENSION = "laojia"


class _FeedExtension:
    """feedgen feed extension: links whose relation feedgen's fixed list may refuse and
    ``<fh:archive/>``; it also keeps the ``<feed>`` element, for the entries to be
    streamed into it.

    Entries get no extension instance each: every entry is a feedgen ``FeedEntry``
    turned into its ``<entry>`` by feedgen (``atom_entry``), then given the enclosure
    link and ``xml:lang`` directly (:func:`_entry_element`), serialized and dropped
    (:func:`~laojia_feed.feeds.formats._stream.stream_document`).

    feedgen 1.0 loses ``rel`` and ``type`` of entry links (``FeedEntry.atom_entry``
    rebinds its loop variable to the new element before reading them), so an image
    link would come out as a second *alternate* link: it is added to the element instead.
    """

    def __init__(self) -> None:
        #: (rel, href) pairs, written in this order.
        self.links: tuple[tuple[str, str], ...] = ()
        #: Whether this is an RFC 5005 archive document (``<fh:archive/>``).
        self.archive = False
        #: The ``<feed>`` element feedgen built (set when it calls the extension).
        self.root: etree._Element | None = None
        #: The site, for the elements of :mod:`~laojia_feed.feeds.formats.xml_extensions`.
        self.site = Site()

    def extend_ns(self) -> dict[str, str]:
        namespaces = {"fh": HISTORY_NS} if self.archive else {}
        namespaces.update(xml_extensions.feed_namespaces(self.site))
        return namespaces

    def extend_atom(self, feed: etree._Element) -> etree._Element:
        xml_extensions.add_head(feed, _LINK, self.links, self.archive, self.site)
        self.root = feed
        return feed

    def extend_rss(self, feed: etree._Element) -> etree._Element:
        return feed


def render_atom(doc: FeedDocument, *, stylesheet: str | None = None) -> bytes:
    """The Atom 1.0 document of ``doc``: UTF-8, XML declaration, entries in document order.

    ``stylesheet``: URL of an XSL stylesheet announced with ``<?xml-stylesheet?>``.
    Characters XML forbids are removed if any text still holds one; never raises for them.
    """
    return render_clean(_serialize, doc, stylesheet)


def _person(author: Author) -> dict[str, str]:
    person = {"name": author.name}
    if author.email:
        person["email"] = author.email
    if author.url:
        person["uri"] = author.url
    return person


def render_parts(doc: FeedDocument, *, stylesheet: str | None = None) -> Parts:
    """The Atom document of ``doc`` cut where its entries go (:func:`render_items`);
    raises ValueError when lxml refuses a text of the feed (see :func:`render_atom`)."""
    return xml_parts(_head(doc)[0], _CLOSING, stylesheet)


def render_items(doc: FeedDocument) -> list[bytes]:
    """Each entry of ``doc`` as :func:`render_atom` writes it: an entry holding a text
    lxml refuses comes out cleaned, as in the cleaned document :func:`render_atom` writes."""
    parent = _head(doc)[1]
    base = site_url(doc.site)
    elements = cleaned_elements(doc.items, lambda item: _entry_element(item, doc.site, base))
    return list(entry_chunks(parent, elements))


def _serialize(doc: FeedDocument, stylesheet: str | None) -> bytes:
    head, parent = _head(doc)
    base = site_url(doc.site)
    entries = (_entry_element(item, doc.site, base) for item in doc.items)
    return stream_document(head, _CLOSING, parent, entries, stylesheet)


def _head(doc: FeedDocument) -> tuple[bytes, etree._Element]:
    """The feed of ``doc`` serialized without entries, and its live ``<feed>``."""
    site = doc.site
    fg = FeedGenerator()
    fg.register_extension(_EXTENSION, _FeedExtension, None, atom=True, rss=False)
    fg.id(site_url(site))
    fg.title(feed_title(site))
    fg.updated(normalize_time(doc.updated))
    fg.author(_person(feed_author(site)))
    fg.link(href=site_url(site), rel="alternate", type="text/html")
    self_url = doc.feed_urls.get("atom")
    if self_url:
        fg.link(href=self_url, rel="self", type=MEDIA_TYPE)
    if site.description:
        fg.subtitle(site.description)
    if site.language:
        fg.language(site.language)
    fg.generator(GENERATOR_NAME, version=GENERATOR_VERSION, uri=GENERATOR_URI)
    if site.icon:
        fg.icon(site.icon)
    if site.logo:
        fg.logo(site.logo)
    extra_links = (("hub", site.hub),) if site.hub else ()
    extension: _FeedExtension = getattr(fg, _EXTENSION)
    extension.links = extra_links + tuple(doc.links.items())
    extension.archive = is_archive(doc.links)
    extension.site = site
    head: bytes = fg.atom_str(pretty=False, encoding="UTF-8", xml_declaration=True)
    assert extension.root is not None  # feedgen calls the extension while building
    return head, extension.root


def _add_categories(element: etree._Element, terms: tuple[str, ...]) -> None:
    """Add a ``<category term=…/>`` per term to feedgen's ``<entry>`` where
    ``FeedEntry.category([{"term": t}, ...])`` makes ``atom_entry`` write them: last,
    but before ``<published>``.

    Same bytes, much less time: feedgen's ``category()`` validates each term's dict
    with ``ensure_format`` (building sets every call), ~2 µs a term. Of the fields we
    set, feedgen writes only ``<published>`` after the categories (contributor, rights
    and source stay unset): the categories are appended and ``<published>`` moved
    back behind them.
    """
    if not terms:
        return
    published = element.find("published")
    for term in terms:
        etree.SubElement(element, "category", term=term)
    if published is not None:
        element.append(published)  # moves it: lxml elements have one place


def _entry_element(item: FeedItem, site: Site, base: str) -> etree._Element:
    """The ``<entry>`` of one article (``base``: the site URL, for ``urn:uuid`` ids)."""
    article = item.article
    entry = FeedEntry()
    entry.id(atom_id(item_id(article), base))
    entry.title(item_title(article))
    entry.updated(normalize_time(article.updated))
    entry.published(normalize_time(article.published))
    # Written as <link href=…/>: no rel means "alternate" (RFC 4287 §4.2.7.2).
    entry.link(href=article.url, rel="alternate")
    authors = item_authors(article, site)
    if authors:
        entry.author([_person(author) for author in authors])
    if site.full_content and item.rendered.content_html:
        entry.content(post_keys.content_html(item, site), type="html")
    if item.rendered.summary:
        entry.summary(item.rendered.summary)
    element: etree._Element = entry.atom_entry(extensions=False)
    _add_categories(element, item_terms(article))
    if article.image:
        kind = image_type(article.image)
        etree.SubElement(element, _LINK, href=article.image, rel="enclosure", type=kind)
    xml_extensions.add_atom_entry_links(element, item, site)
    language = post_keys.entry_language(item, site)
    if language:
        element.set(_XML_LANG, language)
    return element
