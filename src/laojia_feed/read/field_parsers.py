"""One small parser per front-matter field: ``(raw, ctx, warn) -> value``.

Each parser raises :class:`~laojia_feed.model.FieldError` for an error and calls
``warn`` for something fixed or dropped; :mod:`laojia_feed.read.article` runs them
from its field table.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from pathlib import PurePosixPath

from laojia_feed import urls
from laojia_feed.model import Author, FieldError, Site, Warn
from laojia_feed.read import dates
from laojia_feed.read.permalinks import slug_from
from laojia_feed.read.plaintext import cap, flag, plain_text, scalar_text
from laojia_feed.wording import describe_type
from laojia_feed.xmlchars import one_line, strip_forbidden

MAX_TITLE = 300
#: Longest category, tag or author name kept.
MAX_NAME = 100
#: Most categories or tags kept per post.
MAX_TERMS = 50
#: Most authors kept per post.
MAX_AUTHORS = 20
#: Longest slug kept, in characters.
MAX_SLUG = 200
#: Longest URL (permalink, image) kept; many readers and proxies refuse longer ones.
MAX_URL = 2000
#: Longest author-written summary kept, in characters.
MAX_SUMMARY = 2000

#: Jekyll-style date prefix of a file name: ``2021-12-09-title.md``.
_DATED_NAME = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})-(.+)$")


@dataclass(frozen=True, slots=True)
class Context:
    """What field parsers may look at besides the raw value."""

    #: Site settings.
    site: Site
    #: The site time zone, resolved.
    tz: tzinfo
    #: Source path relative to the posts folder (POSIX).
    relpath: str


def jekyll_title(relpath: str) -> str:
    """The title Jekyll gives an untitled post: its file name's slug (date prefix, extension
    and trailing dots removed), each ``-``-separated word capitalized (``titleize_slug``)."""
    stem = PurePosixPath(relpath).stem
    dated = _DATED_NAME.match(stem)
    slug = (dated.group(4) if dated else stem).rstrip(".")
    return " ".join(word.capitalize() for word in slug.split("-") if word)


def parse_title(raw: object, ctx: Context, warn: Warn) -> str:
    """Plain-text title; markup removed; long titles capped; missing → file name, warned
    (on a Jekyll site, the title Jekyll gives it, as Jekyll documents it: no warning)."""
    text = "" if raw is None else plain_text(scalar_text(raw, "a title"))
    if not text and ctx.site.generator == "jekyll":
        return cap(plain_text(jekyll_title(ctx.relpath)), MAX_TITLE, warn, "title")
    if not text:
        fallback = PurePosixPath(ctx.relpath).stem
        warn(f"no title; using the file name {fallback!r}")
        return fallback
    if not isinstance(raw, str):
        warn(f"title is {describe_type(raw)}; used as the text {text!r}")
    return cap(text, MAX_TITLE, warn, "title")


def representable(moment: datetime, tz: tzinfo) -> datetime:
    """``moment`` itself, once sure it can be expressed in UTC and in ``tz``.

    ``9999-12-31T23:59:59-12:00`` is a valid datetime, but converting it to UTC (as
    permalinks and feeds do) overflows: such a date is an error, not a crash.
    """
    if 1 < moment.year < 9999:  # offsets are under a day: no conversion leaves years 1–9999
        return moment
    try:
        moment.astimezone(UTC)
        moment.astimezone(tz)
    except (OverflowError, ValueError) as problem:
        raise FieldError(
            f"{moment.isoformat()} cannot be expressed in UTC (past the end of year 9999)"
        ) from problem
    return moment


def parse_published(raw: object, ctx: Context, warn: Warn) -> datetime:
    """Publication date: required, in any format :mod:`laojia_feed.read.dates` knows."""
    if raw is None:
        dated = _DATED_NAME.match(PurePosixPath(ctx.relpath).name)
        if dated:
            found = dates.parse_date("-".join(dated.groups()[:3]), ctx.tz, warn)
            return representable(found, ctx.tz)
        raise FieldError("no date given; every post needs one (e.g. date: 2021-12-09 11:10:27)")
    return representable(dates.parse_date(raw, ctx.tz, warn), ctx.tz)


def parse_updated(raw: object, ctx: Context, warn: Warn) -> datetime | None:
    """Last-update date, optional."""
    if raw is None or raw == "":
        return None
    return representable(dates.parse_date(raw, ctx.tz, warn), ctx.tz)


def _flatten_terms(raw: object, warn: Warn, what: str) -> list[str]:
    """Hexo's nested category lists, lists, or one string → a flat list of names."""
    if raw is None:
        return []
    if isinstance(raw, Mapping):
        warn(f"{what} is a mapping; expected a list of names; ignored")
        return []
    if not isinstance(raw, list | tuple):
        return [scalar_text(raw, f"{what} names")]
    names: list[str] = []
    stack: list[object] = list(reversed(raw))
    while stack:
        item = stack.pop()
        if item is None:
            continue
        if isinstance(item, list | tuple):
            stack.extend(reversed(item))
        elif isinstance(item, Mapping):
            warn(f"{what} contains a mapping; ignored")
        else:
            names.append(scalar_text(item, f"{what} names"))
    return names


