"""Raw front matter → a validated :class:`~laojia_feed.model.Article`, one small parser per field.

The table :data:`FIELDS` maps each field the library understands to its accepted
spellings (aliases) and a parser ``(raw, ctx, warn) -> value``. Every field is
parsed, so a post with three problems gets three diagnostics, not just the first.
Parsers raise :class:`~laojia_feed.model.FieldError` for errors and call ``warn``
for things fixed or dropped; :func:`make_article` turns both into diagnostics
naming the file and the field.
"""

from __future__ import annotations

import functools
import html as html_lib
import posixpath
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, tzinfo
from pathlib import PurePosixPath
from types import MappingProxyType
from typing import Any
from urllib.parse import quote, urlsplit

import nh3

from laojia_feed import urls
from laojia_feed.model import (
    Article,
    Author,
    BodyFormat,
    Diagnostic,
    Exclusion,
    FieldError,
    JSONValue,
    Severity,
    Site,
    Warn,
)
from laojia_feed.read import dates, permalinks
from laojia_feed.read.permalinks import slug_from
from laojia_feed.xmlchars import one_line, strip_forbidden

#: Longest title kept; longer ones are cut with a warning.
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

#: Values of a boolean flag that mean "false"; anything else set means "true" (fail closed).
_FALSE = frozenset({"false", "no", "off", "0", "n", "f", ""})
_TRUE = frozenset({"true", "yes", "on", "1", "y", "t"})

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


# --- small value helpers -------------------------------------------------------------------


def _type_name(raw: object) -> str:
    """A user-facing name for the type of a front-matter value."""
    if isinstance(raw, bool):
        return "a true/false value"
    if isinstance(raw, int | float):
        return "a number"
    if isinstance(raw, list | tuple):
        return "a list"
    if isinstance(raw, Mapping):
        return "a mapping"
    if isinstance(raw, datetime | date | time):
        return "a date"
    return "a text value" if isinstance(raw, str) else type(raw).__name__


#: What only the HTML parser can handle in a title or a term: markup, entities, and a
#: leading BOM (which the parser drops). Text without any of them parses to itself.
_NEEDS_PARSER = re.compile("[<&\ufeff]")


def plain_text(raw: str) -> str:
    """Markup-free single-line text: tags removed (not escaped), entities decoded.

    Repeats until stable so that ``&lt;script&gt;`` typed as entities cannot come
    back as a tag in a reader that renders titles as HTML. Characters XML forbids
    (lone surrogates included, which nh3 cannot even encode) go first.
    """
    text, _removed = strip_forbidden(raw)
    if _NEEDS_PARSER.search(text) is None:
        return one_line(text)
    return _parsed_plain_text(text)


def _parsed_plain_text(text: str) -> str:
    """:func:`plain_text` through the HTML parser (``text`` has no forbidden characters)."""
    for _ in range(4):
        stripped = html_lib.unescape(
            nh3.clean(text, tags=set(), clean_content_tags={"script", "style"})
        )
        if stripped == text:
            break
        text = stripped
    cleaned, _removed = strip_forbidden(text)
    return one_line(cleaned)


def scalar_text(raw: object, what: str) -> str:
    """A scalar front-matter value as text; lists and mappings are errors."""
    if isinstance(raw, str):
        return raw
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, int | float):
        return repr(raw) if isinstance(raw, float) else str(raw)
    if isinstance(raw, datetime | date | time):
        return raw.isoformat()
    raise FieldError(f"expected {what}, got {_type_name(raw)}")


def _cap(text: str, limit: int, warn: Warn, what: str) -> str:
    """Cut ``text`` to ``limit`` characters with a warning."""
    if len(text) <= limit:
        return text
    warn(f"{what} is {len(text)} characters long; cut to {limit}")
    return text[: limit - 1].rstrip() + "…"


