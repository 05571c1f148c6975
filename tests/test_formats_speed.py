"""The formats' fast paths write exactly what their slow paths write: each property test
runs both on generated (and hostile) inputs and asserts equal results."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any

import pytest
from feedgen.entry import FeedEntry
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from laojia_feed.feeds.formats import atom, jsonfeed, rss
from laojia_feed.feeds.formats._common import normalize_time, rfc822, rfc3339
from laojia_feed.read.dates import format_rfc822, format_rfc3339
from laojia_feed.xmlchars import has_forbidden

_ONE_MINUTE = timedelta(minutes=1)

#: Offsets of every kind: whole hours, half hours, seconds (local mean times), micro-
#: seconds, zero, both signs, up to the limits ``timezone`` accepts.
_OFFSETS = st.one_of(
    st.sampled_from([0, 3600 * 8, -3600 * 5, 1800, -1800, 20700, 29143, -17762, 86399]),
    st.integers(-86399, 86399),
).map(lambda seconds: timedelta(seconds=seconds))
_ZONES: st.SearchStrategy[tzinfo | None] = st.one_of(
    st.none(),
    st.just(UTC),
    _OFFSETS.map(timezone),
    st.builds(
        lambda offset, micro: timezone(offset + timedelta(microseconds=micro)),
        _OFFSETS.filter(lambda o: abs(o) < timedelta(hours=23)),
        st.integers(1, 999_999),
    ),
    st.timezones(),
)
_TIMES = st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59))


@settings(max_examples=300, deadline=None)
@given(_TIMES, _ZONES)
def test_date_fast_paths_write_what_laojia_feed_dates_writes(naive: datetime, zone: Any) -> None:
    moment = naive.replace(tzinfo=zone)
    normal = normalize_time(moment)
    try:
        slow_822 = format_rfc822(normal)
        slow_3339 = format_rfc3339(normal)
    except (ValueError, OverflowError) as slow_error:  # both paths fail alike
        with pytest.raises(type(slow_error)):
            rfc822(moment)
        with pytest.raises(type(slow_error)):
            rfc3339(moment)
        return
    assert rfc822(moment) == slow_822
    assert rfc3339(moment) == slow_3339
    offset = normal.utcoffset()
    assert normal.microsecond == 0 and offset is not None and not offset % _ONE_MINUTE
    if offset == moment.utcoffset():  # the offset kept: the same wall clock, whole seconds
        assert normal.replace(tzinfo=None) == moment.replace(tzinfo=None, microsecond=0)
    assert normalize_time(normal) is normal  # already normal: no copy


#: Terms as hostile as front matter gets: XML specials, controls XML forbids, surrogates,
#: non-BMP characters, ``]]>``, white space.
_TERMS = st.lists(
    st.text(
        st.one_of(
            st.sampled_from("&<>\"']]\x00\x01\x0b\x1f\t\n\r \ud800\udfff\ufffe\uffff😀老%"),
            st.characters(),
        ),
        min_size=1,
        max_size=8,
    ),
    max_size=6,
    unique=True,
).map(tuple)


def _rss_entry(terms: tuple[str, ...], through_feedgen: bool) -> FeedEntry:
    """A feedgen entry with every field ``rss._item_element`` sets; its terms given to
    feedgen's ``category()`` (the slow path) or not."""
    entry = FeedEntry()
    entry.title("标题 & <t>")
    entry.link(href="https://blog.example.org/p/")
    entry.guid("https://blog.example.org/p/", permalink=True)
    entry.description("摘要 &amp;")
    entry.content("<p>正文</p>")
    if through_feedgen and terms:
        entry.category([{"term": term} for term in terms])
    return entry


def _atom_entry(terms: tuple[str, ...], through_feedgen: bool) -> FeedEntry:
    """A feedgen entry with every field ``atom._entry_element`` sets; its terms given
    to feedgen's ``category()`` (the slow path) or not."""
    entry = FeedEntry()
    entry.id("https://blog.example.org/p/")
    entry.title("标题 & <t>")
    moment = datetime(2021, 12, 9, 11, 10, 27, tzinfo=timezone(timedelta(hours=8)))
    entry.updated(moment)
    entry.published(moment)
    entry.link(href="https://blog.example.org/p/", rel="alternate")
    entry.author([{"name": "张三", "email": "z@example.org"}])
    entry.content("<p>正文</p>", type="html")
    entry.summary("摘要")
    if through_feedgen and terms:
        entry.category([{"term": term} for term in terms])
    return entry


def _xml_or_error(build: Any) -> bytes | type[BaseException]:
    try:
        return bytes(etree.tostring(build(), encoding="UTF-8"))
    except ValueError as error:  # lxml refuses a forbidden character: the same error
        return type(error)


@settings(max_examples=200, deadline=None)
@given(_TERMS)
def test_categories_are_the_elements_feedgen_writes(terms: tuple[str, ...]) -> None:
    def rss_fast() -> Any:
        element = _rss_entry(terms, through_feedgen=False).rss_entry(extensions=False)
        rss._add_categories(element, terms)
        return element

    def atom_fast() -> Any:
        element = _atom_entry(terms, through_feedgen=False).atom_entry(extensions=False)
        atom._add_categories(element, terms)
        return element

    rss_slow = _xml_or_error(lambda: _rss_entry(terms, True).rss_entry(extensions=False))
    atom_slow = _xml_or_error(lambda: _atom_entry(terms, True).atom_entry(extensions=False))
    assert _xml_or_error(rss_fast) == rss_slow
    assert _xml_or_error(atom_fast) == atom_slow
    if terms and not isinstance(atom_slow, type):
        assert atom_slow.endswith(b"</published></entry>")  # the order is really checked


def _holds_forbidden_reference(text: str) -> bool:
    """The full check of serialized JSON: a regex over every character for raw forbidden
    characters, plus the escaped control characters."""
    return has_forbidden(text) or jsonfeed._escapes_control(text)


_JSON_TEXTS = st.lists(
    st.text(
        st.one_of(
            st.sampled_from('\\ubf0\x00\x01\x08\x0c\x1f\t\n"\ud800\udc00\udfff\ufffe\uffff😀é'),
            st.characters(),
        ),
        max_size=12,
    ),
    max_size=4,
)


@settings(max_examples=300, deadline=None)
@given(_JSON_TEXTS)
def test_json_utf8_check_answers_like_the_full_scan(texts: list[str]) -> None:
    dumped = json.dumps({"texts": texts}, ensure_ascii=False, separators=(",", ":"))
    assert jsonfeed._ENCODER.encode({"texts": texts}) == dumped
    data = jsonfeed._clean_utf8(dumped)
    assert (data is None) == _holds_forbidden_reference(dumped)
    if data is not None:
        assert data == dumped.encode("utf-8")
