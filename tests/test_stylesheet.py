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
from urllib.parse import quote

import lxml.html
import pytest
from lxml import etree

from browser import chromium, run_chromium, serving
from feedcheck import parse_atom, parse_rss, xml_root
from laojia_feed import build
from laojia_feed.model import BuildResult, OutputNames, Site
from laojia_feed.stylesheet import default_stylesheet, href_for

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