def flag(raw: object, warn: Warn) -> bool | None:
    """A true/false flag; None when unset. Unclear values count as true (fail closed)."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, list | tuple | Mapping):
        warn(f"expected true or false, got {_type_name(raw)}; treated as true")
        return True
    text = scalar_text(raw, "true or false")
    lowered = text.strip().lower()
    if lowered in _FALSE:
        return False
    if lowered not in _TRUE:
        warn(f"{text!r} is not true or false; treated as true")
    return True


# --- field parsers: (raw, ctx, warn) -> value ------------------------------------------------


def parse_title(raw: object, ctx: Context, warn: Warn) -> str:
    """Plain-text title; markup removed; long titles capped; missing → file name, warned."""
    text = "" if raw is None else plain_text(scalar_text(raw, "a title"))
    if not text:
        fallback = PurePosixPath(ctx.relpath).stem
        warn(f"no title; using the file name {fallback!r}")
        return fallback
    if not isinstance(raw, str):
        warn(f"title is {_type_name(raw)}; used as the text {text!r}")
    return _cap(text, MAX_TITLE, warn, "title")


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


# A blog's few hundred category and tag names repeat in thousands of posts.
_term_text = functools.lru_cache(maxsize=4096)(plain_text)


def _terms(raw: object, warn: Warn, what: str) -> tuple[str, ...]:
    """Clean, deduplicated (case-insensitively), capped category or tag names."""
    kept: dict[str, str] = {}
    for name in _flatten_terms(raw, warn, what):
        clean = _cap(_term_text(name), MAX_NAME, warn, f"a name in {what}")
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
        return Author(_cap(name, MAX_NAME, warn, "author name"), email, link)
    name = plain_text(scalar_text(raw, "an author name"))
    return Author(_cap(name, MAX_NAME, warn, "author name")) if name else None


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
    return _cap(text, MAX_SUMMARY, warn, "summary") or None


def parse_language(raw: object, ctx: Context, warn: Warn) -> str | None:
    """A BCP 47 language tag (``zh-CN``, ``en``); anything else is dropped."""
    if raw is None:
        return None
    text = scalar_text(raw, "a language tag").strip().replace("_", "-")
    if not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*", text):
        warn(f"{text!r} is not a language tag like zh-CN; ignored")
        return None
    return text


def path_parts(relpath: str) -> tuple[str, str, str]:
    """(parent folder name, stem, suffix) of a relative POSIX path, as ``PurePosixPath``
    gives them; plain ``folder/name.ext`` paths (every discovered post's) without building one.
    """
    segments = relpath.split("/")
    if "" in segments or "." in segments:  # absolute, empty, "a//b", "a/./b", "a/"
        path = PurePosixPath(relpath)
        return path.parent.name, path.stem, path.suffix
    folder, _, name = relpath.rpartition("/")
    dot = name.rfind(".")  # pathlib's rule: the last dot, neither leading nor trailing
    stem, suffix = (name[:dot], name[dot:]) if 0 < dot < len(name) - 1 else (name, "")
    return folder.rpartition("/")[2], stem, suffix


def default_slug(relpath: str) -> str:
    """The slug a file name gives: Jekyll date prefix removed; a page bundle's folder name."""
    parent, stem, _suffix = path_parts(relpath)
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


def parse_image(raw: object, ctx: Context, warn: Warn) -> str | None:
    """An image URL: absolute http(s), public host, proxy wrappers checked."""
    if raw is None or raw == "":
        return None
    found = urls.check_image_url(raw, ctx.site.url, warn, unwrap_proxies=ctx.site.unwrap_proxies)
    if found is not None and len(found) > MAX_URL:
        warn(f"image URL is {len(found)} characters long (over {MAX_URL}); dropped")
        return None
    return found


def parse_flag(raw: object, ctx: Context, warn: Warn) -> bool | None:
    """``draft`` and ``published``: true/false, failing closed on anything unclear."""
    return flag(raw, warn)


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One row of the field table."""

    #: Accepted front-matter keys, first match wins.
    keys: tuple[str, ...]
    #: The parser.
    parse: Callable[[object, Context, Warn], Any]


#: Every field laojia-feed understands. Keys not listed here are kept in ``Article.extra``.
FIELDS: Mapping[str, FieldSpec] = MappingProxyType(
    {
        "title": FieldSpec(("title",), parse_title),
        "date": FieldSpec(
            ("date", "pubDate", "pubdate", "publishDate", "created"), parse_published
        ),
        "updated": FieldSpec(
            ("updated", "lastmod", "lastMod", "modified", "last_modified_at", "update"),
            parse_updated,
        ),
        "draft": FieldSpec(("draft",), parse_flag),
        "published": FieldSpec(("published",), parse_flag),
        "categories": FieldSpec(("categories", "category"), parse_categories),
        "tags": FieldSpec(("tags", "tag"), parse_tags),
        "author": FieldSpec(("author", "authors"), parse_authors),
        "summary": FieldSpec(("description", "excerpt", "summary"), parse_summary),
        "language": FieldSpec(("lang", "language"), parse_language),
        "slug": FieldSpec(("slug",), parse_slug),
        "permalink": FieldSpec(("permalink", "url"), parse_permalink),
        "id": FieldSpec(("id", "guid"), parse_id),
        "image": FieldSpec(
            (
                "thumbnail",
                "headimg",
                "cover",
                "image",
                "banner",
                "featured_image",
                "cover_image",
                "top_img",
                "og_image",
                "img",
            ),
            parse_image,
        ),
    }
)

#: Every key some field consumes (so it is not repeated in ``extra``).
KNOWN_KEYS = frozenset(key for spec in FIELDS.values() for key in spec.keys)


def _present(meta: Mapping[str, object], keys: tuple[str, ...]) -> list[tuple[str, object]]:
    """The (key, value) pairs of ``meta`` for the given aliases, in alias order."""
    return [(key, meta[key]) for key in keys if key in meta]


class _Warner:
    """The ``warn`` of every field parser of one post: files warnings under ``key``."""

    __slots__ = ("display", "found", "key")

    def __init__(self, display: str, found: list[Diagnostic]) -> None:
        self.display = display
        self.found = found
        self.key = ""

    def __call__(self, message: str) -> None:
        self.found.append(Diagnostic(self.display, self.key, message, Severity.WARNING))


@dataclass(frozen=True, slots=True)
class Parsed:
    """Every field's value (None where it failed) plus the diagnostics."""

    #: Field name → parsed value.
    values: Mapping[str, Any]
    #: Diagnostics, errors and warnings.
    diagnostics: tuple[Diagnostic, ...]

    @property
    def failed(self) -> bool:
        """True when any field had an error."""
        return any(d.severity is Severity.ERROR for d in self.diagnostics)


def parse_fields(meta: Mapping[str, object], ctx: Context, display: str) -> Parsed:
    """Run every field parser over ``meta``; collect every problem."""
    values: dict[str, Any] = {}
    found: list[Diagnostic] = []
    warn = _Warner(display, found)
    for name, spec in FIELDS.items():
        present = _present(meta, spec.keys)
        # the image field takes the first alias that gives a usable URL
        candidates = present if name == "image" else present[:1]
        value: Any = None
        for key, raw in candidates or [(spec.keys[0], None)]:
            warn.key = key
            try:
                value = spec.parse(raw, ctx, warn)
            except FieldError as problem:
                found.append(Diagnostic(display, key, str(problem)))
                value = None
            if value is not None:
                break
        values[name] = value
    return Parsed(MappingProxyType(values), tuple(found))


def to_json_value(raw: object) -> JSONValue:
    """Front-matter data (already bounded by the loader) as immutable JSON-compatible data."""
    if raw is None or isinstance(raw, bool | int | str):
        return raw
    if isinstance(raw, float):
        return raw if raw == raw and raw not in (float("inf"), float("-inf")) else str(raw)
    if isinstance(raw, datetime | date | time):
        return raw.isoformat()
    if isinstance(raw, Mapping):
        return MappingProxyType({str(k): to_json_value(v) for k, v in raw.items()})
    if isinstance(raw, list | tuple):
        return tuple(to_json_value(v) for v in raw)
    return str(raw)


def extra_fields(meta: Mapping[str, object]) -> Mapping[str, JSONValue]:
    """The keys no field consumes, kept as data."""
    return MappingProxyType(
        {key: to_json_value(value) for key, value in meta.items() if key not in KNOWN_KEYS}
    )


def permalink_for(site: Site, facts: permalinks.PostFacts) -> str:
    """The absolute URL of a post from the site's permalink pattern."""
    joined = urls.join_url(site.url, permalinks.expand(site.permalink, facts))
    if joined is None:  # pragma: no cover - the site URL is validated by config
        raise FieldError(f"permalink pattern {site.permalink!r} does not give a URL")
    return joined


#: Schemes of explicit ids kept as written; any other id (``javascript:...``,
#: ``../../etc/passwd``) becomes a tag URI, so no reader is handed a script URL.
_ID_SCHEMES = frozenset({"http", "https", "tag", "urn"})

#: An explicit id that is already a URI: its scheme, then no white space.
_URI_ID = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):\S+$")


