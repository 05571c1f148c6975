"""Fast paths of laojia_feed.render give exactly the answers of the slow paths they stand for, on
generated hostile HTML, on every fixture body, on the hostile posts and on a corpus.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import lxml.etree
import lxml.html
import nh3
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hostile import make_posts
from laojia_feed import load_articles
from laojia_feed.model import BodyFormat, Site
from laojia_feed.render import bodies, depth, lazyimages, markdown, notes, summary
from laojia_feed.render import sanitize as cleaning
from laojia_feed.render.referrer import REFERRER_POLICIES
from laojia_feed.urls import join_url
from laojia_feed.xmlchars import one_line, strip_forbidden
from test_hostile import CASES
from test_html_stable import CORPUS, POST, documents, fixture_bodies

BASES = st.sampled_from(
    [POST, "https://news.example.org/", "", "http://[::1", "https://例子.测试/a%zz/", "mailto:x"]
)


def nh3_clean_per_call(body: str, base: str, unwrap: bool = False) -> tuple[str, dict[str, None]]:
    """The slow path of ``_clean``: ``nh3.clean`` given every option at each call."""
    dropped: dict[str, None] = {}
    cleaned = nh3.clean(
        body,
        tags=cleaning.ALLOWED_TAGS,
        clean_content_tags=cleaning.CLEAN_CONTENT_TAGS,
        attributes=dict(cleaning.ALLOWED_ATTRIBUTES),
        attribute_filter=cleaning._resolver(base, dropped, cleaning.Rules(unwrap=unwrap)),
        tag_attribute_values={"img": {"referrerpolicy": set(REFERRER_POLICIES)}},  # as written
        strip_comments=True,
        link_rel=None,
        url_schemes=cleaning.URL_SCHEMES,
    )
    return strip_forbidden(cleaned)[0], dropped


def check_cleaner(body: str, base: str = POST, unwrap: bool = False) -> None:
    body = strip_forbidden(body)[0]  # as sanitize does: no lone surrogate reaches nh3
    dropped: dict[str, None] = {}
    fast = cleaning.clean(body, base, dropped, cleaning.Rules(unwrap=unwrap))
    assert (fast, dropped) == nh3_clean_per_call(body, base, unwrap)


def real_bodies(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """(HTML, base URL) of every fixture body and every hostile post."""
    for _, body in fixture_bodies():
        yield body, POST
    posts = make_posts(tmp_path)
    for case in CASES:
        case.make(posts, case.target)
    result = load_articles(posts, Site(url="https://blog.example.org/"))
    for article in result.articles:
        body = article.body
        as_markdown = article.body_format is BodyFormat.MARKDOWN
        yield (markdown.markdown_to_html(body) if as_markdown else body), article.url


def corpus_articles() -> Iterator[tuple[str, str]]:
    """(HTML, base URL) of every post of the benchmark corpus."""
    result = load_articles(CORPUS, Site(url="https://news.example.org/", timezone="Asia/Shanghai"))
    for article in result.articles:
        body = article.body
        as_markdown = article.body_format is BodyFormat.MARKDOWN
        yield (markdown.markdown_to_html(body) if as_markdown else body), article.url


# ---------------------------------------------------------------------------
# One nh3 cleaner for every pass


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents(), BASES, st.booleans())
def test_the_shared_cleaner_cleans_as_nh3_clean(body: str, base: str, unwrap: bool) -> None:
    check_cleaner(body, base, unwrap)


def test_the_shared_cleaner_on_real_bodies(tmp_path: Path) -> None:
    count = 0
    for body, base in real_bodies(tmp_path):
        check_cleaner(body, base)
        check_cleaner(body, base, unwrap=True)
        count += 1
    assert count > 100


def test_the_shared_cleaner_keeps_each_calls_filter() -> None:
    first = cleaning.clean('<a href="/x">x</a>', "https://a.org/p/", {})
    second = cleaning.clean('<a href="/x">x</a>', "https://b.org/p/", {})
    assert first == '<a href="https://a.org/x">x</a>'
    assert second == '<a href="https://b.org/x">x</a>'


@pytest.mark.skipif(not CORPUS.is_dir(), reason="no benchmark corpus")
def test_the_shared_cleaner_on_the_corpus() -> None:
    for body, base in corpus_articles():
        check_cleaner(body, base)


# ---------------------------------------------------------------------------
# The suspicious-body test: src and poster searched apart

#: The single pattern the two replace.
COMBINED_URL_ATTRIBUTE = re.compile(
    rb"(?:src|poster)\s*=\s*[\"']?(?!\s*(?:https?|mailto):)[a-z0-9+.\-\s]*:"
)
ATTRIBUTE_TEXT = st.lists(
    st.sampled_from(
        ["src", "poster", "posterr", "s", "rc", "=", " ", "\t", "\n", '"', "'", ":", "http",
         "https:", "mailto:", "javascript", "data", "x", "-", "+", ".", "中", "<img ", ">"]
    ),
    max_size=14,
).map("".join)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(ATTRIBUTE_TEXT)
def test_src_and_poster_apart_find_what_the_combined_pattern_finds(text: str) -> None:
    low = text.encode("utf-8", "surrogatepass").lower()
    apart = any(p.search(low) is not None for p in notes._SUSPICIOUS[-2:])
    assert apart == (COMBINED_URL_ATTRIBUTE.search(low) is not None)


# ---------------------------------------------------------------------------
# The summary's text: one line straight from the tree

WHITE_TEXT = st.lists(
    st.sampled_from(
        [" ", "\t", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x1f", "\x85", "\xa0", "\u2028", "\u3000",
         "\u200b", "\ufeff", "a", "中", "\x01", "\ud800", "&#1;", "&#x20;", "&amp;"]
    ),
    max_size=30,
).map("".join)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(WHITE_TEXT)
def test_split_and_join_is_one_line(text: str) -> None:
    assert " ".join(text.split()) == one_line(text)


def slow_parsed_text(html: str) -> str | None:
    """The text as the renderer read it before: through ``lxml.html`` and its element classes."""
    try:
        root = lxml.html.document_fromstring(html, parser=lxml.html.HTMLParser(huge_tree=True))
    except (lxml.etree.LxmlError, ValueError, AssertionError):
        return None
    return summary.normalize_text("".join(summary._element_text(root)))


def check_parsed_line(html: str) -> None:
    html = strip_forbidden(html)[0]
    if depth.too_deep(html):
        return
    slow = slow_parsed_text(html)
    assert summary._parsed_text(html) == slow
    assert summary._parsed_line(html) == (None if slow is None else one_line(slow))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents() | WHITE_TEXT)
def test_parsed_line_is_the_parsed_text_on_one_line(body: str) -> None:
    check_parsed_line(body)
    check_parsed_line(bodies.sanitize(body, POST)[0])


def test_parsed_line_on_real_bodies(tmp_path: Path) -> None:
    for body, base in real_bodies(tmp_path):
        check_parsed_line(body)
        check_parsed_line(bodies.sanitize(body, base)[0])


@pytest.mark.skipif(not CORPUS.is_dir(), reason="no benchmark corpus")
def test_content_summary_on_the_corpus() -> None:
    for body, base in corpus_articles():
        content = bodies.sanitize(body, base)[0]
        check_parsed_line(content)
        for length in (1, 30, 200):
            expected = summary.summarize(summary.html_to_text(content), length)
            assert summary.content_summary(content, length) == expected


# ---------------------------------------------------------------------------
# Guards that skip work: each gives what the work itself gives


def inventory_by_reference(html: str) -> list[str]:
    """Every body tokenized, without the cheap byte patterns in front."""
    found = notes._Inventory()
    summary.tokenize(found, html)
    return list(found.notes)


def lazy_images_by_reference(html: str) -> str:
    """Every body parsed for lazy images, without the cheap hint in front."""
    with mock.patch.object(lazyimages, "_LAZY_HINT", re.compile("")):
        return lazyimages.fix_lazy_images(html)


def check_guards(body: str) -> None:
    body = strip_forbidden(body)[0]
    assert list(notes.inventory(body)) == inventory_by_reference(body)
    assert lazyimages.fix_lazy_images(body) == lazy_images_by_reference(body)


LAZY = st.sampled_from(
    ['<img data-src="/a.png">', '<img src="loading.gif" data-original="b.jpg">', "<img srcset=x>",
     '<IMG SRC="spacer.gif" DATA-LAZY-SRC="/c.png">', "<img data-srcset='d.png 2x'>"]
)  # fmt: skip


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(documents() | LAZY, min_size=1, max_size=4).map("".join))
def test_guards_give_what_the_work_gives(body: str) -> None:
    check_guards(body)


def test_guards_on_real_bodies(tmp_path: Path) -> None:
    for body, _ in real_bodies(tmp_path):
        check_guards(body)


URLS = st.tuples(
    st.sampled_from(["http://", "https://", "//", "mailto:", "javascript:", "", "/", "../", "?"]),
    st.text(st.sampled_from("ab/:.[]@%?#&=中 \t\\01-"), max_size=20),
).map("".join)
PROXIED = st.sampled_from(
    ["https://cors.zfour.workers.dev/?http://static.1sapp.com/a.jpg", "/proxy?url=http://a.org/x"]
)


@settings(max_examples=300, deadline=None)
@given(URLS | PROXIED, BASES, st.booleans())
def test_remembered_joins_are_the_joins(ref: str, base: str, unwrap: bool) -> None:
    def by_reference(value: str) -> str | None:
        url = cleaning.safe_link(join_url(base, value))
        return cleaning._unwrapped(url) if unwrap else url

    try:
        expected = by_reference(ref)
    except Exception:
        expected = None
    cleaning._JOINED.clear()
    assert cleaning._join(base, ref, unwrap) == expected
    assert cleaning._join(base, ref, unwrap) == expected  # now from the memo
    if expected is not None and base.startswith(("http://", "https://")):
        # against a page's http(s) URL the memo maps a published URL to itself: so does
        # join_url (against a mailto: base, not: there the memo records nothing)
        assert by_reference(expected) == expected
        assert cleaning._join(base, expected, unwrap) == expected
