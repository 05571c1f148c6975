"""The shipped XSL stylesheet: announced by our feeds, applied by lxml and by headless Chromium.

Browsers apply XSLT only to documents served over HTTP (not ``file://``), and only to
feeds served as XML (``application/xml``, ``text/xml``: what static hosts send for
``.xml``); Chromium shows ``application/rss+xml`` and ``application/atom+xml`` as plain
text. The Chromium test serves the output folder from a local http.server on 127.0.0.1
with those XML types; it is skipped where no Chromium is installed (Debian:
``apt-get install chromium``).
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import lxml.html
import pytest
from lxml import etree

from browser import chromium, run_chromium, serving
from feedcheck import parse_atom, parse_rss, xml_root
from laojia_feed import build
from laojia_feed.feeds.stylesheet import default_stylesheet, href_for
from laojia_feed.feeds.stylesheet_zone import site_offset_minutes, with_utc_offset
from laojia_feed.model import BuildResult, OutputNames, Site

BASE = "https://blog.example.org/"
TITLES = ("第一篇 & <一>", "Second post", "第三篇")
SUMMARY = "A & B < C > D"


def write_posts(posts: Path) -> None:
    for number, title in enumerate(TITLES, start=1):
        text = (
            f"---\ntitle: '{title}'\ndate: 2021-01-0{number} 10:00:00\ncategories: [生活]\n"
            f"description: '{SUMMARY} {number}'\n---\n正文 {number}\n"
        )
        (posts / f"p{number}.md").write_text(text, encoding="utf-8")


@pytest.fixture
def site_out(tmp_path: Path) -> tuple[Path, BuildResult]:
    posts = tmp_path / "posts"
    posts.mkdir()
    write_posts(posts)
    out = tmp_path / "public"
    site = Site(title="老家", url=BASE, stylesheet="default", category_feeds=True)
    result = build(posts, out, site, now=datetime(2030, 1, 1, tzinfo=UTC))
    assert result.ok, result.all_diagnostics
    return out, result


def transform(feed: bytes) -> lxml.html.HtmlElement:
    xslt = etree.XSLT(etree.fromstring(default_stylesheet()))
    result = xslt(etree.fromstring(feed))
    return lxml.html.document_fromstring(str(result))


def test_the_stylesheet_is_plain_xslt_1_without_scripts_or_external_resources() -> None:
    root = etree.fromstring(default_stylesheet())
    assert root.tag == "{http://www.w3.org/1999/XSL/Transform}stylesheet"
    assert root.get("version") == "1.0"
    text = default_stylesheet().decode("utf-8")
    for banned in ("<script", "<link", "<img", "@import", "url(", "document(", "<iframe"):
        assert banned not in text.lower()


def test_feeds_announce_it_by_a_relative_url(site_out: tuple[Path, BuildResult]) -> None:
    out, result = site_out
    assert (out / "feed.xsl").read_bytes() == default_stylesheet()
    assert "feed.xsl" not in {f.name for f in result.feeds}
    for name, href in (("rss.xml", "feed.xsl"), ("categories/生活/atom.xml", "../../feed.xsl")):
        data = (out / name).read_bytes()
        instruction = xml_root(data).getprevious()
        assert isinstance(instruction, etree._ProcessingInstruction)
        assert instruction.target == "xml-stylesheet"
        assert instruction.get("href") == href and instruction.get("type") == "text/xsl"
    parse_rss((out / "rss.xml").read_bytes())  # still a valid feed for readers
    parse_atom((out / "atom.xml").read_bytes())
    assert b"xml-stylesheet" not in (out / "feed.json").read_bytes()


def test_nothing_is_shipped_when_only_json_is_written(tmp_path: Path) -> None:
    posts = tmp_path / "posts"
    posts.mkdir()
    write_posts(posts)
    out = tmp_path / "public"
    build(posts, out, Site(url=BASE, stylesheet="default", outputs=OutputNames(rss="", atom="")))
    assert sorted(p.name for p in out.iterdir()) == ["feed.json"]


def test_href_setting() -> None:
    assert href_for(None, "rss.xml") is None
    assert href_for("", "rss.xml") is None
    assert href_for("default", "tags/x/rss.xml") == "../../feed.xsl"
    assert href_for("https://cdn.example.org/f.xsl", "tags/x/rss.xml") == (
        "https://cdn.example.org/f.xsl"
    )


def test_a_custom_href_is_announced_as_given_and_nothing_is_shipped(tmp_path: Path) -> None:
    posts = tmp_path / "posts"
    posts.mkdir()
    write_posts(posts)
    out = tmp_path / "public"
    href = "/assets/feed.xsl?v=1&x=2"
    build(posts, out, Site(url=BASE, stylesheet=href))
    assert not (out / "feed.xsl").exists()
    for name in ("rss.xml", "atom.xml"):
        instruction = xml_root((out / name).read_bytes()).getprevious()
        assert isinstance(instruction, etree._ProcessingInstruction)
        # a pseudo-attribute escapes & as in an attribute; readers unescape it
        assert instruction.get("href") == href.replace("&", "&amp;")


@pytest.mark.parametrize("name", ["rss.xml", "atom.xml", "categories/生活/rss.xml"])
def test_lxml_renders_every_item_as_html(site_out: tuple[Path, BuildResult], name: str) -> None:
    out, _result = site_out
    page = transform((out / name).read_bytes())
    headings = [h.text_content() for h in page.iter("h2")]
    assert headings == list(reversed(TITLES))
    links = [a.get("href") for a in page.iter("a")]
    assert all(link.startswith(BASE) for link in links)
    text = page.text_content()
    assert "copy the URL into your reader" in text
    assert BASE + quote(name) in text  # the feed's own URL, to copy
    for number in range(1, len(TITLES) + 1):
        assert f"{SUMMARY} {number}" in text  # escaped once by RSS, shown as written
    assert str(page.xpath("string(//title)")).startswith("老家")
    assert not list(page.iter("script"))


def test_rss_descriptions_are_unescaped_once_and_shown_as_text() -> None:
    # our RSS description holds the plain summary, HTML-escaped: "<b>" is text, not markup
    summary = html.escape("x &lt; y & <b>z</b> &", quote=False)
    feed = f"""<?xml version='1.0' encoding='UTF-8'?>