def stable_id(
    explicit: str | None, url: str, published: datetime, style: str = "permalink", slug: str = ""
) -> str:
    """The entry id: an explicit http(s)/tag/urn URI as is, other explicit ids as a tag URI
    (``/`` escaped, so no dot segments), else the URL — or, in the ``jekyll`` style,
    jekyll-feed's id (the URL's folder plus the slug), and in the ``url`` style the URL
    (Hexo's and Hugo's feeds): those generators ignore a front-matter ``id``, so a site
    moving from them does not show every post again to its subscribers."""
    if style == "url":
        return url
    if style == "jekyll":
        parts = urlsplit(url)
        folder = posixpath.dirname(parts.path.rstrip("/"))
        path = f"{folder.rstrip('/')}/{quote(slug, safe='')}"
        return f"{parts.scheme}://{parts.netloc}{path}"
    if explicit is None:
        return url
    uri = _URI_ID.match(explicit)
    if uri and uri.group(1).lower() in _ID_SCHEMES:
        return explicit
    host = urlsplit(url).hostname or "example.com"
    return f"tag:{host},{published.year:04d}:{quote(explicit, safe='@:-._~')}"


def body_format(relpath: str) -> BodyFormat:
    """HTML for ``.html``/``.htm`` files, Markdown for everything else."""
    suffix = path_parts(relpath)[2].lower()
    return BodyFormat.HTML if suffix in {".html", ".htm"} else BodyFormat.MARKDOWN


