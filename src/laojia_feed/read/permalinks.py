"""Permalink patterns → a post's URL path, following the site generator's own rules.

A pattern such as ``:year/:month/:day/:slug/`` is filled from the facts of one
post (:class:`PostFacts`). Tokens are a table (:data:`TOKENS`); the generator
dialects (Hexo, Hugo, Jekyll) are translated into these tokens by
:mod:`laojia_feed.generators.detect`. Every token value is percent-encoded segment by
segment, so no value can add a ``?``, a ``#`` or a ``..`` to the path; a token
that stands for a path (``:path``, ``:category``, ``:categories``) may add
``/`` between its own segments. Unicode stays readable once decoded.
"""

from __future__ import annotations

import functools
import posixpath
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from hashlib import sha1
from pathlib import PurePosixPath
from types import MappingProxyType
from typing import TypeAlias
from urllib.parse import quote

from laojia_feed.generators.hugo import page_sections, path_segments
from laojia_feed.xmlchars import one_line

#: Characters never kept in a slug: path separators, URL delimiters, white space.
_SLUG_UNSAFE = re.compile(r"[\s/\\?#%\"<>|*:]+")

#: Characters kept as they are in one path segment (RFC 3986 ``pchar`` minus ``:``).
_SEGMENT_SAFE = "-._~!$&'()*+,;=@"

#: What Hexo's ``slugize`` turns into a hyphen (runs of white space and punctuation).
_HEXO_SPECIAL = re.compile(r"[\s~`!@#$%^&*()\-_+=\[\]{}|\\;:\"'<>,.?/]+")

#: Control characters (C0 and DEL): never part of a segment.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July",
                "August", "September", "October", "November", "December")  # fmt: skip

_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

#: What a token gives: one segment, or several (a path) as a tuple.
TokenValue = str | tuple[str, ...]


def slug_from(text: str) -> str:
    """A URL path segment: no separators, no dot segments, no white space; Unicode kept."""
    slug = _SLUG_UNSAFE.sub("-", text.strip()).strip("-.")
    return re.sub(r"-{2,}", "-", slug)


def _without_latin_accents(text: str) -> str:
    """Drop accents from Latin letters only (``é`` → ``e``); other scripts are untouched."""
    out: list[str] = []
    for char in text:
        if char.isascii() or not "\u00c0" <= char <= "\u024f":
            out.append(char)
            continue
        base = unicodedata.normalize("NFKD", char)
        out.append("".join(c for c in base if not unicodedata.combining(c)) or char)
    return "".join(out)


def hexo_slugize(text: str, *, lower: bool = False) -> str:
    """Hexo's slug rule: Latin accents dropped, punctuation and spaces → one ``-``."""
    plain = _CONTROL.sub("", _without_latin_accents(text))
    slug = _HEXO_SPECIAL.sub("-", plain).strip("-")
    return slug.lower() if lower else slug


def _hugo_kept(char: str, extra: str) -> bool:
    return char.isalnum() or char in extra or unicodedata.category(char).startswith("M")


def hugo_urlize(text: str) -> str:
    """Hugo's ``urlize`` for one segment: letters, marks, digits and ``._~@#-`` kept (a
    ``-`` as written, also at the ends), a run of white space or ``+`` → one ``-`` between
    kept characters (none where a ``-`` already is), the rest dropped, lower-cased (Hugo's
    default, ``disablePathToLower = false``): ``"x - y"`` → ``x-y``, ``"C++"`` → ``c``."""
    out: list[str] = []
    pending = False
    for char in text:
        if _hugo_kept(char, "._~@#-"):
            if pending and out[-1] != "-" and char != "-":
                out.append("-")
            pending = False
            out.append(char)
        elif char.isspace() or char == "+":
            pending = bool(out)
    return "".join(out).lower()


def hugo_file_path(text: str) -> str:
    """A file name in Hugo's page path where no permalink applies: each white-space
    character → ``-``, letters, marks, digits and ``._~@#+-`` kept, the rest dropped,
    lower-cased (``"a - b"`` → ``a---b``, ``"x+y"`` → ``x+y``)."""
    kept = ("-" if char.isspace() else char for char in text.strip())
    return "".join(char for char in kept if _hugo_kept(char, "._~@#+-")).lower()


@dataclass(frozen=True, slots=True)
class PostFacts:
    """What a permalink pattern may use."""

    #: Publication time (aware), in the site's time zone.
    published: datetime
    #: The post's slug (front-matter ``slug``, else the file name without a date prefix).
    slug: str
    #: Category names (flattened), first is the main one.
    categories: tuple[str, ...]
    #: Source path relative to the posts folder (POSIX).
    relpath: str
    #: The raw front matter (for ``:abbrlink``, ``:id``, Hexo category trees and the like).
    meta: Mapping[str, object]
    #: Hugo's sections under ``content/`` (empty: every folder is a section).
    sections: tuple[str, ...] = ()
    #: The posts folder's path under ``content/`` (Hugo), "" when it is ``content/``.
    under: str = ""