def _terms(raw: object, warn: Warn, what: str) -> tuple[str, ...]:
    """Clean, deduplicated (case-insensitively), capped category or tag names."""
    kept: dict[str, str] = {}
    for name in _flatten_terms(raw, warn, what):
        clean = cap(plain_text(name), MAX_NAME, warn, f"a name in {what}")
        if clean:
            kept.setdefault(clean.casefold(), clean)
    if len(kept) > MAX_TERMS:
        warn(f"{len(kept)} {what}; kept the first {MAX_TERMS}")
    return tuple(kept.values())[:MAX_TERMS]


def parse_categories(raw: object, ctx: Context, warn: Warn) -> tuple[str, ...]:
    """Categories; Hexo hierarchies ``[[生活, 随笔], 技术]`` flattened to names."""
    return _terms(raw, warn, "categories")


def parse_tags(raw: object, ctx: Context, warn: Warn) -> tuple[str, ...]:
    """Tags: a list or one string (one tag, never one per character)."""
    return _terms(raw, warn, "tags")


def _author(raw: object, ctx: Context, warn: Warn) -> Author | None:
    """One author: a name, or a mapping with name/email/url."""
    if isinstance(raw, Mapping):
        name = plain_text(scalar_text(raw.get("name") or raw.get("nick") or "", "a name"))
        email_raw = raw.get("email")
        email = plain_text(scalar_text(email_raw, "an e-mail address")) if email_raw else None
        if email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
            warn(f"{email!r} is not an e-mail address; dropped")
            email = None
        link_raw = raw.get("url") or raw.get("link") or raw.get("website")
        link = urls.join_url(ctx.site.url, scalar_text(link_raw, "a URL")) if link_raw else None
        if link_raw and (link is None or not link.startswith(("http://", "https://"))):
            warn(f"author link {link_raw!r} is not an http(s) URL; dropped")
            link = None
        if not name:
            warn("author has no name; ignored")
            return None
        return Author(cap(name, MAX_NAME, warn, "author name"), email, link)
    name = plain_text(scalar_text(raw, "an author name"))
    return Author(cap(name, MAX_NAME, warn, "author name")) if name else None


def parse_authors(raw: object, ctx: Context, warn: Warn) -> tuple[Author, ...]:
    """Authors: one name, a mapping, or a list of either."""
    if raw is None:
        return ()
    items = raw if isinstance(raw, list | tuple) else [raw]
    found = [_author(item, ctx, warn) for item in items if item is not None]
    unique: dict[str, Author] = {}
    for author in found:
        if author is not None:
            unique.setdefault(author.name, author)
    if len(unique) > MAX_AUTHORS:
        warn(f"{len(unique)} authors; kept the first {MAX_AUTHORS}")
    return tuple(unique.values())[:MAX_AUTHORS]


def parse_summary(raw: object, ctx: Context, warn: Warn) -> str | None:
    """An author-written summary, as plain text."""
    if raw is None:
        return None
    text = plain_text(scalar_text(raw, "a summary"))
    return cap(text, MAX_SUMMARY, warn, "summary") or None


def parse_language(raw: object, ctx: Context, warn: Warn) -> str | None:
    """A BCP 47 language tag (``zh-CN``, ``en``); anything else is dropped."""
    if raw is None:
        return None
    text = scalar_text(raw, "a language tag").strip().replace("_", "-")
    if not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*", text):
        warn(f"{text!r} is not a language tag like zh-CN; ignored")
        return None
    return text


def default_slug(relpath: str) -> str:
    """The slug a file name gives: Jekyll date prefix removed; a page bundle's folder name."""
    folder, name = posixpath.split(relpath)
    parent, stem = posixpath.basename(folder), posixpath.splitext(name)[0]
    if stem in {"index", "_index"} and parent:  # Hugo page bundle: posts/x/index.md
        stem = parent
    dated = _DATED_NAME.match(stem)
    return slug_from(dated.group(4) if dated else stem) or "post"


