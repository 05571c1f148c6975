"""Post-level front-matter keys subscribers see: comments, source credit, audio, the
cover in the content, and the entry's language.

Read from :attr:`~laojia_feed.model.Article.extra` (the keys no field of
:mod:`laojia_feed.read.article` consumes), URLs checked by the same public functions as
post images (:func:`laojia_feed.urls.check_image_url`). Every reader takes a ``warn``
callback: :mod:`laojia_feed.feeds.inclusion` passes one that collects diagnostics, the
formats pass none (the value is dropped quietly, as it was reported once already).

Standard library only, like :mod:`~laojia_feed.feeds.formats._common`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from laojia_feed import urls
from laojia_feed.model import Article, FeedItem, JSONValue, Site, Warn
from laojia_feed.xmlchars import strip_forbidden

#: Keys naming the original of a repost, first present wins.
SOURCE_KEYS = ("source", "original_url", "source_url", "via")
#: Keys naming a post's audio (or other media) file, first present wins.
AUDIO_KEYS = ("audio", "enclosure")

#: Media types of audio and video file name extensions (a fixed table, as for images).
MEDIA_TYPES: Mapping[str, str] = MappingProxyType(
    {
        "mp3": "audio/mpeg",
        "m4a": "audio/mp4",
        "m4b": "audio/mp4",
        "aac": "audio/aac",
        "ogg": "audio/ogg",
        "oga": "audio/ogg",
        "opus": "audio/opus",
        "flac": "audio/flac",
        "wav": "audio/wav",
        "mp4": "video/mp4",
        "m4v": "video/x-m4v",
        "mov": "video/quicktime",
        "webm": "video/webm",
        "pdf": "application/pdf",
    }
)
#: The type assumed when the URL does not say (podcasts are MP3 more than anything else).
DEFAULT_MEDIA_TYPE = "audio/mpeg"

_MEDIA_TYPE = re.compile(r"[a-z]+/[a-z0-9][a-z0-9.+\-]*", re.IGNORECASE)
_ABSOLUTE = re.compile(r"(?:https?:)?//", re.IGNORECASE)
_DURATION = re.compile(r"(?:(\d+):)?([0-5]?\d):([0-5]\d)")


def _quiet(message: str) -> None:
    """The ``warn`` of the formats: what is wrong was reported once, by the selection."""


@dataclass(frozen=True, slots=True)
class Enclosure:
    """A media file attached to an entry."""

    #: Absolute http(s) URL.
    url: str
    #: Media type.
    type: str
    #: Size in bytes; 0 when unknown (the RSS Best Practices Profile's "unknown").
    length: int = 0
    #: Play time in whole seconds, when given.
    duration: int | None = None


@dataclass(frozen=True, slots=True)
class Source:
    """Where a reposted article first appeared."""

    #: Absolute http(s) URL of the original.
    url: str
    #: Its title or publication's name; the URL's host when none is given.
    title: str


#: Front-matter words for yes and no (the front-matter reader keeps unknown keys' scalars
#: as written: ``comments: true`` arrives as the text "true").
_FLAGS: Mapping[str, bool] = MappingProxyType(
    {"true": True, "yes": True, "on": True, "1": True}
    | {"false": False, "no": False, "off": False, "0": False}
)


def flag(raw: JSONValue) -> bool | None:
    """A front-matter yes/no: a boolean or one of :data:`_FLAGS`' words; None if unclear."""
    if isinstance(raw, bool):
        return raw
    return _FLAGS.get(raw.strip().lower()) if isinstance(raw, str) else None


def _first(extra: Mapping[str, JSONValue], keys: tuple[str, ...]) -> tuple[str, JSONValue]:
    for key in keys:
        value = extra.get(key)
        if value is not None and value != "":
            return key, value
    return "", None


def _url(raw: JSONValue, site: Site, warn: Warn, *, relative: bool) -> str | None:
    """A public absolute http(s) URL (resolved against the site when ``relative``)."""
    if raw is None or raw == "":
        warn("has no url; dropped")
        return None
    if isinstance(raw, str) and not relative and not _ABSOLUTE.match(raw.strip()):
        warn(f"{raw.strip()[:100]!r} is not an absolute http(s) URL; dropped")
        return None
    return urls.check_image_url(raw, site.url, warn)


def source(article: Article, site: Site, warn: Warn = _quiet) -> Source | None:
    """The original of a repost: ``source``/``original_url``/``source_url``/``via``, a URL
    or a table ``{title, url}``."""
    key, raw = _first(article.extra, SOURCE_KEYS)
    if raw is None:
        return None
    title = ""
    if isinstance(raw, Mapping):
        title_raw = raw.get("title") or raw.get("name") or ""
        title = (
            " ".join(strip_forbidden(title_raw)[0].split()) if isinstance(title_raw, str) else ""
        )
        raw = raw.get("url") or raw.get("link")
    found = _url(raw, site, lambda message: warn(f"{key}: {message}"), relative=False)
    if found is None:
        return None
    host = found.split("//", 1)[-1].split("/", 1)[0]
    return Source(found, title or host)


def _length(raw: JSONValue) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        return 0
    text = str(raw).strip()
    return int(text) if text.isdigit() and len(text) < 16 else 0


def _duration(raw: JSONValue) -> int | None:
    """Seconds from ``1234`` or ``"1:02:03"``/``"02:03"``."""
    if isinstance(raw, int) and not isinstance(raw, bool) and 0 < raw < 10**7:
        return raw
    found = _DURATION.fullmatch(raw.strip()) if isinstance(raw, str) else None
    if found is None:
        return None
    hours, minutes, seconds = (int(part or 0) for part in found.groups())
    return hours * 3600 + minutes * 60 + seconds or None


