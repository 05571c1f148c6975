"""JSON Feed 1.1 (https://jsonfeed.org/version/1.1): serialize a FeedDocument to bytes.

Written with the standard library: compact separators (feeds have a byte budget), a
trailing newline, real UTF-8 rather than ``\\u`` escapes, keys in a fixed order
(``version`` first), empty fields left out. The output is always valid UTF-8: a lone
surrogate, which ``json.dumps`` would pass through and UTF-8 cannot encode, is removed
(with every other character XML forbids, as in the XML feeds) and the document written
again.

No I/O: bytes out, the caller writes them.
"""

from __future__ import annotations

import io
import json
import re
from typing import Any

from laojia_feed.feeds.formats import post_keys
from laojia_feed.feeds.formats._common import (
    Parts,
    clean_document,
    clean_item,
    feed_title,
    item_authors,
    item_id,
    item_terms,
    item_title,
    next_url,
    rfc3339,
    site_url,
)
from laojia_feed.model import Author, FeedDocument, FeedItem, Site

#: Media type of a JSON Feed document.
MEDIA_TYPE = "application/feed+json"

#: The ``version`` URL of the format written.
VERSION = "https://jsonfeed.org/version/1.1"

_SEPARATORS = (",", ":")

#: What ``json.dumps(value, ensure_ascii=False, separators=_SEPARATORS)`` uses, made
#: once rather than for every item (``encode`` keeps no state between calls).
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=_SEPARATORS)

#: A JSON escape of a control character XML forbids (not \t \n \r), not itself escaped:
#: an even run of backslashes (escaped backslashes) may precede it, an odd one may not.
_ESCAPED_CONTROL = re.compile(r"(?<!\\)(?:\\\\)*\\(?:u00(?:0[0-8bcef]|1[0-9a-f])|[bf])")

#: Every match of :data:`_ESCAPED_CONTROL` holds a match of this one (a backslash then
#: ``u``, ``b`` or ``f``); when none occurs the regex, which tries every position with
#: its look-behind, need not run. This one starts with a literal backslash, so the
#: regex engine skips from backslash to backslash: one pass, faster than the three
#: substring searches (``\u00``, ``\b``, ``\f``) it replaces.
_ESCAPE_START = re.compile(r"\\[ubf]")


def render_json(doc: FeedDocument, *, stylesheet: str | None = None) -> bytes:
    """The JSON Feed 1.1 document of ``doc``: UTF-8, items in document order.

    Characters XML forbids are removed here too, so that all three feeds carry the
    same text (and the bytes are always valid UTF-8). JSON Feed has no stylesheets:
    ``stylesheet`` is ignored.
    """
    del stylesheet
    data = _serialize(doc, check=True)
    if data is None:
        data = _serialize(clean_document(doc), check=False)
    return data or b""


def render_parts(doc: FeedDocument, *, stylesheet: str | None = None) -> Parts:
    """The JSON Feed of ``doc`` cut where its items go (:func:`render_items`); raises
    ValueError when the feed object holds a character XML forbids (see :func:`render_json`).
    ``stylesheet`` is ignored, as by :func:`render_json`."""
    del stylesheet
    head = _clean_utf8(_ENCODER.encode(_feed_object(doc)))
    if head is None:
        raise ValueError("the feed object holds a character XML forbids")
    return Parts(head[:-1] + b',"items":[', b",", b"]}\n")


def render_items(doc: FeedDocument) -> list[bytes]:
    """Each item of ``doc`` as :func:`render_json` writes it: an item holding a character
    XML forbids comes out cleaned, as in the cleaned document :func:`render_json` writes."""
    site = doc.site
    found: list[bytes] = []
    for item in doc.items:
        data = _clean_utf8(_ENCODER.encode(_item(item, site)))
        found.append(data or _utf8(_ENCODER.encode(_item(clean_item(item), site))))
    return found


def _serialize(doc: FeedDocument, *, check: bool) -> bytes | None:
    """The document's bytes, written item by item into one buffer: exactly what one
    ``json.dumps`` of the whole feed object writes (``items`` is its last member),
    without holding the whole text and its encoding at once. With ``check``, None
    as soon as a part holds a character XML forbids."""
    encode = _clean_utf8 if check else _utf8
    head = encode(_ENCODER.encode(_feed_object(doc)))
    if head is None:
        return None
    out = io.BytesIO()
    out.write(memoryview(head)[:-1])
    out.write(b',"items":[')
    site = doc.site
    for index, item in enumerate(doc.items):
        data = encode(_ENCODER.encode(_item(item, site)))
        if data is None:
            return None
        if index:
            out.write(b",")
        out.write(data)
    out.write(b"]}\n")
    return out.getvalue()


