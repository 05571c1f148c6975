"""Permalink patterns → a post's URL path, following the site generator's own rules.

A pattern such as ``:year/:month/:day/:slug/`` (Hexo) is filled from the facts of
one post (:class:`PostFacts`). Every token value is percent-encoded as one path
segment, so no value can add ``/`` or ``..`` to the path.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePosixPath
from urllib.parse import quote

from .text import one_line

#: Characters never kept in a slug: path separators, URL delimiters, white space.
_SLUG_UNSAFE = re.compile(r"[\s/\\?#%\"<>|*:]+")


def slug_from(text: str) -> str:
    """A URL path segment: no separators, no dot segments, no white space; Unicode kept."""
    slug = _SLUG_UNSAFE.sub("-", text.strip()).strip("-.")
    return re.sub(r"-{2,}", "-", slug)


@dataclass(frozen=True, slots=True)
class PostFacts:
    """What a permalink pattern may use."""

    #: Publication time (aware), in the time zone it was written in.
    published: datetime
    #: The post's slug.
    slug: str
    #: Category names, first is the main one.
    categories: tuple[str, ...]
    #: Source path relative to the posts folder (POSIX).
    relpath: str
    #: The raw front matter (for ``:abbrlink``, ``:id`` and the like).
    meta: Mapping[str, object]


def _first_category(facts: PostFacts) -> str:
    return slug_from(facts.categories[0]) if facts.categories else "uncategorized"


def _meta(key: str) -> Callable[[PostFacts], str]:
    def value(facts: PostFacts) -> str:
        raw = facts.meta.get(key)
        return one_line(str(raw)) if isinstance(raw, str | int) else facts.slug

    return value


#: Token → its value for a post.
TOKENS: Mapping[str, Callable[[PostFacts], str]] = {
    ":year": lambda f: f"{f.published.year:04d}",
    ":month": lambda f: f"{f.published.month:02d}",
    ":i_month": lambda f: str(f.published.month),
    ":day": lambda f: f"{f.published.day:02d}",
    ":i_day": lambda f: str(f.published.day),
    ":hour": lambda f: f"{f.published.hour:02d}",
    ":minute": lambda f: f"{f.published.minute:02d}",
    ":second": lambda f: f"{f.published.second:02d}",
    ":post_title": lambda f: f.slug,
    ":title": lambda f: f.slug,
    ":slug": lambda f: f.slug,
    ":filename": lambda f: PurePosixPath(f.relpath).stem,
    ":category": _first_category,
    ":abbrlink": _meta("abbrlink"),
    ":id": _meta("id"),
}

_TOKEN = re.compile("|".join(re.escape(t) for t in sorted(TOKENS, key=len, reverse=True)))


def expand(pattern: str, facts: PostFacts) -> str:
    """Fill ``pattern``; each token's value becomes one percent-encoded path segment."""
    return _TOKEN.sub(lambda m: quote(TOKENS[m.group(0)](facts), safe=""), pattern.lstrip("/"))
