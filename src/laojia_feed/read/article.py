"""Raw front matter → a validated :class:`~laojia_feed.model.Article`, one small parser per field.

The table :data:`FIELDS` maps each field the library understands to its accepted
spellings (aliases) and a parser ``(raw, ctx, warn) -> value``. Every field is
parsed, so a post with three problems gets three diagnostics, not just the first.
Parsers raise :class:`~laojia_feed.model.FieldError` for errors and call ``warn``
for things fixed or dropped; :func:`make_article` turns both into diagnostics
naming the file and the field.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo
from types import MappingProxyType
from typing import Any
from urllib.parse import quote, urlsplit

from laojia_feed import urls
from laojia_feed.model import (
    Article,
    BodyFormat,
    Diagnostic,
    Exclusion,
    FieldError,
    JSONValue,
    Severity,
    Site,
    Warn,
)
from laojia_feed.read import permalinks
from laojia_feed.read.field_parsers import Context as Context
from laojia_feed.read.field_parsers import (
    parse_authors,
    parse_categories,
    parse_flag,
    parse_id,
    parse_image,
    parse_language,
    parse_permalink,
    parse_published,
    parse_slug,
    parse_summary,
    parse_tags,
    parse_title,
    parse_updated,
)


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
    suffix = posixpath.splitext(relpath)[1].lower()
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
    facts = permalinks.PostFacts(
        published.astimezone(tz), slug, categories, relpath, meta, site.sections, site.tags_folder
    )
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