<rss version="2.0"><channel><title>t</title><link>https://a.example/</link>
<description>d</description><item><title>i</title><link>https://a.example/i</link>
<description>{html.escape(summary, quote=False)}</description></item></channel></rss>"""
    page = transform(feed.encode())
    (shown,) = [p.text_content() for p in page.iter("p") if "&lt; y" in p.text_content()]
    assert shown == "x &lt; y & <b>z</b> &"
    assert not list(page.iter("b"))


def test_only_web_links_become_links() -> None:
    feed = b"""<?xml version='1.0' encoding='UTF-8'?>
<rss version="2.0"><channel><title>t</title><link>javascript:alert(1)</link>
<description>d</description>
<item><title>evil</title><link>javascript:alert(2)</link><description>x</description></item>
</channel></rss>"""
    page = transform(feed)
    assert list(page.iter("a")) == []
    assert "evil" in page.text_content()


@pytest.fixture
def served(site_out: tuple[Path, BuildResult]) -> Iterator[str]:
    out, _result = site_out
    with serving(out) as base:
        yield base


@pytest.mark.skipif(chromium() is None, reason="no Chromium installed (apt-get install chromium)")
@pytest.mark.parametrize("name", ["rss.xml", "atom.xml", "categories/生活/rss.xml"])
def test_headless_chromium_shows_a_readable_page(served: str, tmp_path: Path, name: str) -> None:
    dom = run_chromium(tmp_path / "profile", "--dump-dom", served + quote(name))
    page: lxml.html.HtmlElement = lxml.html.document_fromstring(dom)
    assert [h.text_content() for h in page.iter("h2")] == list(reversed(TITLES))
    assert "copy the URL into your reader" in page.text_content()
    dates = [str(p.text_content()).strip() for p in page.find_class("date")]
    assert dates == ["2021年1月3日", "2021年1月2日", "2021年1月1日"]


# --- local dates -----------------------------------------------------------------------


def one_item(date: str, language: str, atom: bool) -> bytes:
    if atom:
        return (
            f"<feed xmlns='http://www.w3.org/2005/Atom' xml:lang='{language}'><title>t</title>"
            f"<entry><title>i</title><published>{date}</published></entry></feed>"
        ).encode()
    return (
        "<rss version='2.0'><channel><title>t</title><link>https://a.example/</link>"
        f"<language>{language}</language><description>d</description><item><title>i</title>"
        f"<pubDate>{date}</pubDate></item></channel></rss>"
    ).encode()


def shown_date(feed: bytes, xsl: bytes | None = None, offset: str | None = None) -> str:
    xslt = etree.XSLT(etree.fromstring(xsl or default_stylesheet()))
    params: dict[str, Any] = {} if offset is None else {"utc-offset": offset}
    page = lxml.html.document_fromstring(str(xslt(etree.fromstring(feed), **params)))
    (date,) = [p for p in page.iter("p") if p.get("class") == "date"]
    return "".join(str(t) for t in date.itertext()).strip()


@pytest.mark.parametrize(
    ("date", "language", "atom", "as_written", "at_utc_8"),
    [
        ("Thu, 09 Dec 2021 03:10:27 GMT", "zh-CN", False, "2021年12月9日", "2021年12月9日"),
        ("Wed, 08 Dec 2021 19:10:27 GMT", "zh-CN", False, "2021年12月8日", "2021年12月9日"),
        ("Thu, 09 Dec 2021 03:10:27 +0800", "en", False, "9 December 2021", "9 December 2021"),
        ("31 Dec 2021 23:00:00 -0500", "ZH-tw", False, "2021年12月31日", "2022年1月1日"),
        ("Sat, 28 Feb 2004 20:00:00 GMT", "ja", False, "2004年2月28日", "2004年2月29日"),
        ("2021-12-09T03:10:27+08:00", "zh-CN", True, "2021年12月9日", "2021年12月9日"),
        ("2021-12-08T19:10:27Z", "en-GB", True, "8 December 2021", "9 December 2021"),
        ("2021-12-08T19:10:27.250+00:00", "fr", True, "8 December 2021", "9 December 2021"),
        ("2021-01-01T00:30:00+09:00", "zh", True, "2021年1月1日", "2020年12月31日"),
        ("Thu, 09 Dec 2021 03:10:27 EST", "zh", False, "2021年12月9日", "2021年12月9日"),
        ("not a date", "zh-CN", False, "not a date", "not a date"),
        ("09 Foo 2021 03:10:27 GMT", "en", False, "09 Foo 2021 03:10:27 GMT", None),
    ],
)
def test_dates_are_written_the_local_way(
    date: str, language: str, atom: bool, as_written: str, at_utc_8: str | None
) -> None:
    feed = one_item(date, language, atom)
    assert shown_date(feed) == as_written
    assert shown_date(feed, offset="480") == (at_utc_8 or as_written)
    baked = with_utc_offset(default_stylesheet(), 480)
    assert shown_date(feed, baked) == (at_utc_8 or as_written)
    assert with_utc_offset(baked, None) == default_stylesheet()


def test_the_site_offset_is_taken_at_a_given_moment() -> None:
    winter, summer = datetime(2021, 1, 1, tzinfo=UTC), datetime(2021, 7, 1, tzinfo=UTC)
    assert site_offset_minutes("Asia/Shanghai", winter) == 480
    assert site_offset_minutes("Europe/London", winter) == 0
    assert site_offset_minutes("Europe/London", summer) == 60
    assert site_offset_minutes("America/St_Johns", winter) == -210
    assert site_offset_minutes("Mars/Olympus", winter) is None
    assert b'select="-210"' in with_utc_offset(default_stylesheet(), -210)