def media_type(url: str) -> str:
    """The media type of an audio/video URL, from its extension; MP3 by default."""
    name = url.partition("#")[0].partition("?")[0].rpartition("/")[2]
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    return MEDIA_TYPES.get(extension, DEFAULT_MEDIA_TYPE)


def audio(article: Article, site: Site, warn: Warn = _quiet) -> Enclosure | None:
    """A post's media file: ``audio``/``enclosure``, a URL or ``{url, type, length,
    duration}`` (relative URLs resolved against the site)."""
    key, raw = _first(article.extra, AUDIO_KEYS)
    if raw is None:
        return None
    table: Mapping[str, JSONValue] = raw if isinstance(raw, Mapping) else {"url": raw}
    found = _url(table.get("url"), site, lambda message: warn(f"{key}: {message}"), relative=True)
    if found is None:
        return None
    kind = table.get("type") or table.get("mime_type")
    if not (isinstance(kind, str) and _MEDIA_TYPE.fullmatch(kind.strip())):
        if kind is not None:
            warn(f"{key}: type {kind!r} is not a media type like audio/mpeg; guessed")
        kind = media_type(found)
    duration = _duration(table.get("duration") or article.extra.get("duration"))
    return Enclosure(found, kind.strip().lower(), _length(table.get("length")), duration)


def comments_url(article: Article, site: Site) -> str | None:
    """Where the post's comments are: its URL and the site's anchor; the post's own
    ``comments: https://…`` URL; None when comments are off.

    Hexo and Jekyll default ``comments`` to true; laojia-feed writes the link for every
    post only when the site says ``comments = true`` (a site without a comment system
    would otherwise point every reader at nothing), for posts saying ``comments: true``
    when the site says nothing, and never when the site says ``comments = false``.
    """
    raw = article.extra.get("comments")
    said = flag(raw)
    if site.comments is False or said is False:
        return None
    if isinstance(raw, str) and _ABSOLUTE.match(raw.strip()):
        return _url(raw, site, _quiet, relative=False)
    if said or site.comments:
        return article.url + site.comments_anchor
    return None


def cover_figure(url: str) -> str:
    """The HTML of a cover shown at the top of the content."""
    return f'<figure><img src="{html.escape(url)}" alt=""></figure>'


def shows_image(content: str, url: str) -> bool:
    """Whether sanitized HTML shows the image at ``url`` (an element with ``src="url"``)."""
    return f'src="{html.escape(url)}"' in content


def content_html(item: FeedItem, site: Site) -> str:
    """The entry's HTML content: the body, with the cover before it when the site asks
    (``cover_in_content``) and the body does not already show it."""
    body = item.rendered.content_html
    image = item.article.image
    if not (site.cover_in_content and image and body) or shows_image(body, image):
        return body
    return cover_figure(image) + body


# Scripts, by code point ranges: Han, kana (Japanese), Hangul (Korean).
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_KANA = re.compile("[\u3040-\u30ff\u31f0-\u31ff]")
_HANGUL = re.compile("[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")
_CJK = re.compile(f"{_HAN.pattern}|{_KANA.pattern}|{_HANGUL.pattern}")
_LETTERS = re.compile(r"[^\W\d_]+")
#: English function words: one of them among the words makes Latin text English.
_ENGLISH = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "can",
        "do",
        "for",
        "from",
        "has",
        "have",
        "how",
        "i",
        "in",
        "is",
        "it",
        "my",
        "not",
        "of",
        "on",
        "or",
        "our",
        "that",
        "the",
        "this",
        "to",
        "was",
        "we",
        "what",
        "when",
        "why",
        "will",
        "with",
        "you",
        "your",
    ]
)
#: Fewer words than this say too little to tell a language.
_MIN_WORDS = 3
_CJK_LANGUAGES = frozenset({"zh", "ja", "ko"})


def guess_language(text: str, site_language: str) -> str | None:
    """A language for ``text`` when it plainly is not the site's, else None.

    On a Chinese, Japanese or Korean site: ``en`` for text without a single CJK
    character whose words are all plain ASCII letters (no é, ß, ñ: French, German and
    Spanish are not claimed) with at least one common English word among at least
    three words. On any other site: ``ja`` for text with kana, ``ko`` for text with
    Hangul, ``zh`` for text with Han characters and neither, when those characters
    outnumber the Latin words. Anything less plain is left to the site's language.
    """
    primary = site_language.partition("-")[0].lower()
    if primary in _CJK_LANGUAGES:
        if _CJK.search(text):  # first: most posts of such a site stop here, at once
            return None
        words = _LETTERS.findall(text)
        if len(words) < _MIN_WORDS or not all(word.isascii() for word in words):
            return None
        return "en" if any(word.lower() in _ENGLISH for word in words) else None
    if not _CJK.search(text):
        return None
    han, kana, hangul = (len(found.findall(text)) for found in (_HAN, _KANA, _HANGUL))
    latin = sum(1 for word in _LETTERS.findall(text) if word.isascii())
    if kana + han + hangul <= latin:
        return None
    guess = "ja" if kana else "ko" if hangul else "zh"
    return None if guess == primary else guess


def entry_language(item: FeedItem, site: Site) -> str | None:
    """The entry's language: the post's ``lang``/``language``, else a plain guess from
    its title and summary (``guess_language``), else None (the feed's language holds)."""
    if item.article.language:
        return item.article.language
    if not site.guess_language:
        return None
    return guess_language(f"{item.article.title}\n{item.rendered.summary}", site.language)
