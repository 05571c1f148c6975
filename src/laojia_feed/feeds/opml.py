"""An OPML 2.0 index of the feeds a build writes (``feeds.opml``), for readers to import.

One ``<outline type="rss">`` per feed (the type OPML 2.0 uses for every feed
format), categories and tags grouped under an outline each. Built with lxml, so
the document is well-formed whatever the names hold; no clock, so the bytes only
change when the feeds do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from lxml import etree

from laojia_feed.xmlchars import strip_forbidden

#: File name of the index inside the output folder.
FILENAME = "feeds.opml"


@dataclass(frozen=True, slots=True)
class Outline:
    """One feed in the index."""

    #: What a reader shows: the feed's title.
    title: str
    #: The feed's URL.
    xml_url: str
    #: The page the feed is about.
    html_url: str


@dataclass(frozen=True, slots=True)
class Group:
    """Feeds listed under one heading (``分类``, ``标签``)."""

    #: The heading.
    title: str
    #: Its feeds.
    outlines: tuple[Outline, ...]


def _clean(text: str) -> str:
    return strip_forbidden(text)[0]


def render_opml(title: str, feeds: Sequence[Outline], groups: Sequence[Group] = ()) -> bytes:
    """The OPML 2.0 document listing ``feeds``, then each non-empty group as a folder."""
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = _clean(title)
    body = etree.SubElement(root, "body")

    def add(parent: etree._Element, outline: Outline) -> None:
        etree.SubElement(
            parent,
            "outline",
            type="rss",
            text=_clean(outline.title),
            title=_clean(outline.title),
            xmlUrl=_clean(outline.xml_url),
            htmlUrl=_clean(outline.html_url),
        )

    for outline in feeds:
        add(body, outline)
    for group in groups:
        if group.outlines:
            folder = etree.SubElement(body, "outline", text=_clean(group.title))
            for outline in group.outlines:
                add(folder, outline)
    data: bytes = etree.tostring(root, encoding="UTF-8", xml_declaration=True, pretty_print=True)
    return data