def _utf8(text: str) -> bytes:
    """``text`` in UTF-8 (a text already cleaned of characters XML forbids)."""
    return text.encode("utf-8")


def _clean_utf8(text: str) -> bytes | None:
    """Serialized JSON in UTF-8, or None when it holds a character XML forbids.

    The same answer as scanning the text for every forbidden character, raw
    (:func:`laojia_feed.xmlchars.has_forbidden`, a regex over every character) or escaped
    (:func:`_escapes_control`), at a fraction of the cost, because of what
    ``json.dumps`` writes: every control character below U+0020 is escaped, so the
    only forbidden characters left raw are lone surrogates, exactly what strict UTF-8
    encoding (done anyway) refuses, and U+FFFE and U+FFFF, two substring searches.
    Proved on generated texts by tests/test_formats_speed.py.
    """
    if "\ufffe" in text or "\uffff" in text or _escapes_control(text):
        return None
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return None


def _escapes_control(text: str) -> bool:
    """Whether serialized JSON holds the escape ``json.dumps`` writes for a control
    character XML forbids (the escape itself not escaped)."""
    if _ESCAPE_START.search(text) is None:
        return False
    return _ESCAPED_CONTROL.search(text) is not None


def _feed_object(doc: FeedDocument) -> dict[str, Any]:
    """The JSON Feed top-level object of ``doc`` without its ``items`` (written last)."""
    site = doc.site
    feed: dict[str, Any] = {"version": VERSION, "title": feed_title(site)}
    feed["home_page_url"] = site_url(site)
    if doc.feed_urls.get("json"):
        feed["feed_url"] = doc.feed_urls["json"]
    if site.description:
        feed["description"] = site.description
    older = next_url(doc.links)
    if older:
        feed["next_url"] = older
    if site.icon:
        feed["icon"] = site.icon
    if site.language:
        feed["language"] = site.language
    if site.author is not None and site.author.name:
        feed["authors"] = [_author(site.author)]
    if site.hub:
        feed["hubs"] = [{"type": "WebSub", "url": site.hub}]
    return feed


def _author(author: Author) -> dict[str, str]:
    """JSON Feed authors have no e-mail field; the spec allows a ``mailto:`` URL."""
    person = {"name": author.name}
    if author.url:
        person["url"] = author.url
    elif author.email:
        person["url"] = f"mailto:{author.email}"
    return person


def _item(item: FeedItem, site: Site) -> dict[str, Any]:
    article = item.article
    rendered = item.rendered
    entry: dict[str, Any] = {"id": item_id(article), "url": article.url}
    credit = post_keys.source(article, site)
    if credit is not None:
        entry["external_url"] = credit.url
    entry["title"] = item_title(article)
    content = ""
    if site.full_content and rendered.content_html:
        content = entry["content_html"] = post_keys.content_html(item, site)
    else:  # one of content_html / content_text is required
        entry["content_text"] = rendered.summary
    if rendered.summary:
        entry["summary"] = rendered.summary
    if article.image:
        entry["image"] = article.image
        if not post_keys.shows_image(content, article.image):
            entry["banner_image"] = article.image
    entry["date_published"] = rfc3339(article.published)
    entry["date_modified"] = rfc3339(article.updated)
    authors = item_authors(article, site)
    if authors:
        entry["authors"] = [_author(author) for author in authors]
    terms = item_terms(article)
    if terms:
        entry["tags"] = list(terms)
    language = post_keys.entry_language(item, site)
    if language:
        entry["language"] = language
    media = post_keys.audio(article, site)
    if media is not None:
        entry["attachments"] = [_attachment(media)]
    return entry


def _attachment(media: post_keys.Enclosure) -> dict[str, Any]:
    """A JSON Feed attachment: size and duration only when known."""
    found: dict[str, Any] = {"url": media.url, "mime_type": media.type}
    if media.length:
        found["size_in_bytes"] = media.length
    if media.duration:
        found["duration_in_seconds"] = media.duration
    return found
