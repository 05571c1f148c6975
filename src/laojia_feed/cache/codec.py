"""Load outcomes as plain data (tuples, dicts, strings, numbers) that marshal can store,
and back: every record keyed by field name, every value checked on the way back.

A stored record that does not read back — a field missing or of the wrong type, another
layout — raises ValueError, TypeError or KeyError, and the post is parsed again.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

from laojia_feed.model import (
    Article,
    Author,
    BodyFormat,
    Diagnostic,
    Exclusion,
    JSONValue,
    Severity,
)
from laojia_feed.read.load import BodySpan, Outcome


def _plain_time(value: datetime) -> tuple[Any, ...]:
    zone = value.tzinfo
    if isinstance(zone, ZoneInfo):
        where: Any = zone.key
    else:
        offset = value.utcoffset()
        where = int(offset.total_seconds()) if offset is not None else None
    fields = (value.year, value.month, value.day, value.hour, value.minute, value.second)
    return (*fields, value.microsecond, value.fold, where)


#: Zones already made by :func:`_zone`, by their plain form (IANA key or offset seconds).
_ZONES: dict[Any, tzinfo] = {}


def _zone(where: Any) -> tzinfo:
    """The zone of a plain time: an IANA key or an offset in seconds (0 is UTC)."""
    if type(where) is not str and type(where) is not int:  # not bool, not float
        raise ValueError("naive time in cache")
    zone = _ZONES.get(where)
    if zone is not None:
        return zone
    if isinstance(where, str):
        zone = ZoneInfo(where)
    else:
        zone = UTC if not where else timezone(timedelta(seconds=int(where)))
    if len(_ZONES) < 1024:
        _ZONES[where] = zone
    return zone


def _time(plain: Sequence[Any]) -> datetime:
    year, month, day, hour, minute, second, micro, fold, where = plain
    return datetime(year, month, day, hour, minute, second, micro, tzinfo=_zone(where), fold=fold)


def _plain_json(value: JSONValue) -> Any:
    if isinstance(value, Mapping):
        return {key: _plain_json(item) for key, item in value.items()}
    if isinstance(value, tuple):
        return tuple(_plain_json(item) for item in value)
    return value


def _json(plain: Any) -> JSONValue:
    if isinstance(plain, dict):
        return MappingProxyType({str(key): _json(item) for key, item in plain.items()})
    if isinstance(plain, tuple):
        return tuple(_json(item) for item in plain)
    if plain is None or isinstance(plain, bool | int | float | str):
        return plain
    raise ValueError("not JSON data")


def _strs(plain: Any) -> tuple[str, ...]:
    if type(plain) is not tuple:
        raise ValueError("not a tuple of strings")
    "".join(plain)  # TypeError unless every item is a string (a check at C speed)
    return plain


def text(plain: Any, optional: bool = False) -> Any:
    if isinstance(plain, str) or (optional and plain is None):
        return plain
    raise ValueError("not text")


#: Types a JSON scalar may have in the cache (``bool`` is an ``int`` but listed for clarity).
_SCALARS = frozenset({str, int, float, bool, type(None)})


def _extra(plain: Any) -> Mapping[str, JSONValue]:
    """Unknown front-matter keys back as a read-only mapping; flat ones without recursion."""
    if type(plain) is dict and all(
        type(key) is str and type(value) in _SCALARS for key, value in plain.items()
    ):
        return MappingProxyType(plain)
    value = _json(plain)
    if not isinstance(value, Mapping):
        raise ValueError("extra is not a mapping")
    return value


def _author(plain: Any) -> Author:
    name, email, url = plain
    return Author(text(name), text(email, True), text(url, True))


#: Authors already made, by their plain form: most posts share the same few, and an
#: Author is immutable, so one object serves them all.
_AUTHORS: dict[Any, tuple[Author, ...]] = {}


#: Body formats by their plain form.
_FORMATS = {member.value: member for member in BodyFormat}


def _authors(plain: Any) -> tuple[Author, ...]:
    if type(plain) is not tuple:
        raise ValueError("authors are not a tuple")
    known = _AUTHORS.get(plain)
    if known is None:
        known = tuple(_author(a) for a in plain)
        if len(_AUTHORS) < 1024:
            _AUTHORS[plain] = known
    return known


def _optional_text(plain: Any) -> str | None:
    return text(plain, optional=True)  # type: ignore[no-any-return]


def _body_format(plain: Any) -> BodyFormat:
    kind = _FORMATS.get(plain) if type(plain) is str else None
    if kind is None:
        raise ValueError("not a body format")
    return kind


def _same(value: Any) -> Any:
    return value


#: How an Article field is written as plain data; fields not named here are stored as
#: they are (text, tuples of text, None).
_TO_PLAIN: Mapping[str, Callable[[Any], Any]] = MappingProxyType(
    {
        "published": _plain_time,
        "updated": _plain_time,
        "body_format": lambda kind: kind.value,
        "authors": lambda authors: tuple((a.name, a.email, a.url) for a in authors),
        "extra": lambda extra: _plain_json(MappingProxyType(dict(extra))),
    }
)

#: How each Article field is read back and checked, by name: every field of Article has
#: its entry (a test checks), so a new field cannot be cached by accident as anything else.
FROM_PLAIN: Mapping[str, Callable[[Any], Any]] = MappingProxyType(
    {
        "id": text,
        "slug": text,
        "url": text,
        "title": text,
        "published": _time,
        "updated": _time,
        "body": text,
        "body_format": _body_format,
        "source_path": text,
        "authors": _authors,
        "categories": _strs,
        "tags": _strs,
        "image": _optional_text,
        "summary": _optional_text,
        "language": _optional_text,
        "extra": _extra,
    }
)

_ARTICLE_FIELDS = tuple(field.name for field in dataclasses.fields(Article))


def plain_article(article: Article) -> dict[str, Any]:
    """An Article as a dict of plain values, by field name."""
    return {name: _TO_PLAIN.get(name, _same)(getattr(article, name)) for name in _ARTICLE_FIELDS}


def article_from_plain(plain: Any) -> Article:
    """The Article :func:`plain_article` gave."""
    if type(plain) is not dict:
        raise ValueError("not an article record")
    return Article(**{name: read(plain[name]) for name, read in FROM_PLAIN.items()})


def plain_diagnostic(d: Diagnostic) -> dict[str, Any]:
    """A Diagnostic as plain data, by field name."""
    return {
        "path": d.path,
        "field": d.field,
        "message": d.message,
        "severity": d.severity.value,
        "line": d.line,
    }


def diagnostic_from_plain(plain: Any) -> Diagnostic:
    """The Diagnostic :func:`plain_diagnostic` gave."""
    line = plain["line"]
    if line is not None and type(line) is not int:
        raise ValueError("bad line")
    return Diagnostic(
        text(plain["path"]),
        text(plain["field"]),
        text(plain["message"]),
        Severity(plain["severity"]),
        line,
    )


def plain_outcome(outcome: Outcome) -> dict[str, Any]:
    """An Outcome as marshal-able plain data, by field name."""
    return {
        "article": plain_article(outcome.article) if outcome.article is not None else None,
        "excluded": outcome.excluded.value if outcome.excluded is not None else None,
        "diagnostics": tuple(plain_diagnostic(d) for d in outcome.diagnostics),
        "body_span": outcome.body_span,
    }


def _body_span(plain: Any) -> BodySpan | None:
    if plain is None:
        return None
    start, size, crc = plain
    if not type(start) is type(size) is type(crc) is int:
        raise ValueError("not a body span")
    return start, size, crc


def outcome_from_plain(plain: Any) -> Outcome:
    """The Outcome :func:`plain_outcome` gave; ValueError/TypeError/KeyError otherwise."""
    article, excluded = plain["article"], plain["excluded"]
    return Outcome(
        article=article_from_plain(article) if article is not None else None,
        excluded=Exclusion(excluded) if excluded is not None else None,
        diagnostics=tuple(diagnostic_from_plain(d) for d in plain["diagnostics"]),
        body_span=_body_span(plain["body_span"]),
    )


#: Strings longer than this (bodies) are never shared: they are unique anyway.
_SHARE_MAX = 256


def shared(plain: Any, memo: dict[Any, Any]) -> Any:
    """``plain`` with equal short strings and equal tuples made one object (``memo``).

    marshal writes an object it has already written as a back-reference, so shared
    values (zone names, categories, authors, a post's path used as its key and as its
    ``source_path``, ``published`` equal to ``updated``) are read back once, not once
    per post: the cache file loads faster.
    """
    kind = type(plain)
    if kind is str:
        return memo.setdefault(plain, plain) if len(plain) <= _SHARE_MAX else plain
    if kind is tuple:
        items = tuple(shared(item, memo) for item in plain)
        try:
            return memo.setdefault(items, items)
        except TypeError:  # holds a dict: not hashable, still shared inside
            return items
    if kind is dict:
        return {shared(key, memo): shared(value, memo) for key, value in plain.items()}
    return plain