def parse_slug(raw: object, ctx: Context, warn: Warn) -> str:
    """Slug from front matter, else from the file name (see :func:`default_slug`)."""
    default = default_slug(ctx.relpath)
    if raw is None or raw == "":
        return default
    text = plain_text(scalar_text(raw, "a slug"))
    slug = slug_from(text)
    if not slug:
        warn(f"slug {text!r} is empty once cleaned; using {default!r}")
        return default
    hugo_path = ":hugo_" in ctx.site.permalink  # Hugo's slug may be a path: its URL uses it
    unclean = slug != slug_from(text.replace("/", "").replace("\\", "")) or ".." in text
    if unclean and not hugo_path:
        warn(f"slug {text!r} is not a clean URL segment; using {slug!r}")
    if len(slug) > MAX_SLUG:
        warn(f"slug is {len(slug)} characters long; cut to {MAX_SLUG}")
        slug = slug[:MAX_SLUG].rstrip("-.") or default
    return slug


def parse_permalink(raw: object, ctx: Context, warn: Warn) -> str | None:
    """A post's own URL (``permalink``/``url``), resolved against the site URL."""
    if raw is None or raw == "":
        return None
    text = scalar_text(raw, "a URL").strip()
    if text.startswith("/") and not text.startswith("//"):
        # Hexo, Hugo and Jekyll all put /path under the site's own path (url + root)
        text = text.lstrip("/")
        if ":hugo_" in ctx.site.permalink and "." not in posixpath.basename(text) and text:
            text = text.rstrip("/") + "/"  # Hugo serves url: /a/b as the folder /a/b/
    joined = urls.join_url(ctx.site.url, text)
    if joined is None or not joined.startswith(("http://", "https://")):
        warn(f"{text!r} is not an http(s) URL or path; using the site's permalink pattern")
        return None
    if len(joined) > MAX_URL:
        warn(f"URL is {len(joined)} characters long (over {MAX_URL}); using the site's pattern")
        return None
    return joined


def parse_id(raw: object, ctx: Context, warn: Warn) -> str | None:
    """An explicit ``id``/``guid``: kept as text; made a URI later if it is not one."""
    if raw is None or raw == "":
        return None
    text = one_line(strip_forbidden(scalar_text(raw, "an id"))[0])
    if len(text) > 500:
        raise FieldError("id is longer than 500 characters")
    return text or None


#: Keys of a theme's ``image:`` mapping holding the cover, in the order tried: ``path``
#: (jekyll-seo-tag, So Simple) and ``url`` name it from the site root; ``feature``,
#: ``teaser``, ``thumb`` (HPSTR, Minimal Mistakes 2–3, So Simple) a bare file name is
#: under ``images/`` of the site, as those themes show it.
IMAGE_KEYS = ("path", "url", "feature", "teaser", "thumb")
_IN_IMAGES_FOLDER = frozenset({"feature", "teaser", "thumb"})


def theme_image(raw: Mapping[object, object]) -> object:
    """The cover named by a theme's ``image:`` mapping (see :data:`IMAGE_KEYS`), else the
    mapping itself (refused with a warning)."""
    for key in IMAGE_KEYS:
        value = raw.get(key)
        if isinstance(value, str) and value.strip():
            relative = "://" not in value and not value.startswith(("/", "//"))
            in_images = key in _IN_IMAGES_FOLDER and relative
            return f"images/{value.strip()}" if in_images else value
    return raw


def parse_image(raw: object, ctx: Context, warn: Warn) -> str | None:
    """An image URL: absolute http(s), public host, proxy wrappers checked, then through the
    site's image proxy (so every feed format carries the same URL). A theme's mapping
    (``image: {feature: x.jpg}``) gives the URL it names (:func:`theme_image`)."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, Mapping):
        raw = theme_image(raw)
    site = ctx.site
    found = urls.check_image_url(
        raw, site.url, warn, unwrap_proxies=site.unwrap_proxies, image_proxy=site.image_proxy
    )
    if found is not None and len(found) > MAX_URL:
        warn(f"image URL is {len(found)} characters long (over {MAX_URL}); dropped")
        return None
    return found


def parse_flag(raw: object, ctx: Context, warn: Warn) -> bool | None:
    """``draft`` and ``published``: true/false, failing closed on anything unclear."""
    return flag(raw, warn)
