"""What the RSS and Atom documents add beyond feedgen for subscribers: Feedly's
``webfeeds:`` elements, comment, repost and media links on entries, iTunes tags.

Each function appends elements to feedgen's tree (lxml); the values come from
:mod:`~laojia_feed.feeds.formats.post_keys` and the site's settings. Nothing is written
for a site or a post that does not ask for it, so their bytes stay as they were.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from laojia_feed.feeds.formats import post_keys
from laojia_feed.feeds.formats._common import HISTORY_NS, feed_description, image_type
from laojia_feed.model import FeedItem, Site

#: Feedly's namespace (https://blog.feedly.com/10-ways-to-optimize-your-feed-for-feedly/).
WEBFEEDS_NS = "http://webfeeds.org/rss/1.0"
#: Apple's podcast namespace (what feedgen's podcast extension declares).
ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"


def feed_namespaces(site: Site) -> dict[str, str]:
    """The prefixes :func:`add_feed_elements` needs declared on the root element."""
    return {"webfeeds": WEBFEEDS_NS} if site.webfeeds is not None else {}


#: RFC 5005's mark of an archive document.
_FH_ARCHIVE = f"{{{HISTORY_NS}}}archive"


def add_head(
    parent: etree._Element,
    link_tag: str,
    links: tuple[tuple[str, str], ...],
    archive: bool,
    site: Site,
) -> None:
    """What the RSS channel and the Atom feed both get at the end of their head: the links
    feedgen omits or refuses (``(rel, href)``, as ``link_tag`` elements), ``<fh:archive/>``
    on an archive document, and the site's extension elements."""
    for rel, href in links:
        etree.SubElement(parent, link_tag, href=href, rel=rel)
    if archive:
        etree.SubElement(parent, _FH_ARCHIVE)
    add_feed_elements(parent, site)


def add_feed_elements(parent: etree._Element, site: Site) -> None:
    """Append the ``webfeeds:`` cover, icon, logo and accent colour to the channel/feed:
    the table's values, else the site's icon and logo."""
    settings = site.webfeeds
    if settings is None:
        return
    if settings.cover:
        etree.SubElement(parent, f"{{{WEBFEEDS_NS}}}cover", image=settings.cover)
    texts = (
        ("icon", settings.icon or site.icon),
        ("logo", settings.logo or site.logo),
        ("accentColor", settings.accent_color),
    )
    for name, text in texts:
        if text:
            etree.SubElement(parent, f"{{{WEBFEEDS_NS}}}{name}").text = text


def set_podcast(podcast: Any, site: Site) -> None:
    """Give feedgen's podcast extension (``fg.podcast``) the site's iTunes settings."""
    settings = site.podcast
    if settings is None:
        return
    author = settings.author or (site.author.name if site.author else None)
    if author:
        podcast.itunes_author(author)
    if settings.categories:
        podcast.itunes_category(
            [{"cat": cat, "sub": sub} if sub else {"cat": cat} for cat, sub in settings.categories]
        )
    image = settings.image or next(
        (url for url in (site.logo, site.icon) if url and url.endswith((".jpg", ".png"))), None
    )
    if image:
        podcast.itunes_image(image)
    podcast.itunes_explicit(settings.explicit)
    if settings.owner is not None:
        podcast.itunes_owner(name=settings.owner.name, email=settings.owner.email)
    podcast.itunes_summary(settings.summary or feed_description(site))
    podcast.itunes_type(settings.type)


def add_rss_item_elements(element: etree._Element, item: FeedItem, site: Site) -> None:
    """``<comments>``, one ``<enclosure>`` (the post's audio, else its cover: newsboat,
    sfeed and most readers look only there) and ``<source>`` on an RSS ``<item>``.

    RSS wants one enclosure per item (RSS Best Practices Profile) and a byte length
    that is ``0`` when unknown, as it is for covers. A podcast feed (``podcast`` set)
    gets no cover enclosures: Apple Podcasts and other apps take every enclosure for an
    episode's media.
    """
    article = item.article
    comments = post_keys.comments_url(article, site)
    if comments:
        etree.SubElement(element, "comments").text = comments
    media = post_keys.audio(article, site)
    if media is not None:
        _enclosure(element, media.url, media.type, media.length)
        if media.duration and site.podcast is not None:
            etree.SubElement(element, f"{{{ITUNES_NS}}}duration").text = str(media.duration)
    elif article.image and site.podcast is None:  # podcast apps take any enclosure for audio
        _enclosure(element, article.image, image_type(article.image), 0)
    credit = post_keys.source(article, site)
    if credit is not None:
        etree.SubElement(element, "source", url=credit.url).text = credit.title


def _enclosure(element: etree._Element, url: str, kind: str, length: int) -> None:
    etree.SubElement(element, "enclosure", url=url, length=str(length), type=kind)


def add_atom_entry_links(element: etree._Element, item: FeedItem, site: Site) -> None:
    """``rel="replies"`` (RFC 4685) to the comments, ``rel="enclosure"`` to the audio
    and ``rel="via"`` to the original of a repost, on an Atom ``<entry>``."""
    article = item.article
    comments = post_keys.comments_url(article, site)
    if comments:
        etree.SubElement(element, "link", href=comments, rel="replies", type="text/html")
    media = post_keys.audio(article, site)
    if media is not None:
        link = etree.SubElement(element, "link", href=media.url, rel="enclosure", type=media.type)
        if media.length:
            link.set("length", str(media.length))
    credit = post_keys.source(article, site)
    if credit is not None:
        etree.SubElement(element, "link", href=credit.url, rel="via", title=credit.title)