def _text(raw: object) -> str | None:
    """A front-matter scalar as one line of text, or None."""
    if isinstance(raw, bool) or not isinstance(raw, str | int):
        return None
    text = one_line(str(raw))
    return text or None


def _meta(key: str) -> Callable[[PostFacts], TokenValue]:
    """A token taken from a front-matter key, falling back to the slug."""

    def value(facts: PostFacts) -> TokenValue:
        return _text(facts.meta.get(key)) or facts.slug

    return value


def _path(facts: PostFacts) -> TokenValue:
    """The source path without its extension, folders as segments (Hexo's ``:title``)."""
    return tuple(PurePosixPath(facts.relpath).with_suffix("").parts)


def _post_title(facts: PostFacts) -> TokenValue:
    """Hexo's ``:post_title``: the title slugized, lower case."""
    title = _text(facts.meta.get("title"))
    return (hexo_slugize(title, lower=True) if title else "") or facts.slug


def _hexo_trees(raw: object) -> list[list[str]]:
    """Hexo category trees: ``[a, b]`` is one tree a → b; ``[[a, b], c]`` two trees."""
    items = raw if isinstance(raw, list | tuple) else [raw]
    nested = any(isinstance(item, list | tuple) for item in items)
    trees: list[list[str]] = []
    for item in items if nested else [items]:
        names = [_text(n) for n in (item if isinstance(item, list | tuple) else [item])]
        tree = [n for n in names if n]
        if tree:
            trees.append(tree)
    return trees


def _hexo_category(facts: PostFacts) -> TokenValue:
    """Hexo's ``:category``: the last category with its parents, each slugized."""
    raw = facts.meta.get("categories", facts.meta.get("category"))
    trees = _hexo_trees(raw) if raw is not None else []
    if not trees:
        return "uncategorized"
    return tuple(hexo_slugize(name) or "-" for name in trees[-1])


def _jekyll_categories(facts: PostFacts) -> TokenValue:
    """Jekyll's ``:categories``: every category in lower case, one segment each."""
    seen = dict.fromkeys(name.lower() for name in facts.categories)
    return tuple(seen)


def _hexo_hash(facts: PostFacts) -> TokenValue:
    """Hexo's ``:hash``: SHA-1 of the Hexo slug and the Unix time, 12 hex digits."""
    slug = PurePosixPath(facts.relpath).with_suffix("").as_posix()
    stamp = str(int(facts.published.timestamp()))
    return sha1((slug + stamp).encode("utf-8"), usedforsecurity=False).hexdigest()[:12]


def _sections(facts: PostFacts) -> tuple[str, ...]:
    """Hugo's ``:sections`` of a page: the deepest section holding it when the site's
    sections are known (:attr:`PostFacts.sections`), else its folders."""
    if facts.sections:
        return page_sections(posixpath.join(facts.under, facts.relpath), facts.sections)
    return _folders(facts)


def _folders(facts: PostFacts) -> tuple[str, ...]:
    """A page's folders, without the folder of a leaf bundle (Hugo's page path)."""
    path = PurePosixPath(facts.relpath)
    parts = path.parent.parts
    return parts[:-1] if path.stem == "index" else parts


def _hugo_name(facts: PostFacts, *, bundle: bool, urlize: bool = True) -> str:
    """Hugo's file name token: the base name, or the folder of a page bundle (urlized
    in a permalink, else as in Hugo's default page path)."""
    path = PurePosixPath(facts.relpath)
    clean = hugo_urlize if urlize else hugo_file_path
    if bundle and path.stem in {"index", "_index"} and path.parent.name:
        return clean(path.parent.name)
    return clean(path.stem)


def _hugo_title(facts: PostFacts) -> TokenValue:
    title = _text(facts.meta.get("title"))
    return (hugo_urlize(title) if title else "") or _hugo_name(facts, bundle=True)


def _hugo_slug(facts: PostFacts) -> TokenValue:
    """Hugo's ``:slug``: the front-matter slug, else the title, urlized."""
    slug = _text(facts.meta.get("slug"))
    return (path_segments(slug, urlize=True) if slug else ()) or _hugo_title(facts)


def _hugo_slug_or_name(facts: PostFacts, *, bundle: bool, urlize: bool = True) -> TokenValue:
    slug = _text(facts.meta.get("slug"))
    named = _hugo_name(facts, bundle=bundle, urlize=urlize)
    return (path_segments(slug, urlize=urlize) if slug else ()) or named