def exclusion(values: Mapping[str, Any]) -> Exclusion | None:
    """Why a parsed post is left out on purpose (draft or unpublished), if it is."""
    if values.get("draft") is True:
        return Exclusion.DRAFT
    if values.get("published") is False:
        return Exclusion.UNPUBLISHED
    return None


def make_article(
    values: Mapping[str, Any],
    meta: Mapping[str, object],
    body: str,
    relpath: str,
    site: Site,
    tz: tzinfo,
) -> Article:
    """Assemble the Article from parsed values (the caller checked there were no errors)."""
    published: datetime = values["date"]
    updated: datetime | None = values["updated"]
    categories: tuple[str, ...] = values["categories"] or ()
    slug: str = values["slug"]
    # permalink dates are the site's local date, as Hexo, Hugo and Jekyll compute them
    facts = permalinks.PostFacts(published.astimezone(tz), slug, categories, relpath, meta)
    url = values["permalink"] or permalink_for(site, facts)
    return Article(
        id=stable_id(values["id"], url, published, site.id_style, slug),
        slug=slug,
        url=url,
        title=values["title"],
        published=published,
        updated=max(updated, published) if updated else published,
        body=body,
        body_format=body_format(relpath),
        source_path=relpath,
        authors=values["author"] or (),
        categories=categories,
        tags=values["tags"] or (),
        image=values["image"],
        summary=values["summary"],
        language=values["language"],
        extra=extra_fields(meta),
    )
