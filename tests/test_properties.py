"""Property tests over the whole loader and build: random front matter, bytes and HTML.

Whatever a post holds, no exception escapes ``load_articles`` or ``build``, the good
neighbour is still published, and all three feeds stay valid (strict XML, feedparser
bozo false, JSON Feed schema, strict UTF-8 with no lone surrogate or forbidden
character). Whole builds keep ``max_examples`` modest so the suite stays fast.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import lxml.html
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import laojia_feed
from hostile import GOOD, NOW, REPRS, SITE, Built, build_checked, make_posts
from laojia_feed.model import Article, FieldError
from laojia_feed.read import article as fields

#: Whole builds: a few dozen milliseconds each.
BUILDS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
#: Loader-only and field-only properties: cheaper, so more examples.
CHEAP = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: Every key the field table reads, plus theme keys, so random values hit every parser.
KEYS = sorted({*fields.KNOWN_KEYS, "comments", "layout", "toc", "sticky"})

#: Text with the characters that break things: controls, surrogates, U+FFFE, markup, RTL.
NASTY_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(codec=None),
        st.sampled_from(["\x00", "\x07", "\x0b", "\ud83d", "\udc00", "\ufffe", "\u202e", "<", "&"]),
    ),
    max_size=40,
)

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    NASTY_TEXT,
    st.sampled_from(
        [
            "2021-12-09 11:10:27",
            "Thu, 09 Dec 2021 03:10:27 GMT",
            "Mon, 09 Dec 2021 03:10:27 GMT",
            "2021-02-30",
            "9999-12-31T23:59:59-12:00",
            "1800-01-01T00:00:00+14:00",
            "1639019427",
            "../../etc/passwd",
            "javascript:alert(1)",
            "https://img.example.org/a.jpg",
            "http://127.0.0.1/a.jpg",
            "https://cors.example.net/?http://10.0.0.1/a.jpg",
            "<script>alert(1)</script>",
            "&lt;b&gt;x&lt;/b&gt;",
            "yes",
            "maybe",
        ]
    ),
)

JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(NASTY_TEXT, inner, max_size=4)
    ),
    max_leaves=12,
)

FRONT_MATTER = st.dictionaries(st.sampled_from(KEYS) | NASTY_TEXT, JSON_VALUES, max_size=8)

#: Pieces of YAML syntax glued at random: anchors, aliases, tags, flow and block styles.
YAML_PIECES = st.sampled_from(
    [
        "title: ", "date: ", "categories: ", "tags: ", "author: ", "thumbnail: ", "draft: ",
        "slug: ", "permalink: ", "id: ", "updated: ", "x: ", "- ", "  ", "\n", "\n  - ",
        "[", "]", "{", "}", ",", ":", "&a ", "*a", "&b ", "*b", "!!str ", "!!python/name:os.system",
        "!!binary ", "!!timestamp ", "!!set ", "? ", "|\n  ", ">\n  ", "'", '"', "\\u", "\\x07",
        "#", "%YAML 1.1\n", "---", "...", "~", "null", "yes", "no", "1.10", "0x1F", "10:00",
        "2021-12-09", "2021-12-09 11:10:27", "<b>", "&amp;", "\t", "\r", "\x85", "\u2028",
        "老家", "😀",
    ]
)  # fmt: skip

YAML_TEXT = st.lists(YAML_PIECES | NASTY_TEXT, max_size=30).map("".join)

#: Pieces of HTML that sanitizers and serializers trip on.
HTML_PIECES = st.sampled_from(
    [
        "<p>", "</p>", "<div>", "</div>", "<script>", "</script>", "<style>", "</style>",
        "<svg>", "</svg>", "<math>", "<mtext>", "<mglyph>", "<table>", "<noscript>", "<template>",
        "<iframe srcdoc='<script>x</script>'>", "<img src=x onerror=alert(1)>",
        "<a href='javascript:alert(1)'>", "<a href='jav&#x09;ascript:x'>", "</a>", "<a href='x'>",
        "<img srcset='javascript:x 1x'>", "<base href='//evil.example/'>", "<!--", "-->",
        "<!-- more -->", "<![CDATA[", "]]>", "<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>",
        "&e;", "&#0;", "&#x1;", "&#xD800;", "&#xFFFE;", "&amp;", "&", "<", ">", "\"", "'",
        "```\n", "`", "*", "_", "# ", "\n\n", "    ", "| a | b |\n| - | - |\n", "[x](", ")",
        "![i](", "<pre>", "</pre>", "<code>", "text ", "文字", "😀", "\x00", "\x0c", "\ud83d",
    ]
)  # fmt: skip

HTML_TEXT = st.lists(HTML_PIECES | NASTY_TEXT, max_size=60).map("".join)


@contextmanager
def scratch() -> Iterator[Path]:
    """A fresh folder per example (pytest's tmp_path is per test, not per example)."""
    with tempfile.TemporaryDirectory(prefix="laojia-prop-") as name:
        yield Path(name)


def build_one(relpath: str, data: bytes) -> Built:
    """Build a folder holding ``data`` at ``relpath`` beside the good neighbour; check it."""
    with scratch() as root:
        posts = make_posts(root, {relpath: data})
        return build_checked(posts, root / "out")


def hexo_json(meta: Mapping[str, Any], body: str = "Body.\n") -> bytes:
    """Hexo JSON front matter; lone surrogates become ``\\udXXX`` escapes, as JSON writes them."""
    text = json.dumps(meta, ensure_ascii=True, allow_nan=True)
    return f"{text}\n;;;\n{body}".encode("utf-8", "surrogatepass")


def _strings(value: object) -> Iterator[str]:
    """Every string in front-matter data (keys included)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def assert_article_clean(article: Article, meta: object = None) -> None:
    """No Python repr the author did not type, no markup in plain-text fields, safe URLs."""
    typed = "\n".join(_strings(meta))
    names = [a.name for a in article.authors]
    for text in (article.title, *article.categories, *article.tags, *names, article.summary or ""):
        for marker in REPRS:
            assert marker not in text or marker in typed, (marker, text)
        assert not re.search(r"<[A-Za-z!/?]", text), text
    assert article.url.startswith(SITE.url)
    if article.image is not None:
        assert article.image.startswith(("https://", "http://"))


# --- whole builds ----------------------------------------------------------------------------


@BUILDS
@given(meta=FRONT_MATTER, body=NASTY_TEXT)
def test_random_json_front_matter_never_breaks_a_build(meta: dict[str, Any], body: str) -> None:
    built = build_one("random.md", hexo_json(meta, body))
    article = built.article("random.md")
    if article is not None:
        assert_article_clean(article, meta)


@BUILDS
@given(front=YAML_TEXT)
def test_random_yaml_front_matter_never_breaks_a_build(front: str) -> None:
    data = f"---\ntitle: base\ndate: 2021-12-09\n{front}\n---\nbody\n".encode(
        "utf-8", "surrogatepass"
    )
    built = build_one("random.md", data)
    article = built.article("random.md")
    if article is not None:
        assert_article_clean(article, front)


@BUILDS
@given(data=st.binary(max_size=600))
def test_random_bytes_never_break_a_build(data: bytes) -> None:
    build_one("random.md", data)


@BUILDS
@given(
    prefix=st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"---\n", b"+++\n"]),
    data=st.binary(max_size=300),
)
def test_random_bytes_after_a_marker_never_break_a_build(prefix: bytes, data: bytes) -> None:
    build_one("random.md", prefix + data)


@BUILDS
@given(body=HTML_TEXT, suffix=st.sampled_from([".html", ".md"]))
def test_random_html_bodies_give_safe_valid_feeds(body: str, suffix: str) -> None:
    data = f"---\ntitle: html\ndate: 2021-12-09\n---\n{body}".encode("utf-8", "surrogatepass")
    built = build_one("random" + suffix, data)
    article = built.article("random" + suffix)
    if article is None:  # e.g. a body that decodes as binary (NUL bytes)
        return
    content = built.json_item("random" + suffix).get("content_html", "")
    assert "root:" not in built.text()
    if content.strip():
        root = lxml.html.fragment_fromstring(content, create_parent="div")
        for element in root.iter():
            if not isinstance(element.tag, str):
                continue
            assert element.tag not in {"script", "iframe", "base", "style", "svg", "math"}
            for name, value in element.attrib.items():
                assert not name.lower().startswith("on"), (name, value)
                squeezed = "".join(c for c in value if c > " ").lower()
                assert not squeezed.startswith(("javascript:", "vbscript:")), (name, value)


# --- the loader alone ------------------------------------------------------------------------


@CHEAP
@given(data=st.binary(max_size=400), name=st.sampled_from(["a.md", "b.html", "c.markdown"]))
def test_loader_never_raises_on_bytes(data: bytes, name: str) -> None:
    with scratch() as root:
        posts = make_posts(root, {name: data})
        result = laojia_feed.load_articles(posts, SITE, now=NOW)
    assert GOOD in {a.source_path for a in result.articles}
    assert len({a.id for a in result.articles}) == len(result.articles)
    for diagnostic in result.diagnostics:
        assert diagnostic.path.startswith(str(posts) + "/")


TZ: tzinfo = ZoneInfo("Asia/Shanghai")
CTX = fields.Context(site=SITE, tz=TZ, relpath="post.md")


@CHEAP
@given(meta=st.dictionaries(st.sampled_from(KEYS), JSON_VALUES, max_size=10))
def test_fields_never_raise_and_articles_are_clean(meta: dict[str, Any]) -> None:
    """Straight into the field table: errors are diagnostics, never exceptions."""
    parsed = fields.parse_fields(meta, CTX, "posts/post.md")
    for diagnostic in parsed.diagnostics:
        assert diagnostic.path == "posts/post.md"
        assert diagnostic.field in meta or diagnostic.field in fields.FIELDS
    if parsed.failed or fields.exclusion(parsed.values) is not None:
        return
    article = fields.make_article(parsed.values, meta, "body", "post.md", SITE, TZ)
    assert_article_clean(article, meta)
    assert article.published.utcoffset() is not None
    assert article.updated >= article.published
    assert article.published.astimezone(UTC) <= datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)


@CHEAP
@given(raw=JSON_VALUES)
def test_every_field_parser_raises_only_field_errors(raw: object) -> None:
    warnings: list[str] = []
    for spec in fields.FIELDS.values():
        try:
            spec.parse(raw, CTX, warnings.append)
        except FieldError as problem:
            assert str(problem)
    for message in warnings:
        assert isinstance(message, str) and message