#: Token → its value for a post. Dates are the site's local date.
TOKENS: Mapping[str, Callable[[PostFacts], TokenValue]] = MappingProxyType(
    {
        ":year": lambda f: f"{f.published.year:04d}",
        ":short_year": lambda f: f"{f.published.year % 100:02d}",
        ":month": lambda f: f"{f.published.month:02d}",
        ":i_month": lambda f: str(f.published.month),
        ":monthname": lambda f: _MONTH_NAMES[f.published.month - 1],
        ":short_monthname": lambda f: _MONTH_NAMES[f.published.month - 1][:3],
        ":day": lambda f: f"{f.published.day:02d}",
        ":i_day": lambda f: str(f.published.day),
        ":weekday": lambda f: str(f.published.isoweekday() % 7),
        ":weekdayname": lambda f: _DAY_NAMES[f.published.weekday()],
        ":short_dayname": lambda f: _DAY_NAMES[f.published.weekday()][:3],
        ":isoweekday": lambda f: str(f.published.isoweekday()),
        ":week": lambda f: f"{f.published.isocalendar().week:02d}",
        ":week_year": lambda f: f"{f.published.isocalendar().year:04d}",
        ":yearday": lambda f: str(f.published.timetuple().tm_yday),
        ":y_day": lambda f: f"{f.published.timetuple().tm_yday:03d}",
        ":hour": lambda f: f"{f.published.hour:02d}",
        ":minute": lambda f: f"{f.published.minute:02d}",
        ":second": lambda f: f"{f.published.second:02d}",
        ":timestamp": lambda f: str(int(f.published.timestamp())),
        ":slug": lambda f: f.slug,
        ":title": lambda f: f.slug,
        ":filename": lambda f: PurePosixPath(f.relpath).stem,
        ":path": _path,
        ":post_title": _post_title,
        ":category": _hexo_category,
        ":categories": _jekyll_categories,
        ":section": lambda f: _sections(f)[:1],
        ":sections": _sections,
        ":hugo_folders": _folders,
        ":hugo_title": _hugo_title,
        ":hugo_slug": _hugo_slug,
        ":hugo_filename": lambda f: _hugo_name(f, bundle=False),
        ":hugo_contentbasename": lambda f: _hugo_name(f, bundle=True),
        ":hugo_slugorfilename": lambda f: _hugo_slug_or_name(f, bundle=False),
        ":hugo_slugorcontentbasename": lambda f: _hugo_slug_or_name(f, bundle=True),
        ":hugo_path_slug": lambda f: _hugo_slug_or_name(f, bundle=True, urlize=False),
        ":hash": _hexo_hash,
        ":abbrlink": _meta("abbrlink"),
        ":id": _meta("id"),
    }
)

_TOKEN = re.compile("|".join(re.escape(t) for t in sorted(TOKENS, key=len, reverse=True)))


#: A segment ``quote`` leaves as it is: only unreserved and :data:`_SEGMENT_SAFE` characters.
_PLAIN_SEGMENT = re.compile(r"[A-Za-z0-9\-._~!$&'()*+,;=@]*")


def _segment(text: str) -> str:
    """One path segment, percent-encoded; a ``/`` inside it is encoded too."""
    if _PLAIN_SEGMENT.fullmatch(text):  # digits of a date, an ASCII slug: nothing to do
        return text
    return quote(_CONTROL.sub("", text), safe=_SEGMENT_SAFE)


def _encoded(value: TokenValue) -> str:
    parts = (value,) if isinstance(value, str) else value
    return "/".join(_segment(part) for part in parts)


def tokens_in(pattern: str) -> tuple[str, ...]:
    """The tokens a pattern uses, in order."""
    return tuple(_TOKEN.findall(pattern))


#: A compiled pattern: literal text (already encoded) and the token functions, in order.
_Compiled: TypeAlias = tuple[str | Callable[[PostFacts], TokenValue], ...]


@functools.lru_cache(maxsize=64)
def _compiled(pattern: str) -> _Compiled:
    """``pattern`` cut into encoded literal text and tokens, once per pattern."""
    pieces: list[str | Callable[[PostFacts], TokenValue]] = []
    last = 0
    for match in _TOKEN.finditer(pattern):
        pieces.append(
            quote(_CONTROL.sub("", pattern[last : match.start()]), safe="/" + _SEGMENT_SAFE)
        )
        pieces.append(TOKENS[match.group(0)])
        last = match.end()
    pieces.append(quote(_CONTROL.sub("", pattern[last:]), safe="/" + _SEGMENT_SAFE))
    return tuple(pieces)


def expand(pattern: str, facts: PostFacts) -> str:
    """Fill ``pattern`` into a relative URL path without ``.``/``..`` or empty segments.

    Literal text is percent-encoded as path text; each token's value is encoded
    segment by segment. A trailing ``/`` in the pattern is kept.
    """
    pieces = [p if isinstance(p, str) else _encoded(p(facts)) for p in _compiled(pattern)]
    segments = [
        s
        for s in "".join(pieces).split("/")
        if s and s.lower().replace("%2e", ".") not in {".", ".."}
    ]
    path = "/".join(segments)
    return path + "/" if path and pattern.endswith("/") else path
